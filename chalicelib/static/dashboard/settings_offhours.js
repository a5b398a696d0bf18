/*
 * Settings → Business hours and notification channels (issue 12): the agent's `hours` (time zone, weekly
 * ranges, holidays, "nobody online counts as closed") and `channels` (team email addresses, a Slack
 * incoming webhook). A card of its own with its own Save: it reads the settings version when it loads
 * and sends only `hours` and `channels` (a stale version is refused like the main form's).
 *
 * Weekly hours are typed one day per line: "mon 09:00-17:00, 18:00-20:00". No line at all: always open.
 */
import { el } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, errorText, isAdmin, state } from './state.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
let version = null;

function card() {
  let box = $('offhours-form');
  if (box) { return box; }
  const input = (id, attrs) => el('input', Object.assign({ id, type: 'text', spellcheck: 'false' }, attrs || {}));
  box = el('form', { id: 'offhours-form', className: 'card', novalidate: true, 'aria-labelledby': 'offhours-title' }, [
    el('h2', { id: 'offhours-title', text: 'Business hours and notifications' }),
    el('label', { for: 'hours-zone', text: 'Time zone' }),
    input('hours-zone', { placeholder: 'Europe/Paris', maxlength: '64' }),
    el('label', { for: 'hours-weekly', text: 'Weekly hours' }),
    el('textarea', { id: 'hours-weekly', rows: '4', spellcheck: 'false', 'aria-describedby': 'hours-weekly-help',
      placeholder: 'mon 09:00-17:00\ntue 09:00-17:00' }),
    el('p', { id: 'hours-weekly-help', className: 'hint', text: 'One day per line (mon … sun), ranges comma separated; 22:00-02:00 runs past midnight. Empty: always open. Outside these hours visitors are told when you are back and can leave their email.' }),
    el('label', { for: 'hours-holidays', text: 'Holidays' }),
    el('textarea', { id: 'hours-holidays', rows: '2', spellcheck: 'false', placeholder: '2026-12-25' }),
    el('div', { className: 'trigger' }, [
      el('input', { type: 'checkbox', id: 'hours-nobody' }),
      el('label', { for: 'hours-nobody', text: 'Also offer the email form when nobody is online' }),
    ]),
    el('label', { for: 'channel-email', text: 'Email the team at' }),
    input('channel-email', { placeholder: 'support@example.com, lead@example.com', 'aria-describedby': 'channel-email-help' }),
    el('p', { id: 'channel-email-help', className: 'hint', text: 'A new request (and an escalation) is emailed to these addresses.' }),
    el('label', { for: 'channel-slack', text: 'Slack incoming webhook' }),
    input('channel-slack', { type: 'url', placeholder: 'https://hooks.slack.com/services/…' }),
    el('div', { className: 'form-actions' }, [
      el('button', { type: 'submit', id: 'offhours-save', className: 'primary', text: 'Save hours and channels' }),
      el('span', { id: 'offhours-status', className: 'status', role: 'status', 'aria-live': 'polite' }),
    ]),
  ]);
  $('settings-form').after(box);
  box.addEventListener('submit', (e) => { e.preventDefault(); save(); });
  return box;
}

function status(text) { $('offhours-status').textContent = text; }

export async function loadOffhours() {
  const box = card();
  const agent = state.agentId;
  try {
    const data = await api('GET', 'agents/' + enc(agent) + '/settings');
    if (agent !== state.agentId) { return; }
    version = data.version;
    fill(data.settings || {});
    box.setAttribute('data-loaded', 'true');
    const readOnly = !isAdmin(agent);
    for (const input of box.elements) { input.disabled = readOnly; }
    status(readOnly ? 'Only an admin of this agent can change these settings.' : '');
  } catch (err) {
    status('Could not load: ' + err.message);
  }
}

function fill(s) {
  const h = s.hours || {};
  $('hours-zone').value = h.time_zone && h.time_zone !== 'UTC' ? h.time_zone : (h.weekly ? 'UTC' : '');
  $('hours-weekly').value = h.weekly ? DAYS.filter((d) => (h.weekly[d] || []).length)
    .map((d) => d + ' ' + h.weekly[d].map((r) => r[0] + '-' + r[1]).join(', ')).join('\n') : '';
  $('hours-holidays').value = (h.holidays || []).join('\n');
  $('hours-nobody').checked = !!h.offline_when_nobody_online;
  const c = s.channels || {};
  $('channel-email').value = ((c.email && c.email.to) || []).join(', ');
  $('channel-slack').value = (c.slack && c.slack.url) || '';
}

/* The typed week → {mon: [["09:00","17:00"]], …}, or an error message. */
function parseWeekly(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!lines.length) { return { weekly: null }; }
  const weekly = {};
  for (const line of lines) {
    const m = /^([a-z]{3})\s+(.+)$/i.exec(line);
    const day = m && m[1].toLowerCase();
    if (!m || !DAYS.includes(day)) { return { error: 'each line starts with a day: mon, tue, wed, thu, fri, sat or sun' }; }
    weekly[day] = [];
    for (const part of m[2].split(',')) {
      const r = /^\s*(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$/.exec(part);
      if (!r) { return { error: day + ': write ranges as 09:00-17:00' }; }
      weekly[day].push([r[1], r[2]]);
    }
  }
  return { weekly };
}

async function save() {
  const week = parseWeekly($('hours-weekly').value);
  if (week.error) { status('Not saved: ' + week.error); return; }
  const list = (id, sep) => $(id).value.split(sep).map((x) => x.trim()).filter(Boolean);
  const settings = {
    hours: { time_zone: $('hours-zone').value.trim() || 'UTC', weekly: week.weekly,
      holidays: list('hours-holidays', '\n'), offline_when_nobody_online: $('hours-nobody').checked },
    channels: { email: { to: list('channel-email', ',') }, slack: { url: $('channel-slack').value.trim() || null } },
  };
  const agent = state.agentId;
  $('offhours-save').disabled = true;
  status('Saving…');
  try {
    const data = await api('PUT', 'agents/' + enc(agent) + '/settings', { settings, version });
    version = data.version;
    fill(data.settings || {});
    status('Saved.');
  } catch (err) {
    status('Not saved: ' + errorText(err));
    if (err.code === 'conflict') { await loadOffhours(); status('Someone else changed the settings: check and save again.'); }
  } finally {
    $('offhours-save').disabled = false;
  }
}

