/*
 * Operator dashboard. Plain JavaScript, no build step.
 *
 * REST (same origin, under whatever stage prefix the page itself is served from) carries the
 * commands: acknowledge, reply, resolve, cancel, settings, knowledge base. They answer with a
 * definite result (200, or 409 when someone else was first). The WebSocket carries what happens
 * live: inbox events, messages, handoff transitions, typing. After a reconnect the dashboard
 * refreshes the inbox over REST and re-opens the conversations it shows after the last seq it saw.
 *
 * Every piece of text that comes from a visitor, a bot or an operator is rendered with textContent.
 */
(function () {
  'use strict';

  var BASE = new URL('.', location.href).href;
  var TOKEN_KEY = 'handoff.operatorToken';
  var AGENT_KEY = 'handoff.agentId';
  var $ = function (id) { return document.getElementById(id); };

  var state = {
    token: null,
    me: null,
    agents: [],
    agentId: null,
    filter: '',
    summaries: {},     // conversation id -> summary (inbox row)
    counts: { pending: 0, acknowledged: 0 },
    convs: {},         // conversation id -> {messages: {seq: msg}, watermark, handoff, pending: []}
    alerted: {},       // handoff id -> true: one sound and one notification per handoff request
    currentId: null,
    socket: null,
    settings: null,
    settingsVersion: null,
    beeps: 0,
    inboxEvents: 0,
    notifications: 0
  };
  window.HandoffDashboard = state; // for debugging and the browser tests

  // ---------------------------------------------------------------- helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) { continue; }
        if (k === 'text') { node.textContent = v; } else if (k === 'className') { node.className = v; } else { node.setAttribute(k, v === true ? '' : v); }
      }
    }
    (children || []).forEach(function (c) { if (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } });
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function toast(text) {
    var t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.hidden = true; }, 5000);
  }

  function parseTime(iso) {
    var d = iso ? new Date(iso) : null;
    return d && !isNaN(d.getTime()) ? d : null;
  }
  function timeLabel(iso) {
    var d = parseTime(iso);
    if (!d) { return ''; }
    var now = new Date();
    var time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    if (d.toDateString() === now.toDateString()) { return time; }
    return d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + time;
  }
  function duration(fromIso) {
    var d = parseTime(fromIso);
    if (!d) { return ''; }
    var s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
    if (s < 60) { return s + ' s'; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + ' min'; }
    var h = Math.floor(m / 60);
    return h + ' h ' + (m % 60) + ' min';
  }

  var REASONS = {
    visitor_request: 'Asked for a person',
    complaint: 'Complaint',
    billing: 'Billing question',
    sales: 'Sales enquiry',
    vip: 'VIP visitor',
    bot_unable: 'Bot could not answer',
    phrase: 'Trigger phrase',
    phrases: 'Trigger phrase',
    low_confidence: 'Bot unsure'
  };
  function reasonLabel(reason) {
    if (!reason) { return ''; }
    var label = REASONS[reason.code] || String(reason.code || '').replace(/_/g, ' ');
    return reason.detail ? label + ': ' + reason.detail : label;
  }
  var STATUS_LABEL = { bot: 'With bot', pending: 'Pending', acknowledged: 'Acknowledged', resolved: 'Resolved', cancelled: 'Cancelled' };

  function visitorName(summary) {
    var v = (summary && summary.visitor) || {};
    return v.name || v.email || ('Visitor ' + String(v.id || (summary && summary.id) || '').replace(/^.*\.v_/, '').slice(0, 6));
  }

  // ---------------------------------------------------------------- REST
  function api(method, path, body) {
    var opts = { method: method, headers: { Authorization: 'Bearer ' + state.token } };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(BASE + path, opts).then(function (r) {
      if (r.status === 204) { return null; }
      return r.text().then(function (txt) {
        var data = null;
        try { data = txt ? JSON.parse(txt) : null; } catch (e) { data = null; }
        if (!r.ok) {
          var e2 = new Error((data && data.error && data.error.message) || ('HTTP ' + r.status));
          e2.status = r.status;
          e2.code = data && data.error && data.error.code;
          e2.data = data;
          if (r.status === 401 && path !== 'operator/me') { signOut('Your session ended. Please sign in again.'); }
          throw e2;
        }
        return data;
      });
    });
  }
  function enc(s) { return encodeURIComponent(s); }

  // ---------------------------------------------------------------- sign in / out
  function showSignin(message) {
    $('app').hidden = true;
    $('signin').hidden = false;
    $('signin-error').textContent = message || '';
    $('token-input').focus();
  }

  function signIn(token) {
    state.token = token;
    return api('GET', 'operator/me').then(function (data) {
      sessionStorage.setItem(TOKEN_KEY, token);
      state.me = data.operator;
      state.agents = data.agents || [];
      startApp();
    }, function (err) {
      state.token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      showSignin(err.status === 401 || err.status === 403 ? 'That token was not accepted.' : 'Could not reach the service (' + err.message + ').');
    });
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    if (state.socket) { state.socket.stop(); state.socket = null; }
    location.hash = '';
    showSignin(message);
  }

  // ---------------------------------------------------------------- app start
  function startApp() {
    $('signin').hidden = true;
    $('app').hidden = false;
    $('me').textContent = state.me.name;
    var sel = $('agent-select');
    clear(sel);
    state.agents.forEach(function (a) { sel.appendChild(el('option', { value: a.id, text: a.name || a.id })); });
    var saved = sessionStorage.getItem(AGENT_KEY);
    var pick = state.agents.filter(function (a) { return a.id === saved; })[0] || state.agents[0];
    if (!pick) {
      $('conv-empty').textContent = 'You are not an operator of any agent yet.';
      return;
    }
    sel.value = pick.id;
    sel.disabled = state.agents.length < 2;
    selectAgent(pick.id);
    updateNotifyButton();
    connectSocket();
  }

  function selectAgent(id) {
    state.agentId = id;
    sessionStorage.setItem(AGENT_KEY, id);
    state.summaries = {};
    state.currentId = null;
    showConversation(null);
    loadInbox();
    if (!$('panel-settings').hidden) { loadSettings(); loadKnowledge(); } else { state.settings = null; }
  }

  // ---------------------------------------------------------------- tabs
  function selectTab(name) {
    ['inbox', 'settings'].forEach(function (t) {
      var on = t === name;
      $('tab-' + t).setAttribute('aria-selected', on ? 'true' : 'false');
      $('tab-' + t).tabIndex = on ? 0 : -1;
      $('panel-' + t).hidden = !on;
    });
    if (name === 'settings') { loadSettings(); loadKnowledge(); }
  }

  // ---------------------------------------------------------------- inbox
  function loadInbox() {
    var agent = state.agentId;
    var q = 'agents/' + enc(agent) + '/inbox?limit=100' + (state.filter ? '&status=' + enc(state.filter) : '');
    return api('GET', q).then(function (data) {
      if (agent !== state.agentId) { return; }
      var fresh = {};
      (data.conversations || []).forEach(function (c) { fresh[c.id] = c; });
      // Keep rows outside the filter we already know (live events), but take the server's word for the rest.
      for (var id in state.summaries) {
        if (!fresh[id] && !matchesFilter(state.summaries[id])) { fresh[id] = state.summaries[id]; }
      }
      state.summaries = fresh;
      if (data.counts) { setCounts(data.counts); }
      renderInbox();
    }).catch(function (err) {
      if (err.status !== 401) { toast('Could not load the inbox: ' + err.message); }
    });
  }

  function statusOf(summary) {
    return (summary.handoff && (summary.handoff.status === 'pending' || summary.handoff.status === 'acknowledged'))
      ? summary.handoff.status : (summary.status || 'bot');
  }

  function matchesFilter(summary) {
    return !state.filter || statusOf(summary) === state.filter;
  }

  function sortKey(summary) {
    var s = statusOf(summary);
    var group = s === 'pending' ? 0 : s === 'acknowledged' ? 1 : 2;
    var t;
    if (group === 0) {
      // Longest waiting first.
      t = (parseTime(summary.waiting_since || (summary.handoff && summary.handoff.requested_at)) || new Date(0)).getTime();
    } else {
      t = -((parseTime(summary.updated_at) || new Date(0)).getTime());
    }
    return [group, t];
  }

  function setCounts(counts) {
    state.counts = { pending: counts.pending || 0, acknowledged: counts.acknowledged || 0 };
    $('count-pending').textContent = String(state.counts.pending);
    $('count-acknowledged').textContent = String(state.counts.acknowledged);
    var pill = $('tab-pending');
    pill.hidden = state.counts.pending === 0;
    pill.textContent = String(state.counts.pending);
    pill.setAttribute('aria-label', state.counts.pending + ' pending');
    document.title = (state.counts.pending ? '(' + state.counts.pending + ') ' : '') + 'Inbox · Handoff';
  }

  function renderInbox() {
    var list = $('conv-list');
    var rows = Object.keys(state.summaries).map(function (id) { return state.summaries[id]; })
      .filter(function (s) { return s.agent_id === undefined || s.agent_id === state.agentId; })
      .filter(matchesFilter);
    rows.sort(function (a, b) {
      var ka = sortKey(a), kb = sortKey(b);
      return ka[0] - kb[0] || ka[1] - kb[1];
    });
    var focusedId = document.activeElement && document.activeElement.getAttribute('data-conv');
    clear(list);
    rows.forEach(function (s) { list.appendChild(inboxRow(s)); });
    $('list-empty').hidden = rows.length > 0;
    if (focusedId) {
      var again = list.querySelector('[data-conv="' + CSS.escape(focusedId) + '"]');
      if (again) { again.focus(); }
    }
  }

  function inboxRow(s) {
    var status = statusOf(s);
    var h = s.handoff;
    var lines = [];
    var top = el('span', { className: 'row-top' }, [
      el('span', { className: 'row-name', text: visitorName(s) }),
      s.visitor && s.visitor.vip ? el('span', { className: 'pill pill-vip', text: 'VIP' }) : null,
      el('span', { className: 'badge badge-' + status, text: STATUS_LABEL[status] || status })
    ]);
    lines.push(top);
    if (status === 'pending') {
      lines.push(el('span', { className: 'row-wait' }, [
        el('span', { className: 'wait-time', text: 'Waiting ' + duration(s.waiting_since || (h && h.requested_at)) }),
        h && h.reason ? el('span', { className: 'row-reason', text: ' · ' + reasonLabel(h.reason) }) : null
      ]));
    } else if (status === 'acknowledged') {
      var owner = h && h.owner;
      lines.push(el('span', { className: 'row-owner', text: owner ? (owner.id === state.me.id ? 'You' : owner.name) + ' answering' : 'Acknowledged' }));
    }
    if (s.last_message) {
      var who = { visitor: '', bot: 'Bot: ', human: (s.last_message.author || 'Operator') + ': ', system: '' }[s.last_message.role] || '';
      lines.push(el('span', { className: 'row-last', text: who + (s.last_message.text || '') }));
    }
    lines.push(el('span', { className: 'row-time', text: timeLabel(s.updated_at) }));
    var btn = el('button', {
      type: 'button', className: 'conv-item status-' + status, 'data-conv': s.id,
      'aria-current': s.id === state.currentId ? 'true' : null,
      'aria-label': visitorName(s) + ', ' + (STATUS_LABEL[status] || status) +
        (status === 'pending' ? ', waiting ' + duration(s.waiting_since || (h && h.requested_at)) : '')
    }, lines);
    btn.addEventListener('click', function () { openConversation(s.id); });
    return el('li', { 'data-status': status }, [btn]);
  }

  function upsertSummary(summary) {
    if (!summary || !summary.id) { return; }
    var old = state.summaries[summary.id] || {};
    // Never let an older snapshot overwrite a newer one.
    if (old.updated_at && summary.updated_at && summary.updated_at < old.updated_at) { return; }
    state.summaries[summary.id] = summary;
    renderInbox();
  }

  // ---------------------------------------------------------------- alerts for new handoffs
  var audio = null;
  function unlockAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return; }
    if (!audio) { try { audio = new Ctx(); } catch (e) { audio = null; } }
    if (audio && audio.state === 'suspended') { audio.resume().catch(function () {}); }
  }
  function beep() {
    state.beeps += 1;
    if (!audio) { unlockAudio(); }
    if (!audio) { return; }
    try {
      var t0 = audio.currentTime;
      [0, 0.18].forEach(function (offset) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = 'sine';
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, t0 + offset);
        gain.gain.exponentialRampToValueAtTime(0.2, t0 + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t0 + offset + 0.14);
        osc.connect(gain).connect(audio.destination);
        osc.start(t0 + offset);
        osc.stop(t0 + offset + 0.15);
      });
    } catch (e) { /* no sound: fine */ }
  }
  function notify(summary) {
    if (!('Notification' in window) || Notification.permission !== 'granted') { return; }
    try {
      var h = summary.handoff;
      var n = new Notification('New handoff request', {
        body: visitorName(summary) + (h && h.reason ? ' · ' + reasonLabel(h.reason) : ''),
        tag: 'handoff-' + summary.id
      });
      state.notifications += 1;
      n.onclick = function () { window.focus(); selectTab('inbox'); openConversation(summary.id); n.close(); };
    } catch (e) { /* some browsers only allow notifications from a service worker */ }
  }
  /* One sound and one notification per handoff request, whichever event announces it first. */
  function alertNewHandoff(summary, handoff) {
    var key = (handoff && handoff.id) || summary.id;
    if (state.alerted[key]) { return; }
    state.alerted[key] = true;
    beep();
    notify(summary);
  }

  /* One inbox reload for a burst of events (at most one per delay). */
  var inboxTimer = null, inboxDue = 0;
  function refreshInboxSoon(delay) {
    var due = Date.now() + (delay || 400);
    if (inboxTimer && inboxDue <= due) { return; }
    clearTimeout(inboxTimer);
    inboxDue = due;
    inboxTimer = setTimeout(function () { inboxTimer = null; loadInbox(); }, due - Date.now());
  }

  function updateNotifyButton() {
    var btn = $('notify-btn');
    btn.hidden = !('Notification' in window) || Notification.permission !== 'default';
  }

  // ---------------------------------------------------------------- socket
  var wsUrl = null;
  function socketUrl() {
    var p = wsUrl ? Promise.resolve(wsUrl) : fetch(BASE + 'client-config').then(function (r) {
      if (!r.ok) { throw new Error('client-config ' + r.status); }
      return r.json();
    }).then(function (cfg) { wsUrl = cfg.ws_url; return wsUrl; });
    return p.then(function (u) { return window.HandoffSocket.withQuery(u, { token: state.token }); });
  }

  var CONN_LABEL = { connecting: 'Connecting…', open: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline', closed: 'Disconnected' };
  function connectSocket() {
    if (state.socket) { state.socket.stop(); }
    var sock = new window.HandoffSocket({
      url: socketUrl,
      onState: function (s) {
        var c = $('conn');
        c.setAttribute('data-state', s);
        c.textContent = CONN_LABEL[s] || s;
        c.title = s === 'reconnecting' ? 'Connection lost, retrying…' : '';
      },
      onOpen: function (isReconnect) {
        if (isReconnect) {
          loadInbox();
          // Catch up every conversation we hold, after the last seq seen in each.
          Object.keys(state.convs).forEach(function (id) {
            if (!state.convs[id].opened) { return; }
            if (id === state.currentId) {
              sock.send({ action: 'open', conversation_id: id, after: state.convs[id].watermark });
            } else {
              sock.send({ action: 'resume', conversation_id: id, after: state.convs[id].watermark });
            }
          });
        } else if (state.currentId) {
          sock.send({ action: 'open', conversation_id: state.currentId, after: conv(state.currentId).watermark });
        }
      },
      onEvent: onEvent,
      onConnectFailed: function (n) {
        if (n === 2 || n % 5 === 0) {
          api('GET', 'operator/me').catch(function (err) {
            if (err.status === 401) { signOut('Your token is no longer valid.'); }
          });
        }
      }
    });
    state.socket = sock;
    sock.start();
  }

  function onEvent(ev) {
    if (!ev || !ev.type) { return; }
    switch (ev.type) {
      case 'inbox':
        if (ev.agent_id && ev.agent_id !== state.agentId) { return; }
        state.inboxEvents += 1;
        if (ev.counts) { setCounts(ev.counts); }
        if (ev.conversation) {
          upsertSummary(ev.conversation);
          if (ev.conversation.handoff && state.convs[ev.conversation.id]) {
            applyHandoff(ev.conversation.id, ev.conversation.handoff);
          }
        }
        if (ev.event === 'handoff.requested' && ev.conversation) {
          alertNewHandoff(ev.conversation, ev.conversation.handoff);
        }
        break;
      case 'message':
        if (ev.conversation_id && ev.message) {
          // Only conversations we opened keep a transcript; the others load in full when opened.
          if (state.convs[ev.conversation_id] && state.convs[ev.conversation_id].opened) {
            addMessages(ev.conversation_id, [ev.message]);
          }
          if (state.summaries[ev.conversation_id]) {
            touchSummary(ev.conversation_id, ev.message);
          } else if (!state.filter || state.filter === 'bot') {
            refreshInboxSoon(3000);   // a conversation we do not list yet
          }
        }
        break;
      case 'history':
        if (ev.conversation_id) {
          replayed(ev.conversation_id, ev.messages || [], ev.complete !== false);
          if (ev.handoff !== undefined) { applyHandoff(ev.conversation_id, ev.handoff); }
        }
        break;
      case 'handoff':
        applyHandoff(ev.conversation_id, ev.handoff);
        if (ev.handoff && ev.handoff.status === 'pending' && !ev.previous) {
          alertNewHandoff(state.summaries[ev.conversation_id] ||
            { id: ev.conversation_id, agent_id: state.agentId, handoff: ev.handoff, status: 'pending' }, ev.handoff);
        }
        // The counts and any conversation we did not know yet: from the server, soon.
        refreshInboxSoon();
        break;
      case 'typing':
        if (ev.conversation_id === state.currentId && ev.role === 'visitor') { showTyping(ev.is_typing); }
        break;
      case 'error':
        if (ev.code === 'unauthorized') { signOut('Your session ended. Please sign in again.'); }
        break;
      default:
        break;
    }
  }

  /* Keep an inbox row's "last message" fresh from live messages. */
  function touchSummary(id, m) {
    var s = state.summaries[id];
    if (!s) { return; }
    if (s.last_message && s.last_message.seq >= m.seq) { return; }
    s.last_message = { seq: m.seq, role: m.role, text: m.text, author: m.author, created_at: m.created_at };
    if (m.created_at && (!s.updated_at || m.created_at > s.updated_at)) { s.updated_at = m.created_at; }
    renderInbox();
  }

  // ---------------------------------------------------------------- conversation
  function conv(id) {
    // watermark: every seq up to it has been seen (open/resume after it); replayMax: highest seq of
    // the replay under way (a long replay comes in several history events).
    if (!state.convs[id]) { state.convs[id] = { messages: {}, watermark: 0, replayMax: 0, handoff: null, pending: [] }; }
    return state.convs[id];
  }

  function openConversation(id) {
    if (state.currentId && state.currentId !== id) { stopTyping(); }
    state.currentId = id;
    var c = conv(id);
    c.opened = true;
    showConversation(id);
    renderInbox();
    location.hash = 'c=' + encodeURIComponent(id);
    // Ask the server for what we have not seen yet (everything the first time).
    if (!(state.socket && state.socket.send({ action: 'open', conversation_id: id, after: c.watermark }))) {
      loadOverRest(id);
    }
    // The summary (visitor details, handoff history) over REST: the socket only sends the handoff.
    api('GET', 'conversations/' + enc(id)).then(function (data) {
      if (!data) { return; }
      var s = data.conversation || data;
      if (s.id) { upsertSummary(Object.assign({}, state.summaries[s.id] || {}, s)); }
      if (data.handoff !== undefined) { applyHandoff(id, data.handoff); }
      if (id === state.currentId) { renderHeader(); }
    }).catch(function (err) {
      if (err.status === 404 || err.status === 403) { toast('That conversation is not available.'); }
    });
  }

  function loadOverRest(id, after) {
    var c = conv(id);
    after = after === undefined ? c.watermark : after;
    return api('GET', 'conversations/' + enc(id) + '/messages?after=' + after + '&limit=100').then(function (data) {
      var more = data.next_after !== null && data.next_after !== undefined && data.next_after > after;
      replayed(id, data.messages || [], !more);
      if (more) { return loadOverRest(id, data.next_after); }
    });
  }

  /* Messages from a replay (socket history or REST pages). When complete, every seq up to the
     highest one replayed is known: a seq we never got is not visible to us. */
  function replayed(id, messages, complete) {
    var c = conv(id);
    messages.forEach(function (m) { if (m && m.seq > c.replayMax) { c.replayMax = m.seq; } });
    addMessages(id, messages);
    if (complete) {
      if (c.replayMax > c.watermark) { c.watermark = c.replayMax; }
      c.replayMax = 0;
      while (c.messages[c.watermark + 1]) { c.watermark += 1; }
    }
  }

  function showConversation(id) {
    $('conv').hidden = !id;
    $('conv-empty').hidden = !!id;
    clear($('messages'));
    $('typing').textContent = '';
    if (!id) { return; }
    var c = conv(id);
    Object.keys(c.messages).map(Number).sort(function (a, b) { return a - b; })
      .forEach(function (seq) { $('messages').appendChild(messageNode(c.messages[seq])); });
    (c.pending || []).forEach(function (p) { $('messages').appendChild(pendingNode(p)); });
    renderHeader();
    scrollDown(true);
  }

  function roleLabel(m, summary) {
    if (m.role === 'visitor') { return visitorName(summary); }
    if (m.role === 'bot') { return 'Bot'; }
    if (m.role === 'human') { return (m.author || 'Operator') + (m.author && state.me && m.author === state.me.name ? ' (you)' : ''); }
    return '';
  }

  function messageNode(m) {
    var summary = state.summaries[state.currentId];
    var li = el('li', { className: 'msg msg-' + m.role, 'data-seq': String(m.seq) });
    if (m.role !== 'system') {
      li.appendChild(el('span', { className: 'msg-author', text: roleLabel(m, summary) }));
    }
    li.appendChild(el('p', { className: 'msg-text', text: m.text || '' }));
    var t = el('time', { className: 'msg-time', text: timeLabel(m.created_at) });
    if (m.created_at) { t.setAttribute('datetime', m.created_at); t.title = new Date(m.created_at).toLocaleString(); }
    li.appendChild(t);
    return li;
  }

  function pendingNode(p) {
    var li = el('li', { className: 'msg msg-human msg-pending', 'data-cmid': p.client_message_id });
    li.appendChild(el('span', { className: 'msg-author', text: state.me.name + ' (you)' }));
    li.appendChild(el('p', { className: 'msg-text', text: p.text }));
    li.appendChild(el('span', { className: 'msg-time', text: p.failed ? 'Not sent: ' + p.failed : 'Sending…' }));
    return li;
  }

  function scrollDown(force) {
    var box = $('messages');
    var nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
    if (force || nearBottom) { box.scrollTop = box.scrollHeight; }
  }

  /* Add stored messages to a conversation, each once (by seq). */
  function addMessages(id, messages) {
    var c = conv(id);
    var added = [];
    messages.forEach(function (m) {
      if (!m || m.seq === undefined || m.seq === null || c.messages[m.seq]) { return; }
      c.messages[m.seq] = m;
      if (m.client_message_id && c.pending) {
        c.pending = c.pending.filter(function (p) { return p.client_message_id !== m.client_message_id; });
        if (id === state.currentId) {
          var pn = $('messages').querySelector('[data-cmid="' + CSS.escape(m.client_message_id) + '"]');
          if (pn) { pn.parentNode.removeChild(pn); }
        }
      }
      added.push(m);
    });
    while (c.messages[c.watermark + 1]) { c.watermark += 1; }
    if (!added.length || id !== state.currentId) { return; }
    var box = $('messages');
    added.forEach(function (m) {
      var node = messageNode(m);
      var next = null;
      for (var i = 0; i < box.children.length; i++) {
        var s = box.children[i].getAttribute('data-seq');
        if (s === null || Number(s) > m.seq) { next = box.children[i]; break; }
      }
      box.insertBefore(node, next);
      if (m.role === 'visitor') { showTyping(false); }
    });
    scrollDown(false);
  }

  function applyHandoff(id, handoff) {
    if (!id) { return; }
    var c = conv(id);
    if (handoff && c.handoff && c.handoff.id === handoff.id && c.handoff.updated_at && handoff.updated_at &&
        handoff.updated_at < c.handoff.updated_at) {
      return; // stale
    }
    c.handoff = handoff;
    var s = state.summaries[id];
    if (s) {
      s.handoff = handoff;
      if (handoff) {
        s.status = handoff.status;
        if (handoff.updated_at && (!s.updated_at || handoff.updated_at > s.updated_at)) { s.updated_at = handoff.updated_at; }
      }
      renderInbox();
    }
    if (id === state.currentId) { renderHeader(); }
  }

  function renderHeader() {
    var id = state.currentId;
    if (!id) { return; }
    var c = conv(id);
    var s = state.summaries[id] || { id: id };
    var h = c.handoff || s.handoff || null;
    var status = h ? h.status : (s.status || 'bot');
    var v = s.visitor || {};
    $('conv-title').textContent = visitorName(s);
    var sub = [];
    if (v.email) { sub.push(v.email); }
    if (v.vip) { sub.push('VIP'); }
    if (h && h.reason && (status === 'pending' || status === 'acknowledged')) { sub.push(reasonLabel(h.reason)); }
    if (status === 'pending') { sub.push('waiting ' + duration(s.waiting_since || h.requested_at)); }
    $('conv-sub').textContent = sub.join(' · ');
    var badge = $('conv-status');
    badge.className = 'badge badge-' + status;
    badge.textContent = STATUS_LABEL[status] || status;

    var mine = !!(h && h.owner && state.me && h.owner.id === state.me.id);
    var open = status === 'pending' || status === 'acknowledged';
    $('ack-btn').hidden = status !== 'pending';
    $('resolve-btn').hidden = !(status === 'acknowledged' && mine);
    $('cancel-btn').hidden = !(status === 'pending' || (status === 'acknowledged' && mine));

    var canReply = status === 'acknowledged' && mine;
    var notice = '';
    if (status === 'acknowledged' && !mine) {
      notice = ((h.owner && h.owner.name) || 'Another operator') + ' is handling this conversation. Replying is disabled.';
    } else if (status === 'pending') {
      notice = 'The visitor is waiting for a person. Acknowledge to take the conversation.';
    } else if (!open) {
      notice = status === 'bot' || !h ? 'The bot is answering this visitor.' :
        'Handoff ' + (STATUS_LABEL[status] || status).toLowerCase() + '. The bot is answering again.';
    }
    var n = $('conv-notice');
    n.textContent = notice;
    n.hidden = !notice;
    n.setAttribute('data-kind', status === 'acknowledged' && !mine ? 'taken' : status);
    $('reply-input').disabled = !canReply;
    $('reply-btn').disabled = !canReply;
    $('reply-input').placeholder = canReply ? 'Write a reply…' :
      (status === 'acknowledged' ? 'Only ' + ((h.owner && h.owner.name) || 'the owner') + ' can reply' : 'Acknowledge the handoff to reply');
    $('conv').setAttribute('data-status', status);
    $('conv').setAttribute('data-mine', mine ? 'true' : 'false');
  }

  // ---------------------------------------------------------------- commands (REST)
  function command(verb, body) {
    var id = state.currentId;
    if (!id) { return Promise.resolve(); }
    var btns = ['ack-btn', 'resolve-btn', 'cancel-btn'].map($);
    btns.forEach(function (b) { b.disabled = true; });
    return api('POST', 'conversations/' + enc(id) + '/' + verb, body || {}).then(function (data) {
      if (data && data.handoff) { applyHandoff(id, data.handoff); }
      if (verb === 'acknowledge') { $('reply-input').focus(); }
    }).catch(function (err) {
      if (err.code === 'already_acknowledged') {
        var owner = (err.data && err.data.error && (err.data.error.owner || (err.data.error.handoff && err.data.error.handoff.owner))) ||
          (err.data && err.data.owner);
        toast((owner && owner.name ? owner.name : 'Another operator') + ' acknowledged this conversation first.');
        if (owner && conv(id).handoff) {
          applyHandoff(id, Object.assign({}, conv(id).handoff, { status: 'acknowledged', owner: owner }));
        }
      } else if (err.status !== 401) {
        toast('Could not ' + verb + ': ' + err.message);
      }
      return refreshConversation(id);
    }).then(function () {
      btns.forEach(function (b) { b.disabled = false; });
    });
  }

  function refreshConversation(id) {
    return api('GET', 'conversations/' + enc(id)).then(function (data) {
      if (data && data.handoff !== undefined) { applyHandoff(id, data.handoff); }
    }).catch(function () {});
  }

  function sendReply() {
    var id = state.currentId;
    var input = $('reply-input');
    var text = input.value.trim();
    if (!id || !text || input.disabled) { return; }
    input.value = '';
    stopTyping();
    var p = { client_message_id: window.HandoffSocket.uuid(), text: text.slice(0, 4000), tries: 0 };
    var c = conv(id);
    c.pending = (c.pending || []).concat([p]);
    $('messages').appendChild(pendingNode(p));
    scrollDown(true);
    postReply(id, p);
  }

  function postReply(id, p) {
    p.tries += 1;
    api('POST', 'conversations/' + enc(id) + '/reply', { client_message_id: p.client_message_id, text: p.text })
      .then(function (data) {
        var c = conv(id);
        var seq = data && data.seq;
        if (seq !== undefined && seq !== null && !c.messages[seq]) {
          // Our own message, known before its socket echo: the echo will be deduplicated by seq.
          addMessages(id, [{ seq: seq, role: 'human', text: p.text, author: state.me.name, created_at: new Date().toISOString(), client_message_id: p.client_message_id }]);
        }
        c.pending = (c.pending || []).filter(function (x) { return x !== p; });
        var node = document.querySelector('#messages [data-cmid="' + CSS.escape(p.client_message_id) + '"].msg-pending');
        if (node) { node.parentNode.removeChild(node); }
      })
      .catch(function (err) {
        if (!err.status || err.status >= 500 || err.code === 'conflict') {
          if (p.tries < 6) {
            // Same client_message_id: the server stores the reply once however often it arrives.
            setTimeout(function () { postReply(id, p); }, Math.min(8000, 500 * Math.pow(2, p.tries)));
            return;
          }
        }
        p.failed = err.message;
        var node = document.querySelector('#messages [data-cmid="' + CSS.escape(p.client_message_id) + '"]');
        if (node) { node.replaceWith(pendingNode(p)); }
        if (err.code === 'not_owner' || err.code === 'illegal_transition' || err.code === 'no_open_handoff') { refreshConversation(id); }
      });
  }

  // typing (operator → visitor)
  var typingOn = false, typingSentAt = 0, typingTimer = null;
  function typingInput() {
    var id = state.currentId;
    if (!id || $('reply-input').disabled || !state.socket) { return; }
    var now = Date.now();
    if (!typingOn || now - typingSentAt > 3000) {
      typingOn = true;
      typingSentAt = now;
      state.socket.send({ action: 'typing', conversation_id: id, is_typing: true });
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 4000);
  }
  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingOn && state.socket && state.currentId) {
      state.socket.send({ action: 'typing', conversation_id: state.currentId, is_typing: false });
    }
    typingOn = false;
  }
  var visitorTypingTimer = null;
  function showTyping(on) {
    var t = $('typing');
    clearTimeout(visitorTypingTimer);
    if (on) {
      t.textContent = visitorName(state.summaries[state.currentId]) + ' is typing…';
      visitorTypingTimer = setTimeout(function () { t.textContent = ''; }, 8000);
    } else {
      t.textContent = '';
    }
  }

  // ---------------------------------------------------------------- settings
  var TRIGGER_LABELS = {
    complaint: 'The visitor complains',
    billing: 'Billing or payment questions',
    sales: 'Sales enquiries (pricing, quotes)',
    vip: 'The visitor is a VIP',
    bot_unable: 'The bot cannot answer',
    phrases: 'The visitor uses one of these phrases (one per line)'
  };

  function loadSettings() {
    var agent = state.agentId;
    $('settings-status').textContent = 'Loading…';
    return api('GET', 'agents/' + enc(agent) + '/settings').then(function (data) {
      if (agent !== state.agentId) { return; }
      state.settings = data.settings || {};
      state.settingsVersion = data.version;
      fillSettings();
      $('settings-status').textContent = '';
    }).catch(function (err) {
      $('settings-status').textContent = 'Could not load settings: ' + err.message;
    });
  }

  function fillSettings() {
    var s = state.settings;
    $('allow-handoff').checked = !!s.allow_human_handoff;
    $('welcome-input').value = s.welcome_message || '';
    $('webhook-input').value = s.webhook_url || '';
    $('threshold-input').value = s.confidence_threshold === undefined || s.confidence_threshold === null ? '' : s.confidence_threshold;
    var box = $('trigger-list');
    clear(box);
    var triggers = s.triggers || {};
    var keys = Object.keys(TRIGGER_LABELS).filter(function (k) { return k in triggers; })
      .concat(Object.keys(triggers).filter(function (k) { return !(k in TRIGGER_LABELS); }));
    keys.forEach(function (k) {
      var v = triggers[k];
      var id = 'trigger-' + k;
      var label = TRIGGER_LABELS[k] || k.replace(/_/g, ' ');
      if (k === 'phrases' && typeof v === 'boolean') { label = 'The visitor uses a trigger phrase ("talk to a human", "agent"…)'; }
      if (Array.isArray(v) || typeof v === 'string') {
        box.appendChild(el('div', { className: 'trigger trigger-text' }, [
          el('label', { 'for': id, text: Array.isArray(v) ? label : label.replace(/ \(one per line\)$/, '') }),
          el('textarea', { id: id, rows: '3', 'data-key': k, 'data-kind': Array.isArray(v) ? 'list' : 'text' })
        ]));
        $(id).value = Array.isArray(v) ? v.join('\n') : v;
      } else if (typeof v === 'boolean') {
        var cb = el('input', { type: 'checkbox', id: id, 'data-key': k, 'data-kind': 'bool' });
        cb.checked = v;
        box.appendChild(el('div', { className: 'trigger' }, [cb, el('label', { 'for': id, text: label })]));
      } else if (typeof v === 'number') {
        box.appendChild(el('div', { className: 'trigger' }, [
          el('label', { 'for': id, text: label }),
          el('input', { type: 'number', id: id, 'data-key': k, 'data-kind': 'number', value: String(v) })
        ]));
      }
      // Anything else (objects) is kept as it is and sent back unchanged.
    });
  }

  function collectSettings() {
    var s = JSON.parse(JSON.stringify(state.settings || {}));
    s.allow_human_handoff = $('allow-handoff').checked;
    s.welcome_message = $('welcome-input').value;
    s.webhook_url = $('webhook-input').value.trim() || null;
    var th = $('threshold-input').value;
    if (th !== '') { s.confidence_threshold = Number(th); }
    s.triggers = s.triggers || {};
    Array.prototype.forEach.call($('trigger-list').querySelectorAll('[data-key]'), function (input) {
      var k = input.getAttribute('data-key');
      var kind = input.getAttribute('data-kind');
      if (kind === 'bool') { s.triggers[k] = input.checked; } else if (kind === 'list') {
        s.triggers[k] = input.value.split('\n').map(function (x) { return x.trim(); }).filter(Boolean);
      } else if (kind === 'number') { s.triggers[k] = Number(input.value); } else { s.triggers[k] = input.value; }
    });
    return s;
  }

  function saveSettings() {
    var webhook = $('webhook-input');
    if (webhook.value.trim() && !webhook.checkValidity()) {
      $('settings-status').textContent = 'The webhook URL is not a valid URL.';
      webhook.focus();
      return;
    }
    var agent = state.agentId;
    var btn = $('settings-save');
    btn.disabled = true;
    $('settings-status').textContent = 'Saving…';
    api('PUT', 'agents/' + enc(agent) + '/settings', { settings: collectSettings(), version: state.settingsVersion })
      .then(function (data) {
        if (data && data.settings) { state.settings = data.settings; }
        if (data && data.version !== undefined) { state.settingsVersion = data.version; }
        fillSettings();
        $('settings-status').textContent = 'Saved.';
        $('settings-status').setAttribute('data-kind', 'ok');
      })
      .catch(function (err) {
        $('settings-status').setAttribute('data-kind', 'error');
        if (err.code === 'conflict') {
          $('settings-status').textContent = 'Someone else changed these settings. The latest version is loaded: check and save again.';
          loadSettings().then(function () {
            $('settings-status').textContent = 'Someone else changed these settings. The latest version is loaded: check and save again.';
          });
        } else {
          $('settings-status').textContent = 'Not saved: ' + err.message;
        }
      })
      .then(function () { btn.disabled = false; });
  }

  // ---------------------------------------------------------------- knowledge base
  function loadKnowledge() {
    var agent = state.agentId;
    return api('GET', 'agents/' + enc(agent) + '/knowledge').then(function (data) {
      if (agent !== state.agentId) { return; }
      renderKnowledge(data.entries || []);
    }).catch(function (err) {
      $('kb-status').textContent = 'Could not load the knowledge base: ' + err.message;
    });
  }

  function renderKnowledge(entries) {
    var list = $('kb-list');
    clear(list);
    entries.forEach(function (e) { list.appendChild(kbItem(e)); });
    if (!entries.length) { list.appendChild(el('li', { className: 'empty', text: 'No entries yet.' })); }
  }

  function kbItem(entry) {
    var li = el('li', { className: 'kb-item', 'data-id': entry.id });
    var view = el('div', { className: 'kb-view' }, [
      el('p', { className: 'kb-q', text: entry.question }),
      el('p', { className: 'kb-a', text: entry.answer })
    ]);
    var edit = el('button', { type: 'button', className: 'ghost', 'aria-label': 'Edit: ' + entry.question, text: 'Edit' });
    var del = el('button', { type: 'button', className: 'ghost danger', 'aria-label': 'Delete: ' + entry.question, text: 'Delete' });
    var actions = el('div', { className: 'kb-actions' }, [edit, del]);
    li.appendChild(view);
    li.appendChild(actions);

    edit.addEventListener('click', function () {
      var q = el('input', { type: 'text', 'aria-label': 'Question', maxlength: '500' });
      var a = el('textarea', { rows: '3', 'aria-label': 'Answer', maxlength: '4000' });
      q.value = entry.question;
      a.value = entry.answer;
      var saveBtn = el('button', { type: 'submit', className: 'primary', text: 'Save entry' });
      var cancel = el('button', { type: 'button', className: 'ghost', text: 'Cancel' });
      var form = el('form', { className: 'kb-edit' }, [q, a, el('div', { className: 'form-actions' }, [saveBtn, cancel])]);
      cancel.addEventListener('click', function () { li.replaceWith(kbItem(entry)); });
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        if (!q.value.trim() || !a.value.trim()) { return; }
        saveBtn.disabled = true;
        api('PUT', 'agents/' + enc(state.agentId) + '/knowledge/' + enc(entry.id), { question: q.value.trim(), answer: a.value.trim() })
          .then(function (data) {
            var fresh = kbItem((data && data.entry) || { id: entry.id, question: q.value.trim(), answer: a.value.trim() });
            li.replaceWith(fresh);
            $('kb-status').textContent = 'Entry saved.';
          })
          .catch(function (err) { saveBtn.disabled = false; $('kb-status').textContent = 'Not saved: ' + err.message; });
      });
      clear(li);
      li.appendChild(form);
      q.focus();
    });

    del.addEventListener('click', function () {
      if (del.getAttribute('data-confirm') !== 'true') {
        del.setAttribute('data-confirm', 'true');
        del.textContent = 'Confirm delete';
        setTimeout(function () { del.removeAttribute('data-confirm'); del.textContent = 'Delete'; }, 4000);
        return;
      }
      del.disabled = true;
      api('DELETE', 'agents/' + enc(state.agentId) + '/knowledge/' + enc(entry.id))
        .then(function () { li.parentNode && li.parentNode.removeChild(li); $('kb-status').textContent = 'Entry deleted.'; })
        .catch(function (err) { del.disabled = false; $('kb-status').textContent = 'Not deleted: ' + err.message; });
    });
    return li;
  }

  function addKnowledge() {
    var q = $('kb-question'), a = $('kb-answer');
    if (!q.value.trim() || !a.value.trim()) { $('kb-status').textContent = 'Both a question and an answer are needed.'; return; }
    api('POST', 'agents/' + enc(state.agentId) + '/knowledge', { question: q.value.trim(), answer: a.value.trim() })
      .then(function () {
        q.value = '';
        a.value = '';
        $('kb-status').textContent = 'Entry added.';
        loadKnowledge();
      })
      .catch(function (err) { $('kb-status').textContent = 'Not added: ' + err.message; });
  }

  // ---------------------------------------------------------------- wiring
  function bind() {
    $('signin-form').addEventListener('submit', function (e) {
      e.preventDefault();
      unlockAudio(); // a user gesture: the beep can play later
      var token = $('token-input').value.trim();
      if (!token) { $('signin-error').textContent = 'Enter your operator token.'; return; }
      $('signin-btn').disabled = true;
      signIn(token).then(function () { $('signin-btn').disabled = false; $('token-input').value = ''; });
    });
    $('signout-btn').addEventListener('click', function () { signOut(''); });
    $('agent-select').addEventListener('change', function (e) { selectAgent(e.target.value); });
    $('status-filter').addEventListener('change', function (e) { state.filter = e.target.value; renderInbox(); loadInbox(); });
    $('tab-inbox').addEventListener('click', function () { selectTab('inbox'); });
    $('tab-settings').addEventListener('click', function () { selectTab('settings'); });
    document.querySelector('[role=tablist]').addEventListener('keydown', function (e) {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') { return; }
      var next = $('tab-inbox').getAttribute('aria-selected') === 'true' ? 'settings' : 'inbox';
      selectTab(next);
      $('tab-' + next).focus();
    });
    $('notify-btn').addEventListener('click', function () {
      Notification.requestPermission().then(updateNotifyButton, updateNotifyButton);
    });
    $('ack-btn').addEventListener('click', function () { command('acknowledge'); });
    $('resolve-btn').addEventListener('click', function () { command('resolve'); });
    $('cancel-btn').addEventListener('click', function () { command('cancel', { reason: 'cancelled by operator' }); });
    $('reply-form').addEventListener('submit', function (e) { e.preventDefault(); sendReply(); });
    $('reply-input').addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendReply(); }
    });
    $('reply-input').addEventListener('input', typingInput);
    $('settings-form').addEventListener('submit', function (e) { e.preventDefault(); saveSettings(); });
    $('kb-add').addEventListener('submit', function (e) { e.preventDefault(); addKnowledge(); });
    document.addEventListener('click', unlockAudio, { passive: true });
    document.addEventListener('keydown', unlockAudio, { passive: true });
    // Wait times tick.
    setInterval(function () {
      if (!state.token) { return; }
      renderInbox();
      if (state.currentId) { renderHeader(); }
    }, 15000);
  }

  function boot() {
    bind();
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
      signIn(token).then(function () {
        var m = /c=([^&]+)/.exec(location.hash);
        if (m && state.token) { openConversation(decodeURIComponent(m[1])); }
      });
    } else {
      showSignin('');
    }
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', boot); } else { boot(); }
})();
