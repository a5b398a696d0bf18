/*
 * Settings → Saved replies: the agent's list (title, /shortcut, text with {visitor.name} and
 * {operator.name}). Every operator sees it; admins add, edit and delete (the server refuses the rest:
 * 403 forbidden_role). A refused save says why (shortcut taken, too long, unknown placeholder).
 */
import { clear, el } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, errorText, isAdmin, state } from './state.js';
import { loadSavedReplies } from './saved_replies.js';

let editing = null;     // the id of the reply in the form, or null for a new one

export function initSavedRepliesSettings() {
  const card = el('section', { id: 'saved-replies-card', className: 'card', 'aria-labelledby': 'sr-title' }, [
    el('h2', { id: 'sr-title', text: 'Saved replies' }),
    el('p', { className: 'hint', text: 'Type "/" in the reply box to insert one. {visitor.name} and {operator.name} are filled in.' }),
    el('ul', { id: 'sr-list', className: 'kb-list', 'aria-label': 'Saved replies' }),
    el('form', { id: 'sr-form', className: 'kb-form', novalidate: true }, [
      el('label', { for: 'sr-title-input', text: 'Title' }),
      el('input', { id: 'sr-title-input', type: 'text', maxlength: '80', required: true }),
      el('label', { for: 'sr-shortcut', text: 'Shortcut (after /)' }),
      el('input', { id: 'sr-shortcut', type: 'text', maxlength: '32', pattern: '[a-z0-9][a-z0-9_-]*', required: true, spellcheck: 'false' }),
      el('label', { for: 'sr-text', text: 'Text' }),
      el('textarea', { id: 'sr-text', rows: '3', maxlength: '1000', required: true }),
      el('div', { className: 'form-actions' }, [
        el('button', { type: 'submit', id: 'sr-save', className: 'primary', text: 'Add saved reply' }),
        el('button', { type: 'button', id: 'sr-cancel', className: 'ghost', text: 'Cancel', hidden: true }),
        el('span', { id: 'sr-status', className: 'status', role: 'status', 'aria-live': 'polite' }),
      ]),
    ]),
  ]);
  $('panel-settings').appendChild(card);
  $('sr-form').addEventListener('submit', (e) => { e.preventDefault(); save(); });
  $('sr-cancel').addEventListener('click', () => edit(null));
}

function status(text) {
  $('sr-status').textContent = text;
}

export async function loadSavedRepliesSettings() {
  const agent = state.agentId;
  $('sr-form').hidden = !isAdmin();
  try {
    const data = await api('GET', 'agents/' + enc(agent) + '/saved-replies');
    if (agent === state.agentId) { render(data.saved_replies || []); }
  } catch (err) {
    status('Could not load saved replies: ' + errorText(err));
  }
}

function render(list) {
  const ul = $('sr-list');
  clear(ul);
  for (const r of list) {
    const item = el('li', { className: 'kb-item', 'data-reply': r.id }, [
      el('p', {}, [el('b', { text: '/' + r.shortcut }), ' ' + r.title]),
      el('p', { className: 'kb-answer', text: r.text }),
    ]);
    if (isAdmin()) {
      const editBtn = el('button', { type: 'button', className: 'ghost small', text: 'Edit' });
      const delBtn = el('button', { type: 'button', className: 'ghost small danger', text: 'Delete' });
      editBtn.addEventListener('click', () => edit(r));
      delBtn.addEventListener('click', () => remove(r));
      item.appendChild(el('div', { className: 'form-actions' }, [editBtn, delBtn]));
    }
    ul.appendChild(item);
  }
  if (!list.length) { ul.appendChild(el('li', { className: 'empty', text: 'No saved replies yet.' })); }
}

function edit(r) {
  editing = r ? r.id : null;
  $('sr-title-input').value = r ? r.title : '';
  $('sr-shortcut').value = r ? r.shortcut : '';
  $('sr-text').value = r ? r.text : '';
  $('sr-save').textContent = r ? 'Save changes' : 'Add saved reply';
  $('sr-cancel').hidden = !r;
  if (r) { $('sr-title-input').focus(); }
}

async function save() {
  const body = { title: $('sr-title-input').value.trim(), shortcut: $('sr-shortcut').value.trim(), text: $('sr-text').value };
  const base = 'agents/' + enc(state.agentId) + '/saved-replies';
  status('Saving…');
  try {
    await api(editing ? 'PUT' : 'POST', editing ? base + '/' + enc(editing) : base, body);
    edit(null);
    status('Saved.');
    await loadSavedRepliesSettings();
    loadSavedReplies(true);
  } catch (err) {
    status('Not saved: ' + (err.code === 'shortcut_taken' ? 'that shortcut is already used.' : errorText(err)));
  }
}

async function remove(r) {
  try {
    await api('DELETE', 'agents/' + enc(state.agentId) + '/saved-replies/' + enc(r.id));
    status('Deleted.');
    await loadSavedRepliesSettings();
    loadSavedReplies(true);
  } catch (err) {
    status('Not deleted: ' + errorText(err));
  }
}
