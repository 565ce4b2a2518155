// Parley console: REST through the gateway, live chat over the WebSocket of the pod the gateway
// routes this user to (protocol: docs/protocol.md). No framework, no external files.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  token: null, user: null, ws: null, device: null, retry: 0, timer: null,
  convs: [],                 // Conversation records from the API
  current: null,             // open conversation id
  msgs: new Map(),           // conv -> Map(id -> message)
  lastSeq: new Map(),        // conv -> highest contiguous seq held
  reads: new Map(),          // conv -> Map(user -> read seq)
  unread: {},                // conv -> n
  pending: new Map(),        // cmid -> {conv, body}
  typingTimers: new Map(),   // conv -> timeout id of my own typing "stop"
  typingShown: new Map(),    // "conv/user" -> timeout id
};

function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
}

async function api(path, options = {}) {
  const headers = { 'Accept': 'application/json', ...(options.headers || {}) };
  if (state.token) headers['Authorization'] = 'Bearer ' + state.token;
  if (options.body) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { ...options, headers });
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = new Error((body && (body.detail || body.title)) || ('HTTP ' + res.status));
    err.status = res.status;
    throw err;
  }
  return body;
}

// ---- login ---------------------------------------------------------------------------------
$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const user = $('login-user').value.trim();
  $('login-error').hidden = true;
  try {
    const login = await api('/api/auth/dev-login', { method: 'POST', body: JSON.stringify({ user }) });
    state.token = login.token;
    state.user = login.user;
    state.device = 'web-' + newId().slice(0, 8);
    $('who').textContent = state.user;
    $('login').hidden = true;
    $('app').hidden = false;
  } catch (err) {
    $('login-error').textContent = 'Login failed: ' + err.message;
    $('login-error').hidden = false;
    return;
  }
  connect();
  try {
    await loadConversations();
  } catch (err) {
    showError(new Error('Conversations unavailable: ' + err.message));
  }
});

// ---- conversations -------------------------------------------------------------------------
async function loadConversations() {
  state.convs = await api('/api/conversations');
  try { state.unread = await api('/api/conversations/unread'); } catch (e) { /* the socket will tell */ }
  renderConversations();
}

function convName(c) {
  if (c.title) return c.title;
  const others = c.members.filter((m) => m !== state.user);
  return others.length ? others.join(', ') : c.id;
}

function renderConversations() {
  const ul = $('conversations');
  ul.replaceChildren();
  for (const c of state.convs) {
    const li = document.createElement('li');
    li.dataset.conv = c.id;
    li.className = c.id === state.current ? 'active' : '';
    const name = document.createElement('span');
    name.textContent = convName(c);
    const badge = document.createElement('span');
    badge.className = 'badge';
    const n = state.unread[c.id] || 0;
    badge.textContent = n > 0 && c.id !== state.current ? String(n) : '';
    li.append(name, badge);
    li.addEventListener('click', () => openConversation(c.id));
    ul.append(li);
  }
}

$('refresh').addEventListener('click', () => loadConversations().catch(showError));

$('create-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('create-error').hidden = true;
  const others = $('create-members').value.split(',').map((s) => s.trim()).filter(Boolean);
  const members = Array.from(new Set([state.user, ...others]));
  const title = $('create-title').value.trim();
  const body = { kind: members.length === 2 && !title ? 'direct' : 'group', members };
  if (title) body.title = title;
  try {
    const conv = await api('/api/conversations', { method: 'POST', body: JSON.stringify(body) });
    $('create-members').value = '';
    $('create-title').value = '';
    await loadConversations();
    openConversation(conv.id);
  } catch (err) {
    $('create-error').textContent = err.message;
    $('create-error').hidden = false;
  }
});

async function openConversation(id) {
  state.current = id;
  const c = state.convs.find((x) => x.id === id);
  $('chat-title').textContent = c ? convName(c) : id;
  $('send-form').hidden = false;
  renderConversations();
  if (!state.msgs.has(id)) {
    state.msgs.set(id, new Map());
    await loadHistory(id, null);
  }
  renderMessages();
  markRead(id);
}

async function loadHistory(conv, afterSeq) {
  let after = afterSeq;
  // page forward until the API has nothing more (bounded: 20 pages)
  for (let i = 0; i < 20; i++) {
    const q = after == null ? '?limit=100' : '?limit=100&afterSeq=' + after;
    const page = await api('/api/conversations/' + encodeURIComponent(conv) + '/messages' + q);
    page.messages.forEach((m) => addMessage(m));
    if (!page.hasMore || page.messages.length === 0 || after == null) break;
    after = page.messages[page.messages.length - 1].seq;
  }
}

// ---- messages ------------------------------------------------------------------------------
function addMessage(m) {
  const conv = m.conversationId;
  if (!state.msgs.has(conv)) state.msgs.set(conv, new Map());
  const map = state.msgs.get(conv);
  if (map.has(m.id)) return false;          // a reconnect may show a message twice: same id
  for (const [k, v] of map) {               // my optimistic copy is replaced by the real one
    if (v.pending && v.clientMsgId === m.clientMsgId && m.senderId === state.user) map.delete(k);
  }
  map.set(m.id, m);
  let last = state.lastSeq.get(conv) || 0;
  const seqs = new Set(Array.from(map.values()).map((x) => x.seq));
  while (seqs.has(last + 1)) last++;
  state.lastSeq.set(conv, last);
  return true;
}

function renderMessages() {
  const ol = $('messages');
  ol.replaceChildren();
  const conv = state.current;
  if (!conv) return;
  const list = Array.from((state.msgs.get(conv) || new Map()).values())
    .sort((a, b) => (a.seq || Infinity) - (b.seq || Infinity) || a.sentAt - b.sentAt);
  const reads = state.reads.get(conv) || new Map();
  const othersRead = Math.max(0, ...Array.from(reads).filter(([u]) => u !== state.user).map(([, s]) => s));
  for (const m of list) {
    const li = document.createElement('li');
    li.className = m.senderId === state.user ? 'mine' : '';
    li.dataset.seq = m.seq || '';
    const meta = document.createElement('span');
    meta.className = 'meta';
    const time = m.sentAt ? new Date(m.sentAt).toLocaleTimeString() : '';
    meta.textContent = m.senderId + ' · ' + time + (m.pending ? ' · sending…' : '');
    if (m.senderId === state.user && m.seq && m.seq <= othersRead) {
      const r = document.createElement('span');
      r.className = 'receipt';
      r.textContent = ' · ✓ read';
      meta.append(r);
    }
    const body = document.createElement('span');
    body.className = 'body';
    body.textContent = m.body;
    li.append(meta, body);
    ol.append(li);
  }
  ol.scrollTop = ol.scrollHeight;
}

function markRead(conv) {
  const seq = state.lastSeq.get(conv) || 0;
  if (seq > 0 && document.visibilityState === 'visible') send({ type: 'read', conv, seq });
  state.unread[conv] = 0;
  renderConversations();
}

$('send-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $('send-body');
  const body = input.value.trim();
  if (!body || !state.current) return;
  input.value = '';
  const cmid = newId();
  const conv = state.current;
  state.pending.set(cmid, { conv, body });
  state.msgs.get(conv).set('pending:' + cmid,
    { id: 'pending:' + cmid, conversationId: conv, seq: 0, senderId: state.user, clientMsgId: cmid, body, sentAt: Date.now(), pending: true });
  renderMessages();
  send({ type: 'send', cmid, conv, body });
  stopTyping(conv);
});

$('send-body').addEventListener('input', () => {
  const conv = state.current;
  if (!conv) return;
  if (!state.typingTimers.has(conv)) send({ type: 'typing', conv, state: 'start' });
  clearTimeout(state.typingTimers.get(conv));
  state.typingTimers.set(conv, setTimeout(() => stopTyping(conv), 3000));
});

function stopTyping(conv) {
  if (!state.typingTimers.has(conv)) return;
  clearTimeout(state.typingTimers.get(conv));
  state.typingTimers.delete(conv);
  send({ type: 'typing', conv, state: 'stop' });
}

function renderTyping() {
  const conv = state.current;
  const who = Array.from(state.typingShown.keys()).filter((k) => k.startsWith(conv + '/')).map((k) => k.slice(conv.length + 1));
  $('typing').textContent = who.length ? who.join(', ') + (who.length > 1 ? ' are' : ' is') + ' typing…' : '';
}

// ---- socket --------------------------------------------------------------------------------
function setStatus(cls, text) {
  $('status').className = 'status ' + cls;
  $('status').textContent = text;
}

function send(frame) {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(frame));
}

// Ask the gateway where to connect: its own relay (a path on this host, leading to the pod the
// ring gives this user) or the pod itself. The token goes as ?token= because browsers cannot set
// headers on a WebSocket.
async function connect() {
  clearTimeout(state.timer);
  setStatus('wait', 'connecting');
  let route;
  try {
    route = await api('/api/route');
  } catch (err) {
    return scheduleReconnect();
  }
  const base = route.url.startsWith('/') ? (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + route.url : route.url;
  const ws = new WebSocket(base + '?token=' + encodeURIComponent(state.token) + '&device=' + state.device);
  state.ws = ws;
  ws.onmessage = (e) => onFrame(JSON.parse(e.data));
  ws.onclose = () => { if (state.ws === ws) scheduleReconnect(); };
}

function scheduleReconnect() {
  setStatus('off', 'offline');
  state.ws = null;
  const delay = Math.min(10000, 500 * 2 ** state.retry) * (0.5 + Math.random() / 2);
  state.retry = Math.min(state.retry + 1, 6);
  state.timer = setTimeout(connect, delay);
}

function onFrame(f) {
  switch (f.type) {
    case 'welcome': {
      state.retry = 0;
      setStatus('on', 'online · ' + f.pod);
      syncAll();
      for (const [cmid, p] of state.pending) send({ type: 'send', cmid, conv: p.conv, body: p.body }); // same cmid: never stored twice
      send({ type: 'unread' });
      break;
    }
    case 'ack': {
      const p = state.pending.get(f.cmid);
      state.pending.delete(f.cmid);
      const map = state.msgs.get(f.conv);
      if (p && map && f.seq) {
        map.delete('pending:' + f.cmid);
        addMessage({ id: f.id, conversationId: f.conv, seq: f.seq, senderId: state.user, clientMsgId: f.cmid, body: p.body, sentAt: f.ts });
      } else if (map && map.has('pending:' + f.cmid)) {
        map.get('pending:' + f.cmid).pending = false; // accepted: the seq comes with msg or sync
      }
      if (f.conv === state.current) renderMessages();
      break;
    }
    case 'msg': {
      if (!state.convs.some((c) => c.id === f.conv)) loadConversations().catch(() => {});
      if (!state.msgs.has(f.conv) && f.conv !== state.current) {   // not loaded: just count
        send({ type: 'unread', convs: { [f.conv]: null } });
        break;
      }
      addMessage(f.message);
      send({ type: 'delivered', conv: f.conv, seq: state.lastSeq.get(f.conv) || f.seq });
      if (f.conv === state.current) {
        renderMessages();
        if (f.message.senderId !== state.user) markRead(f.conv);
      } else {
        send({ type: 'unread', convs: { [f.conv]: null } });
      }
      break;
    }
    case 'sync': {
      if (f.status === 'ok') {
        f.messages.forEach((m) => addMessage(m));
      } else {
        loadHistory(f.conv, f.seq).then(() => f.conv === state.current && renderMessages()).catch(showError);
      }
      if (f.conv === state.current) { renderMessages(); markRead(f.conv); }
      break;
    }
    case 'typing': {
      const key = f.conv + '/' + f.user;
      clearTimeout(state.typingShown.get(key));
      if (f.state === 'start') state.typingShown.set(key, setTimeout(() => { state.typingShown.delete(key); renderTyping(); }, 6000));
      else state.typingShown.delete(key);
      renderTyping();
      break;
    }
    case 'read': {
      if (!state.reads.has(f.conv)) state.reads.set(f.conv, new Map());
      const reads = state.reads.get(f.conv);
      reads.set(f.user, Math.max(reads.get(f.user) || 0, f.seq));
      if (f.user === state.user) state.unread[f.conv] = 0;
      if (f.conv === state.current) renderMessages();
      renderConversations();
      break;
    }
    case 'unread':
      Object.assign(state.unread, f.counts);
      renderConversations();
      break;
    case 'reconnect':
      state.retry = 0;
      break;
    case 'sync_needed': // the server may have missed events for us: catch up without reconnecting
      syncAll();
      break;
    case 'error':
      if (f.cmid && ['send_failed', 'unavailable', 'in_flight'].includes(f.code)) {
        const p = state.pending.get(f.cmid);
        if (p) setTimeout(() => send({ type: 'send', cmid: f.cmid, conv: p.conv, body: p.body }), 1000);
      } else {
        showError(new Error(f.code + ': ' + f.reason));
      }
      break;
    default:
      break;
  }
}

/** Asks for everything after the last seq held, in each conversation this page knows. */
function syncAll() {
  const convs = {};
  for (const conv of state.msgs.keys()) convs[conv] = state.lastSeq.get(conv) || 0;
  if (Object.keys(convs).length) send({ type: 'sync', convs: Object.fromEntries(Object.entries(convs).slice(0, 100)) });
}

function showError(err) {
  $('typing').textContent = err.message;
}

document.addEventListener('visibilitychange', () => { if (state.current) markRead(state.current); });
