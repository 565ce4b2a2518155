// Shared settings of the k6 scripts: where the fleet is, the API paths (one edit away when they
// change), the load profiles and the thresholds. Everything can be overridden with -e NAME=value.

export const BASE_URL = (__ENV.BASE_URL || 'http://parley.localtest.me').replace(/\/$/, '');
export const WS_URL = (__ENV.WS_URL || BASE_URL.replace(/^http/, 'ws')).replace(/\/$/, '');

/** smoke | load | spike */
export const PROFILE = __ENV.PROFILE || 'smoke';

/** Where handleSummary writes its JSON (relative to the working directory; k6/results is kept in git). */
export const SUMMARY_DIR = __ENV.SUMMARY_DIR || 'k6/results';

/** Every path the scripts call, through the gateway. */
export const PATHS = {
  devLogin: '/api/auth/dev-login',
  conversations: '/api/conversations',
  history: (conv) => `/api/conversations/${encodeURIComponent(conv)}/messages`,
  wsChat: '/ws/chat',
  cohorts: '/api/cohorts',
  cohort: (id) => `/api/cohorts/${encodeURIComponent(id)}`,
  holds: (cohortId) => `/api/cohorts/${encodeURIComponent(cohortId)}/holds`,
  confirm: (cohortId, holdId) => `/api/cohorts/${encodeURIComponent(cohortId)}/holds/${encodeURIComponent(holdId)}/confirm`,
  seatEvents: (cohortId) => `/api/cohorts/${encodeURIComponent(cohortId)}/events`,
  seatLive: (cohortId) => `/api/cohorts/${encodeURIComponent(cohortId)}/live`,
  ready: '/q/health/ready',
};

/** Prefix of the demo users the scripts log in as, so a run never collides with real names. */
export const USER_PREFIX = __ENV.USER_PREFIX || 'k6';

function intEnv(name, fallback) {
  const v = parseInt(__ENV[name] || '', 10);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/**
 * Named scenarios for one profile. `vus` gives the virtual users of each profile; smoke proves the
 * path works, load holds a steady level, spike jumps to several times that and back.
 */
export function scenariosFor(exec, vus) {
  const smoke = intEnv('SMOKE_VUS', vus.smoke);
  const load = intEnv('LOAD_VUS', vus.load);
  const spike = intEnv('SPIKE_VUS', vus.spike);
  const all = {
    smoke: {
      executor: 'constant-vus',
      exec,
      vus: smoke,
      duration: __ENV.DURATION || '30s',
      tags: { profile: 'smoke' },
    },
    load: {
      executor: 'ramping-vus',
      exec,
      startVUs: 0,
      stages: [
        { duration: '1m', target: load },
        { duration: __ENV.DURATION || '5m', target: load },
        { duration: '30s', target: 0 },
      ],
      gracefulRampDown: '30s',
      tags: { profile: 'load' },
    },
    spike: {
      executor: 'ramping-vus',
      exec,
      startVUs: 0,
      stages: [
        { duration: '30s', target: load },
        { duration: '10s', target: spike },
        { duration: '1m', target: spike },
        { duration: '10s', target: load },
        { duration: '1m', target: load },
        { duration: '10s', target: 0 },
      ],
      gracefulRampDown: '30s',
      tags: { profile: 'spike' },
    },
  };
  if (!all[PROFILE]) {
    throw new Error(`unknown PROFILE '${PROFILE}' (smoke, load, spike)`);
  }
  return { [PROFILE]: all[PROFILE] };
}

/** Thresholds every script shares: HTTP errors under 1 %, p95/p99 latency bounds. */
export const HTTP_THRESHOLDS = {
  http_req_failed: ['rate<0.01'],
  http_req_duration: ['p(95)<300', 'p(99)<1000'],
  checks: ['rate>0.99'],
};

export const JSON_HEADERS = { 'Content-Type': 'application/json' };

export function authHeaders(token, extra) {
  return Object.assign({ 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, extra || {});
}

/** handleSummary body: the full JSON summary to a file, a few lines to stdout. */
export function summary(name, data) {
  const file = `${SUMMARY_DIR}/${name}-${PROFILE}.json`;
  const lines = [`${name} (${PROFILE}): summary written to ${file}`];
  for (const [metric, body] of Object.entries(data.metrics)) {
    if (body.thresholds) {
      for (const [expr, result] of Object.entries(body.thresholds)) {
        lines.push(`  ${result.ok ? 'ok  ' : 'FAIL'} ${metric} ${expr}`);
      }
    }
  }
  return { [file]: JSON.stringify(data, null, 2), stdout: lines.join('\n') + '\n' };
}
