/**
 * The waiting visitor's place in the queue and expected wait, under the "Waiting for a team member" banner.
 *
 * Pull, not push: the widget asks (socket action `queue`) when its request becomes Pending, every
 * ASK_EVERY_MS while it stays Pending, and after every reconnect. A queue that moves therefore costs the
 * server nothing per change; each waiting visitor costs two small requests a minute.
 */
import { el } from '../lib/dom.js';

export const ASK_EVERY_MS = 30000;

export class QueueStatus {
  constructor(panel, send, everyMs) {
    this.send = send;
    this.everyMs = everyMs || ASK_EVERY_MS;
    this.timer = null;
    this.node = el('div', { className: 'hw-queue', role: 'status', 'aria-live': 'polite', hidden: true });
    panel.banner.insertAdjacentElement('afterend', this.node);
  }

  /** After every handoff change (and with `now` after a reconnect): ask while Pending, else hide. */
  follow(handoff, now) {
    const pending = !!handoff && handoff.status === 'pending';
    if (!pending) {
      this.stop();
      return;
    }
    if (!this.timer) {
      this.timer = setInterval(() => this.ask(), this.everyMs);
      this.ask();
    } else if (now) {
      this.ask();
    }
  }

  ask() {
    this.send({ action: 'queue', request_id: 'queue' });
  }

  stop() {
    if (this.timer) { clearInterval(this.timer); }
    this.timer = null;
    this.node.hidden = true;
    this.node.textContent = '';
  }

  /** A `queue` event: {position, eta_seconds, eta_text}; no position: not waiting (any more). */
  show(ev) {
    if (!ev.position) {
      this.stop();
      return;
    }
    const place = ev.position === 1 ? 'You are next in the queue' : 'You are number ' + ev.position + ' in the queue';
    this.node.textContent = place + (ev.eta_text ? ' · expected wait: ' + ev.eta_text : '');
    this.node.hidden = false;
  }
}
