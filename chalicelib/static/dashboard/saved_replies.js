/*
 * Saved replies in the reply box: typing "/" (at the start or after a space) opens a list of the agent's
 * saved replies filtered by what follows ("/ref" → shortcut or title containing "ref"). Arrow keys move,
 * Enter or a click inserts the reply's text with {visitor.name} and {operator.name} filled in, in place of
 * the "/…" typed, for editing before sending; Escape closes the list.
 *
 * The list is read once per agent (GET /agents/{id}/saved-replies) and again after Settings changes it.
 */
import { clear, el } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, state } from './state.js';
import { summaryOf } from './inbox.js';

const MAX_SHOWN = 8;
const TRIGGER = /(^|\s)\/([^\s/]{0,40})$/;   // "/query" right before the caret
let replies = [];
let loadedFor = null;
let matches = [];
let active = 0;
let box = null;

export function initSavedReplies() {
  box = el('ul', { id: 'saved-picker', className: 'saved-picker', role: 'listbox', 'aria-label': 'Saved replies', hidden: true });
  $('reply-form').insertBefore(box, $('reply-form').firstChild);
  const input = $('reply-input');
  input.setAttribute('aria-controls', 'saved-picker');
  input.setAttribute('aria-autocomplete', 'list');
  input.addEventListener('input', update);
  input.addEventListener('blur', () => setTimeout(close, 150));
  // Capture on the pane, before the reply box's own Enter (send) and notes.js see the key.
  $('conv').addEventListener('keydown', onKey, true);
}

export async function loadSavedReplies(force) {
  const agent = state.agentId;
  if (!agent || (!force && loadedFor === agent)) { return; }
  loadedFor = agent;
  try {
    const data = await api('GET', 'agents/' + enc(agent) + '/saved-replies');
    if (agent === state.agentId) { replies = data.saved_replies || []; }
  } catch (err) {
    loadedFor = null;          // try again next time
  }
}

/* The text a reply inserts; the server's rule is the same (domain/saved_replies.py). */
export function expand(text, visitorName, operatorName) {
  return text.split('{visitor.name}').join(visitorName || 'there').split('{operator.name}').join(operatorName || '');
}

function query() {
  const input = $('reply-input');
  const m = TRIGGER.exec(input.value.slice(0, input.selectionStart));
  return m ? m[2].toLowerCase() : null;
}

function update() {
  const q = query();
  if (q === null || $('reply-input').disabled) { close(); return; }
  if (loadedFor !== state.agentId) { loadSavedReplies().then(update); }
  const starts = replies.filter((r) => r.shortcut.startsWith(q));
  const rest = replies.filter((r) => !r.shortcut.startsWith(q) && (r.shortcut.includes(q) || r.title.toLowerCase().includes(q)));
  matches = starts.concat(rest).slice(0, MAX_SHOWN);
  active = 0;
  render();
}

function render() {
  clear(box);
  const input = $('reply-input');
  if (!matches.length) {
    box.appendChild(el('li', { className: 'saved-empty', text: replies.length ? 'No saved reply matches' : 'No saved replies yet (Settings)' }));
  }
  matches.forEach((r, i) => {
    const li = el('li', { id: 'saved-opt-' + i, role: 'option', className: 'saved-option', 'aria-selected': i === active ? 'true' : 'false' }, [
      el('span', { className: 'saved-shortcut', text: '/' + r.shortcut }),
      el('span', { className: 'saved-title', text: r.title }),
      el('span', { className: 'saved-preview', text: r.text.slice(0, 80) }),
    ]);
    li.addEventListener('mousedown', (e) => { e.preventDefault(); insert(r); });
    box.appendChild(li);
  });
  box.hidden = false;
  input.setAttribute('aria-expanded', 'true');
  if (matches.length) { input.setAttribute('aria-activedescendant', 'saved-opt-' + active); }
}

function close() {
  if (!box || box.hidden) { return; }
  box.hidden = true;
  matches = [];
  $('reply-input').setAttribute('aria-expanded', 'false');
  $('reply-input').removeAttribute('aria-activedescendant');
}

function onKey(e) {
  if (!box || box.hidden || e.target !== $('reply-input')) { return; }
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (!matches.length) { return; }
    e.preventDefault();
    active = (active + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
    render();
  } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && matches.length) {
    e.preventDefault();
    e.stopPropagation();
    insert(matches[active]);
  } else if (e.key === 'Escape') {
    e.preventDefault();
    e.stopPropagation();
    close();
  }
}

function insert(reply) {
  const input = $('reply-input');
  const caret = input.selectionStart;
  const before = input.value.slice(0, caret).replace(/\/[^\s/]{0,40}$/, '');
  const s = summaryOf(state.currentId);
  const text = expand(reply.text, s && s.visitor && s.visitor.name, state.me && state.me.name);
  input.value = before + text + input.value.slice(caret);
  const at = before.length + text.length;
  input.setSelectionRange(at, at);
  close();
  input.focus();
}
