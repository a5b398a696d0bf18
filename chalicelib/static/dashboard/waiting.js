/*
 * Waiting visitors: the escalation ladder as operators see it. A `reminder` event (one per step of a
 * Pending handoff nobody took) highlights the inbox row, beeps for the reminder step and says so in a
 * toast; the conversation pane lists the handoff's history (requested, each ladder step, taken, closed
 * and by whom), read with the conversation (GET /conversations/{id} → handoffs).
 */
import { clear, el } from '../lib/dom.js';
import { $, state, toast } from './state.js';
import { beep } from './alerts.js';

const STEP_TEXT = { remind: 'Reminder sent', escalate: 'Escalated to channels', tell_visitor: 'Visitor told to leave an email' };

function minutes(seconds) {
  const m = Math.round((seconds || 0) / 60);
  return m < 1 ? 'under a minute' : m + ' min';
}

/* Mark a row (the attribute sits on the list item, which survives the row's re-renders). */
function markRow(id, step) {
  const btn = document.querySelector('#conv-list button[data-conv="' + CSS.escape(id) + '"]');
  if (btn && btn.parentElement) { btn.parentElement.setAttribute('data-escalation', String(step)); }
}

export function onReminder(ev) {
  if (!ev.conversation_id) { return; }
  state.reminders = (state.reminders || 0) + 1;
  markRow(ev.conversation_id, ev.step);
  if (ev.action === 'remind') { beep(); }
  toast('Still waiting after ' + minutes(ev.waited_seconds) + ': ' + (STEP_TEXT[ev.action] || 'escalated') + '.');
  if (ev.conversation_id === state.currentId && ev.transition) {
    const list = $('handoff-history');
    if (list) { list.hidden = false; list.appendChild(item(ev.transition)); }
  }
}

function item(t) {
  const by = t.by && t.by.kind === 'system' ? 'system' : ((t.by && t.by.name) || (t.by && t.by.kind) || '');
  let what = t.status;
  if (t.status === 'escalated' && t.reason) { what = STEP_TEXT[t.reason.action] || 'escalated'; }
  const note = t.reason && t.reason.note ? ' (' + t.reason.note + ')' : '';
  const when = (t.at || '').slice(11, 16);
  return el('li', { 'data-status': t.status, text: when + ' ' + what + (by ? ' · ' + by : '') + note });
}

/* The handoff history of the conversation on screen (the latest handoff's records). */
export function showHandoffHistory(id, handoffs) {
  const list = $('handoff-history');
  if (!list || id !== state.currentId) { return; }
  clear(list);
  const records = handoffs || [];
  const last = records.length ? records[records.length - 1].handoff_id : null;
  for (const t of records.filter((r) => r.handoff_id === last)) { list.appendChild(item(t)); }
  list.hidden = !list.children.length;
}
