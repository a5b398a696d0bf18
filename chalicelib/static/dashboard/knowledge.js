/*
 * Settings → Knowledge base: list, add, edit, delete entries (question, answer, other phrasings,
 * language). Also names entries for the conversation view ("entry: How long does shipping take?"),
 * from the same list.
 *
 * An edit sends the whole entry back (the server replaces it): other phrasings and the language are
 * always part of it, so editing the answer never drops them.
 */
import { clear, el } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, state } from './state.js';
import { languageName } from './format.js';
import { initSuggestions, loadSuggestions } from './suggestions.js';

const LANGS = ['en', 'es', 'fr', 'de', 'pt', 'it', 'nl'];   // what the server accepts as an entry's `lang`

let entries = new Map();      // entry id -> {id, question, answer} of `loadedFor`
let loadedFor = null;         // agent id the entries belong to
let loading = null;           // the request under way
let retryAfter = 0;           // after a failed load, when to try again
const listeners = new Set();  // called when the entries change

export function initKnowledge() {
  fillLanguages($('kb-lang'), '');
  $('kb-add').addEventListener('submit', (e) => { e.preventDefault(); addEntry(); });
  initSuggestions();
}

function fillLanguages(select, current) {
  clear(select);
  select.appendChild(el('option', { value: '', text: 'Detect automatically' }));
  const langs = current && !LANGS.includes(current) ? LANGS.concat([current]) : LANGS;
  for (const code of langs) { select.appendChild(el('option', { value: code, text: languageName(code) })); }
  select.value = current || '';
}

/* The body of a POST/PUT: {question, answer, alternates, lang?}. Null when question or answer is empty. */
function entryBody(question, answer, alternates, lang) {
  const body = {
    question: question.trim(),
    answer: answer.trim(),
    alternates: alternates.split('\n').map((x) => x.trim()).filter(Boolean),
  };
  if (lang) { body.lang = lang; }
  return body.question && body.answer ? body : null;
}

/* Called with no argument whenever the entries change (to rename explained bot answers). */
export function onKnowledgeChange(fn) {
  listeners.add(fn);
}

/* The question of an entry: a string, null while not loaded yet, undefined if it does not exist. */
export function entryQuestion(id) {
  if (loadedFor !== state.agentId) {
    ensureKnowledge();
    return null;
  }
  const e = entries.get(id);
  return e ? e.question : undefined;
}

export function ensureKnowledge() {
  if (loadedFor === state.agentId || loading || Date.now() < retryAfter) { return loading || Promise.resolve(); }
  return loadKnowledge();
}

export function loadKnowledge() {
  const agent = state.agentId;
  loading = api('GET', 'agents/' + enc(agent) + '/knowledge').then((data) => {
    if (agent !== state.agentId) { return; }
    setEntries(data.entries || [], agent);
    renderList();
    loadSuggestions();
  }).catch((err) => {
    retryAfter = Date.now() + 30000;
    $('kb-status').textContent = 'Could not load the knowledge base: ' + err.message;
  }).finally(() => { loading = null; });
  return loading;
}

function setEntries(list, agent) {
  entries = new Map(list.map((e) => [e.id, e]));
  loadedFor = agent;
  for (const fn of listeners) { fn(); }
}

function changed(entry, removed) {
  if (removed) { entries.delete(entry.id); } else { entries.set(entry.id, entry); }
  for (const fn of listeners) { fn(); }
}

function renderList() {
  const list = $('kb-list');
  clear(list);
  for (const e of entries.values()) { list.appendChild(item(e)); }
  if (!entries.size) { list.appendChild(el('li', { className: 'empty', text: 'No entries yet.' })); }
}

function item(entry) {
  const li = el('li', { className: 'kb-item', 'data-id': entry.id });
  const edit = el('button', { type: 'button', className: 'ghost', 'aria-label': 'Edit: ' + entry.question, text: 'Edit' });
  const del = el('button', { type: 'button', className: 'ghost danger', 'aria-label': 'Delete: ' + entry.question, text: 'Delete' });
  const alternates = entry.alternates || [];
  li.append(
    el('div', { className: 'kb-view' }, [
      el('p', { className: 'kb-q', text: entry.question }, [
        entry.lang ? el('span', { className: 'kb-lang', text: languageName(entry.lang) }) : null,
      ]),
      el('p', { className: 'kb-a', text: entry.answer }),
      alternates.length ? el('p', { className: 'kb-alt', text: 'Also asked as: ' + alternates.join(' \u00b7 ') }) : null,
    ]),
    el('div', { className: 'kb-actions' }, [edit, del]),
  );
  edit.addEventListener('click', () => editForm(li, entry));
  del.addEventListener('click', () => {
    if (del.getAttribute('data-confirm') !== 'true') {
      del.setAttribute('data-confirm', 'true');
      del.textContent = 'Confirm delete';
      setTimeout(() => { del.removeAttribute('data-confirm'); del.textContent = 'Delete'; }, 4000);
      return;
    }
    del.disabled = true;
    api('DELETE', 'agents/' + enc(state.agentId) + '/knowledge/' + enc(entry.id))
      .then(() => { li.remove(); changed(entry, true); $('kb-status').textContent = 'Entry deleted.'; })
      .catch((err) => { del.disabled = false; $('kb-status').textContent = 'Not deleted: ' + err.message; });
  });
  return li;
}

function editForm(li, entry) {
  const q = el('input', { type: 'text', 'aria-label': 'Question', maxlength: '1000' });
  const a = el('textarea', { rows: '3', 'aria-label': 'Answer', maxlength: '4000' });
  const alt = el('textarea', { rows: '2', 'aria-label': 'Other phrasings, one per line' });
  const lang = el('select', { 'aria-label': 'Language' });
  q.value = entry.question;
  a.value = entry.answer;
  alt.value = (entry.alternates || []).join('\n');
  fillLanguages(lang, entry.lang || '');
  const saveBtn = el('button', { type: 'submit', className: 'primary', text: 'Save entry' });
  const cancel = el('button', { type: 'button', className: 'ghost', text: 'Cancel' });
  const form = el('form', { className: 'kb-edit' }, [q, a, alt, lang, el('div', { className: 'form-actions' }, [saveBtn, cancel])]);
  cancel.addEventListener('click', () => li.replaceWith(item(entry)));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = entryBody(q.value, a.value, alt.value, lang.value);
    if (!body) { return; }
    saveBtn.disabled = true;
    api('PUT', 'agents/' + enc(state.agentId) + '/knowledge/' + enc(entry.id), body)
      .then((data) => {
        const fresh = (data && data.entry) || Object.assign({ id: entry.id }, body);
        li.replaceWith(item(fresh));
        changed(fresh, false);
        $('kb-status').textContent = 'Entry saved.';
      })
      .catch((err) => { saveBtn.disabled = false; $('kb-status').textContent = 'Not saved: ' + err.message; });
  });
  clear(li);
  li.appendChild(form);
  q.focus();
}

function addEntry() {
  const q = $('kb-question');
  const a = $('kb-answer');
  const body = entryBody(q.value, a.value, $('kb-alternates').value, $('kb-lang').value);
  if (!body) { $('kb-status').textContent = 'Both a question and an answer are needed.'; return; }
  api('POST', 'agents/' + enc(state.agentId) + '/knowledge', body)
    .then((data) => {
      q.value = '';
      a.value = '';
      $('kb-alternates').value = '';
      $('kb-lang').value = '';
      $('kb-status').textContent = 'Entry added.';
      if (!data || !data.entry) { loadKnowledge(); return; }
      const empty = $('kb-list').querySelector('li.empty');
      if (empty) { empty.remove(); }
      $('kb-list').appendChild(item(data.entry));
      changed(data.entry, false);
    })
    .catch((err) => { $('kb-status').textContent = 'Not added: ' + err.message; });
}
