/*
 * Settings → Knowledge → Suggestions: questions visitors asked that the bot could not answer and a person
 * then did, grouped by the bot's own notion of "the same question", most asked first ("asked 7 times in
 * the last 14 days"). An admin accepts one (question and answer editable first: a new knowledge entry the
 * bot uses at once), merges it into an existing entry (its phrasings become that entry's alternates) or
 * dismisses it. Operators see the list read-only. Text only: everything goes in with textContent.
 */
import { clear, el, timeLabel } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, errorText, isAdmin, state } from './state.js';
import { loadKnowledge } from './knowledge.js';
import { openConversation } from './conversation.js';

let loadedFor = null;

export function initSuggestions() {
  const box = $('suggestions');
  if (!box) { return; }
  clear(box);
  box.append(
    el('h3', { id: 'sugg-title', text: 'Suggestions' }),
    el('p', { className: 'hint', text: 'Questions the bot could not answer and your team did. Add them to the knowledge base.' }),
    el('p', { id: 'sugg-status', className: 'status', role: 'status', 'aria-live': 'polite' }),
    el('ul', { id: 'sugg-list', className: 'sugg-list', 'aria-labelledby': 'sugg-title' }),
  );
}

export function loadSuggestions() {
  const agent = state.agentId;
  if (!$('sugg-list') || !agent) { return Promise.resolve(); }
  return api('GET', 'agents/' + enc(agent) + '/suggestions').then((data) => {
    if (agent !== state.agentId) { return; }
    loadedFor = agent;
    render(data.suggestions || []);
  }).catch((err) => { $('sugg-status').textContent = 'Could not load suggestions: ' + errorText(err); });
}

export function suggestionsLoadedFor() { return loadedFor; }

function asked(s) {
  const times = s.recent === 1 ? 'once' : s.recent + ' times';
  return 'Asked ' + times + ' in the last ' + s.window_days + ' days' +
    (s.count > s.recent ? ' (' + s.count + ' in all)' : '') + ' · last ' + timeLabel(s.last_at, true);
}

function render(list) {
  const ul = $('sugg-list');
  clear(ul);
  $('sugg-title').textContent = list.length ? 'Suggestions (' + list.length + ')' : 'Suggestions';
  if (!list.length) { ul.appendChild(el('li', { className: 'empty', text: 'No suggestions: the bot answered everything your team did.' })); }
  for (const s of list) { ul.appendChild(item(s)); }
}

function item(s) {
  const li = el('li', { className: 'sugg-item', 'data-id': s.id });
  const others = s.examples.filter((q) => q !== s.question);
  const view = el('div', { className: 'sugg-view' }, [
    el('p', { className: 'sugg-q', text: s.question }),
    el('p', { className: 'sugg-count', text: asked(s) }),
    others.length ? el('p', { className: 'kb-alt', text: 'Also asked as: ' + others.join(' \u00b7 ') }) : null,
    el('p', { className: 'sugg-a', text: 'Answered: ' + s.answer }),
    s.conversations.length ? el('p', { className: 'kb-alt' }, ['Conversations: '].concat(
      s.conversations.map((c, i) => link(c, i)))) : null,
  ]);
  li.appendChild(view);
  if (isAdmin()) {
    const accept = el('button', { type: 'button', className: 'primary small', text: 'Accept…', 'aria-label': 'Accept: ' + s.question });
    const merge = el('button', { type: 'button', className: 'ghost small', text: 'Merge…', 'aria-label': 'Merge: ' + s.question });
    const dismiss = el('button', { type: 'button', className: 'ghost small danger', text: 'Dismiss', 'aria-label': 'Dismiss: ' + s.question });
    accept.addEventListener('click', () => acceptForm(li, s));
    merge.addEventListener('click', () => mergeForm(li, s));
    dismiss.addEventListener('click', () => act(li, s, 'dismiss', {}, 'Suggestion dismissed.'));
    li.appendChild(el('div', { className: 'kb-actions' }, [accept, merge, dismiss]));
  }
  return li;
}

/* A link to a conversation the suggestion came from: opens it in the Inbox tab. */
function link(id, i) {
  const a = el('a', { href: '#c=' + encodeURIComponent(id), text: '#' + (i + 1), className: 'sugg-link',
    'aria-label': 'Open conversation ' + (i + 1) });
  a.addEventListener('click', (e) => {
    e.preventDefault();
    $('tab-inbox').click();
    openConversation(id);
  });
  return a;
}

function act(li, s, action, body, done) {
  return api('POST', 'agents/' + enc(state.agentId) + '/suggestions/' + enc(s.id) + '/' + action, body)
    .then(() => {
      li.remove();
      $('sugg-status').textContent = done;
      if (!$('sugg-list').children.length) { render([]); }
      if (action !== 'dismiss') { loadKnowledge(); }
    })
    .catch((err) => { $('sugg-status').textContent = 'Not done: ' + errorText(err); });
}

function acceptForm(li, s) {
  const q = el('input', { type: 'text', 'aria-label': 'Question', maxlength: '1000', className: 'sugg-edit-q' });
  const a = el('textarea', { rows: '3', 'aria-label': 'Answer', maxlength: '4000', className: 'sugg-edit-a' });
  const alt = el('textarea', { rows: '2', 'aria-label': 'Other phrasings, one per line' });
  q.value = s.question;
  a.value = s.answer;
  alt.value = s.examples.filter((x) => x !== s.question).join('\n');
  const save = el('button', { type: 'submit', className: 'primary', text: 'Add to knowledge base' });
  const cancel = el('button', { type: 'button', className: 'ghost', text: 'Cancel' });
  const form = el('form', { className: 'kb-edit' }, [q, a, alt, el('div', { className: 'form-actions' }, [save, cancel])]);
  cancel.addEventListener('click', () => li.replaceWith(item(s)));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!q.value.trim() || !a.value.trim()) { $('sugg-status').textContent = 'Both a question and an answer are needed.'; return; }
    save.disabled = true;
    const body = { question: q.value.trim(), answer: a.value.trim(),
      alternates: alt.value.split('\n').map((x) => x.trim()).filter(Boolean) };
    act(li, s, 'accept', body, 'Added to the knowledge base: the bot answers it from now on.').finally(() => { save.disabled = false; });
  });
  clear(li);
  li.appendChild(form);
  q.focus();
}

function mergeForm(li, s) {
  const select = el('select', { 'aria-label': 'Entry to merge into' });
  const save = el('button', { type: 'submit', className: 'primary', text: 'Merge', disabled: true });
  const cancel = el('button', { type: 'button', className: 'ghost', text: 'Cancel' });
  const form = el('form', { className: 'kb-edit' }, [
    el('p', { className: 'hint', text: 'Add "' + s.question + '" (and how else it was asked) as other phrasings of:' }),
    select, el('div', { className: 'form-actions' }, [save, cancel])]);
  api('GET', 'agents/' + enc(state.agentId) + '/knowledge').then((data) => {
    for (const e of data.entries || []) { select.appendChild(el('option', { value: e.id, text: e.question })); }
    save.disabled = !select.options.length;
  }).catch((err) => { $('sugg-status').textContent = 'Could not load the knowledge base: ' + errorText(err); });
  cancel.addEventListener('click', () => li.replaceWith(item(s)));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(li, s, 'merge', { entry_id: select.value }, 'Merged into the entry.');
  });
  clear(li);
  li.appendChild(form);
  select.focus();
}
