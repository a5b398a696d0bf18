/*
 * Settings → Human handoff: the Allow Human Handoff switch, one switch per detection trigger, the
 * welcome message, the webhook URL, the bot's confidence threshold and, when the server has them,
 * the Bedrock model and the retention period; saved together with the version read (optimistic
 * locking: a stale save is refused and the latest values are loaded). Only an agent's admins may
 * save: for other operators the form is read-only.
 *
 * The trigger switches are drawn from the settings the server returns (settings.triggers: name →
 * on/off), so a trigger added server-side shows up without a change here.
 */
import { clear, el } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, errorText, state } from './state.js';
import { TRIGGER_ORDER, triggerLabel } from './format.js';

let settings = null;
let version = null;
const CONFLICT = 'Someone else changed these settings. The latest version is loaded: check and save again.';

export function initSettings() {
  $('settings-form').addEventListener('submit', (e) => { e.preventDefault(); save(); });
}

function status(text, kind) {
  const s = $('settings-status');
  s.textContent = text;
  if (kind) { s.setAttribute('data-kind', kind); }
}

export async function loadSettings() {
  const agent = state.agentId;
  status('Loading…');
  try {
    const data = await api('GET', 'agents/' + enc(agent) + '/settings');
    if (agent !== state.agentId) { return; }
    settings = data.settings || {};
    version = data.version;
    status('');
    fill();
  } catch (err) {
    status('Could not load settings: ' + err.message);
  }
}

function role() {
  const agent = state.agents.find((a) => a.id === state.agentId);
  return agent && agent.role;
}

/* The optional parts, drawn only when the server's settings have them. */
function fillExtra(s) {
  const box = $('settings-extra');
  clear(box);
  if (s.llm && typeof s.llm === 'object') {
    const on = el('input', { type: 'checkbox', id: 'llm-enabled' });
    on.checked = !!s.llm.enabled;
    const model = el('input', { type: 'text', id: 'llm-model', maxlength: '200', spellcheck: 'false',
      placeholder: 'a model id this deployment allows', 'aria-describedby': 'llm-help' });
    model.value = s.llm.model_id || '';
    box.appendChild(el('fieldset', { id: 'llm' }, [
      el('legend', { text: 'Language model (Amazon Bedrock)' }),
      el('div', { className: 'trigger' }, [on, el('label', { for: 'llm-enabled', text: 'Answer and detect handoffs with a Bedrock model' })]),
      el('label', { for: 'llm-model', text: 'Model id' }),
      model,
      el('p', { id: 'llm-help', className: 'hint', text: 'Answers only from the knowledge base; on a timeout or an error the built-in bot answers.' }),
    ]));
  }
  if (typeof s.retention_days === 'number') {
    const days = el('input', { type: 'number', id: 'retention-input', min: '1', max: '3650', step: '1', 'aria-describedby': 'retention-help' });
    days.value = String(s.retention_days);
    box.append(
      el('label', { for: 'retention-input', text: 'Keep conversations for (days)' }),
      days,
      el('p', { id: 'retention-help', className: 'hint', text: 'Messages and conversations are deleted this many days after their last change.' }),
    );
  }
}

function fill() {
  const s = settings;
  fillExtra(s);
  $('allow-handoff').checked = !!s.allow_human_handoff;
  $('welcome-input').value = s.welcome_message || '';
  $('webhook-input').value = s.webhook_url || '';
  $('threshold-input').value = typeof s.confidence_threshold === 'number' ? s.confidence_threshold : '';
  const box = $('trigger-list');
  clear(box);
  const triggers = s.triggers || {};
  const names = Object.keys(triggers).filter((k) => typeof triggers[k] === 'boolean');
  const rank = (k) => { const i = TRIGGER_ORDER.indexOf(k); return i < 0 ? TRIGGER_ORDER.length : i; };
  names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  for (const name of names) {
    const id = 'trigger-' + name;
    const cb = el('input', { type: 'checkbox', id, 'data-trigger': name });
    cb.checked = triggers[name];
    box.appendChild(el('div', { className: 'trigger' }, [cb, el('label', { for: id, text: triggerLabel(name) })]));
  }
  const readOnly = role() !== undefined && role() !== 'admin';
  for (const input of $('settings-form').elements) { input.disabled = readOnly; }
  if (readOnly) { status('Only an admin of this agent can change these settings.'); }
}

/* Only what this form edits: the server merges a partial update and refuses unknown fields. */
function collect() {
  const out = {
    allow_human_handoff: $('allow-handoff').checked,
    welcome_message: $('welcome-input').value,
    webhook_url: $('webhook-input').value.trim() || null,
    triggers: {},
  };
  const th = $('threshold-input').value;
  if (th !== '') { out.confidence_threshold = Number(th); }
  for (const input of $('trigger-list').querySelectorAll('[data-trigger]')) {
    out.triggers[input.getAttribute('data-trigger')] = input.checked;
  }
  if ($('llm-enabled')) {
    out.llm = { enabled: $('llm-enabled').checked, model_id: $('llm-model').value.trim() || null };
  }
  if ($('retention-input') && $('retention-input').value !== '') {
    out.retention_days = Math.round(Number($('retention-input').value));
  }
  return out;
}

async function save() {
  const webhook = $('webhook-input');
  if (webhook.value.trim() && !webhook.checkValidity()) {
    status('The webhook URL is not a valid URL.');
    webhook.focus();
    return;
  }
  const agent = state.agentId;
  const btn = $('settings-save');
  btn.disabled = true;
  status('Saving…');
  try {
    const data = await api('PUT', 'agents/' + enc(agent) + '/settings', { settings: collect(), version });
    if (data && data.settings) { settings = data.settings; }
    if (data && data.version !== undefined) { version = data.version; }
    fill();
    status('Saved.', 'ok');
  } catch (err) {
    if (err.code === 'conflict') {
      status(CONFLICT, 'error');
      await loadSettings();
      status(CONFLICT, 'error');
    } else {
      status('Not saved: ' + errorText(err), 'error');
    }
  } finally {
    btn.disabled = false;
  }
}
