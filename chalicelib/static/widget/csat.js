/*
 * "How did we do?": offered once per resolved handoff, above the composer. Optional and never in the way:
 * the visitor can keep chatting, skip it, or ignore it. The server stores one answer per handoff (a second
 * is refused with csat_already_given); answered or skipped handoffs are remembered so it is not asked again.
 */
import { el } from '../lib/dom.js';

export class CsatPrompt {
  /* panel: widget/panel.js's Panel; send(frame): queue a socket frame; store: the widget's guarded storage */
  constructor(panel, send, store) {
    this.panel = panel;
    this.send = send;
    this.store = store;
    this.node = null;
    this.handoffId = null;
  }

  done(id) { return (this.store.load('csat', []) || []).includes(id); }

  remember(id) {
    const seen = (this.store.load('csat', []) || []).filter((x) => x !== id).slice(-19);
    this.store.save('csat', seen.concat([id]));
  }

  /* A handoff just went from open to resolved (live or in a replay). */
  offer(handoff) {
    if (!handoff || handoff.status !== 'resolved' || handoff.csat || this.done(handoff.id)) { return; }
    this.close();
    this.handoffId = handoff.id;
    let score = 0;
    const scores = [1, 2, 3, 4, 5].map((n) => {
      const b = el('button', { type: 'button', className: 'hw-csat-score', 'aria-pressed': 'false', 'data-score': String(n),
        'aria-label': n + ' out of 5', text: String(n) });
      b.addEventListener('click', () => {
        score = n;
        for (const o of scores) { o.setAttribute('aria-pressed', o === b ? 'true' : 'false'); }
        comment.hidden = false;
        sendBtn.disabled = false;
      });
      return b;
    });
    const comment = el('textarea', { className: 'hw-csat-comment', rows: '2', maxlength: '1000', hidden: true,
      'aria-label': 'Comment (optional)', placeholder: 'Anything to add? (optional)' });
    const sendBtn = el('button', { type: 'button', className: 'hw-csat-send', disabled: true, text: 'Send' });
    const skip = el('button', { type: 'button', className: 'hw-csat-skip', text: 'Skip' });
    this.node = el('section', { className: 'hw-csat', role: 'group', 'aria-labelledby': 'hw-csat-title' }, [
      el('p', { id: 'hw-csat-title', className: 'hw-csat-title', text: 'How did we do?' }),
      el('div', { className: 'hw-csat-scores' }, scores), comment,
      el('div', { className: 'hw-csat-actions' }, [skip, sendBtn]),
    ]);
    sendBtn.addEventListener('click', () => {
      const frame = { action: 'csat', handoff_id: handoff.id, score, request_id: 'csat' };
      if (comment.value.trim()) { frame.comment = comment.value.trim(); }
      this.send(frame);
      this.remember(handoff.id);
      this.thank();
    });
    skip.addEventListener('click', () => { this.remember(handoff.id); this.close(); });
    this.panel.panel.insertBefore(this.node, this.panel.form);
  }

  thank() {
    if (!this.node) { return; }
    const node = this.node;
    node.replaceChildren(el('p', { className: 'hw-csat-title', role: 'status', text: 'Thank you for your feedback!' }));
    setTimeout(() => { if (this.node === node) { this.close(); } }, 4000);
  }

  /* The server refused (already rated, not ratable): nothing to ask any more. */
  refused() {
    if (this.handoffId) { this.remember(this.handoffId); }
    this.close();
  }

  close() {
    if (this.node) { this.node.remove(); }
    this.node = null;
  }
}
