/*
 * The visitor widget's behaviour: session, socket, outbox, handoff banner, persistence. Loaded by
 * /widget.js (the one-tag embed), which passes what it read from its <script> tag.
 *
 * Delivery rules (seq dedupe, watermark, replays) live in lib/transcript.js; the view in
 * widget/panel.js.
 */
import { uuid } from '../lib/dom.js';
import { restClient, webSocketUrl, withQuery } from '../lib/rest.js';
import { ReconnectingSocket } from '../lib/socket.js';
import { Transcript } from '../lib/transcript.js';
import { Panel } from './panel.js';
import { QueueStatus } from './queue.js';
import { startReadReceipts } from './reads.js';
import { ContactForm } from './contact.js';
import { CsatPrompt } from './csat.js';
import { transcriptMail } from './transcript_mail.js';

const MAX_CACHED = 200;
// Internal notes take seq numbers a visitor never sees: messages name their predecessor (lib/transcript.js).
const CHAINED = { chained: true };
const ACK_RETRY_MS = 15000;
const NOTICES = {
  back: 'The assistant is back. Ask me anything, or ask for a person again.',
  declined: 'Sorry, no team member is available right now. The assistant will keep helping you.',
};
const MAX_SESSION_TRIES = 4;   // 429 on POST /visitor/session: wait retry_after, at most this often

function limitedText(seconds) {
  return 'You\u2019re sending messages quickly \u2014 try again in ' + seconds + ' s. Your message will be sent then.';
}

/* retry_after (seconds) of a 429, from a REST error body or a socket error event. */
function retryAfter(source, fallback) {
  const e = (source && source.error) || source || {};
  const n = Number(e.retry_after);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 300) : fallback;
}

/* localStorage, guarded (blocked or full storage must not break the chat). */
function storage(prefix) {
  return {
    load(name, fallback) {
      try {
        const raw = localStorage.getItem(prefix + name);
        return raw === null ? fallback : JSON.parse(raw);
      } catch (e) { return fallback; }
    },
    save(name, value) {
      try { localStorage.setItem(prefix + name, JSON.stringify(value)); } catch (e) { /* full or blocked */ }
    },
    drop(name) {
      try { localStorage.removeItem(prefix + name); } catch (e) { /* ignore */ }
    },
  };
}

/*
 * api: window.HandoffWidget (set by the loader); options: {agentId, base, title, visitorName,
 * visitorEmail, open}; queued: calls to api.open/close made before this module loaded.
 */
export function start(api, options, queued) {
  const store = storage('handoff:' + options.agentId + ':');
  const rest = restClient({ base: options.base, credentials: 'omit' });
  const state = {
    session: store.load('session', null),
    conversationId: null,
    agent: null,
    transcript: new Transcript(null, CHAINED),
    outbox: [],         // {client_message_id, text, created_at, sent_at}: waiting for an ack
    handoff: null,      // last known handoff object
    notice: null,       // {kind: "back"|"declined"|"error", text}
    pendingActions: [], // non-send actions queued while offline
    started: false,
  };
  let socket = null;
  let typingSentAt = 0;
  let typingStopTimer = null;
  let visitorTyping = false;
  let refreshing = null;
  let limitTimer = null;
  let identityRefused = false;   // the site's user_hash was refused: anonymous from now on

  const panel = new Panel({ shell: options.shell, title: options.title }, {
    submit,
    typing: typingChanged,
    askHuman: requestHuman,
    cancelHandoff: () => queueAction({ action: 'cancel_handoff', request_id: 'cancel_handoff' }),
    dismissNotice: () => { state.notice = null; persist(); renderBanner(); },
    opened: (open) => { store.save('open', open); if (open) { ensureStarted(); } },
  });
  const queue = new QueueStatus(panel, (f) => socket && socket.send(f), options.queueEveryMs);
  startReadReceipts(panel, (seq) => !!socket && socket.send({ action: 'read', seq }));
  const contact = new ContactForm(panel, (frame) => queueAction(frame));    // the email form (team away)

  const csat = new CsatPrompt(panel, (frame) => queueAction(frame), store);
  const mail = transcriptMail(panel, (email) => queueAction({ action: 'email_transcript', email, request_id: 'email_transcript' }));

  // ---------------------------------------------------------------- persistence
  function persist() {
    const snap = state.transcript.snapshot(MAX_CACHED);
    store.save('state', {
      conversation_id: state.conversationId,
      watermark: snap.watermark,
      messages: snap.messages,
      outbox: state.outbox,
      handoff: state.handoff,
      notice: state.notice,
    });
  }

  function restore(conversationId) {
    const saved = store.load('state', null);
    if (!saved || saved.conversation_id !== conversationId) {
      store.drop('state');
      return;
    }
    // A cache trimmed to MAX_CACHED messages still resumes after the watermark: older ones are
    // gone from view but were shown before.
    state.transcript = new Transcript(saved, CHAINED);
    state.outbox = saved.outbox || [];
    state.handoff = saved.handoff || null;
    state.notice = saved.notice && saved.notice.kind !== 'limited' ? saved.notice : null;
    for (const m of state.transcript.list()) { panel.showMessage(m); }
    for (const o of state.outbox) { panel.showPending(o); }
  }

  function resetConversation() {
    state.transcript = new Transcript(null, CHAINED);
    state.handoff = null;
    state.notice = null;
    panel.clearLog();
    // Messages typed but never acknowledged go to the new conversation.
    for (const o of state.outbox) { panel.showPending(o); }
  }

  // ---------------------------------------------------------------- messages
  function stored(m) {
    return {
      seq: m.seq, role: m.role, text: m.text, author: m.author || null, created_at: m.created_at || null,
      client_message_id: m.client_message_id || null, meta: m.meta || null,
      prev_seq: typeof m.prev_seq === 'number' ? m.prev_seq : undefined,
    };
  }

  /* A live stored message: shown once (the transcript says whether it is new). */
  function receive(m) {
    if (!Transcript.isStored(m) || !state.transcript.add(stored(m))) { return false; }
    show(m);
    return true;
  }

  function show(m) {
    if (m.role === 'visitor' && m.client_message_id) { dropFromOutbox(m.client_message_id); }
    panel.showMessage(m);
    state.transcript.trim(MAX_CACHED * 2);
    if (m.role === 'human' || m.role === 'bot') { panel.hideTyping(); }
    if (!panel.isOpen && m.role !== 'visitor') { panel.setUnread(panel.unread + 1); }
    if (m.meta && m.meta.event === 'handoff.declined') { setNotice('declined'); }
    contact.seen(m);
    panel.scrollDown();
  }

  function dropFromOutbox(cmid) {
    state.outbox = state.outbox.filter((o) => o.client_message_id !== cmid);
  }

  // ---------------------------------------------------------------- banner
  function handoffOpen() {
    const s = state.handoff && state.handoff.status;
    return s === 'pending' || s === 'acknowledged';
  }

  function setNotice(kind, text) {
    state.notice = { kind, text: text || NOTICES[kind] || '' };
    persist();
    renderBanner();
  }

  function renderBanner() {
    const h = state.handoff;
    const s = h && h.status;
    if (s === 'pending') {
      panel.showBanner('pending', 'Waiting for a team member…', true, false);
    } else if (s === 'acknowledged') {
      panel.showBanner('joined', ((h.owner && h.owner.name) || 'A team member') + ' joined the conversation', true, false);
    } else if (state.notice) {
      panel.showBanner(state.notice.kind, state.notice.text, false, true);
    } else {
      panel.showBanner('', '', false, false);
    }
  }

  function applyHandoff(h) {
    if (!h) { return; }
    const old = state.handoff;
    if (old && old.id === h.id && old.updated_at && h.updated_at && h.updated_at < old.updated_at) {
      return; // an older snapshot (replay racing a live event)
    }
    const wasOpen = handoffOpen();
    state.handoff = h;
    contact.handoff(h);
    if (handoffOpen()) {
      state.notice = null;
    } else if (wasOpen) {
      // Resolved or cancelled (live, or seen in a replay after a reconnect): the bot answers again.
      state.notice = { kind: 'back', text: NOTICES.back };
      panel.hideTyping();
      csat.offer(h);
    }
    persist();
    renderBanner();
    queue.follow(state.handoff);
  }

  // ---------------------------------------------------------------- typing (visitor → operator)
  function typingChanged() {
    if (!handoffOpen() || !socket) { return; }
    const now = Date.now();
    // Every 6 s while typing (the dashboard hides the indicator 8 s after the last one): each frame is a
    // billed socket message and a Lambda call.
    if (!visitorTyping || now - typingSentAt > 6000) {
      visitorTyping = true;
      typingSentAt = now;
      socket.send({ action: 'typing', is_typing: true });
    }
    clearTimeout(typingStopTimer);
    typingStopTimer = setTimeout(stopTyping, 4000);
  }

  function stopTyping(sending) {
    clearTimeout(typingStopTimer);
    // The message itself ends the indicator on the operator's side: no separate "stopped" frame before it.
    if (visitorTyping && socket && !sending) { socket.send({ action: 'typing', is_typing: false }); }
    visitorTyping = false;
  }

  // ---------------------------------------------------------------- actions
  function submit(text) {
    stopTyping(true);
    if (state.notice && state.notice.kind !== 'limited') { state.notice = null; renderBanner(); }
    const o = { client_message_id: uuid(), text, created_at: new Date().toISOString(), sent_at: 0 };
    state.outbox.push(o);
    persist();
    panel.showPending(o);
    flushOutbox(false);
  }

  /* Send every unacknowledged message (same client_message_id: the server stores each once). */
  function flushOutbox(force) {
    if (!socket || !socket.isOpen()) { return; }
    const now = Date.now();
    for (const o of state.outbox) {
      if (o.retry_at && now < o.retry_at) { continue; }   // rate limited: not before the server said
      if (force || !o.sent_at || now - o.sent_at > ACK_RETRY_MS) {
        if (socket.send({ action: 'send', client_message_id: o.client_message_id, text: o.text, request_id: o.client_message_id })) {
          o.sent_at = Date.now();
        }
      }
    }
  }

  function queueAction(frame) {
    if (socket && socket.send(frame)) { return; }
    state.pendingActions.push(frame);
    ensureStarted();
  }

  function requestHuman() {
    state.notice = null;
    queueAction({ action: 'request_human', client_message_id: uuid(), request_id: 'request_human' });
  }

  // ---------------------------------------------------------------- server events
  function onEvent(ev) {
    if (!ev || !ev.type) { return; }
    if (ev.conversation_id && state.conversationId && ev.conversation_id !== state.conversationId) { return; }
    if (ev.action === 'leave_contact' && (ev.type === 'ack' || ev.type === 'error')) { contact.answered(ev); }
    mail.onEvent(ev);
    switch (ev.type) {
      case 'ack':
        if (ev.client_message_id && ev.action === 'send') { onAck(ev); }
        // With ack=messages the turn's other messages (the bot's reply, a notice) ride in the ack.
        if (Array.isArray(ev.messages) && ev.messages.length) {
          let changed = false;
          for (const m of ev.messages) { changed = receive(m) || changed; }
          if (changed) { persist(); }
        }
        break;
      case 'message':
        if (receive(ev.message)) { persist(); }
        break;
      case 'history':
        onHistory(ev);
        break;
      case 'handoff':
        applyHandoff(ev.handoff);
        break;
      case 'queue':
        queue.show(ev);
        break;
      case 'typing':
        if (ev.role === 'human') {
          if (ev.is_typing) { panel.showTyping(ev.name); } else { panel.hideTyping(); }
        }
        break;
      case 'error':
        onError(ev);
        break;
      default:
        break;
    }
  }

  function onAck(ev) {
    dropFromOutbox(ev.client_message_id);
    const shown = panel.markSent(ev.client_message_id, ev.seq);
    if (shown && Number.isFinite(ev.seq)) {
      // The ack is our own message's record: remember it like any other stored message.
      state.transcript.add(stored({ seq: ev.seq, role: 'visitor', text: shown.text, created_at: shown.created_at,
        client_message_id: ev.client_message_id, prev_seq: ev.prev_seq }));
    }
    persist();
  }

  /* A replay (a long one comes in several events). When complete, seqs we never got are not ours to
     see (the transcript moves its watermark), and anything still unacknowledged is resent. */
  function onHistory(ev) {
    const messages = (ev.messages || []).filter(Transcript.isStored);
    for (const m of state.transcript.replay(messages.map(stored), !!ev.complete)) { show(m); }
    if (ev.complete) { flushOutbox(true); }
    if (ev.handoff !== undefined) { applyHandoff(ev.handoff); }
    persist();
  }

  function onError(ev) {
    const code = ev.code;
    if (ev.action === 'csat') { csat.refused(); return; }
    if (code === 'handoff_already_open' || code === 'no_open_handoff') {
      if (socket) { socket.send({ action: 'resume', after: state.transcript.watermark }); }
      return;
    }
    if (code === 'rate_limited' && ev.action === 'send' && ev.request_id) {
      rateLimited(ev.request_id, retryAfter(ev, 5));
      return;
    }
    if (ev.action === 'send' && ev.request_id) {
      // The server refused this message for good (too long, invalid): stop retrying it.
      if (code !== 'conflict') {
        dropFromOutbox(ev.request_id);
        panel.markFailed(ev.request_id, ev.message || code);
        persist();
      }
      return;
    }
    if (code === 'unauthorized') { refreshSession(); }
  }

  /* Too many messages: keep this one in the outbox, say so politely, send it again when allowed. */
  function rateLimited(cmid, seconds) {
    const o = state.outbox.find((x) => x.client_message_id === cmid);
    if (!o) { return; }
    o.retry_at = Date.now() + seconds * 1000;
    o.sent_at = 0;
    persist();
    panel.markWaiting(cmid, 'Waiting to send\u2026');
    setNotice('limited', limitedText(Math.ceil(seconds)));
    clearTimeout(limitTimer);
    limitTimer = setTimeout(() => {
      if (state.notice && state.notice.kind === 'limited') { state.notice = null; persist(); renderBanner(); }
      flushOutbox(false);
    }, seconds * 1000 + 50);
  }

  // ---------------------------------------------------------------- session and socket
  function attributes() {
    const a = {};
    if (options.visitorName) { a.name = options.visitorName; }
    if (options.visitorEmail) { a.email = options.visitorEmail; }
    Object.assign(a, (window.handoffSettings && window.handoffSettings.attributes) || {});
    return a;
  }

  async function createSession() {
    const body = { agent_id: options.agentId, attributes: attributes() };
    if (state.session) { body.session = state.session; }
    // A signed-in user of the site: user_id, and user_hash (HMAC of the id under the agent's identity
    // secret, computed by the site's server) to have it verified.
    const page = window.handoffSettings || {};
    for (const key of ['user_id', 'user_hash']) {
      if (!identityRefused && typeof page[key] === 'string' && page[key]) { body[key] = page[key]; }
    }
    const data = await postSession(body, 1);
    const changed = state.conversationId && state.conversationId !== data.conversation_id;
    state.session = data.session;
    store.save('session', data.session);
    state.agent = data.agent || null;
    if (state.agent && state.agent.name && !options.title) { panel.setTitle(state.agent.name); }
    if (changed) { resetConversation(); }
    if (!state.conversationId || changed) {
      state.conversationId = data.conversation_id;
      if (!changed) { restore(data.conversation_id); }
    }
    if (!state.transcript.size) { panel.showWelcome(state.agent && state.agent.welcome_message); }
    renderBanner();
    persist();
    return data;
  }

  /* POST /visitor/session, waiting out a 429 (retry_after) and falling back to an anonymous visitor
     when the site's user_hash is refused (the chat works; the site's developer gets a warning). */
  async function postSession(body, attempt) {
    try {
      return await rest('POST', 'visitor/session', body);
    } catch (err) {
      if (err.status === 429 && attempt < MAX_SESSION_TRIES) {
        const wait = retryAfter(err.data, 5);
        panel.showBanner('limited', 'Lots of people are chatting right now \u2014 connecting in ' + Math.ceil(wait) + ' s\u2026', false, false);
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        panel.showBanner('', '', false, false);
        return postSession(body, attempt + 1);
      }
      if (err.status === 401 && err.code === 'invalid_identity' && (body.user_id || body.user_hash)) {
        identityRefused = true;
        if (window.console) {
          window.console.warn('Handoff widget: user_hash was refused (invalid_identity) for this user_id; the chat ' +
            'continues as an anonymous, unverified visitor. Compute user_hash on your server as ' +
            'HMAC-SHA256(identity secret, user_id), hex.');
        }
        const anonymous = Object.assign({}, body);
        delete anonymous.user_id;
        delete anonymous.user_hash;
        return postSession(anonymous, attempt);
      }
      throw err;
    }
  }

  function refreshSession() {
    if (!refreshing) {
      refreshing = createSession().catch(() => { /* keep the old one */ }).then(() => { refreshing = null; });
    }
    return refreshing;
  }

  async function ensureStarted() {
    if (state.started) { return; }
    state.started = true;
    panel.setConnState('connecting');
    try {
      await createSession();
    } catch (err) {
      state.started = false;
      panel.setConnState('offline');
      state.notice = { kind: 'error', text: err.code === 'not_found' ? 'This chat is not available.' : 'Chat is unavailable right now. Please try again later.' };
      renderBanner();
      return;
    }
    socket = new ReconnectingSocket({
      url: async () => withQuery(await webSocketUrl(options.base, 'omit'), { session: state.session, ack: 'messages' }),
      onOpen: () => {
        // Replay everything after the last seq we saw (also after a reload), then resend
        // unacknowledged messages once the replay is complete (see onHistory).
        socket.send({ action: 'resume', after: state.transcript.watermark });
        const queuedFrames = state.pendingActions;
        state.pendingActions = [];
        for (const f of queuedFrames) { socket.send(f); }
        queue.follow(state.handoff, true);
      },
      onEvent,
      onState: (s) => panel.setConnState(s),
      onConnectFailed: (n) => {
        // The session may have expired or the visitor been removed: ask for a fresh one.
        if (n >= 2) { refreshSession(); }
      },
    });
    api.socket = socket;
    socket.start();
    setInterval(() => flushOutbox(false), 5000);
  }

  // ---------------------------------------------------------------- public API
  api.open = () => panel.setOpen(true);
  api.close = () => panel.setOpen(false);
  api.state = state;

  panel.setConnState('closed');
  // A returning visitor with an ongoing conversation reconnects at once (so replies arrive and the
  // unread badge works); a new visitor connects on first open.
  if (state.session) { ensureStarted(); }
  // Open if it was open (reload), asked by data-open, or the last call before loading was open().
  const asked = (queued || []).length ? queued[queued.length - 1] : null;
  if (asked === 'open' || (asked !== 'close' && (store.load('open', false) || options.open))) { panel.setOpen(true); }
}
