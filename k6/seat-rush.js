// Seat rush: a cohort with few seats and many users trying to hold and confirm one at the same
// moment. Every mutating call carries an Idempotency-Key. At the end (teardown) the cohort must
// show no more confirmed seats than it has: an oversold seat fails the run.
// k6 run -e PROFILE=smoke|load|spike -e SEATS=50 k6/seat-rush.js
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { BASE_URL, PATHS, HTTP_THRESHOLDS, authHeaders, scenariosFor, summary } from './lib/config.js';
import { devLogin, userName } from './lib/auth.js';

const VUS = { smoke: 5, load: 300, spike: 2000 };
const SEATS = parseInt(__ENV.SEATS || '50', 10);

const holdLatency = new Trend('seat_hold_duration', true);
const held = new Counter('seat_held');
const confirmed = new Counter('seat_confirmed');
const soldOut = new Counter('seat_sold_out');
const queued = new Counter('seat_queued');
const limited = new Counter('seat_rate_limited');
const unexpected = new Rate('seat_unexpected_status');
const oversold = new Counter('seat_oversold');
const shed = new Rate('seat_shed');

export const options = {
  scenarios: scenariosFor('rush', VUS),
  thresholds: Object.assign({}, HTTP_THRESHOLDS, {
    // A sold-out (409/410) or rate-limited (429) answer is a correct answer in a rush.
    http_req_failed: ['rate<0.01'],
    seat_hold_duration: ['p(95)<300', 'p(99)<1000'],
    seat_unexpected_status: ['rate<0.01'],
    seat_oversold: ['count<1'],
    // 503 + Retry-After is the gateway shedding load (full bulkhead or concurrency limit): an
    // answer, but more than a few percent means the edge needs more replicas.
    seat_shed: ['rate<0.05'],
  }),
};

// 202 (queued), 409/410 (sold out, already holding), 429 and 503 (both with Retry-After) are
// answers in a rush; a VU told to come back later waits as told, as a real client does.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 409, 410, 429, 503));

function backOff(res) {
  if (res.status === 429 || res.status === 503) {
    sleep(Math.max(1, parseInt(res.headers['Retry-After'] || '1', 10)));
  }
}

export function setup() {
  const token = devLogin(userName('organizer', 1));
  if (!token) {
    throw new Error(`dev login refused: is the gateway at ${BASE_URL}?`);
  }
  const now = Date.now();
  const res = http.post(`${BASE_URL}${PATHS.cohorts}`, JSON.stringify({
    title: `k6 rush ${now}`,
    seats: SEATS,
    opensAt: new Date(now).toISOString(),
    deadline: new Date(now + 30 * 60 * 1000).toISOString(),
  }), { headers: authHeaders(token, { 'Idempotency-Key': `k6-cohort-${now}` }), tags: { name: 'create-cohort' } });
  if (!check(res, { 'cohort created': (r) => (r.status === 200 || r.status === 201) && !!r.json('id') })) {
    throw new Error(`creating the cohort failed: ${res.status} ${res.body}`);
  }
  return { cohort: res.json('id'), organizerToken: token };
}

let token = null;

export function rush(data) {
  const user = userName('rush', __VU);
  if (!token) {
    token = devLogin(user);
    if (!token) {
      unexpected.add(1);
      return;
    }
  }
  const key = `k6-hold-${user}-${__ITER}`;
  const res = http.post(`${BASE_URL}${PATHS.holds(data.cohort)}`, JSON.stringify({}),
    { headers: authHeaders(token, { 'Idempotency-Key': key }), tags: { name: 'hold' } });
  holdLatency.add(res.timings.duration);
  shed.add(res.status === 503);
  if (res.status === 201) {
    held.add(1);
    unexpected.add(0);
    const holdId = res.json('hold.holdId');
    const c = http.post(`${BASE_URL}${PATHS.confirm(data.cohort, holdId)}`, JSON.stringify({}),
      { headers: authHeaders(token, { 'Idempotency-Key': `k6-confirm-${holdId}` }), tags: { name: 'confirm' } });
    if (c.status === 200 || c.status === 201) {
      confirmed.add(1);
    }
    unexpected.add([200, 201, 409, 410, 429, 503].includes(c.status) ? 0 : 1);
    backOff(c);
  } else if (res.status === 202) {
    queued.add(1); // every seat is held: in the waiting room (a real client waits for the push)
    unexpected.add(0);
  } else if (res.status === 409 || res.status === 410) {
    soldOut.add(1); // no seat left, or this user already holds one
    unexpected.add(0);
  } else if (res.status === 429 || res.status === 503) {
    if (res.status === 429) limited.add(1);
    unexpected.add(0);
    backOff(res);
  } else {
    unexpected.add(1);
  }
}

export function teardown(data) {
  const res = http.get(`${BASE_URL}${PATHS.cohort(data.cohort)}`,
    { headers: authHeaders(data.organizerToken), tags: { name: 'cohort' } });
  check(res, { 'cohort readable': (r) => r.status === 200 });
  if (res.status === 200) {
    const body = res.json();
    const taken = Number(body.confirmed ?? body.confirmedSeats ?? 0);
    const seats = Number(body.seats ?? SEATS);
    if (taken > seats) {
      oversold.add(taken - seats);
    }
    check(body, { 'no seat oversold': () => taken <= seats });
  }
}

export function handleSummary(data) {
  return summary('seat-rush', data);
}
