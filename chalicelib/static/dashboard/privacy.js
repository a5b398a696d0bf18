/*
 * The conversation's visitor data: a transcript download for any operator (plain text, from the REST
 * message pages), and for admins the visitor's full export (JSON) and erasure (after a confirmation
 * that says it cannot be undone; the conversation then leaves the inbox).
 */
import { enc } from '../lib/rest.js';
import { $, api, errorText, isAdmin, state, toast } from './state.js';
import { visitorName } from './format.js';
import { forgetConversation } from './conversation.js';
import { removeSummary, summaryOf } from './inbox.js';
import { confirmDialog, download } from './ui.js';

export function initPrivacy() {
  $('transcript-btn').addEventListener('click', () => transcript(state.currentId));
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

async function transcript(id) {
  if (!id) { return; }
  const lines = [];
  let after = 0;
  try {
    for (let page = 0; page < 1000; page++) {
      const data = await api('GET', 'conversations/' + enc(id) + '/messages?after=' + after + '&limit=100');
      for (const m of data.messages || []) {
        const who = m.role === 'human' ? (m.author || 'Operator') : (ROLE[m.role] || m.role);
        lines.push('[' + (m.created_at || '') + '] ' + who + ': ' + (m.text || ''));
      }
      if (typeof data.next_after !== 'number' || data.next_after <= after) { break; }
      after = data.next_after;
    }
  } catch (err) {
    toast('Could not download the transcript: ' + errorText(err));
    return;
  }
  const head = 'Conversation ' + id + ' with ' + visitorName(summaryOf(id) || { id }) + '\n\n';
  download('transcript-' + fileSafe(id) + '.txt', head + lines.join('\n') + '\n', 'text/plain;charset=utf-8');
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
