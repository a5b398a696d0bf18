/*
 * HandoffSocket: a WebSocket that stays up behind API Gateway.
 *
 * Shared by the operator dashboard and the visitor widget (no build chain: a plain script that
 * defines window.HandoffSocket).
 *
 *  - reconnects with exponential backoff and full jitter (0.5 s, 1 s, 2 s … capped at 30 s);
 *  - sends {"action": "ping"} every 5 minutes (API Gateway closes idle sockets after 10 minutes);
 *  - opens a fresh socket before the 2 hour connection limit (at 110 minutes), switching over only
 *    once the new one is open, so nothing is missed; the caller resumes after its last seq;
 *  - reports its state ("connecting", "open", "reconnecting", "offline", "closed") to the caller.
 *
 * Every (re)open calls onOpen(isReconnect): the caller sends resume/open there. Events arrive parsed
 * through onEvent(obj). The caller deduplicates by seq: during a switch-over both sockets may
 * deliver the same message.
 */
(function (global) {
  'use strict';

  var DEFAULTS = {
    pingIntervalMs: 5 * 60 * 1000,
    maxConnectionAgeMs: 110 * 60 * 1000,
    backoffBaseMs: 500,
    backoffMaxMs: 30 * 1000,
    connectTimeoutMs: 15 * 1000
  };

  function HandoffSocket(options) {
    this.opts = {};
    var k;
    for (k in DEFAULTS) { this.opts[k] = DEFAULTS[k]; }
    for (k in options) { this.opts[k] = options[k]; }
    // Pages (and tests) may shorten the timers: window.HandoffSocketTimings = {pingIntervalMs: …}.
    var t = global.HandoffSocketTimings || {};
    for (k in t) { if (k in DEFAULTS) { this.opts[k] = t[k]; } }
    this.ws = null;
    this.state = 'closed';
    this.attempt = 0;          // consecutive failed attempts (drives the backoff)
    this.failedConnects = 0;   // consecutive sockets that closed before opening (auth? server down?)
    this.opened = 0;           // how many times a socket opened (0: the first open is not a reconnect)
    this.stopped = true;
    this.timers = {};
  }

  HandoffSocket.prototype.start = function () {
    this.stopped = false;
    this._bindNetworkEvents();
    this._connect();
  };

  HandoffSocket.prototype.stop = function () {
    this.stopped = true;
    this._clearTimers();
    var ws = this.ws;
    this.ws = null;
    if (ws) { try { ws.close(1000, 'bye'); } catch (e) { /* already closed */ } }
    if (this._rotating) { try { this._rotating.close(1000, 'bye'); } catch (e) { /* ignore */ } }
    this._rotating = null;
    this._setState('closed');
  };

  /* Send one JSON action. Returns false when no socket is open (the caller keeps it for later). */
  HandoffSocket.prototype.send = function (obj) {
    var ws = this.ws;
    if (!ws || ws.readyState !== 1) { return false; }
    try {
      ws.send(JSON.stringify(obj));
      return true;
    } catch (e) {
      return false;
    }
  };

  HandoffSocket.prototype.isOpen = function () {
    return !!(this.ws && this.ws.readyState === 1);
  };

  /* Drop the current socket and reconnect at once (used by "retry now" and by tests). */
  HandoffSocket.prototype.reconnectNow = function () {
    if (this.stopped) { return; }
    this.attempt = 0;
    var ws = this.ws;
    this.ws = null;
    if (ws) { ws.onclose = null; try { ws.close(4000, 'reconnect'); } catch (e) { /* ignore */ } }
    this._clearTimers();
    this._connect();
  };

  HandoffSocket.prototype._setState = function (state) {
    if (this.state === state) { return; }
    this.state = state;
    if (this.opts.onState) { this.opts.onState(state); }
  };

  HandoffSocket.prototype._clearTimers = function () {
    for (var k in this.timers) { clearTimeout(this.timers[k]); clearInterval(this.timers[k]); }
    this.timers = {};
  };

  HandoffSocket.prototype._backoffDelay = function () {
    var cap = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * Math.pow(2, this.attempt));
    // Full jitter: many clients reconnecting after an outage do not arrive in lockstep.
    return Math.round(cap / 2 + Math.random() * cap / 2);
  };

  HandoffSocket.prototype._scheduleReconnect = function () {
    if (this.stopped) { return; }
    var self = this;
    var delay = this._backoffDelay();
    this.attempt += 1;
    this._setState(global.navigator && global.navigator.onLine === false ? 'offline' : 'reconnecting');
    clearTimeout(this.timers.reconnect);
    this.timers.reconnect = setTimeout(function () { self._connect(); }, delay);
    this.nextRetryAt = Date.now() + delay;
  };

  HandoffSocket.prototype._bindNetworkEvents = function () {
    if (this._networkBound || !global.addEventListener) { return; }
    this._networkBound = true;
    var self = this;
    global.addEventListener('online', function () {
      if (!self.stopped && !self.isOpen()) { self.reconnectNow(); }
    });
    global.addEventListener('offline', function () {
      if (!self.stopped && !self.isOpen()) { self._setState('offline'); }
    });
  };

  /* Open a socket. With rotate=true the current one stays in use until the new one is open. */
  HandoffSocket.prototype._open = function (rotate) {
    var self = this;
    return Promise.resolve()
      .then(function () { return self.opts.url(); })
      .then(function (url) {
        if (self.stopped) { return; }
        var ws = new WebSocket(url);
        var wasOpen = false;
        if (rotate) { self._rotating = ws; }
        var connectTimer = setTimeout(function () {
          if (!wasOpen) { try { ws.close(); } catch (e) { /* ignore */ } }
        }, self.opts.connectTimeoutMs);

        ws.onopen = function () {
          clearTimeout(connectTimer);
          wasOpen = true;
          if (self.stopped) { ws.close(1000, 'bye'); return; }
          var old = self.ws;
          self.ws = ws;
          self._rotating = null;
          if (old && old !== ws) {
            old.onclose = null;
            // Let the old socket drain for a moment: events already in flight still arrive.
            setTimeout(function () { try { old.close(1000, 'rotated'); } catch (e) { /* ignore */ } }, 2000);
          }
          self.attempt = 0;
          self.failedConnects = 0;
          self.openedAt = Date.now();
          var isReconnect = self.opened > 0;
          self.opened += 1;
          self._armTimers();
          self._setState('open');
          if (self.opts.onOpen) { self.opts.onOpen(isReconnect); }
        };

        ws.onmessage = function (ev) {
          var data;
          try { data = JSON.parse(ev.data); } catch (e) { return; }
          if (data && data.type === 'pong') { self.lastPong = Date.now(); }
          if (self.opts.onEvent) { self.opts.onEvent(data); }
        };

        ws.onerror = function () { /* onclose follows and does the work */ };

        ws.onclose = function (ev) {
          clearTimeout(connectTimer);
          if (self._rotating === ws) { self._rotating = null; }
          if (self.ws !== ws && rotate) {
            // A rotation attempt failed: keep the current socket, try again a bit later.
            if (!self.stopped) {
              clearTimeout(self.timers.rotate);
              self.timers.rotate = setTimeout(function () { self._rotate(); }, 60 * 1000);
            }
            return;
          }
          if (self.ws === ws) { self.ws = null; }
          if (!wasOpen) {
            self.failedConnects += 1;
            if (self.opts.onConnectFailed) { self.opts.onConnectFailed(self.failedConnects, ev); }
          }
          if (self.opts.onClose) { self.opts.onClose(ev); }
          self._clearTimers();
          self._scheduleReconnect();
        };
      })
      .catch(function (err) {
        // Could not even build the URL (REST config or session unreachable): back off and retry.
        if (self.opts.onConnectFailed) { self.opts.onConnectFailed(++self.failedConnects, err); }
        if (!rotate) { self._scheduleReconnect(); }
      });
  };

  HandoffSocket.prototype._connect = function () {
    if (this.stopped) { return; }
    this._setState(this.opened > 0 ? 'reconnecting' : 'connecting');
    this._open(false);
  };

  HandoffSocket.prototype._rotate = function () {
    if (this.stopped || !this.isOpen()) { return; }
    this._open(true);
  };

  HandoffSocket.prototype._armTimers = function () {
    var self = this;
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.rotate);
    this.timers.ping = setInterval(function () { self.send({ action: 'ping' }); }, this.opts.pingIntervalMs);
    this.timers.rotate = setTimeout(function () { self._rotate(); }, this.opts.maxConnectionAgeMs);
  };

  /* A client_message_id: a UUID (crypto.randomUUID where the page is a secure context). */
  HandoffSocket.uuid = function () {
    var c = global.crypto;
    if (c && typeof c.randomUUID === 'function') { return c.randomUUID(); }
    var b = new Uint8Array(16);
    if (c && c.getRandomValues) { c.getRandomValues(b); } else {
      for (var i = 0; i < 16; i++) { b[i] = Math.floor(Math.random() * 256); }
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = [];
    for (var j = 0; j < 16; j++) { h.push((b[j] + 0x100).toString(16).slice(1)); }
    return h.slice(0, 4).join('') + '-' + h.slice(4, 6).join('') + '-' + h.slice(6, 8).join('') +
      '-' + h.slice(8, 10).join('') + '-' + h.slice(10).join('');
  };

  /* "ws://host/ws" + {session: "…"} → "ws://host/ws?session=…" */
  HandoffSocket.withQuery = function (url, params) {
    var u = new URL(url);
    for (var k in params) { u.searchParams.set(k, params[k]); }
    return u.toString();
  };

  global.HandoffSocket = HandoffSocket;
})(window);
