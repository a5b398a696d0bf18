/*
 * Team (admins only): the agent's operators, invite (the new token is shown once), change a role,
 * remove (after a confirmation). The server enforces all of it (403 forbidden_role, 409 last_admin);
 * this page only says so in words.
 */
import { el, timeLabel } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, errorText, state } from './state.js';
import { confirmDialog, showOnce } from './ui.js';

const ROLES = { admin: 'Admin', operator: 'Operator' };

export function initTeam() {
  $('invite-form').addEventListener('submit', (e) => { e.preventDefault(); invite(); });
}

function status(text, kind) {
  const s = $('team-status');
  s.textContent = text;
  s.setAttribute('data-kind', kind || '');
}

function path(id) {
  return 'agents/' + enc(state.agentId) + '/operators' + (id ? '/' + enc(id) : '');
}

export async function loadTeam() {
  const agent = state.agentId;
  status('Loading…');
  try {
    const data = await api('GET', path());
    if (agent !== state.agentId) { return; }
    render(data.operators || []);
    status('');
  } catch (err) {
    if (agent === state.agentId) { status('Could not load the team: ' + errorText(err), 'error'); }
  }
}

function render(operators) {
  const body = $('team-list');
  body.replaceChildren(...operators.map(row));
  if (!operators.length) { body.appendChild(el('tr', {}, [el('td', { colspan: '4', text: 'No operators yet.' })])); }
}

function row(op) {
  const you = state.me && op.id === state.me.id;
  const name = op.name + (you ? ' (you)' : '');
  const select = el('select', { 'aria-label': 'Role of ' + name, 'data-operator': op.id });
  for (const [value, label] of Object.entries(ROLES)) { select.appendChild(el('option', { value, text: label })); }
  select.value = op.role;
  select.addEventListener('change', () => setRole(op, select));
  const remove = el('button', { type: 'button', className: 'ghost danger small', text: 'Remove',
    'aria-label': 'Remove ' + name });
  remove.addEventListener('click', () => removeOperator(op, name));
  return el('tr', { 'data-operator': op.id }, [
    el('th', { scope: 'row', text: name }),
    el('td', {}, [select]),
    el('td', { text: timeLabel(op.created_at, true) }),
    el('td', {}, [remove]),
  ]);
}

async function setRole(op, select) {
  const wanted = select.value;
  select.disabled = true;
  try {
    await api('PUT', path(op.id), { role: wanted });
    op.role = wanted;
    status(op.name + ' is now ' + (ROLES[wanted] || wanted).toLowerCase() + '.', 'ok');
    if (state.me && op.id === state.me.id) { updateOwnRole(wanted); }
  } catch (err) {
    select.value = op.role;
    status('Role not changed: ' + errorText(err), 'error');
  } finally {
    select.disabled = false;
  }
}

async function removeOperator(op, name) {
  const ok = await confirmDialog('Remove ' + name + '?',
    name + ' will no longer see this agent, and their open dashboards are disconnected from it.', 'Remove');
  if (!ok) { return; }
  try {
    await api('DELETE', path(op.id));
    await loadTeam();
    status(name + ' was removed.', 'ok');
  } catch (err) {
    status('Not removed: ' + errorText(err), 'error');
  }
}

async function invite() {
  const name = $('invite-name').value.trim();
  if (!name) { status('Enter the new operator\'s name.', 'error'); $('invite-name').focus(); return; }
  const body = { name, role: $('invite-role').value };
  const days = $('invite-expiry').value;
  if (days !== '') { body.expires_in_days = Math.round(Number(days)); }
  const btn = $('invite-form').querySelector('button[type=submit]');
  btn.disabled = true;
  try {
    const data = await api('POST', path(), body);
    $('invite-form').reset();
    await loadTeam();
    status(name + ' was invited.', 'ok');
    showOnce($('invite-result'), 'Sign-in token for ' + name, data.token,
      'Shown once: copy it now and give it to ' + name + ' privately. It cannot be shown again.');
  } catch (err) {
    status('Not invited: ' + errorText(err), 'error');
  } finally {
    btn.disabled = false;
  }
}

/* Hooks set by main.js: what to do when the operator demoted themselves. */
export const teamHooks = { roleChanged: () => {} };

function updateOwnRole(role) {
  const agent = state.agents.find((a) => a.id === state.agentId);
  if (agent) { agent.role = role; }
  teamHooks.roleChanged();
}
