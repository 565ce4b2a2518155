// Chat through the gateway: N users in pairs, each pair one conversation. Every user connects its
// WebSocket (k6/websockets), sends at a steady pace, and measures
//   chat_send_to_ack        send → the sender's ack (durable in Kafka, sequenced)
//   chat_send_to_delivered  send → the message arriving at the other member, from the send time
//                           carried inside the message body (both ends run in this k6 process,
//                           so they share one clock).
// k6 run -e PROFILE=smoke|load|spike -e BASE_URL=http://parley.localtest.me k6/chat.js
import http from 'k6/http';
import { check } from 'k6';
import { WebSocket } from 'k6/websockets';
import { setInterval, clearInterval, setTimeout } from 'k6/timers';
import { Counter, Rate, Trend } from 'k6/metrics';
import { BASE_URL, WS_URL, PATHS, PROFILE, HTTP_THRESHOLDS, authHeaders, scenariosFor, summary } from './lib/config.js';
import { devLogin, userName } from './lib/auth.js';

const VUS = { smoke: 2, load: 200, spike: 1000 };
const SEND_INTERVAL_MS = parseInt(__ENV.SEND_INTERVAL_MS || '1000', 10);
const SESSION_MS = parseInt(__ENV.SESSION_MS || '20000', 10);
/** After the last send, how long a connection stays open for the last deliveries and acks. */
const DRAIN_MS = 3000;

const sendToAck = new Trend('chat_send_to_ack', true);
const sendToDelivered = new Trend('chat_send_to_delivered', true);
const sent = new Counter('chat_sent');
const acked = new Counter('chat_acked');
const delivered = new Counter('chat_delivered');
const unacked = new Counter('chat_unacked');
const chatErrors = new Rate('chat_errors');

export const options = {
  scenarios: scenariosFor('chat', VUS),
  setupTimeout: '5m',
  thresholds: Object.assign({}, HTTP_THRESHOLDS, {
    chat_send_to_delivered: ['p(50)<200', 'p(95)<500', 'p(99)<1000'],
    chat_send_to_ack: ['p(95)<300', 'p(99)<1000'],
    chat_errors: ['rate<0.01'],
    chat_unacked: ['count<1'],
    chat_delivered: ['count>0'],
    ws_connecting: ['p(95)<1000'],
  }),
};

function maxVus() {
  const v = parseInt(__ENV[`${PROFILE.toUpperCase()}_VUS`] || '', 10);
  return Number.isFinite(v) && v > 0 ? v : VUS[PROFILE];
}

/** One group conversation per pair of users: user 2i-1 and 2i talk in conversation i. */
export function setup() {
  const pairs = Math.ceil(maxVus() / 2);
  const convs = [];
  for (let i = 0; i < pairs; i++) {
    const a = userName('chat', 2 * i + 1);
    const b = userName('chat', 2 * i + 2);
    const token = devLogin(a);
    if (!token) {
      throw new Error(`dev login refused for ${a}: is the gateway at ${BASE_URL}?`);
    }
    const res = http.post(`${BASE_URL}${PATHS.conversations}`,
      JSON.stringify({ kind: 'group', title: `k6 ${a} ${b}`, members: [a, b] }),
      { headers: authHeaders(token), tags: { name: 'create-conversation' } });
    if (!check(res, { 'conversation created': (r) => (r.status === 200 || r.status === 201) && !!r.json('id') })) {
      throw new Error(`creating a conversation failed: ${res.status} ${res.body}`);
    }
    convs.push(res.json('id'));
  }
  return { convs };
}

let token = null;

export function chat(data) {
  const user = userName('chat', __VU);
  if (!token) {
    token = devLogin(user);
    if (!token) {
      chatErrors.add(1);
      return;
    }
  }
  const conv = data.convs[Math.floor((__VU - 1) / 2) % data.convs.length];
  const pending = new Map();
  let n = 0;
  let timer = null;

  const ws = new WebSocket(`${WS_URL}${PATHS.wsChat}?token=${encodeURIComponent(token)}`);

  ws.onopen = () => {
    timer = setInterval(() => {
      const cmid = `${user}-${__ITER}-${n++}`;
      const sentAt = Date.now();
      pending.set(cmid, sentAt);
      ws.send(JSON.stringify({ type: 'send', cmid, conv, body: JSON.stringify({ k6: true, from: user, sentAt }) }));
      sent.add(1);
    }, SEND_INTERVAL_MS);
    setTimeout(() => {
      clearInterval(timer);
      setTimeout(() => ws.close(), DRAIN_MS);
    }, SESSION_MS);
  };

  ws.onmessage = (event) => {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (e) {
      chatErrors.add(1);
      return;
    }
    if (frame.type === 'ack') {
      const at = pending.get(frame.cmid);
      if (at !== undefined) {
        pending.delete(frame.cmid);
        sendToAck.add(Date.now() - at);
        acked.add(1);
        chatErrors.add(0);
      }
    } else if (frame.type === 'msg') {
      const message = frame.message || {};
      let payload = null;
      try {
        payload = JSON.parse(message.body);
      } catch (e) {
        return; // not one of ours
      }
      if (payload && payload.k6 === true && payload.from !== user && typeof payload.sentAt === 'number') {
        sendToDelivered.add(Date.now() - payload.sentAt);
        delivered.add(1);
      }
    } else if (frame.type === 'error') {
      chatErrors.add(1);
    }
  };

  ws.onerror = () => {
    chatErrors.add(1);
  };

  ws.onclose = () => {
    if (timer !== null) {
      clearInterval(timer);
    }
    // Sends the server never acknowledged within the session (+ drain time).
    unacked.add(pending.size);
  };
}

export function handleSummary(data) {
  return summary('chat', data);
}
