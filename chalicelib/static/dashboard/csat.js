/* CSAT in the conversation view: the visitor's rating (system message meta {score, comment}) as a badge. */
import { el } from '../lib/dom.js';

export function csatNode(meta) {
  const score = Number(meta.score) || 0;
  return el('p', { className: 'msg-csat', 'data-score': String(score) }, [
    el('span', { className: 'csat-stars', 'aria-hidden': 'true', text: '★'.repeat(score) + '☆'.repeat(Math.max(0, 5 - score)) }),
    el('span', { text: ' Visitor rated ' + score + '/5' }),
    meta.comment ? el('q', { className: 'csat-comment', text: meta.comment }) : null,
  ]);
}
