/*
 * The REST client shared by the dashboard and the widget: JSON in and out, errors as ApiError
 * carrying the service's {"error": {"code", "message"}}.
 */

export class ApiError extends Error {
  constructor(message, status, code, data) {
    super(message);
    this.status = status;     // HTTP status, 0 when the request never got an answer
    this.code = code;         // the service's error code ("conflict", "already_acknowledged"…)
    this.data = data;         // the whole error body
  }
}

/*
 * request(method, path, body) against `base` (the directory the page or the widget script was
 * served from). Options: token() → bearer token or null; onUnauthorized(path) on a 401;
 * credentials ('omit' for the widget, which runs on other sites).
 */
export function restClient({ base, token, onUnauthorized, credentials }) {
  return async function request(method, path, body) {
    const headers = {};
    const t = token && token();
    if (t) { headers.Authorization = 'Bearer ' + t; }
    const opts = { method, headers };
    if (credentials) { opts.credentials = credentials; }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    let r;
    try {
      r = await fetch(base + path, opts);
    } catch (e) {
      throw new ApiError(e.message || 'network error', 0, null, null);
    }
    if (r.status === 204) { return null; }
    const txt = await r.text();
    let data = null;
    try { data = txt ? JSON.parse(txt) : null; } catch (e) { data = null; }
    if (!r.ok) {
      const err = (data && data.error) || {};
      if (r.status === 401 && onUnauthorized) { onUnauthorized(path); }
      throw new ApiError(err.message || ('HTTP ' + r.status), r.status, err.code || null, data);
    }
    return data;
  };
}

export const enc = encodeURIComponent;

const wsUrls = new Map();

/* The WebSocket URL from GET /client-config (in AWS the WebSocket API has a host of its own). */
export function webSocketUrl(base, credentials) {
  if (!wsUrls.has(base)) {
    const p = fetch(base + 'client-config', credentials ? { credentials } : {}).then((r) => {
      if (!r.ok) { throw new Error('client-config ' + r.status); }
      return r.json();
    }).then((cfg) => cfg.ws_url);
    p.catch(() => wsUrls.delete(base));    // try again next time
    wsUrls.set(base, p);
  }
  return wsUrls.get(base);
}

/* "ws://host/ws" + {session: "…"} → "ws://host/ws?session=…" */
export function withQuery(url, params) {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) { u.searchParams.set(k, v); }
  return u.toString();
}
