// The smoke of `make containers-check` (scripts/containers-check.sh), through the gateway container:
// demo login for two users, a direct conversation, one message each way over two /ws/chat sockets
// relayed by the gateway to ws-service, a seat held and confirmed, metrics-service's view of the
// fleet. The paths are k6's (k6/lib/config.js), so this and the load tests call the same API.
// Usage: node --experimental-websocket scripts/containers-smoke.mjs <gateway base URL> <metrics-service base URL>
// Node 20 has WebSocket behind that flag (unflagged from 22). Prints one line per step; exit 1 on a failure.
globalThis.__ENV = {};
const { PATHS } = await import(new URL('../k6/lib/config.js', import.meta.url));

const [base, metricsBase] = process.argv.slice(2);
const wsBase = base.replace(/^http/, 'ws');
const WAIT_MS = 30_000;
const started = Date.now();

function step(name) { console.log(`smoke: ${name} (${Date.now() - started} ms)`); }

async function call(method, path, token, body, ...expected) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  if (!expected.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

const login = async (user) => (await call('POST', PATHS.devLogin, null, { user }, 200)).token;

// A socket whose frames are kept, with a wait for the first frame that matches.
function connect(token, device) {
  const ws = new WebSocket(`${wsBase}${PATHS.wsChat}?token=${encodeURIComponent(token)}&device=${device}`);
  const frames = [];
  const waiters = [];
  ws.onmessage = (e) => {
    const f = JSON.parse(e.data);
    frames.push(f);
    for (const w of [...waiters]) if (w.match(f)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(f); }
  };
  const opened = new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error(`${device}: socket error`)); });
  return {
    opened,
    send: (frame) => ws.send(JSON.stringify(frame)),
    close: () => ws.close(),
    await(match, what) {
      const seen = frames.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { match, resolve };
        waiters.push(w);
        setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error(`${device}: no ${what} within ${WAIT_MS} ms`)); }, WAIT_MS);
      });
    },
  };
}

const suffix = Date.now().toString(36);
const [ann, ben] = [`smoke-ann-${suffix}`, `smoke-ben-${suffix}`];
const sockets = [];
try {
  const [annToken, benToken] = [await login(ann), await login(ben)];
  step(`dev-login ${ann}, ${ben}`);
  const conv = (await call('POST', PATHS.conversations, annToken, { kind: 'direct', members: [ann, ben] }, 200, 201)).id;
  step(`conversation ${conv}`);

  const a = connect(annToken, 'smoke-a');
  const b = connect(benToken, 'smoke-b');
  sockets.push(a, b);
  await Promise.all([a.opened, b.opened]);
  await a.await((f) => f.type === 'welcome', 'welcome');
  await b.await((f) => f.type === 'welcome', 'welcome');
  step('two sockets through the gateway relay, welcome on both');

  // The first send may be answered before the pipeline is warm ("accepted" without seq): retried
  // with a new cmid until one is sequenced, as the system tests do.
  let id = null;
  for (let i = 0; id === null && Date.now() - started < 4 * WAIT_MS; i++) {
    const cmid = `smoke-${i}`;
    a.send({ type: 'send', cmid, conv, body: 'hello from ann' });
    const ack = await a.await((f) => f.type === 'ack' && f.cmid === cmid, `ack of ${cmid}`);
    if (ack.status === 'sequenced') id = ack.id;
  }
  if (id === null) throw new Error('no send was sequenced');
  await b.await((f) => f.type === 'msg' && f.message.id === id, 'the message from ann');
  b.send({ type: 'send', cmid: 'smoke-reply', conv, body: 'hi ann' });
  const reply = await a.await((f) => f.type === 'msg' && f.message.clientMsgId === 'smoke-reply', 'the reply from ben');
  if (reply.message.senderId !== ben) throw new Error(`reply sender ${reply.message.senderId}`);
  step('ann -> ben and ben -> ann delivered');

  const deadline = new Date(Date.now() + 600_000).toISOString();
  const cohort = (await call('POST', PATHS.cohorts, annToken, { title: 'smoke', seats: 1, deadline }, 201)).id;
  const hold = (await call('POST', PATHS.holds(cohort), benToken, {}, 201)).hold.holdId;
  const confirmed = await call('POST', PATHS.confirm(cohort, hold), benToken, null, 200);
  if (confirmed.state !== 'confirmed') throw new Error(`confirm answered ${JSON.stringify(confirmed)}`);
  step(`cohort ${cohort}: seat held and confirmed`);

  // metrics-service scrapes on its own interval: wait until it has seen every service.
  let services = [];
  for (const until = Date.now() + 2 * WAIT_MS; Date.now() < until; await new Promise((r) => setTimeout(r, 2000))) {
    const res = await fetch(`${metricsBase}/api/services`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`GET /api/services: ${res.status}`);
    services = await res.json();
    if (services.length >= 6 && services.every((s) => s.reachable)) break;
  }
  console.log(JSON.stringify(services.map((s) => ({ service: s.service, reachable: s.reachable }))));
  if (services.length < 6 || !services.every((s) => s.reachable)) throw new Error('metrics-service does not reach every service');
  step('metrics-service /api/services: all six reachable');
  console.log('smoke: PASSED');
} catch (e) {
  console.log(`smoke: FAILED: ${e.message}`);
  process.exitCode = 1;
} finally {
  sockets.forEach((s) => s.close());
}
