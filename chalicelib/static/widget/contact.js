/*
 * The email form (issue 12): shown when the team is away or nobody could answer (a system message whose
 * meta.offer_contact is true), it sends {action: "leave_contact", email, text}. The conversation then
 * waits in the team's inbox flagged "reply by email"; the reply arrives by email and here.
 * Text is rendered with textContent only.
 */
import { el, uuid } from '../lib/dom.js';

export class ContactForm {
  /* panel: widget/panel.js's Panel; send(frame): queue a socket frame. */
  constructor(panel, send) {
    this.send = send;
    this.done = false;
    this.email = el('input', { type: 'email', className: 'hw-contact-email', required: true, maxlength: '254',
      autocomplete: 'email', placeholder: 'you@example.com', 'aria-label': 'Your email address' });
    this.text = el('textarea', { className: 'hw-contact-text', rows: '3', maxlength: '4000',
      placeholder: 'Your message (optional)', 'aria-label': 'Your message' });
    this.status = el('p', { className: 'hw-contact-status', role: 'status', 'aria-live': 'polite' });
    this.button = el('button', { type: 'submit', className: 'hw-contact-send', text: 'Send' });
    this.form = el('form', { className: 'hw-contact', hidden: true, novalidate: true, 'aria-label': 'Leave your email' }, [
      el('p', { className: 'hw-contact-title', text: 'Leave your email and we will answer there.' }),
      this.email, this.text, this.button, this.status,
    ]);
    panel.panel.insertBefore(this.form, panel.form);
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this._submit(); });
    this.email.addEventListener('input', () => { this.status.textContent = ''; });
  }

  /* A stored message: offers the form when it asks for it (live or replayed) and nothing was left yet. */
  seen(m) {
    if (m && m.meta && m.meta.offer_contact && !this.done) { this.form.hidden = false; }
  }

  /* The handoff carries the visitor's contact once the form was stored: no second form. */
  handoff(h) {
    if (h && h.contact) { this.done = true; this.form.hidden = true; }
  }

  /* The server's answer to our frame: an ack (stored) or an error (say why, keep the form). */
  answered(ev) {
    if (ev.type === 'ack') {
      this.done = true;
      this.form.hidden = true;
    } else {
      this.button.disabled = false;
      this.status.textContent = ev.message || 'Please check the address.';
    }
  }

  _submit() {
    const email = this.email.value.trim();
    if (!this.email.checkValidity() || !email) { this.status.textContent = 'Please enter a valid email address.'; return; }
    this.button.disabled = true;
    this.status.textContent = 'Sending…';
    const frame = { action: 'leave_contact', email, client_message_id: uuid(), request_id: 'leave_contact' };
    const text = this.text.value.trim();
    if (text) { frame.text = text.slice(0, 4000); }
    this.send(frame);
  }
}
