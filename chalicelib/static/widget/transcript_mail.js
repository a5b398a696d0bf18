/*
 * "Email me this transcript": offered once a person has handled the visitor's request (the handoff is
 * resolved or cancelled). The address goes to the server in the `email_transcript` action and is used for
 * that one mail, not stored. The mail holds what the visitor saw, never internal notes or bot data.
 */
import { el } from '../lib/dom.js';

const ENDED = ['resolved', 'cancelled'];

export function transcriptMail(panel, send) {
  const actions = panel.panel.querySelector('.hw-actions');
  const offer = el('button', { type: 'button', className: 'hw-mail-offer', text: 'Email me this transcript', hidden: true });
  const input = el('input', { type: 'email', className: 'hw-mail-input', 'aria-label': 'Your email address',
    placeholder: 'you@example.com', maxlength: '254', autocomplete: 'email' });
  const go = el('button', { type: 'submit', className: 'hw-mail-send', text: 'Send' });
  const form = el('form', { className: 'hw-mail-form', hidden: true }, [input, go]);
  const status = el('p', { className: 'hw-mail-status', role: 'status', 'aria-live': 'polite' });
  actions.append(offer, form, status);
  offer.addEventListener('click', () => { form.hidden = false; offer.hidden = true; input.focus(); });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const email = input.value.trim();
    if (!email || !input.checkValidity()) { status.textContent = 'Please enter a valid email address.'; return; }
    go.disabled = true;
    status.textContent = 'Sending…';
    send(email);
  });

  function showFor(handoff) {
    const ended = !!(handoff && ENDED.includes(handoff.status));
    if (!ended) { offer.hidden = true; form.hidden = true; return; }
    if (form.hidden) { offer.hidden = false; }
  }

  return {
    onEvent(ev) {
      if (ev.type === 'handoff' || (ev.type === 'history' && ev.handoff !== undefined)) { showFor(ev.handoff); }
      if (ev.action !== 'email_transcript') { return; }
      go.disabled = false;
      if (ev.type === 'ack') {
        status.textContent = 'Sent to ' + input.value.trim() + '.';
        form.hidden = true;
      } else if (ev.type === 'error') {
        status.textContent = ev.code === 'rate_limited' ? 'Too many emails: please try again later.'
          : (ev.code === 'mail_unavailable' ? 'Email is not available here, sorry.' : (ev.message || 'Not sent.'));
      }
    },
  };
}
