// The portalid API as the web client calls it (api/openapi.yaml): JSON
// bodies, problem+json errors, bearer access tokens refreshed once when
// they expire. Tokens live in this page's memory only.
import { language } from './i18n.js';

/** An RFC 9457 problem answered by the API. */
export class Problem extends Error {
  constructor(status, body, retryAfter) {
    super(body?.title || `HTTP ${status}`);
    this.status = status;
    this.slug = String(body?.type || '').split('/').pop();
    this.title = body?.title || '';
    this.errors = Array.isArray(body?.errors) ? body.errors : [];
    this.retryAfter = retryAfter ? Number(retryAfter) : 0;
  }
}

/** The API could not be reached. */
export class NetworkError extends Error {}

const tokens = { access: '', refresh: '' };

export function setTokens(t) {
  tokens.access = t.accessToken;
  tokens.refresh = t.refreshToken;
}

export function clearTokens() {
  tokens.access = '';
  tokens.refresh = '';
}

export function signedIn() { return tokens.access !== ''; }

/** A fresh Idempotency-Key. */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Calls the API. opts: body (sent as JSON), auth (send the access token),
 * key (Idempotency-Key), contentType. Resolves to the decoded answer (null
 * for 204) and rejects with a Problem or a NetworkError.
 */
export async function call(method, path, opts = {}) {
  let res = await send(method, path, opts);
  if (res.status === 401 && opts.auth && tokens.refresh) {
    const p = await problemOf(res.clone());
    if (p.slug === 'token-expired' && (await refresh())) res = await send(method, path, opts);
  }
  if (!res.ok) throw await problemOf(res);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

async function send(method, path, { body, auth, key, contentType } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': language() };
  if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
  if (key) headers['Idempotency-Key'] = key;
  if (auth) headers.Authorization = `Bearer ${tokens.access}`;
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new NetworkError();
  }
}

async function problemOf(res) {
  let body = null;
  try { body = await res.json(); } catch { /* not JSON: keep the status */ }
  return new Problem(res.status, body, res.headers.get('Retry-After'));
}

async function refresh() {
  const res = await send('POST', '/v1/sessions/refresh', { body: { refreshToken: tokens.refresh } });
  if (!res.ok) return false;
  setTokens(await res.json());
  return true;
}
