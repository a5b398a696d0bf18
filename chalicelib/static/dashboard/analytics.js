/*
 * The Analytics tab: one agent's figures over a date range (GET agents/{id}/analytics), drawn as inline SVG
 * of our own (no charting library, no build step: a few bar charts are ~100 lines, and nothing is loaded
 * from elsewhere, which the page's Content-Security-Policy forbids anyway). Every chart has a caption and a
 * table view with the same numbers; CSV downloads the same figures from the service.
 */
import { clear, el } from '../lib/dom.js';
import { enc } from '../lib/rest.js';
import { $, BASE, api, errorText, state } from './state.js';
import { reasonLabel } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const BUCKET_LABELS = (bounds) => bounds.map((b) => '≤ ' + seconds(b)).concat(['> ' + seconds(bounds[bounds.length - 1])]);
let last = null;            // the report on screen (tests read it through window.HandoffDashboard.analytics)

function seconds(s) {
  if (s === null || s === undefined) { return '–'; }
  if (s < 90) { return Math.round(s) + ' s'; }
  if (s < 5400) { return Math.round(s / 60) + ' min'; }
  if (s < 172800) { return (Math.round(s / 360) / 10) + ' h'; }
  return Math.round(s / 86400) + ' d';
}

function percent(r) { return r === null || r === undefined ? '–' : Math.round(r * 1000) / 10 + ' %'; }

function svg(tag, attrs, children) {
  const n = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) { n.setAttribute(k, String(v)); }
  for (const c of children || []) { n.appendChild(c); }
  return n;
}

/* A bar chart: labels on x, one or two series side by side. `id` names the figure for tests and labels. */
function barChart(id, title, labels, series, opts = {}) {
  const W = 640, H = 200, PAD = 28, BOTTOM = 36;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = (W - PAD * 2) / Math.max(1, labels.length);
  const bw = Math.max(2, (slot * 0.8) / series.length);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': id + '-title', class: 'an-chart' });
  chart.appendChild(svg('title', { id: id + '-title' }, [document.createTextNode(title)]));
  chart.appendChild(svg('line', { x1: PAD, y1: H - BOTTOM, x2: W - PAD, y2: H - BOTTOM, class: 'an-axis' }));
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const v = s.values[i] || 0;
      const h = ((H - BOTTOM - 16) * v) / max;
      const x = PAD + i * slot + slot * 0.1 + j * bw;
      const bar = svg('rect', { x, y: H - BOTTOM - h, width: bw - 1, height: h, class: 'an-bar ' + s.cls });
      bar.appendChild(svg('title', {}, [document.createTextNode(`${label}: ${v} ${s.name}`)]));
      chart.appendChild(bar);
      if (v && labels.length <= 31) {
        chart.appendChild(svg('text', { x: x + bw / 2, y: H - BOTTOM - h - 3, class: 'an-val', 'text-anchor': 'middle' },
          [document.createTextNode(String(v))]));
      }
    });
    const every = Math.ceil(labels.length / (opts.maxTicks || 12));
    if (i % every === 0) {
      chart.appendChild(svg('text', { x: PAD + i * slot + slot / 2, y: H - BOTTOM + 14, class: 'an-tick', 'text-anchor': 'middle' },
        [document.createTextNode(opts.tick ? opts.tick(label) : label)]));
    }
  });
  const legend = series.length > 1 ? el('p', { className: 'an-legend' },
    series.map((s) => el('span', { className: 'an-key ' + s.cls, text: s.name }))) : null;
  return figure(id, title, chart, legend, [opts.labelHeader || ''].concat(series.map((s) => s.name)),
    labels.map((l, i) => [l].concat(series.map((s) => s.values[i] || 0))));
}

/* Chart + caption + a table view of the same numbers (collapsed, for screen readers and copying). */
function figure(id, title, chart, legend, header, rows) {
  const table = el('table', { className: 'an-table' }, [
    el('caption', { text: title }),
    el('thead', {}, [el('tr', {}, header.map((h) => el('th', { scope: 'col', text: h })))]),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => el(i ? 'td' : 'th', i ? { text: String(c) } : { scope: 'row', text: String(c) }))))),
  ]);
  return el('figure', { className: 'card an-figure', id: 'an-' + id, 'data-figure': id }, [
    el('figcaption', { text: title }), chart, legend,
    el('details', {}, [el('summary', { text: 'Table view' }), table]),
  ]);
}

function kpi(name, label, value, sub) {
  return el('div', { className: 'an-kpi', 'data-metric': name }, [
    el('dt', { text: label }), el('dd', { text: String(value) }), sub ? el('p', { className: 'hint', text: sub }) : null,
  ]);
}

function render(r) {
  const out = $('analytics-body');
  clear(out);
  const t = r.totals;
  const tta = r.time_to_acknowledge, ttr = r.time_to_resolve;
  out.appendChild(el('dl', { className: 'an-kpis', 'aria-label': 'Key figures' }, [
    kpi('conversations', 'Conversations', t.conversations, t.bot_only + ' by the bot alone · ' + t.handed_off + ' handed off'),
    kpi('handoff_rate', 'Handoff rate', percent(t.handoff_rate), t.handoffs + ' handoffs'),
    kpi('bot_answer_rate', 'Bot answer rate', percent(t.bot_answer_rate), t.bot_answered + ' answered · ' + t.bot_missed + ' “I don’t know”'),
    kpi('tta', 'Time to acknowledge', seconds(tta.median), 'median · p90 ' + seconds(tta.p90)),
    kpi('ttr', 'Time to resolve', seconds(ttr.median), 'median · p90 ' + seconds(ttr.p90)),
    kpi('csat', 'CSAT', r.csat.average === null ? '–' : r.csat.average + ' / 5', r.csat.count + ' answers'),
  ]));
  const days = r.by_day.map((d) => d.date);
  out.appendChild(barChart('by-day', 'Conversations and handoffs by day', days,
    [{ name: 'conversations', cls: 'an-s1', values: r.by_day.map((d) => d.conversations) },
      { name: 'handoffs', cls: 'an-s2', values: r.by_day.map((d) => d.handoffs) }],
    { labelHeader: 'Day', tick: (d) => d.slice(5) }));
  const reasons = Object.keys(r.by_reason);
  out.appendChild(barChart('by-reason', 'Handoffs by reason', reasons.map((c) => reasonLabel({ code: c })),
    [{ name: 'handoffs', cls: 'an-s2', values: reasons.map((c) => r.by_reason[c]) }], { labelHeader: 'Reason' }));
  out.appendChild(barChart('by-hour', 'Conversations and handoffs by hour of day (' + r.range.time_zone + ')',
    r.by_hour.map((h) => String(h.hour).padStart(2, '0')),
    [{ name: 'conversations', cls: 'an-s1', values: r.by_hour.map((h) => h.conversations) },
      { name: 'handoffs', cls: 'an-s2', values: r.by_hour.map((h) => h.handoffs) }], { labelHeader: 'Hour', maxTicks: 24 }));
  const buckets = BUCKET_LABELS(r.buckets);
  out.appendChild(barChart('latency', 'Time to acknowledge and to resolve (distribution)', buckets,
    [{ name: 'acknowledged', cls: 'an-s1', values: tta.histogram }, { name: 'resolved', cls: 'an-s3', values: ttr.histogram }],
    { labelHeader: 'Within', maxTicks: 14, tick: (l) => l.replace('≤ ', '') }));
  out.appendChild(barChart('csat', 'CSAT: answers by score', ['1', '2', '3', '4', '5'],
    [{ name: 'answers', cls: 'an-s3', values: ['1', '2', '3', '4', '5'].map((s) => r.csat.distribution[s]) }],
    { labelHeader: 'Score' }));
  out.appendChild(operatorsTable(r.operators));
}

function operatorsTable(ops) {
  const rows = ops.map((o) => el('tr', { 'data-operator': o.id }, [
    el('th', { scope: 'row', text: o.name }), el('td', { text: String(o.handled) }), el('td', { text: String(o.acknowledged) }),
    el('td', { text: seconds(o.tta_median) }), el('td', { text: seconds(o.ttr_median) }),
    el('td', { text: o.csat.average === null ? '–' : o.csat.average + ' (' + o.csat.count + ')' }),
  ]));
  return el('section', { className: 'card an-figure', 'data-figure': 'operators' }, [
    el('h3', { text: 'Per operator' }),
    el('table', { className: 'an-table an-ops' }, [
      el('caption', { className: 'visually-hidden', text: 'Per operator' }),
      el('thead', {}, [el('tr', {}, ['Operator', 'Handled', 'Acknowledged', 'Median to acknowledge', 'Median to resolve', 'CSAT']
        .map((h) => el('th', { scope: 'col', text: h })))]),
      el('tbody', {}, rows.length ? rows : [el('tr', {}, [el('td', { colspan: '6', text: 'No handoffs in this range.' })])]),
    ]),
  ]);
}

function query(format) {
  const pick = $('an-range').value;
  const q = pick === 'custom' ? 'from=' + enc($('an-from').value) + '&to=' + enc($('an-to').value) : 'range=' + enc(pick);
  return 'agents/' + enc(state.agentId) + '/analytics?' + q + (format ? '&format=' + format : '');
}

export async function loadAnalytics() {
  if (!state.agentId) { return; }
  const status = $('an-status');
  status.textContent = 'Loading…';
  try {
    last = await api('GET', query());
    state.analytics = last;
    render(last);
    status.textContent = last.range.from === last.range.to ? last.range.from
      : last.range.from + ' – ' + last.range.to + ' (' + last.range.time_zone + ')';
  } catch (err) {
    status.textContent = errorText(err);
  }
}

async function downloadCsv() {
  const r = await fetch(BASE + query('csv'), { headers: { Authorization: 'Bearer ' + state.token } });
  if (!r.ok) { $('an-status').textContent = 'Could not download the CSV (HTTP ' + r.status + ').'; return; }
  const url = URL.createObjectURL(await r.blob());
  const a = el('a', { href: url, download: 'analytics-' + state.agentId + '.csv' });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function initAnalytics() {
  const panel = $('panel-analytics');
  const range = el('select', { id: 'an-range' }, [['today', 'Today'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['custom', 'Custom…']]
    .map(([v, t]) => el('option', { value: v, text: t })));
  range.value = '7d';
  const from = el('input', { id: 'an-from', type: 'date' });
  const to = el('input', { id: 'an-to', type: 'date' });
  const custom = el('span', { className: 'an-custom', hidden: true }, [
    el('label', { for: 'an-from', text: 'From' }), from, el('label', { for: 'an-to', text: 'To' }), to,
    el('button', { type: 'button', id: 'an-apply', className: 'ghost small', text: 'Apply' }),
  ]);
  panel.appendChild(el('div', { className: 'an-bar-top' }, [
    el('h2', { text: 'Analytics' }), el('label', { for: 'an-range', text: 'Range' }), range, custom,
    el('button', { type: 'button', id: 'an-csv', className: 'ghost small', text: 'Download CSV' }),
    el('span', { id: 'an-status', className: 'status', role: 'status', 'aria-live': 'polite' }),
  ]));
  panel.appendChild(el('div', { id: 'analytics-body', className: 'an-body' }));
  range.addEventListener('change', () => {
    custom.hidden = range.value !== 'custom';
    if (range.value !== 'custom') { loadAnalytics(); } else if (!from.value) {
      const today = new Date().toISOString().slice(0, 10);
      from.value = today;
      to.value = today;
    }
  });
  $('an-apply').addEventListener('click', loadAnalytics);
  $('an-csv').addEventListener('click', downloadCsv);
}
