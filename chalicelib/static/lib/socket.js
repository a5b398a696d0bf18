/*
 * ReconnectingSocket: a WebSocket that stays up behind API Gateway. Shared by the dashboard and
 * the widget.
 *
 *  - reconnects with exponential backoff and full jitter (0.5 s, 1 s, 2 s … capped at 30 s);
 *  - sends {"action": "ping"} every 5 minutes (API Gateway closes idle sockets after 10 minutes);
 *  - opens a fresh socket before the 2 hour connection limit (at 110 minutes), switching over only
 *    once the new one is open, so nothing is missed; the caller resumes after its last seq;
 *  - reports its state ("connecting", "open", "reconnecting", "offline", "closed") to the caller.
 *
 * Every (re)open calls onOpen(isReconnect): the caller sends resume/open there. Events arrive parsed
 * through onEvent(obj). The caller deduplicates by seq (lib/transcript.js): during a switch-over
 * both sockets may deliver the same message.
 */

const DEFAULTS = {
  pingIntervalMs: 5 * 60 * 1000,
  maxConnectionAgeMs: 110 * 60 * 1000,
  backoffBaseMs: 500,
  backoffMaxMs: 30 * 1000,
  connectTimeoutMs: 15 * 1000,
};

export class ReconnectingSocket {
  /* options: url() → URL or a promise of one; onOpen, onEvent, onState, onClose, onConnectFailed. */
  constructor(options) {
    this.opts = Object.assign({}, DEFAULTS, options);
    // Pages (and tests) may shorten the timers: window.HandoffSocketTimings = {pingIntervalMs: …}.
    const t = globalThis.HandoffSocketTimings || {};
    for (const k of Object.keys(t)) { if (k in DEFAULTS) { this.opts[k] = t[k]; } }
    this.ws = null;
    this.state = 'closed';
    this.attempt = 0;          // consecutive failed attempts (drives the backoff)
    this.failedConnects = 0;   // consecutive sockets that closed before opening (auth? server down?)
    this.opened = 0;           // how many times a socket opened (0: the first open is not a reconnect)
    this.stopped = true;
    this.timers = {};
    this._rotating = null;
    this._networkBound = false;
  }

  start() {
    this.stopped = false;
    this._bindNetworkEvents();
    this._connect();
  }

  stop() {
    this.stopped = true;
    this._clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) { try { ws.close(1000, 'bye'); } catch (e) { /* already closed */ } }
    if (this._rotating) { try { this._rotating.close(1000, 'bye'); } catch (e) { /* ignore */ } }
    this._rotating = null;
    this._setState('closed');
  }

  /* Send one JSON action. Returns false when no socket is open (the caller keeps it for later). */
  send(obj) {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) { return false; }
    try {
      ws.send(JSON.stringify(obj));
      return true;
    } catch (e) {
      return false;
    }
  }

  isOpen() {
    return !!(this.ws && this.ws.readyState === 1);
  }

  /* Drop the current socket and reconnect at once (used when the network comes back). */
  reconnectNow() {
    if (this.stopped) { return; }
    this.attempt = 0;
    const ws = this.ws;
    this.ws = null;
    if (ws) { ws.onclose = null; try { ws.close(4000, 'reconnect'); } catch (e) { /* ignore */ } }
    this._clearTimers();
    this._connect();
  }

  _setState(state) {
    if (this.state === state) { return; }
    this.state = state;
    if (this.opts.onState) { this.opts.onState(state); }
  }

  _clearTimers() {
    for (const k of Object.keys(this.timers)) { clearTimeout(this.timers[k]); clearInterval(this.timers[k]); }
    this.timers = {};
  }

  _backoffDelay() {
    const cap = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * Math.pow(2, this.attempt));
    // Full jitter: many clients reconnecting after an outage do not arrive in lockstep.
    return Math.round(cap / 2 + Math.random() * cap / 2);
  }

  _scheduleReconnect() {
    if (this.stopped) { return; }
    const delay = this._backoffDelay();
    this.attempt += 1;
    this._setState(globalThis.navigator && navigator.onLine === false ? 'offline' : 'reconnecting');
    clearTimeout(this.timers.reconnect);
    this.timers.reconnect = setTimeout(() => this._connect(), delay);
  }

  _bindNetworkEvents() {
    if (this._networkBound) { return; }
    this._networkBound = true;
    addEventListener('online', () => {
      if (!this.stopped && !this.isOpen()) { this.reconnectNow(); }
    });
    addEventListener('offline', () => {
      if (!this.stopped && !this.isOpen()) { this._setState('offline'); }
    });
  }

  /* Open a socket. With rotate=true the current one stays in use until the new one is open. */
  async _open(rotate) {
    let ws;
    try {
      const url = await this.opts.url();
      if (this.stopped) { return; }
      ws = new WebSocket(url);
    } catch (err) {
      // Could not even build the URL (REST config or session unreachable): back off and retry.
      if (this.opts.onConnectFailed) { this.opts.onConnectFailed(++this.failedConnects, err); }
      if (!rotate) { this._scheduleReconnect(); }
      return;
    }
    let wasOpen = false;
    if (rotate) { this._rotating = ws; }
    const connectTimer = setTimeout(() => {
      if (!wasOpen) { try { ws.close(); } catch (e) { /* ignore */ } }
    }, this.opts.connectTimeoutMs);

    ws.onopen = () => {
      clearTimeout(connectTimer);
      wasOpen = true;
      if (this.stopped) { ws.close(1000, 'bye'); return; }
      const old = this.ws;
      this.ws = ws;
      this._rotating = null;
      if (old && old !== ws) {
        old.onclose = null;
        // Let the old socket drain for a moment: events already in flight still arrive.
        setTimeout(() => { try { old.close(1000, 'rotated'); } catch (e) { /* ignore */ } }, 2000);
      }
      this.attempt = 0;
      this.failedConnects = 0;
      const isReconnect = this.opened > 0;
      this.opened += 1;
      this._armTimers();
      this._setState('open');
      if (this.opts.onOpen) { this.opts.onOpen(isReconnect); }
    };

    ws.onmessage = (ev) => {
      let data;
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      if (this.opts.onEvent) { this.opts.onEvent(data); }
    };

    ws.onerror = () => { /* onclose follows and does the work */ };

    ws.onclose = (ev) => {
      clearTimeout(connectTimer);
      if (this._rotating === ws) { this._rotating = null; }
      if (this.ws !== ws && rotate) {
        // A rotation attempt failed: keep the current socket, try again a bit later.
        if (!this.stopped) {
          clearTimeout(this.timers.rotate);
          this.timers.rotate = setTimeout(() => this._rotate(), 60 * 1000);
        }
        return;
      }
      if (this.ws === ws) { this.ws = null; }
      if (!wasOpen) {
        this.failedConnects += 1;
        if (this.opts.onConnectFailed) { this.opts.onConnectFailed(this.failedConnects, ev); }
      }
      if (this.opts.onClose) { this.opts.onClose(ev); }
      this._clearTimers();
      this._scheduleReconnect();
    };
  }

  _connect() {
    if (this.stopped) { return; }
    this._setState(this.opened > 0 ? 'reconnecting' : 'connecting');
    this._open(false);
  }

  _rotate() {
    if (this.stopped || !this.isOpen()) { return; }
    this._open(true);
  }

  _armTimers() {
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.rotate);
    this.timers.ping = setInterval(() => this.send({ action: 'ping' }), this.opts.pingIntervalMs);
    this.timers.rotate = setTimeout(() => this._rotate(), this.opts.maxConnectionAgeMs);
  }
}
