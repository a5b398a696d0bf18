/*
 * What every dashboard module shares: the signed-in operator, the chosen agent, the socket, the
 * REST client. Exposed as window.HandoffDashboard for debugging and the browser tests (which read
 * the counters below).
 */
import { restClient } from '../lib/rest.js';

export const BASE = new URL('.', location.href).href;

export const state = {
  token: null,
  me: null,          // {id, name}
  agents: [],
  agentId: null,
  currentId: null,   // the conversation on screen
  socket: null,
  // Counters for the browser tests.
  beeps: 0,
  inboxEvents: 0,
  notifications: 0,
  rowsCreated: 0,
};
window.HandoffDashboard = state;

/* Set by main.js: what to do when the service says the token is no longer valid. */
export const hooks = { signOut: () => {} };

export const api = restClient({
  base: BASE,
  token: () => state.token,
  onUnauthorized: (path) => {
    if (path !== 'operator/me') { hooks.signOut('Your session ended. Please sign in again.'); }
  },
});

export const $ = (id) => document.getElementById(id);

export function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 5000);
}

/* The signed-in operator's role for the chosen agent ('admin' | 'operator' | undefined). */
export function roleOf(agentId) {
  const agent = state.agents.find((a) => a.id === (agentId || state.agentId));
  return agent && agent.role;
}

export function isAdmin(agentId) {
  return roleOf(agentId) === 'admin';
}

/* A sentence for an API error: the codes an admin's pages meet get words of their own. */
export function errorText(err) {
  if (!err) { return ''; }
  if (err.code === 'forbidden_role') { return 'Only an admin of this agent can do that.'; }
  if (err.code === 'last_admin') { return 'An agent needs at least one admin: make someone else an admin first.'; }
  if (err.code === 'secret_exists') { return 'That secret already exists: rotate it to get a new one.'; }
  if (err.code === 'not_found') { return 'Not found (it may have been removed already).'; }
  if (err.code === 'rate_limited') { return 'Too many requests: try again in a moment.'; }
  return err.message || 'Something went wrong.';
}
