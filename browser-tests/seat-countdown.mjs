// Seat page through the gateway (make run): two users open one cohort; the countdown runs on
// server time, a hold and a booking by one user show up live on the other's page (over the
// gateway's WebSocket relay), and an extension by the owner moves both countdowns.
//   node seat-countdown.mjs [gatewayUrl] [screenshotDir]   (scripts/browser-checks.sh runs it)
// Browser: Debian chromium (never a downloaded one).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const base = process.argv[2] || 'http://127.0.0.1:8080';
const outDir = process.argv[3] || new URL('target', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const run = Date.now().toString(36);
const owner = 'owner-' + run;
const timeout = 20000;

async function login(user) {
  const r = await fetch(base + '/api/auth/dev-login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user }),
  });
  if (r.status !== 200) throw new Error(`dev login of ${user}: ${r.status}`);
  return (await r.json()).token;
}

const ownerToken = await login(owner);

async function rest(method, path, body) {
  const r = await fetch(base + '/api' + path, {
    method,
    headers: { Authorization: 'Bearer ' + ownerToken, 'Content-Type': 'application/json', 'Idempotency-Key': `${run}-${path}-${method}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => ({}));
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** The countdown as milliseconds left. */
async function left(page) {
  const text = await page.textContent('#countdown');
  const m = /^(\d\d):(\d\d):(\d\d)\.(\d\d\d)$/.exec(text.trim());
  if (!m) throw new Error('countdown not running: ' + text);
  return ((+m[1] * 60 + +m[2]) * 60 + +m[3]) * 1000 + +m[4];
}

const cohort = await rest('POST', '/cohorts', {
  title: 'Browser check ' + run,
  seats: 3,
  deadline: new Date(Date.now() + 10 * 60_000).toISOString(),
});
const id = cohort.id || cohort.cohortId;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let failed = false;
try {
  const open = async (user) => {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${base}/seats/?cohort=${encodeURIComponent(id)}&user=${encodeURIComponent(user)}`);
    await page.waitForSelector('#main:not([hidden])', { timeout });
    await page.waitForFunction(() => document.querySelector('#free').textContent === '3', null, { timeout });
    return page;
  };
  const ann = await open('ann-' + run);
  const ben = await open('ben-' + run);

  const first = await left(ann);
  await ann.waitForTimeout(400);
  const second = await left(ann);
  if (!(first > 9 * 60_000 && first <= 10 * 60_000)) throw new Error(`countdown ${first} ms, expected about 10 min`);
  if (!(second < first)) throw new Error(`countdown does not run: ${first} then ${second}`);

  await ann.click('#hold');
  await ann.waitForFunction(() => document.querySelector('#mine').textContent.includes('held'), null, { timeout });
  await ben.waitForFunction(() => document.querySelector('#held').textContent === '1', null, { timeout });
  await ann.click('#confirm');
  await ann.waitForFunction(() => document.querySelector('#message').textContent === 'booked', null, { timeout });
  if (!(await ann.isDisabled('#hold'))) throw new Error('"Hold a seat" is still offered to a user who has a seat');
  await ben.waitForFunction(() => document.querySelector('#confirmed').textContent === '1'
      && document.querySelector('#free').textContent === '2', null, { timeout });

  await rest('POST', `/cohorts/${id}/extend`, { extendByMs: 10 * 60_000 });
  await ben.waitForFunction(() => /^00:(19|20):/.test(document.querySelector('#countdown').textContent), null, { timeout });

  await ann.screenshot({ path: join(outDir, 'seats-ann.png'), fullPage: true });
  await ben.screenshot({ path: join(outDir, 'seats-ben.png'), fullPage: true });
  console.log(`ok: cohort ${id}: countdown runs (${first} → ${second} ms), hold and booking seen live, extension moved the countdown`);
} catch (e) {
  failed = true;
  console.error('FAILED:', e.message);
  for (const [i, ctx] of browser.contexts().entries()) {
    for (const p of ctx.pages()) await p.screenshot({ path: join(outDir, `seats-failure-${i}.png`), fullPage: true }).catch(() => {});
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
