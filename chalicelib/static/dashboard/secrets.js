/*
 * Secrets (admins only, on the Team tab): the identity secret (verified visitors' user_hash) and the
 * webhook secret. Only metadata is listed; a created or rotated secret is shown once.
 */
import { el, timeLabel } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, errorText, state } from './state.js';
import { confirmDialog, showOnce } from './ui.js';

const KINDS = {
  identity: { label: 'Identity secret', use: 'Your site\u2019s server computes user_hash = HMAC-SHA256(secret, user_id) with it.' },
  webhook: { label: 'Webhook secret', use: 'Your webhook receiver checks X-Handoff-Signature with it.' },
};

function status(text, kind) {
  const s = $('secrets-status');
  s.textContent = text;
  s.setAttribute('data-kind', kind || '');
}

export async function loadSecrets() {
  const agent = state.agentId;
  status('Loading…');
  try {
    const data = await api('GET', 'agents/' + enc(agent) + '/secrets');
    if (agent !== state.agentId) { return; }
    const found = (data && data.secrets) || data || {};
    $('secret-list').replaceChildren(...Object.keys(KINDS).map((k) => item(k, found[k] || { set: false })));
    status('');
  } catch (err) {
    if (agent === state.agentId) { status('Could not load secrets: ' + errorText(err), 'error'); }
  }
}

function describe(meta) {
  if (!meta.set) { return 'Not set.'; }
  let text = 'Version ' + (meta.version || 1) + ', created ' + timeLabel(meta.created_at, true) + '.';
  if (meta.previous_valid_until) {
    text += ' The previous secret still verifies until ' + timeLabel(new Date(meta.previous_valid_until * 1000).toISOString(), true) + '.';
  }
  return text;
}

function item(kind, meta) {
  const k = KINDS[kind];
  const li = el('li', { className: 'secret', 'data-kind': kind }, [
    el('h3', { text: k.label }),
    el('p', { className: 'hint', text: k.use }),
    el('p', { className: 'secret-meta', text: describe(meta) }),
  ]);
  if (!meta.set) {
    const create = el('button', { type: 'button', className: 'primary', text: 'Create', 'aria-label': 'Create ' + k.label.toLowerCase() });
    create.addEventListener('click', () => issue(kind, false, 0));
    li.appendChild(el('div', { className: 'form-actions' }, [create]));
    return li;
  }
  const graceId = 'grace-' + kind;
  const grace = el('input', { type: 'number', id: graceId, min: '0', max: '168', step: '1', className: 'grace' });
  grace.value = '24';
  const rotate = el('button', { type: 'button', className: 'ghost', text: 'Rotate', 'aria-label': 'Rotate ' + k.label.toLowerCase() });
  rotate.addEventListener('click', async () => {
    const hours = Math.max(0, Math.min(168, Math.round(Number(grace.value) || 0)));
    const ok = await confirmDialog('Rotate the ' + k.label.toLowerCase() + '?',
      hours ? 'The current secret keeps working for ' + hours + ' h: deploy the new one before then.'
        : 'The current secret stops working at once.', 'Rotate');
    if (ok) { issue(kind, true, hours); }
  });
  li.appendChild(el('div', { className: 'form-actions' }, [
    el('label', { for: graceId, text: 'Old secret keeps working for (hours)' }), grace, rotate,
  ]));
  return li;
}

async function issue(kind, rotate, graceHours) {
  const agent = state.agentId;
  status(rotate ? 'Rotating…' : 'Creating…');
  try {
    const data = await api('POST', 'agents/' + enc(agent) + '/secrets/' + kind, { rotate, grace_hours: graceHours });
    await loadSecrets();
    status(KINDS[kind].label + (rotate ? ' rotated.' : ' created.'), 'ok');
    showOnce($('secret-result'), 'New ' + KINDS[kind].label.toLowerCase(), data.secret,
      'Shown once: copy it now into your site\'s server configuration. It cannot be shown again.');
  } catch (err) {
    status('Not done: ' + errorText(err), 'error');
    if (err.code === 'secret_exists') { loadSecrets(); }
  }
}
