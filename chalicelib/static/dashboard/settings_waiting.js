/*
 * Settings → Waiting visitors: the escalation ladder (remind operators, escalate to the channels, tell
 * the visitor) and inactivity (warn, then close; a pending visitor who left). Its own card and Save:
 * only these two settings are sent (the server merges a partial update), with the version read just
 * before saving, refused if someone changed these two meanwhile (optimistic locking on what this card edits).
 */
import { clear, el } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, errorText, isAdmin, state } from './state.js';

const LADDER = [['remind_after_seconds', 'Remind online operators after (min)'],
  ['escalate_after_seconds', 'Escalate to notification channels after (min)'],
  ['tell_visitor_after_seconds', 'Tell the visitor and offer email after (min)']];
let loaded = null;

function card() {
  let box = $('waiting-settings');
  if (!box) {
    box = el('form', { id: 'waiting-settings', className: 'card', novalidate: true });
    box.addEventListener('submit', (e) => { e.preventDefault(); save(); });
    const panel = $('panel-settings');
    panel.insertBefore(box, panel.children[1] || null);
  }
  return box;
}

function number(id, value, label, min) {
  const input = el('input', { type: 'number', id, min: String(min), max: '10080', step: 'any' });
  input.value = String(Math.round((value || 0) / 60 * 100) / 100);     // minutes; seconds kept to 0.01 min
  return [el('label', { for: id, text: label }), input];
}

function status(text, kind) {
  const s = $('waiting-status');
  if (!s) { return; }
  s.textContent = text;
  s.setAttribute('data-kind', kind || '');
}

export async function loadWaitingSettings() {
  const agent = state.agentId;
  const data = await api('GET', 'agents/' + enc(agent) + '/settings').catch(() => null);
  if (!data || agent !== state.agentId) { return; }
  loaded = { escalation: data.settings.escalation || {}, inactivity: data.settings.inactivity || {} };
  fill(loaded);
}

function fill(s) {
  const box = card();
  clear(box);
  const esc = s.escalation;
  const ina = s.inactivity;
  const enabled = el('input', { type: 'checkbox', id: 'inactivity-enabled' });
  enabled.checked = !!ina.enabled;
  const gone = el('select', { id: 'pending-gone' }, [
    el('option', { value: 'keep', text: 'keep the request' }), el('option', { value: 'cancel', text: 'withdraw the request' })]);
  gone.value = ina.pending_gone || 'keep';
  box.append(
    el('h2', { text: 'Waiting visitors' }),
    el('p', { className: 'hint', text: 'A request nobody takes climbs this ladder; 0 switches a step off.' }),
    ...LADDER.flatMap(([name, label]) => number('esc-' + name, esc[name], label, 0)),
    el('div', { className: 'trigger' }, [enabled, el('label', { for: 'inactivity-enabled', text: 'Close conversations the visitor left' })]),
    ...number('ina-warn', ina.warn_after_seconds, 'Ask "Are you still there?" after (min without a visitor message)', 0.5),
    ...number('ina-resolve', ina.resolve_after_seconds, 'Then close after (min)', 0.5),
    el('label', { for: 'pending-gone', text: 'A waiting visitor who closed the page:' }), gone,
    ...number('ina-gone', ina.pending_gone_after_seconds, 'Withdraw after (min)', 0.5),
    el('div', { className: 'actions' }, [el('button', { type: 'submit', id: 'waiting-save', className: 'primary', text: 'Save waiting settings' }),
      el('span', { id: 'waiting-status', className: 'status', role: 'status', 'aria-live': 'polite' })]),
  );
  const readOnly = !isAdmin();
  for (const input of box.elements) { input.disabled = readOnly; }
  if (readOnly) { status('Only an admin of this agent can change these settings.'); }
}

function seconds(id) {
  return Math.round(Number($(id).value || 0) * 60);
}

function collect() {
  const escalation = {};
  for (const [name] of LADDER) { escalation[name] = seconds('esc-' + name); }
  return {
    escalation,
    inactivity: { enabled: $('inactivity-enabled').checked, warn_after_seconds: seconds('ina-warn'),
      resolve_after_seconds: seconds('ina-resolve'), pending_gone: $('pending-gone').value,
      pending_gone_after_seconds: seconds('ina-gone') },
  };
}

async function save() {
  const agent = state.agentId;
  status('Saving…');
  try {
    const fresh = await api('GET', 'agents/' + enc(agent) + '/settings');
    const now = { escalation: fresh.settings.escalation || {}, inactivity: fresh.settings.inactivity || {} };
    if (JSON.stringify(now) !== JSON.stringify(loaded)) {
      loaded = now;
      fill(now);
      status('Someone else changed these settings. The latest values are loaded: check and save again.', 'error');
      return;
    }
    const data = await api('PUT', 'agents/' + enc(agent) + '/settings', { settings: collect(), version: fresh.version });
    loaded = { escalation: data.settings.escalation, inactivity: data.settings.inactivity };
    fill(loaded);
    status('Saved.', 'ok');
  } catch (err) {
    status('Not saved: ' + errorText(err), 'error');
  }
}
