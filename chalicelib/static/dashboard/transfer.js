/*
 * Transfer (team inbox): the owner of the open conversation hands it to an online colleague, with an
 * optional note only operators see, or back to the queue (POST conversations/{id}/transfer).
 */
import { clear, el } from '../lib/dom.js';
import { $, api, state, toast } from './state.js';
import { colleagues } from './presence.js';
import { summaryOf } from './inbox.js';

export function initTransfer() {
  const status = $('conv-status');
  if (status) { new MutationObserver(renderTransfer).observe(status, { childList: true, characterData: true, subtree: true, attributes: true }); }
}

export function renderTransfer() {
  const box = $('transfer-box');
  if (!box) { return; }
  clear(box);
  const s = state.currentId && summaryOf(state.currentId);
  const h = s && s.handoff;
  if (!h || h.status !== 'acknowledged' || !h.owner || !state.me || h.owner.id !== state.me.id) { return; }
  const pick = el('select', { id: 'transfer-to', 'aria-label': 'Transfer to' });
  pick.appendChild(el('option', { value: '', text: 'Back to the queue' }));
  for (const o of colleagues()) {
    if (o.id !== state.me.id && o.presence === 'online') { pick.appendChild(el('option', { value: o.id, text: o.name })); }
  }
  const note = el('input', { type: 'text', id: 'transfer-note', maxlength: '1000', placeholder: 'Note for your colleague (optional)' });
  const go = el('button', { type: 'button', id: 'transfer-btn', className: 'ghost', text: 'Transfer' });
  go.addEventListener('click', async () => {
    const id = state.currentId;
    const body = { to: pick.value || null };
    if (note.value.trim()) { body.note = note.value.trim(); }
    try {
      await api('POST', 'conversations/' + encodeURIComponent(id) + '/transfer', body);
      toast(body.to ? 'Transferred.' : 'Back in the queue.');
    } catch (err) {
      toast(err.code === 'operator_unavailable' ? 'That colleague is not online.' : 'Transfer failed: ' + err.message);
    }
  });
  box.append(pick, note, go);
}

/* The live `transferred` event (operators only): tell the new owner, with the note. */
export function transferredEvent(ev) {
  if (ev.to && state.me && ev.to.id === state.me.id) {
    toast(ev.by.name + ' transferred a conversation to you' + (ev.note ? ': ' + ev.note : '.'));
  }
}
