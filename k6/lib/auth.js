import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, PATHS, JSON_HEADERS, USER_PREFIX } from './config.js';

/** A demo user's token from the gateway's dev login; null (and a failed check) when refused. */
export function devLogin(user) {
  const res = http.post(`${BASE_URL}${PATHS.devLogin}`, JSON.stringify({ user }), {
    headers: JSON_HEADERS,
    tags: { name: 'dev-login' },
  });
  const ok = check(res, { 'dev login 200': (r) => r.status === 200 && !!r.json('token') });
  return ok ? res.json('token') : null;
}

export function userName(kind, n) {
  return `${USER_PREFIX}-${kind}-${n}`;
}
