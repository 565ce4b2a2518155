// The REST facade under load: login, conversation history pages and cohort reads through the
// gateway (its rate limits, caches and request coalescing are what this measures).
// k6 run -e PROFILE=smoke|load|spike k6/rest.js
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Rate } from 'k6/metrics';
import { BASE_URL, PATHS, HTTP_THRESHOLDS, authHeaders, scenariosFor, summary } from './lib/config.js';
import { devLogin, userName } from './lib/auth.js';

const VUS = { smoke: 2, load: 100, spike: 500 };
const limited = new Rate('rest_rate_limited');

// 429 (rate limited) and 503 (shed), both with Retry-After, are answers of the gateway;
// rest_rate_limited bounds them, and the VU waits as told.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 429, 503));

export const options = {
  scenarios: scenariosFor('rest', VUS),
  thresholds: Object.assign({}, HTTP_THRESHOLDS, {
    'http_req_duration{name:history}': ['p(95)<200', 'p(99)<800'],
    'http_req_duration{name:cohorts}': ['p(95)<200', 'p(99)<800'],
    rest_rate_limited: ['rate<0.05'],
  }),
};

export function setup() {
  const token = devLogin(userName('rest', 'owner'));
  if (!token) {
    throw new Error(`dev login refused: is the gateway at ${BASE_URL}?`);
  }
  const cohort = http.post(`${BASE_URL}${PATHS.cohorts}`, JSON.stringify({
    title: 'k6 rest', seats: 100, deadline: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
  }), { headers: authHeaders(token, { 'Idempotency-Key': `k6-rest-cohort-${Date.now()}` }), tags: { name: 'create-cohort' } });
  if (!check(cohort, { 'cohort created': (r) => r.status === 201 && !!r.json('id') })) {
    throw new Error(`creating a cohort failed: ${cohort.status} ${cohort.body}`);
  }
  return { cohort: cohort.json('id') };
}

// Each VU is its own user with its own conversation (created on its first iteration), as real
// users are: the per-user rate limit applies per person, not to a shared demo account.
let token = null;
let conv = null;

export function rest(data) {
  if (!token) {
    token = devLogin(userName('rest', __VU));
    if (!token) {
      return;
    }
    const res = http.post(`${BASE_URL}${PATHS.conversations}`,
      JSON.stringify({ kind: 'direct', members: [userName('rest', __VU), userName('rest-peer', __VU)] }),
      { headers: authHeaders(token), tags: { name: 'create-conversation' } });
    if (!check(res, { 'conversation created': (r) => (r.status === 200 || r.status === 201) && !!r.json('id') })) {
      token = null;
      return;
    }
    conv = res.json('id');
  }
  group('history', () => {
    const res = http.get(`${BASE_URL}${PATHS.history(conv)}`, { headers: authHeaders(token), tags: { name: 'history' } });
    limited.add(res.status === 429 || res.status === 503);
    check(res, { 'history 200': (r) => r.status === 200 || r.status === 429 || r.status === 503 });
    if (res.status === 429 || res.status === 503) sleep(Math.max(1, parseInt(res.headers['Retry-After'] || '1', 10)));
  });
  group('cohorts', () => {
    const res = http.get(`${BASE_URL}${PATHS.cohort(data.cohort)}`, { headers: authHeaders(token), tags: { name: 'cohorts' } });
    limited.add(res.status === 429 || res.status === 503);
    check(res, { 'cohorts 200': (r) => r.status === 200 || r.status === 429 || r.status === 503 });
    if (res.status === 429 || res.status === 503) sleep(Math.max(1, parseInt(res.headers['Retry-After'] || '1', 10)));
  });
  sleep(0.5);
}

export function handleSummary(data) {
  return summary('rest', data);
}
