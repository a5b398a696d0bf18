/*
 * Operator dashboard: sign-in, tabs, agent choice, and the socket whose events it hands to the
 * modules beside it (inbox, conversation, settings, knowledge, alerts). Native ES modules, no build.
 *
 * The socket connects with a single-use ticket (POST /operator/socket-ticket), never the token
 * itself. After a reconnect the dashboard reloads the inbox over REST and re-opens the conversations
 * it holds after the last seq it saw.
 */
import { clear, el } from '../lib/dom.js';
import { webSocketUrl, withQuery } from '../lib/rest.js';
import { ReconnectingSocket } from '../lib/socket.js';
import { $, BASE, api, hooks, isAdmin, state } from './state.js';
import { alertNewHandoff, initAlerts, unlockAudio, updateNotifyButton } from './alerts.js';
import {
  applyHandoff, closeConversation, initConversation, isOpened, openConversation, receiveMessage, receiveReplay,
  resumeAll, showVisitorTyping,
} from './conversation.js';
import {
  initInbox, loadInbox, messageArrived, reloadIfUnknown, reloadSoon, resetInbox, setCounts, summaryOf, upsertSummary,
} from './inbox.js';
import { initKnowledge, loadKnowledge } from './knowledge.js';
import { initSettings, loadSettings } from './settings.js';
import { loadOffhours } from './settings_offhours.js';
import { initPrivacy, showPrivacyTools } from './privacy.js';
import { loadSecrets } from './secrets.js';
import { initTeam, loadTeam, teamHooks } from './team.js';
import { onReminder } from './waiting.js';
import { loadWaitingSettings } from './settings_waiting.js';
import { announcePresence, initPresence, loadPresence, presenceEvent, render as renderPresence } from './presence.js';
import { initTransfer, renderTransfer, transferredEvent } from './transfer.js';
import { loadAssignment } from './settings_assignment.js';
import { initNotes } from './notes.js';
import { initReads, messageForReads, onRead } from './reads.js';
import { initSavedReplies, loadSavedReplies } from './saved_replies.js';
import { initSavedRepliesSettings, loadSavedRepliesSettings } from './settings_saved_replies.js';
import { initAnalytics, loadAnalytics } from './analytics.js';

const TOKEN_KEY = 'handoff.operatorToken';
const AGENT_KEY = 'handoff.agentId';
const CONN_LABEL = { connecting: 'Connecting…', open: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline', closed: 'Disconnected' };

// ---------------------------------------------------------------- sign in / out
function showSignin(message) {
  $('app').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message || '';
  $('token-input').focus();
}

async function signIn(token) {
  state.token = token;
  try {
    const data = await api('GET', 'operator/me');
    sessionStorage.setItem(TOKEN_KEY, token);
    state.me = data.operator;
    state.agents = data.agents || [];
    startApp();
  } catch (err) {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    showSignin(err.status === 401 || err.status === 403 ? 'That token was not accepted.' : 'Could not reach the service (' + err.message + ').');
  }
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  if (state.socket) { state.socket.stop(); state.socket = null; }
  location.hash = '';
  showSignin(message);
}
hooks.signOut = signOut;

function startApp() {
  $('signin').hidden = true;
  $('app').hidden = false;
  $('me').textContent = state.me.name;
  const sel = $('agent-select');
  clear(sel);
  for (const a of state.agents) { sel.appendChild(el('option', { value: a.id, text: a.name || a.id })); }
  const saved = sessionStorage.getItem(AGENT_KEY);
  const pick = state.agents.find((a) => a.id === saved) || state.agents[0];
  if (!pick) {
    $('conv-empty').textContent = 'You are not an operator of any agent yet.';
    return;
  }
  sel.value = pick.id;
  sel.disabled = state.agents.length < 2;
  selectAgent(pick.id);
  updateNotifyButton();
  connectSocket();
}

function selectAgent(id) {
  state.agentId = id;
  sessionStorage.setItem(AGENT_KEY, id);
  resetInbox();
  closeConversation();
  loadInbox();
  loadPresence();
  loadSavedReplies();
  applyRole();
  if (!$('panel-settings').hidden) { loadSettings(); loadKnowledge(); loadSavedRepliesSettings(); }
  if (!$('panel-team').hidden) { loadTeam(); loadSecrets(); }
  if (!$('panel-settings').hidden) { loadWaitingSettings(); }
  if (!$('panel-analytics').hidden) { loadAnalytics(); }
}

/* What the role for this agent may see: the Team tab and the visitor-data buttons are for admins
   (the server refuses the rest anyway). */
function applyRole() {
  const admin = isAdmin();
  $('tab-team').hidden = !admin;
  if (!admin && !$('panel-team').hidden) { selectTab('inbox'); }
  showPrivacyTools();
}
teamHooks.roleChanged = () => { applyRole(); if (!$('panel-settings').hidden) { loadSettings(); } };

// ---------------------------------------------------------------- tabs
const TABS = ['inbox', 'settings', 'team', 'analytics'];

function visibleTabs() {
  return TABS.filter((t) => !$('tab-' + t).hidden);
}

function selectTab(name) {
  for (const t of TABS) {
    const on = t === name;
    $('tab-' + t).setAttribute('aria-selected', on ? 'true' : 'false');
    $('tab-' + t).tabIndex = on ? 0 : -1;
    $('panel-' + t).hidden = !on;
  }
  if (name === 'settings') { loadSettings(); loadKnowledge(); loadAssignment(); }
  if (name === 'settings') { loadSettings(); loadKnowledge(); loadSavedRepliesSettings(); }
  if (name === 'settings') { loadSettings(); loadKnowledge(); loadOffhours(); }
  if (name === 'team') { loadTeam(); loadSecrets(); }
  if (name === 'settings') { loadWaitingSettings(); }
  if (name === 'analytics') { loadAnalytics(); }
}

function openFromElsewhere(id) {
  selectTab('inbox');
  openConversation(id);
}

// ---------------------------------------------------------------- socket
function connectSocket() {
  if (state.socket) { state.socket.stop(); }
  const sock = new ReconnectingSocket({
    // A single-use ticket per connect: the bearer token never goes into a URL (proxies and logs keep those).
    url: async () => {
      const ws = await webSocketUrl(BASE);
      const { ticket } = await api('POST', 'operator/socket-ticket');
      return withQuery(ws, { ticket });
    },
    onState: (s) => {
      const c = $('conn');
      c.setAttribute('data-state', s);
      c.textContent = CONN_LABEL[s] || s;
      c.title = s === 'reconnecting' ? 'Connection lost, retrying…' : '';
    },
    onOpen: (isReconnect) => {
      if (isReconnect) { loadInbox(); }   // what we missed while away
      announcePresence();
      resumeAll(sock, isReconnect);
    },
    onEvent,
    onConnectFailed: (n) => {
      if (n === 2 || n % 5 === 0) {
        api('GET', 'operator/me').catch((err) => {
          if (err.status === 401) { signOut('Your token is no longer valid.'); }
        });
      }
    },
  });
  state.socket = sock;
  sock.start();
}

/* A new handoff request, announced by the `handoff` event or the consumer's `inbox` push, whichever
   comes first: a beep, a notification, and one inbox reload (the list also shows the bot's
   conversations, which are not pushed to operators). */
function newRequest(summary, handoff) {
  if (alertNewHandoff(summary, handoff)) { reloadSoon(400); }
}

function onEvent(ev) {
  if (!ev || !ev.type) { return; }
  switch (ev.type) {
    case 'inbox':
      // Pushed by the notification consumer on every handoff event: the row and the counts.
      if (ev.agent_id && ev.agent_id !== state.agentId) { return; }
      state.inboxEvents += 1;
      if (ev.counts) { setCounts(ev.counts); }
      if (ev.conversation) {
        upsertSummary(ev.conversation);
        if (ev.conversation.handoff && isOpened(ev.conversation.id)) { applyHandoff(ev.conversation.id, ev.conversation.handoff); }
        if (ev.event === 'handoff.requested') { newRequest(ev.conversation, ev.conversation.handoff); }
      }
      break;
    case 'message':
      if (ev.conversation_id && ev.message) {
        receiveMessage(ev.conversation_id, ev.message);
        messageArrived(ev.conversation_id, ev.message);
        messageForReads(ev.conversation_id, ev.message);
      }
      break;
    case 'history':
      if (ev.conversation_id) {
        receiveReplay(ev.conversation_id, ev.messages || [], ev.complete !== false);
        if (ev.handoff !== undefined) { applyHandoff(ev.conversation_id, ev.handoff); }
      }
      break;
    case 'handoff':
      applyHandoff(ev.conversation_id, ev.handoff);
      if (ev.handoff && ev.handoff.status === 'pending' && !ev.previous) {
        newRequest(summaryOf(ev.conversation_id) ||
          { id: ev.conversation_id, agent_id: state.agentId, handoff: ev.handoff, status: 'pending' }, ev.handoff);
      }
      // The row moves at once; the counts come with the consumer's `inbox` push, and so does the
      // row of a conversation we do not list yet (if it does not come, the inbox is reloaded).
      reloadIfUnknown(ev.conversation_id, 2000);
      renderTransfer();
      renderPresence();
      break;
    case 'presence':
      presenceEvent(ev);
      break;
    case 'transferred':
      transferredEvent(ev);
      break;
    case 'typing':
      if (ev.role === 'visitor') { showVisitorTyping(ev.conversation_id, ev.is_typing); }
      break;
    case 'read':
      onRead(ev);
      break;
    case 'error':
      if (ev.code === 'unauthorized') { signOut('Your session ended. Please sign in again.'); }
      break;
    case 'reminder':
      onReminder(ev);
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------- wiring
function bind() {
  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    unlockAudio(); // a user gesture: the beep can play later
    const token = $('token-input').value.trim();
    if (!token) { $('signin-error').textContent = 'Enter your operator token.'; return; }
    $('signin-btn').disabled = true;
    await signIn(token);
    $('signin-btn').disabled = false;
    $('token-input').value = '';
  });
  $('signout-btn').addEventListener('click', () => signOut(''));
  $('agent-select').addEventListener('change', (e) => selectAgent(e.target.value));
  for (const t of TABS) { $('tab-' + t).addEventListener('click', () => selectTab(t)); }
  document.querySelector('[role=tablist]').addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') { return; }
    const tabs = visibleTabs();
    const current = tabs.findIndex((t) => $('tab-' + t).getAttribute('aria-selected') === 'true');
    const next = tabs[(current + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    selectTab(next);
    $('tab-' + next).focus();
  });
  initInbox({ onOpen: openConversation });
  initConversation();
  initSettings();
  initKnowledge();
  initTeam();
  initPrivacy();
  initPresence();
  initTransfer();
  initAnalytics();
  initAlerts({ onOpen: openFromElsewhere });
  initNotes();
  initReads();
  initSavedReplies();
  initSavedRepliesSettings();
}

async function boot() {
  bind();
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) { showSignin(''); return; }
  await signIn(token);
  const m = /c=([^&]+)/.exec(location.hash);
  if (m && state.token) { openConversation(decodeURIComponent(m[1])); }
}

boot();
