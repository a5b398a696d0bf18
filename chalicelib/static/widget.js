/*
 * Visitor chat widget. The whole embed is one tag:
 *
 *   <script src="https://HOST/STAGE/widget.js" data-agent-id="demo-shop" async></script>
 *
 * Optional attributes: data-title (panel title), data-visitor-name, data-visitor-email,
 * data-open="true" (open the panel at once). Everything else comes from the API, whose base is
 * derived from this script's own URL (so it works under an API Gateway stage prefix such as /api/).
 *
 * The widget lives in a shadow root (the host page's CSS cannot break it, nor it the page's).
 * All message text is rendered with textContent: nothing a visitor, bot or operator writes is ever
 * parsed as HTML.
 */
(function () {
  'use strict';

  var script = document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-agent-id]');
  if (!script) { return; }
  if (window.HandoffWidget && window.HandoffWidget.agentId) { return; } // embedded twice: keep the first

  var AGENT_ID = script.getAttribute('data-agent-id') || '';
  var BASE = new URL('.', script.src).href;          // "https://host/api/" or "http://127.0.0.1:8000/"
  var STATIC = BASE + 'static/';
  var KEY = 'handoff:' + AGENT_ID + ':';
  var MAX_CACHED = 200;
  var ACK_RETRY_MS = 15000;

  var api = { agentId: AGENT_ID, base: BASE };
  window.HandoffWidget = api;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.HandoffSocket) { resolve(); return; }
      var s = document.createElement('script');
      s.src = src;
      s.async = true;
      s.onload = function () { resolve(); };
      s.onerror = function () { reject(new Error('could not load ' + src)); };
      document.head.appendChild(s);
    });
  }

  /* A client_message_id. Own copy: the visitor may type before socket.js has loaded. */
  function uuid() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === 'function') { return c.randomUUID(); }
    var b = new Uint8Array(16);
    if (c && c.getRandomValues) { c.getRandomValues(b); } else {
      for (var i = 0; i < 16; i++) { b[i] = Math.floor(Math.random() * 256); }
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = '';
    for (var j = 0; j < 16; j++) { h += (b[j] + 0x100).toString(16).slice(1); if (j === 3 || j === 5 || j === 7 || j === 9) { h += '-'; } }
    return h;
  }

  // ---------------------------------------------------------------- storage (localStorage, guarded)
  function load(name, fallback) {
    try {
      var raw = window.localStorage.getItem(KEY + name);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) { return fallback; }
  }
  function save(name, value) {
    try { window.localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* full or blocked */ }
  }
  function drop(name) {
    try { window.localStorage.removeItem(KEY + name); } catch (e) { /* ignore */ }
  }

  // ---------------------------------------------------------------- DOM helpers (no innerHTML)
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) { continue; }
        if (k === 'text') { node.textContent = attrs[k]; } else if (k === 'className') { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k] === true ? '' : attrs[k]); }
      }
    }
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }
  var SVG_NS = 'http://www.w3.org/2000/svg';
  function icon(pathD) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var p = document.createElementNS(SVG_NS, 'path');
    p.setAttribute('d', pathD);
    svg.appendChild(p);
    return svg;
  }
  var ICON_CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';
  var ICON_CLOSE = 'M6 6l12 12M18 6L6 18';
  var ICON_SEND = 'M3 20l18-8L3 4v6l12 2-12 2z';

  function timeLabel(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ''; }
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  // ---------------------------------------------------------------- state
  var state = {
    session: load('session', null),
    conversationId: null,
    agent: null,
    messages: [],       // stored messages we have shown, sorted by seq
    seen: {},           // seq -> true
    watermark: 0,       // every seq <= watermark has been seen: resume after it
    replayMax: 0,       // highest seq in the replay under way
    outbox: [],         // {client_message_id, text, created_at}: sent or not, waiting for an ack
    handoff: null,      // last known handoff object
    notice: null,       // {kind: "back"|"declined"|"error", text}
    pendingActions: [], // non-send actions queued while offline
    started: false,
    typingTimer: null,
    lastTypingSent: 0
  };
  var ui = {};
  var socket = null;

  function persist() {
    save('state', {
      conversation_id: state.conversationId,
      watermark: state.watermark,
      messages: state.messages.slice(-MAX_CACHED),
      outbox: state.outbox,
      handoff: state.handoff,
      notice: state.notice
    });
  }

  function restore(conversationId) {
    var saved = load('state', null);
    if (!saved || saved.conversation_id !== conversationId) {
      drop('state');
      return;
    }
    state.watermark = saved.watermark || 0;
    state.outbox = saved.outbox || [];
    state.handoff = saved.handoff || null;
    state.notice = saved.notice || null;
    (saved.messages || []).forEach(function (m) { addMessage(m, true); });
    // A cache trimmed to MAX_CACHED messages still resumes after the watermark: older ones are gone
    // from view but were shown before.
    state.outbox.forEach(function (o) { renderPending(o); });
  }

  // ---------------------------------------------------------------- build the UI
  function build() {
    var host = el('div', { id: 'handoff-widget', 'data-agent-id': AGENT_ID });
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    root.appendChild(el('link', { rel: 'stylesheet', href: STATIC + 'widget.css' }));

    var title = script.getAttribute('data-title') || 'Chat with us';
    ui.launcher = el('button', {
      type: 'button', className: 'hw-launcher', 'aria-label': 'Open chat',
      'aria-expanded': 'false', 'aria-controls': 'hw-panel'
    }, [icon(ICON_CHAT), el('span', { className: 'hw-badge', hidden: true, 'aria-hidden': 'true' })]);
    ui.badge = ui.launcher.querySelector('.hw-badge');

    ui.title = el('h2', { className: 'hw-title', id: 'hw-title', text: title });
    ui.conn = el('span', { className: 'hw-conn', 'data-state': 'idle', text: '' });
    ui.close = el('button', { type: 'button', className: 'hw-close', 'aria-label': 'Close chat' }, [icon(ICON_CLOSE)]);
    var header = el('div', { className: 'hw-header' }, [
      el('div', { className: 'hw-heading' }, [ui.title, ui.conn]), ui.close
    ]);

    ui.bannerText = el('span', { className: 'hw-banner-text' });
    ui.cancelBtn = el('button', { type: 'button', className: 'hw-cancel', hidden: true, 'aria-label': 'Cancel request for a person', text: 'Cancel request' });
    ui.dismissBtn = el('button', { type: 'button', className: 'hw-dismiss', hidden: true, 'aria-label': 'Dismiss notice' }, [icon(ICON_CLOSE)]);
    ui.banner = el('div', { className: 'hw-banner', role: 'status', 'aria-live': 'polite', hidden: true }, [
      ui.bannerText, ui.cancelBtn, ui.dismissBtn
    ]);

    ui.log = el('ol', { className: 'hw-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Conversation', tabindex: '0' });
    ui.typing = el('div', { className: 'hw-typing', 'aria-live': 'polite', hidden: true });

    ui.input = el('textarea', {
      className: 'hw-input', rows: '1', maxlength: '4000', 'aria-label': 'Message',
      placeholder: 'Type your message…'
    });
    ui.send = el('button', { type: 'submit', className: 'hw-send', 'aria-label': 'Send message' }, [icon(ICON_SEND)]);
    ui.form = el('form', { className: 'hw-composer' }, [ui.input, ui.send]);
    ui.human = el('button', { type: 'button', className: 'hw-ask', 'aria-label': 'Talk to a person', text: 'Talk to a person' });
    ui.footer = el('div', { className: 'hw-actions' }, [ui.human]);

    ui.panel = el('section', {
      id: 'hw-panel', className: 'hw-panel', role: 'dialog', 'aria-labelledby': 'hw-title', hidden: true
    }, [header, ui.banner, ui.log, ui.typing, ui.form, ui.footer]);

    root.appendChild(ui.panel);
    root.appendChild(ui.launcher);
    (document.body || document.documentElement).appendChild(host);
    ui.host = host;
    ui.root = root;

    ui.launcher.addEventListener('click', function () { setOpen(ui.panel.hidden); });
    ui.close.addEventListener('click', function () { setOpen(false); });
    ui.panel.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { setOpen(false); }
    });
    ui.form.addEventListener('submit', function (e) { e.preventDefault(); submit(); });
    ui.input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
    });
    ui.input.addEventListener('input', function () { autoGrow(); typingChanged(); });
    ui.human.addEventListener('click', requestHuman);
    ui.cancelBtn.addEventListener('click', cancelHandoff);
    ui.dismissBtn.addEventListener('click', function () { state.notice = null; persist(); renderBanner(); });
  }

  function autoGrow() {
    ui.input.style.height = 'auto';
    ui.input.style.height = Math.min(ui.input.scrollHeight, 120) + 'px';
  }

  function setOpen(open) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    ui.launcher.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    save('open', !!open);
    if (open) {
      setUnread(0);
      ensureStarted();
      setTimeout(function () { ui.input.focus(); scrollDown(); }, 0);
    } else {
      ui.launcher.focus();
    }
  }

  var unread = 0;
  function setUnread(n) {
    unread = n;
    ui.badge.hidden = n === 0;
    ui.badge.textContent = n > 9 ? '9+' : String(n);
    ui.launcher.setAttribute('aria-label', ui.panel.hidden ? (n ? 'Open chat, ' + n + ' new' : 'Open chat') : 'Close chat');
  }

  function scrollDown() { ui.log.scrollTop = ui.log.scrollHeight; }

  // ---------------------------------------------------------------- rendering messages
  var ROLE_LABEL = { visitor: 'You', bot: 'Assistant', system: '' };

  function messageNode(m, pending) {
    var role = m.role || 'visitor';
    var who = role === 'human' ? (m.author || 'Team member') : (ROLE_LABEL[role] || '');
    var li = el('li', { className: 'hw-msg hw-' + role + (pending ? ' hw-pending' : '') });
    if (m.seq !== undefined && m.seq !== null) { li.setAttribute('data-seq', String(m.seq)); }
    if (m.client_message_id) { li.setAttribute('data-cmid', m.client_message_id); }
    if (role !== 'system') {
      li.appendChild(el('span', { className: 'hw-author', text: who }));
    }
    li.appendChild(el('p', { className: 'hw-text', text: m.text || '' }));
    var meta = el('span', { className: 'hw-meta' });
    var t = el('time', { text: timeLabel(m.created_at) });
    if (m.created_at) { t.setAttribute('datetime', m.created_at); }
    meta.appendChild(t);
    if (role === 'visitor') {
      meta.appendChild(el('span', { className: 'hw-state', text: pending ? ' · Sending…' : '' }));
    }
    li.appendChild(meta);
    return li;
  }

  function insertBySeq(node, seq) {
    var children = ui.log.children;
    for (var i = 0; i < children.length; i++) {
      var c = children[i];
      var cs = c.getAttribute('data-seq');
      if (c.classList.contains('hw-welcome')) { continue; }
      if (cs === null || Number(cs) > seq) { ui.log.insertBefore(node, c); return; }
    }
    ui.log.appendChild(node);
  }

  function renderPending(o) {
    var node = messageNode({ role: 'visitor', text: o.text, created_at: o.created_at, client_message_id: o.client_message_id }, true);
    ui.log.appendChild(node);
    scrollDown();
  }

  function pendingNode(cmid) {
    if (!cmid) { return null; }
    var nodes = ui.log.querySelectorAll('li.hw-pending');
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].getAttribute('data-cmid') === cmid) { return nodes[i]; }
    }
    return null;
  }

  function markSent(cmid, seq) {
    state.outbox = state.outbox.filter(function (o) { return o.client_message_id !== cmid; });
    var node = pendingNode(cmid);
    if (node) {
      node.classList.remove('hw-pending');
      var st = node.querySelector('.hw-state');
      if (st) { st.textContent = ''; }
      if (seq !== undefined && seq !== null) {
        node.setAttribute('data-seq', String(seq));
        // Move it into seq order (a reply might already sit above it).
        ui.log.removeChild(node);
        insertBySeq(node, seq);
      }
    }
    return node;
  }

  function rememberMessage(m) {
    state.seen[m.seq] = true;
    state.messages.push({
      seq: m.seq, role: m.role, text: m.text, author: m.author || null, created_at: m.created_at || null,
      client_message_id: m.client_message_id || null, meta: m.meta || null
    });
    state.messages.sort(function (a, b) { return a.seq - b.seq; });
    if (state.messages.length > MAX_CACHED * 2) { state.messages = state.messages.slice(-MAX_CACHED); }
    while (state.seen[state.watermark + 1]) { state.watermark += 1; }
  }

  /* Show one stored message once. Returns true when it was new. */
  function addMessage(m, fromCache) {
    if (!m || m.seq === undefined || m.seq === null) { return false; }
    if (state.seen[m.seq]) {
      return false;
    }
    state.seen[m.seq] = true;
    var own = m.role === 'visitor' && pendingNode(m.client_message_id);
    if (own) {
      markSent(m.client_message_id, m.seq);
    } else {
      // Our own message already placed by its ack carries data-seq: never draw it twice.
      if (!ui.log.querySelector('li[data-seq="' + Number(m.seq) + '"]')) {
        insertBySeq(messageNode(m, false), m.seq);
      }
    }
    rememberMessage(m);
    var welcome = ui.log.querySelector('.hw-welcome');
    if (welcome) { welcome.parentNode.removeChild(welcome); }
    if (!fromCache) {
      if (m.role === 'human' || m.role === 'bot') { hideTyping(); }
      if (ui.panel.hidden && m.role !== 'visitor') { setUnread(unread + 1); }
      var ev = m.meta && m.meta.event;
      if (ev === 'handoff.declined') { setNotice('declined'); }
      scrollDown();
    }
    return true;
  }

  /* The agent's welcome message, shown until the conversation has stored messages (the server
     stores the welcome as the conversation's first bot message). */
  function renderWelcome() {
    var old = ui.log.querySelector('.hw-welcome');
    if (old) { old.parentNode.removeChild(old); }
    var text = state.agent && state.agent.welcome_message;
    if (!text || state.messages.length) { return; }
    var node = messageNode({ role: 'bot', text: text }, false);
    node.classList.add('hw-welcome');
    ui.log.insertBefore(node, ui.log.firstChild);
  }

  // ---------------------------------------------------------------- handoff banner
  var NOTICES = {
    back: 'The assistant is back. Ask me anything, or ask for a person again.',
    declined: 'Sorry, no team member is available right now. The assistant will keep helping you.'
  };

  function setNotice(kind, text) {
    state.notice = { kind: kind, text: text || NOTICES[kind] || '' };
    persist();
    renderBanner();
  }

  function handoffOpen() {
    var s = state.handoff && state.handoff.status;
    return s === 'pending' || s === 'acknowledged';
  }

  function renderBanner() {
    var h = state.handoff;
    var s = h && h.status;
    var text = '';
    var kind = '';
    if (s === 'pending') {
      text = 'Waiting for a team member…';
      kind = 'pending';
    } else if (s === 'acknowledged') {
      text = ((h.owner && h.owner.name) || 'A team member') + ' joined the conversation';
      kind = 'joined';
    } else if (state.notice) {
      text = state.notice.text;
      kind = state.notice.kind;
    }
    ui.banner.hidden = !text;
    ui.banner.setAttribute('data-kind', kind);
    ui.bannerText.textContent = text;
    ui.cancelBtn.hidden = !handoffOpen();
    ui.dismissBtn.hidden = handoffOpen() || !state.notice;
    ui.human.hidden = handoffOpen();
  }

  function applyHandoff(h) {
    if (!h) { return; }
    var prev = state.handoff && state.handoff.status;
    if (state.handoff && state.handoff.id === h.id && state.handoff.updated_at && h.updated_at &&
        h.updated_at < state.handoff.updated_at) {
      return; // an older snapshot (replay racing a live event)
    }
    state.handoff = h;
    if (h.status === 'pending' || h.status === 'acknowledged') {
      state.notice = null;
    } else if (prev === 'pending' || prev === 'acknowledged') {
      // Resolved or cancelled (live, or seen in a replay after a reconnect): the bot answers again.
      state.notice = { kind: 'back', text: NOTICES.back };
      hideTyping();
    }
    persist();
    renderBanner();
  }

  // ---------------------------------------------------------------- typing indicator
  function showTyping(name) {
    ui.typing.textContent = (name || 'A team member') + ' is typing…';
    ui.typing.hidden = false;
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(hideTyping, 8000);
  }
  function hideTyping() {
    clearTimeout(state.typingTimer);
    ui.typing.hidden = true;
    ui.typing.textContent = '';
  }

  var typingStopTimer = null;
  var visitorTyping = false;
  function typingChanged() {
    if (!handoffOpen() || !socket) { return; }
    var now = Date.now();
    if (!visitorTyping || now - state.lastTypingSent > 3000) {
      visitorTyping = true;
      state.lastTypingSent = now;
      socket.send({ action: 'typing', is_typing: true });
    }
    clearTimeout(typingStopTimer);
    typingStopTimer = setTimeout(stopTyping, 4000);
  }
  function stopTyping() {
    clearTimeout(typingStopTimer);
    if (visitorTyping && socket) { socket.send({ action: 'typing', is_typing: false }); }
    visitorTyping = false;
  }

  // ---------------------------------------------------------------- actions
  function submit() {
    var text = ui.input.value.trim();
    if (!text) { return; }
    if (text.length > 4000) { text = text.slice(0, 4000); }
    ui.input.value = '';
    autoGrow();
    stopTyping();
    if (state.notice) { state.notice = null; renderBanner(); }
    var o = { client_message_id: uuid(), text: text, created_at: new Date().toISOString(), sent_at: 0 };
    state.outbox.push(o);
    persist();
    renderPending(o);
    flushOutbox();
  }

  function sendFrame(o) {
    if (!socket || !socket.isOpen()) { return; }
    if (socket.send({ action: 'send', client_message_id: o.client_message_id, text: o.text, request_id: o.client_message_id })) {
      o.sent_at = Date.now();
    }
  }

  /* Send every unacknowledged message (same client_message_id: the server stores each once). */
  function flushOutbox(force) {
    var now = Date.now();
    state.outbox.forEach(function (o) {
      if (force || !o.sent_at || now - o.sent_at > ACK_RETRY_MS) { sendFrame(o); }
    });
  }

  function queueAction(frame) {
    if (socket && socket.send(frame)) { return; }
    state.pendingActions.push(frame);
    ensureStarted();
  }

  function requestHuman() {
    state.notice = null;
    ui.human.disabled = true;
    setTimeout(function () { ui.human.disabled = false; }, 1500);
    queueAction({ action: 'request_human', client_message_id: uuid(), request_id: 'request_human' });
  }

  function cancelHandoff() {
    queueAction({ action: 'cancel_handoff', request_id: 'cancel_handoff' });
  }

  // ---------------------------------------------------------------- server events
  function onEvent(ev) {
    if (!ev || !ev.type) { return; }
    if (ev.conversation_id && state.conversationId && ev.conversation_id !== state.conversationId) { return; }
    switch (ev.type) {
      case 'ack':
        if (ev.client_message_id && ev.action !== 'request_human') {
          var node = markSent(ev.client_message_id, ev.seq);
          if (node && ev.seq !== undefined && ev.seq !== null && !state.seen[ev.seq]) {
            // The ack is our own message's record: remember it like any other stored message.
            var t = node.querySelector('time');
            rememberMessage({
              seq: ev.seq, role: 'visitor', text: node.querySelector('.hw-text').textContent,
              created_at: t && t.getAttribute('datetime'), client_message_id: ev.client_message_id
            });
          }
          persist();
        }
        break;
      case 'message':
        if (addMessage(ev.message, false)) { persist(); }
        break;
      case 'history':
        (ev.messages || []).forEach(function (m) {
          addMessage(m, false);
          if (m.seq > state.replayMax) { state.replayMax = m.seq; }
        });
        if (ev.complete) {
          // Everything stored up to replayMax has now been replayed (a long replay comes in several
          // events): seqs we never got are not ours to see.
          if (state.replayMax > state.watermark) { state.watermark = state.replayMax; }
          state.replayMax = 0;
          while (state.seen[state.watermark + 1]) { state.watermark += 1; }
          // After a replay, anything still unacknowledged is resent (same client_message_id).
          flushOutbox(true);
        }
        if (ev.handoff !== undefined) { applyHandoff(ev.handoff); }
        persist();
        break;
      case 'handoff':
        applyHandoff(ev.handoff);
        break;
      case 'typing':
        if (ev.role === 'human') {
          if (ev.is_typing) { showTyping(ev.name); } else { hideTyping(); }
        }
        break;
      case 'error':
        onError(ev);
        break;
      default:
        break;
    }
  }

  function onError(ev) {
    var code = ev.code;
    if (code === 'handoff_disabled') {
      setNotice('declined');
      return;
    }
    if (code === 'handoff_already_open' || code === 'no_open_handoff') {
      socket && socket.send({ action: 'resume', after: state.watermark });
      return;
    }
    if (ev.action === 'send' && ev.request_id) {
      // The server refused this message for good (too long, invalid): stop retrying it.
      if (code !== 'conflict') {
        state.outbox = state.outbox.filter(function (o) { return o.client_message_id !== ev.request_id; });
        var node = pendingNode(ev.request_id);
        if (node) {
          node.classList.remove('hw-pending');
          node.classList.add('hw-failed');
          node.querySelector('.hw-state').textContent = ' · Not sent: ' + (ev.message || code);
        }
        persist();
      }
      return;
    }
    if (code === 'unauthorized' || code === 'forbidden') {
      refreshSession();
    }
  }

  // ---------------------------------------------------------------- session and socket
  var wsBase = null;
  function clientConfig() {
    if (wsBase) { return Promise.resolve(wsBase); }
    return fetch(BASE + 'client-config', { credentials: 'omit' })
      .then(function (r) { if (!r.ok) { throw new Error('client-config ' + r.status); } return r.json(); })
      .then(function (cfg) { wsBase = cfg.ws_url; return wsBase; });
  }

  function attributes() {
    var a = {};
    var name = script.getAttribute('data-visitor-name');
    var email = script.getAttribute('data-visitor-email');
    if (name) { a.name = name; }
    if (email) { a.email = email; }
    var extra = window.handoffSettings && window.handoffSettings.attributes;
    if (extra) { for (var k in extra) { a[k] = extra[k]; } }
    return a;
  }

  function setConnState(s) {
    var labels = { connecting: 'Connecting…', open: 'Online', reconnecting: 'Reconnecting…', offline: 'Offline', closed: '' };
    ui.conn.setAttribute('data-state', s);
    ui.conn.textContent = labels[s] || '';
    ui.panel.setAttribute('data-conn', s);
  }

  function resetConversation() {
    state.messages = [];
    state.seen = {};
    state.watermark = 0;
    state.handoff = null;
    state.notice = null;
    var keep = state.outbox;   // messages typed but never acknowledged go to the new conversation
    state.outbox = [];
    while (ui.log.firstChild) { ui.log.removeChild(ui.log.firstChild); }
    keep.forEach(function (o) { state.outbox.push(o); renderPending(o); });
  }

  function createSession() {
    var body = { agent_id: AGENT_ID, attributes: attributes() };
    if (state.session) { body.session = state.session; }
    return fetch(BASE + 'visitor/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit'
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) {
          var err = new Error((data.error && data.error.message) || ('HTTP ' + r.status));
          err.code = data.error && data.error.code;
          err.status = r.status;
          throw err;
        }
        return data;
      });
    }).then(function (data) {
      var changed = state.conversationId && state.conversationId !== data.conversation_id;
      state.session = data.session;
      save('session', data.session);
      state.agent = data.agent || null;
      if (state.agent && state.agent.name && !script.getAttribute('data-title')) {
        ui.title.textContent = state.agent.name;
      }
      if (changed) { resetConversation(); }
      if (!state.conversationId || changed) {
        state.conversationId = data.conversation_id;
        if (!changed) { restore(data.conversation_id); }
      }
      renderWelcome();
      renderBanner();
      persist();
      return data;
    });
  }

  var refreshing = null;
  function refreshSession() {
    if (!refreshing) {
      refreshing = createSession().catch(function () { /* keep the old one */ })
        .then(function () { refreshing = null; });
    }
    return refreshing;
  }

  function showError(text) {
    state.notice = { kind: 'error', text: text };
    renderBanner();
  }

  function ensureStarted() {
    if (state.started) { return; }
    state.started = true;
    setConnState('connecting');
    loadScript(STATIC + 'socket.js')
      .then(createSession)
      .then(function () {
        socket = new window.HandoffSocket({
          url: function () {
            return clientConfig().then(function (ws) {
              return window.HandoffSocket.withQuery(ws, { session: state.session });
            });
          },
          onOpen: function () {
            // Replay everything after the last seq we saw (also after a reload), then resend
            // unacknowledged messages once the replay is complete (see 'history').
            socket.send({ action: 'resume', after: state.watermark });
            var queued = state.pendingActions;
            state.pendingActions = [];
            queued.forEach(function (f) { socket.send(f); });
          },
          onEvent: onEvent,
          onState: setConnState,
          onConnectFailed: function (n) {
            // The session may have expired or the visitor been removed: ask for a fresh one.
            if (n >= 2) { refreshSession(); }
          }
        });
        api.socket = socket;
        socket.start();
        setInterval(function () { if (socket.isOpen()) { flushOutbox(false); } }, 5000);
      })
      .catch(function (err) {
        state.started = false;
        setConnState('offline');
        showError(err.code === 'not_found' ? 'This chat is not available.' : 'Chat is unavailable right now. Please try again later.');
      });
  }

  // ---------------------------------------------------------------- public API
  api.open = function () { setOpen(true); };
  api.close = function () { setOpen(false); };
  api.state = state;

  function init() {
    build();
    setConnState('closed');
    // A returning visitor with an ongoing conversation reconnects at once (so replies arrive and
    // the unread badge works); a new visitor connects on first open.
    if (state.session) { ensureStarted(); }
    if (load('open', false) || script.getAttribute('data-open') === 'true') { setOpen(true); }
  }

  if (document.body) { init(); } else { document.addEventListener('DOMContentLoaded', init); }
})();
