/*
 * The conversation's visitor data: a transcript download for any operator (plain text, from the REST
 * message pages), and for admins the visitor's full export (JSON) and erasure (after a confirmation
 * that says it cannot be undone; the conversation then leaves the inbox).
 */
import { enc } from '../lib/rest.js';
import { $, BASE, api, errorText, isAdmin, state, toast } from './state.js';
import { visitorName } from './format.js';
import { forgetConversation } from './conversation.js';
import { removeSummary, summaryOf } from './inbox.js';
import { confirmDialog, download } from './ui.js';

export function initPrivacy() {
  $('transcript-btn').addEventListener('click', () => transcript(state.currentId, 'text'));
  $('transcript-json-btn').addEventListener('click', () => transcript(state.currentId, 'json'));
  $('export-btn').addEventListener('click', () => exportVisitor(state.currentId));
  $('erase-btn').addEventListener('click', () => eraseVisitor(state.currentId));
}

/* Admin-only buttons follow the role for the chosen agent. */
export function showPrivacyTools() {
  const admin = isAdmin();
  $('export-btn').hidden = !admin;
  $('erase-btn').hidden = !admin;
}

function visitorOf(id) {
  const s = summaryOf(id);
  if (s && s.visitor && s.visitor.id) { return s.visitor.id; }
  const agent = (s && s.agent_id) || state.agentId;
  return id.startsWith(agent + '.') ? id.slice(agent.length + 1) : id.slice(id.indexOf('.') + 1);
}

function fileSafe(text) {
  return String(text).replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80);
}

const ROLE = { visitor: 'Visitor', bot: 'Bot', system: 'Notice', note: 'Internal note' };   // operators' download: notes marked

/* The server's transcript (GET /conversations/{id}/transcript): what the visitor saw, without internal
   notes or bot data; `format` 'text' or 'json'. Fetched with the bearer token, saved as a file. */
async function transcript(id, format) {
  if (!id) { return; }
  const fmt = format || 'text';
  try {
    const r = await fetch(BASE + 'conversations/' + enc(id) + '/transcript?format=' + fmt,
      { headers: { Authorization: 'Bearer ' + state.token } });
    if (!r.ok) { throw new Error('HTTP ' + r.status); }
    const body = await r.text();
    download('transcript-' + fileSafe(id) + '.' + (fmt === 'json' ? 'json' : 'txt'), body,
      fmt === 'json' ? 'application/json' : 'text/plain;charset=utf-8');
  } catch (err) {
    toast('Could not download the transcript: ' + errorText(err));
  }
}

async function exportVisitor(id) {
  if (!id) { return; }
  const visitor = visitorOf(id);
  try {
    const data = await api('GET', 'agents/' + enc(state.agentId) + '/visitors/' + enc(visitor) + '/export');
    download('visitor-' + fileSafe(state.agentId + '.' + visitor) + '.json', JSON.stringify(data, null, 2));
    toast('Visitor data exported.');
  } catch (err) {
    toast('Could not export: ' + errorText(err));
  }
}

async function eraseVisitor(id) {
  if (!id) { return; }
  const name = visitorName(summaryOf(id) || { id });
  const ok = await confirmDialog('Erase ' + name + '?',
    'Every conversation, message and handoff of this visitor is deleted for good. This cannot be undone.',
    'Erase for good');
  if (!ok) { return; }
  const agent = state.agentId;
  try {
    await api('DELETE', 'agents/' + enc(agent) + '/visitors/' + enc(visitorOf(id)));
  } catch (err) {
    if (err.code !== 'not_found') { toast('Not erased: ' + errorText(err)); return; }
  }
  forgetConversation(id);
  removeSummary(id);
  toast(name + ' was erased.');
}
