/*
 * The conversation pane: transcript, header (status, reason, owner), Acknowledge / Resolve /
 * Cancel, the reply box and typing indicators.
 *
 * Commands go over REST (a definite answer: 200, or 409 when someone else was first); what happens
 * live arrives over the socket. Each conversation the operator opened keeps a Transcript (seq
 * dedupe, watermark, replays: lib/transcript.js); after a reconnect it is re-opened after its
 * watermark.
 *
 * Operators see why things happened: each handoff notice says the reason and what matched, each
 * bot answer its confidence and the knowledge entry it used. All of it, like every message, is
 * rendered as text.
 */
import { clear, duration, el, insertBySeq, timeLabel, uuid } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { Transcript } from '../lib/transcript.js';
import { $, api, errorText, state, toast } from './state.js';
import { STATUS_LABEL, botExplanation, reasonText, trustText, visitorName } from './format.js';
import { markCurrent, setHandoff, summaryOf, upsertSummary } from './inbox.js';
import { entryQuestion, onKnowledgeChange } from './knowledge.js';
import { showHandoffHistory } from './waiting.js';
import { apply as applyNoteMode } from './notes.js';
import { renderSeen } from './reads.js';
import { csatNode } from './csat.js';
import { showSummary } from './summary.js';

const convs = new Map();   // conversation id -> {transcript, handoff, pending: [], opened}
let typingOn = false;
let typingSentAt = 0;
let typingTimer = null;
let visitorTypingTimer = null;

export function initConversation() {
  $('ack-btn').addEventListener('click', () => command('acknowledge'));
  $('resolve-btn').addEventListener('click', () => command('resolve'));
  $('cancel-btn').addEventListener('click', () => command('cancel', { reason: 'cancelled by operator' }));
  $('reply-form').addEventListener('submit', (e) => { e.preventDefault(); sendReply(); });
  $('reply-input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendReply(); }
  });
  $('reply-input').addEventListener('input', typingInput);
  onKnowledgeChange(refreshExplanations);
  setInterval(() => { if (state.token && state.currentId) { renderHeader(); } }, 15000);   // wait time
}

function conv(id) {
  if (!convs.has(id)) { convs.set(id, { transcript: new Transcript(), handoff: null, pending: [], opened: false }); }
  return convs.get(id);
}

/* Is this conversation's transcript kept (opened once)? Others load in full when opened. */
export function isOpened(id) {
  return !!(convs.get(id) && convs.get(id).opened);
}

export function openConversation(id) {
  if (state.currentId && state.currentId !== id) { stopTyping(); }
  state.currentId = id;
  const c = conv(id);
  c.opened = true;
  showConversation(id);
  markCurrent();
  location.hash = 'c=' + encodeURIComponent(id);
  // Ask the server for what we have not seen yet (everything the first time).
  if (!(state.socket && state.socket.send({ action: 'open', conversation_id: id, after: c.transcript.watermark }))) {
    loadOverRest(id).catch(() => {});
  }
  showSummary(id);
  // The summary (visitor details, handoff history) over REST: the socket only sends the handoff.
  api('GET', 'conversations/' + enc(id)).then((data) => {
    if (!data) { return; }
    const s = data.conversation || data;
    if (s.id) { upsertSummary(s); }
    if (data.handoff !== undefined) { applyHandoff(id, data.handoff); }
    if (id === state.currentId) { renderHeader(); }
    showHandoffHistory(id, data.handoffs);
  }).catch((err) => {
    if (err.status === 404 || err.status === 403) { toast('That conversation is not available.'); }
  });
}

/* The conversation was erased: drop what we hold of it and, if it is on screen, close it. */
export function forgetConversation(id) {
  convs.delete(id);
  if (state.currentId === id) {
    closeConversation();
    location.hash = '';
  }
}

/* Nothing on screen (another agent was picked). */
export function closeConversation() {
  state.currentId = null;
  showConversation(null);
}

/* The socket (re)opened: catch up every conversation we hold, after the last seq seen in each. */
export function resumeAll(socket, isReconnect) {
  for (const [id, c] of convs) {
    if (!c.opened || (!isReconnect && id !== state.currentId)) { continue; }
    const action = id === state.currentId ? 'open' : 'resume';
    socket.send({ action, conversation_id: id, after: c.transcript.watermark });
  }
}

async function loadOverRest(id, after) {
  const c = conv(id);
  const from = after === undefined ? c.transcript.watermark : after;
  const data = await api('GET', 'conversations/' + enc(id) + '/messages?after=' + from + '&limit=100');
  const more = typeof data.next_after === 'number' && data.next_after > from;
  receiveReplay(id, data.messages || [], !more);
  if (more) { await loadOverRest(id, data.next_after); }
}

/* A live message. */
export function receiveMessage(id, m) {
  if (!isOpened(id)) { return; }
  const c = conv(id);
  if (c.transcript.add(m)) { shown(id, [m]); }
}

/* Messages of a replay (socket history events or REST pages). */
export function receiveReplay(id, messages, complete) {
  shown(id, conv(id).transcript.replay(messages, complete));
}

/* New stored messages: settle our pending replies, draw them if the conversation is on screen. */
function shown(id, added) {
  if (!added.length) { return; }
  const c = conv(id);
  const onScreen = id === state.currentId;
  for (const m of added) {
    if (m.client_message_id && c.pending.length) {
      c.pending = c.pending.filter((p) => p.client_message_id !== m.client_message_id);
      if (onScreen) { removePendingNode(m.client_message_id); }
    }
    if (onScreen) {
      if (!$('messages').querySelector('li[data-seq="' + Number(m.seq) + '"]')) {
        insertBySeq($('messages'), messageNode(m), m.seq);
      }
      if (m.role === 'visitor') { showVisitorTyping(id, false); }
    }
  }
  if (onScreen) { scrollDown(false); }
}

function removePendingNode(cmid) {
  const node = $('messages').querySelector('[data-cmid="' + CSS.escape(cmid) + '"].msg-pending');
  if (node) { node.remove(); }
}

function showConversation(id) {
  $('conv').hidden = !id;
  $('conv-empty').hidden = !!id;
  clear($('messages'));
  $('typing').textContent = '';
  if (!id) { return; }
  const c = conv(id);
  for (const m of c.transcript.list()) { $('messages').appendChild(messageNode(m)); }
  for (const p of c.pending) { $('messages').appendChild(pendingNode(p)); }
  renderHeader();
  scrollDown(true);
}

function roleLabel(m) {
  if (m.role === 'visitor') { return visitorName(summaryOf(state.currentId)); }
  if (m.role === 'bot') { return 'Bot'; }
  if (m.role === 'human') { return (m.author || 'Operator') + (m.author && state.me && m.author === state.me.name ? ' (you)' : ''); }
  if (m.role === 'note') { return 'Internal note · ' + (m.author || 'Operator'); }
  return '';
}

function messageNode(m) {
  const li = el('li', { className: 'msg msg-' + m.role, 'data-seq': String(m.seq) });
  if (m.role !== 'system') {
    const author = el('span', { className: 'msg-author', text: roleLabel(m) });
    if (m.role === 'bot') { author.appendChild(el('span', { className: 'msg-why' })); }
    li.appendChild(author);
  }
  li.appendChild(el('p', { className: 'msg-text', text: m.text || '' }));
  const meta = m.meta || {};
  if (m.role === 'system' && meta.reason && meta.reason.code) {
    li.appendChild(el('p', { className: 'msg-why', text: 'Why: ' + reasonText(meta.reason) }));
  }
  if (m.role === 'system' && meta.event === 'handoff.csat') { li.appendChild(csatNode(meta)); }
  const t = el('time', { className: 'msg-time', text: timeLabel(m.created_at, true), datetime: m.created_at || null });
  if (m.created_at) { t.title = new Date(m.created_at).toLocaleString(); }
  li.appendChild(t);
  explain(li, m);
  return li;
}

/* "Bot · 82 % confident · entry: How long does shipping take?" */
function explain(li, m) {
  const why = li.querySelector('.msg-author .msg-why');
  if (!why) { return; }
  const text = botExplanation(m.meta, entryQuestion);
  why.textContent = text ? ' \u00b7 ' + text : '';
}

/* The knowledge base loaded or changed: name the entries again. */
function refreshExplanations() {
  if (!state.currentId) { return; }
  const c = conv(state.currentId);
  for (const li of $('messages').querySelectorAll('li.msg-bot[data-seq]')) {
    const m = c.transcript.messages.get(Number(li.getAttribute('data-seq')));
    if (m) { explain(li, m); }
  }
}

function pendingNode(p) {
  return el('li', { className: 'msg msg-human msg-pending', 'data-cmid': p.client_message_id }, [
    el('span', { className: 'msg-author', text: state.me.name + ' (you)' }),
    el('p', { className: 'msg-text', text: p.text }),
    el('span', { className: 'msg-time', text: p.failed ? 'Not sent: ' + p.failed : 'Sending…' }),
  ]);
}

function scrollDown(force) {
  const box = $('messages');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  if (force || nearBottom) { box.scrollTop = box.scrollHeight; }
}

// ---------------------------------------------------------------- handoff state

export function applyHandoff(id, handoff) {
  if (!id) { return; }
  const c = conv(id);
  if (handoff && c.handoff && c.handoff.id === handoff.id && c.handoff.updated_at && handoff.updated_at &&
      handoff.updated_at < c.handoff.updated_at) {
    return; // stale
  }
  c.handoff = handoff;
  setHandoff(id, handoff);
  if (id === state.currentId) { renderHeader(); }
}

function renderHeader() {
  const id = state.currentId;
  if (!id) { return; }
  const c = conv(id);
  const s = summaryOf(id) || { id };
  const h = c.handoff || s.handoff || null;
  const status = h ? h.status : (s.status || 'bot');
  const v = s.visitor || {};
  $('conv-title').textContent = visitorName(s);
  const trust = trustText(v);
  $('conv-verified').textContent = trust;
  $('conv-verified').hidden = !trust;
  $('conv-verified').className = 'tag tag-' + (v.verified ? 'verified' : 'unverified');
  const sub = [];
  if (v.email) { sub.push(v.email); }
  if (v.vip) { sub.push('VIP'); }
  const open = status === 'pending' || status === 'acknowledged';
  if (h && h.reason && open) { sub.push(reasonText(h.reason)); }
  if (h && h.contact && open) { sub.push('offline: your reply is also emailed to ' + h.contact.email); }
  if (status === 'pending') { sub.push('waiting ' + duration(s.waiting_since || h.requested_at)); }
  $('conv-sub').textContent = sub.join(' · ');
  const badge = $('conv-status');
  badge.className = 'badge badge-' + status;
  badge.textContent = STATUS_LABEL[status] || status;

  const mine = !!(h && h.owner && state.me && h.owner.id === state.me.id);
  $('ack-btn').hidden = status !== 'pending';
  $('resolve-btn').hidden = !(status === 'acknowledged' && mine);
  $('cancel-btn').hidden = !(status === 'pending' || (status === 'acknowledged' && mine));

  const canReply = status === 'acknowledged' && mine;
  let notice = '';
  if (status === 'acknowledged' && !mine) {
    notice = ((h.owner && h.owner.name) || 'Another operator') + ' is handling this conversation. Replying is disabled.';
  } else if (status === 'pending') {
    notice = 'The visitor is waiting for a person. Acknowledge to take the conversation.';
  } else if (!open) {
    notice = status === 'bot' || !h ? 'The bot is answering this visitor.'
      : 'Handoff ' + (STATUS_LABEL[status] || status).toLowerCase() + '. The bot is answering again.';
  }
  const n = $('conv-notice');
  n.textContent = notice;
  n.hidden = !notice;
  n.setAttribute('data-kind', status === 'acknowledged' && !mine ? 'taken' : status);
  $('reply-input').disabled = !canReply;
  $('reply-btn').disabled = !canReply;
  $('reply-input').placeholder = canReply ? 'Write a reply…'
    : (status === 'acknowledged' ? 'Only ' + ((h.owner && h.owner.name) || 'the owner') + ' can reply' : 'Acknowledge the handoff to reply');
  $('conv').setAttribute('data-status', status);
  $('conv').setAttribute('data-mine', mine ? 'true' : 'false');
  applyNoteMode();      // notes.js: in note mode the box stays open to every operator
  renderSeen();         // reads.js: "Seen" from the summary's visitor_read
}

// ---------------------------------------------------------------- commands (REST)

async function command(verb, body) {
  const id = state.currentId;
  if (!id) { return; }
  const btns = ['ack-btn', 'resolve-btn', 'cancel-btn'].map($);
  for (const b of btns) { b.disabled = true; }
  try {
    const data = await api('POST', 'conversations/' + enc(id) + '/' + verb, body || {});
    if (data && data.handoff) { applyHandoff(id, data.handoff); }
    if (verb === 'acknowledge') { $('reply-input').focus(); }
  } catch (err) {
    if (err.code === 'already_acknowledged') {
      const e = (err.data && err.data.error) || {};
      const owner = e.owner || (e.handoff && e.handoff.owner) || (err.data && err.data.owner);
      toast((owner && owner.name ? owner.name : 'Another operator') + ' acknowledged this conversation first.');
      if (owner && conv(id).handoff) {
        applyHandoff(id, Object.assign({}, conv(id).handoff, { status: 'acknowledged', owner }));
      }
    } else if (err.status !== 401) {
      toast('Could not ' + verb + ': ' + errorText(err));
    }
    await refreshConversation(id);
  } finally {
    for (const b of btns) { b.disabled = false; }
  }
}

async function refreshConversation(id) {
  try {
    const data = await api('GET', 'conversations/' + enc(id));
    if (data && data.handoff !== undefined) { applyHandoff(id, data.handoff); }
  } catch (e) { /* shown as it is */ }
}

function sendReply() {
  const id = state.currentId;
  const input = $('reply-input');
  const text = input.value.trim();
  if (!id || !text || input.disabled) { return; }
  input.value = '';
  stopTyping(true);
  const p = { client_message_id: uuid(), text: text.slice(0, 4000), tries: 0 };
  conv(id).pending.push(p);
  $('messages').appendChild(pendingNode(p));
  scrollDown(true);
  postReply(id, p);
}

async function postReply(id, p) {
  p.tries += 1;
  const c = conv(id);
  try {
    const data = await api('POST', 'conversations/' + enc(id) + '/reply', { client_message_id: p.client_message_id, text: p.text });
    const seq = data && data.seq;
    c.pending = c.pending.filter((x) => x !== p);
    if (id === state.currentId) { removePendingNode(p.client_message_id); }
    if (typeof seq === 'number') {
      // Our own message, known before its socket echo: the echo is deduplicated by seq.
      receiveMessage(id, { seq, role: 'human', text: p.text, author: state.me.name, created_at: new Date().toISOString(), client_message_id: p.client_message_id });
    }
  } catch (err) {
    if ((!err.status || err.status >= 500 || err.code === 'conflict') && p.tries < 6) {
      // Same client_message_id: the server stores the reply once however often it arrives.
      setTimeout(() => postReply(id, p), Math.min(8000, 500 * Math.pow(2, p.tries)));
      return;
    }
    p.failed = err.message;
    const node = $('messages').querySelector('[data-cmid="' + CSS.escape(p.client_message_id) + '"]');
    if (node && id === state.currentId) { node.replaceWith(pendingNode(p)); }
    if (err.code === 'not_owner' || err.code === 'illegal_transition' || err.code === 'no_open_handoff') { refreshConversation(id); }
  }
}

// ---------------------------------------------------------------- typing

function typingInput() {
  const id = state.currentId;
  if (!id || $('reply-input').disabled || !state.socket) { return; }
  const now = Date.now();
  if (!typingOn || now - typingSentAt > 6000) {     // the widget hides it 8 s after the last frame
    typingOn = true;
    typingSentAt = now;
    state.socket.send({ action: 'typing', conversation_id: id, is_typing: true });
  }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(stopTyping, 4000);
}

function stopTyping(sending) {
  clearTimeout(typingTimer);
  // A reply ends the indicator in the widget by itself: no separate "stopped" frame before it.
  if (typingOn && state.socket && state.currentId && !sending) {
    state.socket.send({ action: 'typing', conversation_id: state.currentId, is_typing: false });
  }
  typingOn = false;
}

export function showVisitorTyping(id, on) {
  if (id !== state.currentId) { return; }
  const t = $('typing');
  clearTimeout(visitorTypingTimer);
  if (on) {
    t.textContent = visitorName(summaryOf(id)) + ' is typing…';
    visitorTypingTimer = setTimeout(() => { t.textContent = ''; }, 8000);
  } else {
    t.textContent = '';
  }
}
