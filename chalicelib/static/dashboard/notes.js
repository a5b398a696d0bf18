/*
 * Internal notes in the conversation pane: a "Note" switch beside the reply box. In note mode any
 * operator of the agent may write (whoever owns the conversation, whatever its state); the text goes to
 * POST /conversations/{id}/notes and reaches colleagues' dashboards, never the visitor. Typing in note
 * mode is not relayed to the visitor.
 *
 * The reply box belongs to conversation.js: this module listens in the capture phase on the form, so in
 * note mode Enter, submit and typing are handled here before conversation.js sees them.
 */
import { el, uuid } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, api, errorText, state, toast } from './state.js';
import { receiveMessage } from './conversation.js';

let noteMode = false;
let sending = false;

export function initNotes() {
  const form = $('reply-form');
  const toggle = el('button', {
    type: 'button', id: 'note-toggle', className: 'ghost small note-toggle', 'aria-pressed': 'false',
    title: 'Write an internal note: colleagues see it, the visitor never does', text: 'Internal note',
  });
  form.appendChild(toggle);           // beside the hint, under the Send button
  toggle.addEventListener('click', () => setNoteMode(!noteMode));
  form.addEventListener('submit', (e) => {
    if (!noteMode) { return; }
    e.preventDefault();
    e.stopImmediatePropagation();
    sendNote();
  }, true);
  form.addEventListener('keydown', (e) => {
    if (!noteMode || e.target !== $('reply-input') || e.key !== 'Enter' || e.shiftKey || e.isComposing || e.defaultPrevented) { return; }
    e.preventDefault();
    e.stopPropagation();
    sendNote();
  }, true);
  // A note is not typing to the visitor: conversation.js would relay it.
  form.addEventListener('input', (e) => { if (noteMode && e.target === $('reply-input')) { e.stopPropagation(); } }, true);
}

export function isNoteMode() {
  return noteMode;
}

function setNoteMode(on) {
  noteMode = on;
  $('note-toggle').setAttribute('aria-pressed', on ? 'true' : 'false');
  apply();
  $('reply-input').focus();
}

/* Called after the conversation header is drawn (it sets the reply box for replies). */
export function apply() {
  const form = $('reply-form');
  form.classList.toggle('note-mode', noteMode);
  const input = $('reply-input');
  if (noteMode) {
    input.disabled = !state.currentId;
    $('reply-btn').disabled = !state.currentId;
    input.placeholder = 'Internal note: your colleagues see it, the visitor never does';
    input.setAttribute('aria-label', 'Internal note (not sent to the visitor)');
    $('reply-btn').textContent = 'Add note';
  } else {
    input.setAttribute('aria-label', 'Reply to visitor');
    $('reply-btn').textContent = 'Send';
  }
}

async function sendNote() {
  const id = state.currentId;
  const input = $('reply-input');
  const text = input.value.trim();
  if (!id || !text || sending) { return; }
  sending = true;
  const cmid = uuid();
  try {
    // Same client_message_id on a retry: stored once.
    let data = null;
    for (let tries = 1; ; tries++) {
      try {
        data = await api('POST', 'conversations/' + enc(id) + '/notes', { client_message_id: cmid, text: text.slice(0, 4000) });
        break;
      } catch (err) {
        if (!((!err.status || err.status >= 500 || err.code === 'conflict') && tries < 4)) { throw err; }
        await new Promise((r) => setTimeout(r, 400 * tries));
      }
    }
    input.value = '';
    if (data && typeof data.seq === 'number') {
      receiveMessage(id, { seq: data.seq, role: 'note', text, author: state.me.name, created_at: new Date().toISOString(), client_message_id: cmid });
    }
  } catch (err) {
    toast('Could not add the note: ' + errorText(err));
  } finally {
    sending = false;
  }
}
