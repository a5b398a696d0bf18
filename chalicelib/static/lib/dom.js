/*
 * DOM helpers shared by the dashboard and the widget. Nothing here ever parses HTML: text goes in
 * with textContent (or text nodes), attributes with setAttribute.
 */

/* el('li', {className: 'msg', text: 'hi', 'data-seq': '3'}, [child, 'text', null]) */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) { continue; }
    if (k === 'text') { node.textContent = v; } else if (k === 'className') { node.className = v; } else {
      node.setAttribute(k, v === true ? '' : v);
    }
  }
  for (const c of children || []) {
    if (c !== null && c !== undefined && c !== false) {
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) { node.removeChild(node.firstChild); }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/* A one-path SVG icon, hidden from assistive technology (the button carries the label). */
export function icon(pathD) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const p = document.createElementNS(SVG_NS, 'path');
  p.setAttribute('d', pathD);
  svg.appendChild(p);
  return svg;
}

/* Insert `node` into `list` before the first child whose data-seq is greater than `seq` (or that
   has none: pending messages stay last). Children matching `skip` (a selector) are passed over. */
export function insertBySeq(list, node, seq, skip) {
  for (const c of list.children) {
    if (c === node || (skip && c.matches(skip))) { continue; }
    const cs = c.getAttribute('data-seq');
    if (cs === null || Number(cs) > seq) { list.insertBefore(node, c); return; }
  }
  list.appendChild(node);
}

export function parseTime(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !isNaN(d.getTime()) ? d : null;
}

/* "14:05", or "Nov 23 14:05" when not today (withDate). */
export function timeLabel(iso, withDate) {
  const d = parseTime(iso);
  if (!d) { return ''; }
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (!withDate || d.toDateString() === new Date().toDateString()) { return time; }
  return d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + time;
}

/* "42 s", "7 min", "2 h 5 min" since `fromIso`. */
export function duration(fromIso) {
  const d = parseTime(fromIso);
  if (!d) { return ''; }
  const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
  if (s < 60) { return s + ' s'; }
  const m = Math.floor(s / 60);
  if (m < 60) { return m + ' min'; }
  return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}

/* A client_message_id: a UUID (crypto.randomUUID where the page is a secure context). */
export function uuid() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') { return c.randomUUID(); }
  const b = new Uint8Array(16);
  if (c && c.getRandomValues) { c.getRandomValues(b); } else {
    for (let i = 0; i < 16; i++) { b[i] = Math.floor(Math.random() * 256); }
  }
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => (x + 0x100).toString(16).slice(1)).join('');
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
}
