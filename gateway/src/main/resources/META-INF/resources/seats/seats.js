// Seat page: countdown against server time (corrected for clock skew), seat grid, hold/confirm,
// queue position. Everything through the gateway with a bearer token (dev login): REST under
// /api/cohorts, live updates over its WebSocket relay. No external code.
(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  let cohort = params.get('cohort') || '';
  let user = params.get('user') || localStorage.getItem('parley.user') || '';
  let skewMs = 0;          // serverTime - clientTime, from the last snapshot
  let deadlineMs = 0, pausedAtMs = null, state = '';
  let myHold = null, socket = null, gridTimer = null, token = null;

  $('cohort').value = cohort;
  $('user').value = user;

  const login = async () => {
    const r = await fetch('/api/auth/dev-login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user }) });
    const json = await r.json().catch(() => ({}));
    if (r.status !== 200) throw new Error(json.detail || `login refused (${r.status})`);
    token = json.token;
  };

  const api = async (method, path, body) => {
    const headers = { 'Authorization': 'Bearer ' + token, 'Idempotency-Key': crypto.randomUUID ? crypto.randomUUID() : String(Math.random()) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch('/api' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await r.json().catch(() => ({}));
    return { status: r.status, json };
  };

  const say = (text) => { $('message').textContent = text || ''; };

  const applyStatus = (v) => {
    skewMs = v.serverTimeMs - Date.now();
    deadlineMs = v.deadlineMs; pausedAtMs = v.pausedAtMs || null; state = v.state;
    $('title').textContent = v.title;
    $('state').textContent = v.state;
    $('free').textContent = v.free; $('held').textContent = v.held;
    $('confirmed').textContent = v.confirmed; $('queued').textContent = v.queued;
    $('skew').textContent = 'server clock ' + (skewMs >= 0 ? '+' : '') + skewMs + ' ms';
  };

  const pad = (n, w) => String(n).padStart(w, '0');
  const tick = () => {
    const now = pausedAtMs || (Date.now() + skewMs);
    let left = Math.max(0, deadlineMs - now);
    const h = Math.floor(left / 3600000); left -= h * 3600000;
    const m = Math.floor(left / 60000); left -= m * 60000;
    const s = Math.floor(left / 1000); const ms = left - s * 1000;
    $('countdown').textContent = `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(ms, 3)}`;
    requestAnimationFrame(tick);
  };

  const showMine = () => {
    // One hold or seat per user and cohort: while there is one, there is nothing more to hold.
    $('hold').disabled = !!myHold;
    $('confirm').disabled = !(myHold && myHold.state === 'held');
    $('release').disabled = !myHold;
    $('mine').textContent = myHold ? `your seat ${myHold.label || myHold.seat} (${myHold.state})` : '';
  };

  const loadMe = async () => {
    const r = await api('GET', `/cohorts/${cohort}/me`);
    if (r.status !== 200) { say(r.json.detail || 'cannot load cohort'); return; }
    applyStatus(r.json.cohort);
    myHold = r.json.hold || null;
    if (r.json.queuePosition) say(`you are number ${r.json.queuePosition} in the waiting room`);
    showMine();
  };

  const loadGrid = async () => {
    const r = await api('GET', `/cohorts/${cohort}/seats`);
    if (r.status !== 200) return;
    const grid = $('grid');
    grid.replaceChildren(...r.json.seats.map((c) => {
      const d = document.createElement('div');
      const mine = myHold && myHold.seat === c.seat;
      d.className = 'seat ' + (mine ? 'mine' : c.state);
      d.textContent = c.label;
      d.title = `seat ${c.label}: ${mine ? 'yours' : c.state}`;
      if (c.state === 'free' && !myHold) d.onclick = () => hold(c.seat);
      return d;
    }));
  };
  const refreshGridSoon = () => { clearTimeout(gridTimer); gridTimer = setTimeout(loadGrid, 150); };

  const hold = async (seat) => {
    const r = await api('POST', `/cohorts/${cohort}/holds`, seat === undefined ? {} : { seat });
    if (r.status === 201) { myHold = r.json.hold; say(''); }
    else if (r.status === 202) say(`all seats are held: you are number ${r.json.position} in the waiting room`);
    else say(r.json.detail || `error ${r.status}`);
    showMine(); refreshGridSoon();
  };

  $('hold').onclick = () => hold();
  $('confirm').onclick = async () => {
    const r = await api('POST', `/cohorts/${cohort}/holds/${myHold.holdId}/confirm`);
    if (r.status === 200) { myHold = r.json; say('booked'); } else say(r.json.detail || `error ${r.status}`);
    showMine(); refreshGridSoon();
  };
  $('release').onclick = async () => {
    const r = await api('POST', `/cohorts/${cohort}/holds/${myHold.holdId}/release`);
    if (r.status === 200) { myHold = null; say('released'); } else say(r.json.detail || `error ${r.status}`);
    showMine(); refreshGridSoon();
  };

  const connect = (lastEventId) => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const q = new URLSearchParams({ token });
    if (lastEventId) q.set('lastEventId', lastEventId);
    socket = new WebSocket(`${proto}://${location.host}/api/cohorts/${cohort}/live?${q}`);
    let last = lastEventId;
    socket.onmessage = (m) => {
      const f = JSON.parse(m.data);
      if (f.id) last = f.id;
      if (f.event === 'status') applyStatus(f.data);
      else if (f.event === 'position') { if (f.data.position > 0) say(`you are number ${f.data.position} in the waiting room`); }
      else if (f.event === 'resync') { loadMe(); loadGrid(); }
      else {
        if (f.data && f.data.userId === user) loadMe();
        if (f.data && f.data.deadlineMs) deadlineMs = f.data.deadlineMs;
        refreshGridSoon();
      }
    };
    socket.onclose = () => setTimeout(() => connect(last), 1000);
  };

  $('pick').onsubmit = async (e) => {
    e.preventDefault();
    cohort = $('cohort').value.trim(); user = $('user').value.trim();
    localStorage.setItem('parley.user', user);
    history.replaceState(null, '', `?cohort=${encodeURIComponent(cohort)}&user=${encodeURIComponent(user)}`);
    try { await login(); } catch (err) { say(err.message); return; }
    $('main').hidden = false;
    loadMe().then(loadGrid);
    if (socket) { socket.onclose = null; socket.close(); }
    connect();
  };

  requestAnimationFrame(tick);
  if (cohort && user) $('pick').requestSubmit();
})();
