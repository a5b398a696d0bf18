/*
 * The Inbox list: one row per conversation, keyed by conversation id. Rows are created once and
 * then updated, moved or removed in place (a live event touches one row; the 15 s tick only
 * rewrites wait times), so focus, hover and scroll position survive updates.
 *
 * Order: pending first (longest waiting first), then acknowledged, then the rest (latest first).
 */
import { el, duration, parseTime, timeLabel } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, state, toast } from './state.js';
import { STATUS_LABEL, reasonText, trustText, visitorName } from './format.js';
import { countsForTitle } from './reads.js';

const summaries = new Map();   // conversation id -> summary (REST inbox shape)
const rows = new Map();        // conversation id -> {li, btn, sig}
let filter = '';
let onOpen = () => {};
let reloadTimer = null;
let reloadDue = 0;
const unknown = new Set();     // conversation ids live events named before the list had them
let forced = false;            // a reload is due whatever the events bring

export function initInbox(options) {
  onOpen = options.onOpen;
  $('status-filter').addEventListener('change', (e) => { filter = e.target.value; render(); loadInbox(); });
  setInterval(() => { if (state.token) { refreshTimes(); } }, 15000);   // wait times tick
}

export function summaryOf(id) {
  return summaries.get(id);
}

/* Every summary known (reads.js counts the unread ones for the title). */
export function allSummaries() {
  return Array.from(summaries.values());
}

/* A conversation that no longer exists (erased): its row goes. */
export function removeSummary(id) {
  summaries.delete(id);
  render();
}

/* Another agent: forget every row. */
export function resetInbox() {
  summaries.clear();
  for (const row of rows.values()) { row.li.remove(); }
  rows.clear();
  $('list-empty').hidden = false;
}

function statusOf(summary) {
  const h = summary.handoff;
  return h && (h.status === 'pending' || h.status === 'acknowledged') ? h.status : (summary.status || 'bot');
}

function matchesFilter(summary) {
  return !filter || statusOf(summary) === filter;
}

function newer(a, b) {
  return !!(a && a.updated_at && b && b.updated_at && a.updated_at > b.updated_at);
}

export async function loadInbox() {
  const agent = state.agentId;
  const asked = filter;
  const path = 'agents/' + enc(agent) + '/inbox?limit=100' + (asked ? '&status=' + enc(asked) : '');
  try {
    const data = await api('GET', path);
    if (agent !== state.agentId || asked !== filter) { return; }   // the answer to an older question
    const fresh = new Map();
    for (const c of data.conversations || []) {
      const known = summaries.get(c.id);
      fresh.set(c.id, newer(known, c) ? known : c);    // a live event may be newer than this answer
    }
    // Keep rows outside the filter we already know (from live events): they show again when the
    // filter changes. For the rest, the server's word.
    for (const [id, s] of summaries) {
      if (!fresh.has(id) && !matchesFilter(s)) { fresh.set(id, s); }
    }
    summaries.clear();
    for (const [id, s] of fresh) { summaries.set(id, s); }
    if (data.counts) { setCounts(data.counts); }
    render();
  } catch (err) {
    if (err.status !== 401) { toast('Could not load the inbox: ' + err.message); }
  }
}

/* A live event named a conversation the list does not have: reload the inbox after `delay`, unless
   the consumer's `inbox` push (which carries the row) has brought it by then. */
export function reloadIfUnknown(id, delay) {
  if (summaries.has(id)) { return; }
  unknown.add(id);
  schedule(delay);
}

/* Reload the inbox soon, whatever happens meanwhile (one reload for a burst of events). */
export function reloadSoon(delay) {
  forced = true;
  schedule(delay);
}

function schedule(delay) {
  const due = Date.now() + delay;
  if (reloadTimer && reloadDue <= due) { return; }
  clearTimeout(reloadTimer);
  reloadDue = due;
  reloadTimer = setTimeout(() => {
    reloadTimer = null;
    const needed = forced || Array.from(unknown).some((x) => !summaries.has(x));
    unknown.clear();
    forced = false;
    if (needed) { loadInbox(); }
  }, delay);
}

export function setCounts(counts) {
  const pending = counts.pending || 0;
  $('count-pending').textContent = String(pending);
  $('count-acknowledged').textContent = String(counts.acknowledged || 0);
  const pill = $('tab-pending');
  pill.hidden = pending === 0;
  pill.textContent = String(pending);
  pill.setAttribute('aria-label', pending + ' pending');
  document.title = (pending ? '(' + pending + ') ' : '') + 'Inbox · Handoff';
  countsForTitle(pending);      // waiting + unread in my conversations (reads.js)
}

/* A summary from an `inbox` event or REST: never let an older snapshot overwrite a newer one. */
export function upsertSummary(summary) {
  if (!summary || !summary.id) { return; }
  const old = summaries.get(summary.id);
  if (newer(old, summary)) { return; }
  summaries.set(summary.id, old ? Object.assign({}, old, summary) : summary);
  render();
}

/* Keep a row's "last message" fresh from live messages. False when the conversation is not listed. */
function touchSummary(id, m) {
  const s = summaries.get(id);
  if (!s) { return false; }
  if (m.role === 'system' || m.role === 'note') { return true; }   // not previewed (as in the REST inbox)
  if (s.last_message && s.last_message.seq >= m.seq) { return true; }
  s.last_message = { seq: m.seq, role: m.role, text: m.text, author: m.author, created_at: m.created_at };
  if (m.created_at && (!s.updated_at || m.created_at > s.updated_at)) { s.updated_at = m.created_at; }
  render();
  return true;
}

/* A live message: the row's last message, or (for a conversation not listed yet, that the filter
   would show) an inbox reload soon. */
export function messageArrived(id, m) {
  if (!touchSummary(id, m) && (!filter || filter === 'bot')) { reloadIfUnknown(id, 3000); }
}

/* A handoff changed (socket event, command answer). False when the conversation is not listed. */
export function setHandoff(id, handoff) {
  const s = summaries.get(id);
  if (!s) { return false; }
  s.handoff = handoff;
  if (handoff) {
    s.status = handoff.status;
    if (handoff.updated_at && (!s.updated_at || handoff.updated_at > s.updated_at)) { s.updated_at = handoff.updated_at; }
  }
  render();
  return true;
}

/* The row of the conversation on screen is marked aria-current. */
export function markCurrent() {
  for (const [id, row] of rows) {
    if (id === state.currentId) { row.btn.setAttribute('aria-current', 'true'); } else { row.btn.removeAttribute('aria-current'); }
  }
}

// ---------------------------------------------------------------- rendering

function sortKey(summary) {
  const s = statusOf(summary);
  const group = s === 'pending' ? 0 : s === 'acknowledged' ? 1 : 2;
  if (group === 0) {   // longest waiting first
    return [group, (parseTime(waitingSince(summary)) || new Date(0)).getTime()];
  }
  return [group, -((parseTime(summary.updated_at) || new Date(0)).getTime())];
}

function waitingSince(s) {
  return s.waiting_since || (s.handoff && s.handoff.requested_at);
}

function compare(a, b) {
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka[0] - kb[0] || ka[1] - kb[1] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/* Bring the list in line with `summaries`: create, update, move and remove rows by id. */
function render() {
  const list = $('conv-list');
  const wanted = Array.from(summaries.values())
    .filter((s) => (s.agent_id === undefined || s.agent_id === state.agentId) && matchesFilter(s))
    .sort(compare);
  const keep = new Set(wanted.map((s) => s.id));
  for (const [id, row] of rows) {
    if (!keep.has(id)) { row.li.remove(); rows.delete(id); }
  }
  const focused = document.activeElement;
  wanted.forEach((s, i) => {
    let row = rows.get(s.id);
    if (!row) { row = createRow(s.id); rows.set(s.id, row); }
    updateRow(row, s);
    if (list.children[i] !== row.li) { list.insertBefore(row.li, list.children[i] || null); }
  });
  if (focused && focused !== document.activeElement && list.contains(focused)) { focused.focus(); }
  $('list-empty').hidden = wanted.length > 0;
}

function createRow(id) {
  state.rowsCreated += 1;
  const btn = el('button', { type: 'button', 'data-conv': id });
  btn.addEventListener('click', () => onOpen(id));
  return { li: el('li', {}, [btn]), btn, sig: null };
}

function ownerText(h) {
  const owner = h && h.owner;
  if (!owner) { return 'Acknowledged'; }
  return (state.me && owner.id === state.me.id ? 'You' : owner.name) + ' answering';
}

function lastText(m) {
  if (!m) { return ''; }
  const who = { bot: 'Bot: ', human: (m.author || 'Operator') + ': ' }[m.role] || '';
  return who + (m.text || '');
}

/* Rewrite a row's content only when something it shows changed. */
function updateRow(row, s) {
  const status = statusOf(s);
  const h = s.handoff;
  const view = {
    status,
    name: visitorName(s),
    vip: !!(s.visitor && s.visitor.vip),
    trust: trustText(s.visitor),
    reason: status === 'pending' && h && h.reason ? reasonText(h.reason) : '',
    owner: status === 'acknowledged' ? ownerText(h) : '',
    last: lastText(s.last_message),
    time: timeLabel(s.updated_at, true),
    since: status === 'pending' ? waitingSince(s) : null,
    mine: !!(status === 'pending' && h && h.assignee && state.me && h.assignee.id === state.me.id),
    offered: status === 'pending' && h && h.assignee ? h.assignee.name : '',
    unread: (status === 'pending' || status === 'acknowledged') && state.currentId !== s.id ? (s.unread || 0) : 0,
    mail: h && h.contact && (status === 'pending' || status === 'acknowledged') ? h.contact.email : '',
  };
  const sig = JSON.stringify(view);
  if (sig === row.sig) { return; }
  row.sig = sig;
  row.li.setAttribute('data-status', status);
  const btn = row.btn;
  btn.className = 'conv-item status-' + status + (view.mine ? ' assigned-to-me' : '');
  if (state.currentId === s.id) { btn.setAttribute('aria-current', 'true'); } else { btn.removeAttribute('aria-current'); }
  btn.replaceChildren(
    el('span', { className: 'row-top' }, [
      el('span', { className: 'row-name', text: view.name }),
      view.vip ? el('span', { className: 'pill pill-vip', text: 'VIP' }) : null,
      view.trust ? el('span', { className: 'tag tag-' + (view.trust.startsWith('Verified') ? 'verified' : 'unverified'), text: view.trust }) : null,
      el('span', { className: 'badge badge-' + status, text: STATUS_LABEL[status] || status }),
      view.mine ? el('span', { className: 'pill pill-assigned', text: 'Assigned to you' })
        : (view.offered ? el('span', { className: 'pill pill-offered', text: 'Offered to ' + view.offered }) : null),
      view.unread ? el('span', { className: 'pill pill-unread', text: String(view.unread), title: view.unread + ' unread' }) : null,
      view.mail ? el('span', { className: 'tag tag-offline', title: 'Reply by email to ' + view.mail, text: 'Offline · reply by email' }) : null,
    ]),
    status === 'pending' ? el('span', { className: 'row-wait' }, [
      el('span', { className: 'wait-time', 'data-since': view.since || '' }),
      view.reason ? el('span', { className: 'row-reason', text: ' · ' + view.reason }) : null,
    ]) : '',
    status === 'acknowledged' ? el('span', { className: 'row-owner', text: view.owner }) : '',
    view.last ? el('span', { className: 'row-last', text: view.last }) : '',
    el('span', { className: 'row-time', text: view.time }),
  );
  row.view = view;
  refreshTime(row);
}

/* The parts that change with the clock: wait time and the row's accessible name. */
function refreshTime(row) {
  const v = row.view;
  const wait = v.status === 'pending' ? duration(v.since) : '';
  const node = row.btn.querySelector('.wait-time');
  if (node) { node.textContent = 'Waiting ' + wait; }
  row.btn.setAttribute('aria-label', v.name + (v.vip ? ', VIP' : '') + (v.trust ? ', ' + v.trust : '') + ', ' + (STATUS_LABEL[v.status] || v.status) + (wait ? ', waiting ' + wait : ''));
}

function refreshTimes() {
  for (const row of rows.values()) { refreshTime(row); }
}
