/*
 * Read receipts and unread counts on the dashboard.
 *
 *  - "Seen": under the operator's last message the visitor has read (the summary's `visitor_read`, then
 *    live `read` events from the widget).
 *  - This operator's read position: while a conversation is on screen and the tab is visible, the
 *    dashboard sends {"action": "read", "conversation_id", "seq"} (throttled) for the last message shown.
 *  - Unread: the inbox gives each conversation's `unread` for the caller; live messages of a conversation
 *    that is not on screen add to it (not the operator's own). The tab title counts waiting conversations
 *    plus unread messages in the conversations this operator handles: "(3) Inbox · Handoff".
 */
import { $, state } from './state.js';
import { allSummaries, summaryOf, upsertSummary } from './inbox.js';

const THROTTLE_MS = 800;
const TITLE = 'Inbox · Handoff';
let pending = 0;
const reported = new Map();    // conversation id -> highest seq reported
let timer = null;

export function initReads() {
  new MutationObserver(() => { renderSeen(); reportSoon(); }).observe($('messages'), { childList: true });
  document.addEventListener('visibilitychange', () => { reportSoon(); updateTitle(); });
  // Back on the Inbox tab with a conversation open: it is read now.
  new MutationObserver(() => { reportSoon(); updateTitle(); }).observe($('panel-inbox'), { attributes: true, attributeFilter: ['hidden'] });
}

function onScreen(id) {
  return !!id && id === state.currentId && document.visibilityState === 'visible' && !$('panel-inbox').hidden;
}

function mine(s) {
  const h = s && s.handoff;
  return !!(h && h.status === 'acknowledged' && h.owner && state.me && h.owner.id === state.me.id);
}

function own(m) {
  return (m.role === 'human' || m.role === 'note') && !!state.me && m.author === state.me.name;
}

/* The last seq drawn in the open conversation. */
function lastShown() {
  let max = 0;
  for (const li of $('messages').querySelectorAll('li[data-seq]')) {
    const n = Number(li.getAttribute('data-seq'));
    if (n > max) { max = n; }
  }
  return max;
}

function reportSoon() {
  if (timer || !onScreen(state.currentId)) { return; }
  timer = setTimeout(report, THROTTLE_MS);
}

function report() {
  timer = null;
  const id = state.currentId;
  if (!onScreen(id)) { return; }
  const seq = lastShown();
  const s = summaryOf(id);
  if (s && s.unread) { upsertSummary(Object.assign({}, s, { unread: 0 })); updateTitle(); }
  if (seq <= (reported.get(id) || 0) || !state.socket) { return; }
  if (state.socket.send({ action: 'read', conversation_id: id, seq })) { reported.set(id, seq); }
}

/* A live message (main.js): unread for conversations not on screen. */
export function messageForReads(id, m) {
  if (onScreen(id)) { reportSoon(); return; }
  const s = summaryOf(id);
  if (!s || own(m) || m.role === 'system' || (s.read_seq || 0) >= m.seq || (s.seen_max || 0) >= m.seq) { return; }
  upsertSummary(Object.assign({}, s, { unread: (s.unread || 0) + 1, seen_max: m.seq }));
  updateTitle();
}

/* A `read` event: the visitor has read up to `seq`. */
export function onRead(ev) {
  if (ev.reader !== 'visitor' || !ev.conversation_id) { return; }
  const s = summaryOf(ev.conversation_id);
  if (s && (s.visitor_read || 0) < ev.seq) { upsertSummary(Object.assign({}, s, { visitor_read: ev.seq })); }
  if (ev.conversation_id === state.currentId) { renderSeen(ev.seq); }
}

/* "Seen" under the last of this operator's messages at or before the visitor's read position. */
export function renderSeen(readSeq) {
  const s = summaryOf(state.currentId);
  const upTo = Math.max(readSeq || 0, (s && s.visitor_read) || 0);
  for (const old of $('messages').querySelectorAll('.msg-seen')) { old.remove(); }
  if (!upTo) { return; }
  let target = null;
  for (const li of $('messages').querySelectorAll('li.msg-human[data-seq]')) {
    if (Number(li.getAttribute('data-seq')) <= upTo) { target = li; }
  }
  if (target) { target.appendChild(Object.assign(document.createElement('span'), { className: 'msg-seen', textContent: 'Seen' })); }
}

/* The inbox counts (inbox.js): the title shows waiting + unread in my conversations. */
export function countsForTitle(waiting) {
  pending = waiting || 0;
  updateTitle();
}

export function updateTitle() {
  let unread = 0;
  for (const s of allSummaries()) {
    if (mine(s) && !onScreen(s.id)) { unread += s.unread || 0; }
  }
  const n = pending + unread;
  document.title = (n ? '(' + n + ') ' : '') + TITLE;
  state.titleCount = n;
}
