/*
 * The handoff summary on top of a handed-off conversation (GET /conversations/{id}/summary): why it was
 * handed off, what the visitor asked, what the bot answered and how sure it was, who the visitor is,
 * their earlier handoffs. Built by the server's summariser; shown as text only (textContent).
 */
import { clear, el } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, state } from './state.js';

export function showSummary(id) {
  const box = $('conv-summary');
  if (!box) { return; }
  box.hidden = true;
  clear(box);
  api('GET', 'conversations/' + enc(id) + '/summary').then((s) => {
    if (id !== state.currentId || !s || !s.why) { return; }
    render(box, s);
  }).catch(() => {});
}

function row(label, value) {
  return el('div', { className: 'sum-row' }, [el('dt', { text: label }), el('dd', { text: value })]);
}

function render(box, s) {
  const v = s.visitor || {};
  const rows = [
    row('Why', (s.why.code || 'unknown') + (s.why.detail ? ' — ' + s.why.detail : '')),
    row('Visitor', (v.name || v.email || v.id || 'visitor') + (v.verified ? ' · verified' : ' · not verified')),
  ];
  if (s.questions.length) { rows.push(row('Asked', s.questions.join(' · '))); }
  for (const a of s.bot_answers) {
    const conf = typeof a.confidence === 'number' ? a.confidence.toFixed(2) : '?';
    rows.push(row(a.understood ? 'Bot answered' : 'Bot missed', '(' + conf + ') ' + a.answer));
  }
  rows.push(row('Earlier handoffs', s.earlier_handoffs.length ? s.earlier_handoffs.map((h) =>
    (h.requested_at || '').slice(0, 10) + ' ' + ((h.reason && h.reason.code) || '?') +
    (h.outcome ? ' → ' + h.outcome + (h.by ? ' by ' + h.by : '') : '')).join('; ') : 'none'));
  box.append(el('h3', { text: 'Handoff summary' }), el('dl', {}, rows));
  box.hidden = false;
}
