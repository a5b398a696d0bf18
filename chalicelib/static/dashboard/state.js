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
