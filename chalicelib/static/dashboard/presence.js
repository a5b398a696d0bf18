/*
 * Team presence (team inbox): who of the agent's operators is online / away / offline, live from the
 * `presence` events, with each one's open conversations (from the inbox rows that name them), and the
 * signed-in operator's own Online / Away toggle (socket action `set_presence`). Optional auto-away:
 * after AWAY_AFTER_MS without input the dashboard sets Away, and Online again on the next input.
 */
import { clear, el } from '../lib/dom.js';
import { $, api, state } from './state.js';

const AWAY_AFTER_MS = 10 * 60 * 1000;
let team = new Map();           // operator id -> {id, name, presence, open, capacity}
let autoAway = false;
let idleTimer = null;

export function initPresence() {
  for (const kind of ['keydown', 'pointerdown']) {
    document.addEventListener(kind, () => {
      if (autoAway) { autoAway = false; setMine('online'); }
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => { if (mine() === 'online') { autoAway = true; setMine('away'); } }, AWAY_AFTER_MS);
    }, { passive: true });
  }
}

export function colleagues() { return [...team.values()]; }

function mine() { const m = state.me && team.get(state.me.id); return m ? m.presence : 'offline'; }

export async function loadPresence() {
  const agent = state.agentId;
  try {
    const data = await api('GET', 'agents/' + encodeURIComponent(agent) + '/presence');
    if (agent !== state.agentId) { return; }
    team = new Map(data.operators.map((o) => [o.id, o]));
    render();
  } catch (err) { /* the panel stays as it was; the next event or reconnect fills it */ }
}

/* Once the socket is open: tell the team (and, in auto mode, take waiting work) with the status the server
   holds for us on this agent: an away operator stays away across reloads. */
export async function announcePresence() {
  await loadPresence();
  setMine(mine() === 'away' ? 'away' : 'online');
}

export function presenceEvent(ev) {
  if (ev.agent_id !== state.agentId || !ev.operator) { return; }
  const prev = team.get(ev.operator.id) || {};
  team.set(ev.operator.id, Object.assign({}, prev, ev.operator, { presence: ev.status, open: ev.open, capacity: ev.capacity }));
  render();
}

function setMine(status) {
  if (!state.socket || !state.agentId) { return; }
  state.socket.send({ action: 'set_presence', agent_id: state.agentId, status });
}

export function render() {
  const box = $('presence-panel');
  if (!box) { return; }
  clear(box);
  const rows = [...team.values()].sort((a, b) => a.name.localeCompare(b.name));
  const list = el('ul', { className: 'presence-list', 'aria-label': 'Team presence' });
  for (const o of rows) {
    list.appendChild(el('li', { className: 'presence-item', 'data-operator': o.id, 'data-presence': o.presence }, [
      el('span', { className: 'dot dot-' + o.presence, title: o.presence, 'aria-label': o.presence }),
      el('span', { className: 'presence-name', text: o.name + (state.me && o.id === state.me.id ? ' (you)' : '') }),
      el('span', { className: 'presence-load', text: ' ' + (o.open || 0) + '/' + o.capacity, title: 'open conversations / capacity' }),
    ]));
  }
  const me = mine();
  const toggle = el('button', { type: 'button', id: 'presence-toggle', className: 'ghost small',
    text: me === 'away' ? 'Away: go online' : 'Online: go away', 'aria-pressed': me === 'away' ? 'true' : 'false' });
  toggle.addEventListener('click', () => { autoAway = false; setMine(mine() === 'away' ? 'online' : 'away'); });
  box.append(toggle, list);
}
