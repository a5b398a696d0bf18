/*
 * Words for what the service sends: statuses, visitors, handoff reasons, trigger names and the bot's
 * answers explained. Plain strings only: callers put them in the page with textContent.
 */

export const STATUS_LABEL = {
  bot: 'With bot', pending: 'Pending', acknowledged: 'Acknowledged', resolved: 'Resolved', cancelled: 'Cancelled',
};

/* Handoff reason codes (handoff.reason.code). Unknown codes are shown as their name. */
const REASON_LABEL = {
  visitor_request: 'Asked for a person',
  human_request: 'Asked for a person',
  complaint: 'Complaint',
  billing: 'Billing dispute',
  billing_dispute: 'Billing dispute',
  sales: 'Sales opportunity',
  vip: 'VIP visitor',
  emotional: 'Visitor in distress',
  complex: 'Complex problem',
  bot_unable: 'Bot could not answer',
};

/* Trigger switches in Settings (settings.triggers); the editors are drawn from what the server
   sends, so a trigger added server-side appears with its name until it gets a label here. */
export const TRIGGER_LABEL = {
  phrases: 'The visitor asks for a person (\u201ctalk to a human\u201d, \u201cagent\u201d…)',
  complaint: 'The visitor complains',
  billing: 'Billing disputes (refunds, double charges)',
  billing_dispute: 'Billing disputes (refunds, double charges)',
  sales: 'Sales opportunities (quotes, large orders)',
  vip: 'The visitor is a VIP',
  emotional: 'The visitor is distressed or anxious',
  complex: 'The problem is complex (several issues, repeated rephrasing)',
  bot_unable: 'The bot cannot answer (twice in a row)',
};
export const TRIGGER_ORDER = ['phrases', 'complaint', 'billing', 'billing_dispute', 'sales', 'vip', 'emotional', 'complex', 'bot_unable'];

export function humanize(name) {
  const words = String(name || '').replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function triggerLabel(name) {
  return TRIGGER_LABEL[name] || humanize(name);
}

/* 'matched "charged twice"' → 'matched “charged twice”' */
function curlyQuotes(text) {
  return String(text).replace(/"([^"]*)"/g, '\u201c$1\u201d');
}

/* {code: "billing", detail: 'matched "charged twice"'} → 'Billing dispute — matched “charged twice”' */
export function reasonText(reason) {
  if (!reason || !reason.code) { return ''; }
  const label = REASON_LABEL[reason.code] || humanize(reason.code);
  return reason.detail ? label + ' \u2014 ' + curlyQuotes(reason.detail) : label;
}

export function reasonLabel(reason) {
  return reason && reason.code ? (REASON_LABEL[reason.code] || humanize(reason.code)) : '';
}

export function visitorName(summary) {
  const v = (summary && summary.visitor) || {};
  return v.name || v.email || ('Visitor ' + String(v.id || (summary && summary.id) || '').replace(/^.*\.v_/, '').slice(0, 6));
}

function percent(x) {
  return Math.round(Math.max(0, Math.min(1, x)) * 100) + ' %';
}

let languageNames = null;

/* "es" → "Spanish" (the browser's own names; the code itself if it has none). */
export function languageName(code) {
  if (!code) { return ''; }
  try {
    languageNames = languageNames || new Intl.DisplayNames(['en'], { type: 'language' });
    return languageNames.of(code) || code;
  } catch (e) {
    return code;
  }
}

/*
 * Why the bot said what it said, from the message's meta (confidence, entry_id or entry_ids,
 * matched, lang, visitor_lang, reason): "82 % confident · entry: How long does shipping take?".
 * entryQuestion(id) names a knowledge entry: a string, null while the knowledge base is loading,
 * or undefined when the entry no longer exists.
 */
export function botExplanation(meta, entryQuestion) {
  if (!meta) { return ''; }
  if (meta.event === 'welcome') { return 'welcome message'; }
  if (meta.event === 'handoff.declined') {
    const why = meta.reason && typeof meta.reason === 'object' ? ' (' + reasonText(meta.reason) + ')' : '';
    return 'handoff is switched off: request declined' + why;
  }
  const ids = Array.isArray(meta.entry_ids) ? meta.entry_ids : (meta.entry_id ? [meta.entry_id] : []);
  const confident = typeof meta.confidence === 'number';
  const parts = [];
  if (meta.reason === 'unsupported_language') {
    parts.push('nothing in the knowledge base in ' + (languageName(meta.visitor_lang) || 'the visitor\'s language') + ': offered a person');
  } else if (meta.reason === 'empty') {
    parts.push('nothing to answer from');
  } else if (!ids.length) {
    if (confident) { parts.push('no confident answer (best match ' + percent(meta.confidence) + ')'); }
  } else {
    const names = ids.map((id) => {
      const q = entryQuestion(id);
      return q === null ? '\u2026' : (q === undefined ? 'an entry since deleted' : q);
    });
    if (confident) { parts.push(percent(meta.confidence) + ' confident'); }
    let entry = (names.length > 1 ? 'entries: ' : 'entry: ') + names.join('; ');
    if (meta.matched && ids.length === 1 && meta.matched !== names[0] && names[0] !== '\u2026') {
      entry += ' (matched \u201c' + meta.matched + '\u201d)';
    }
    parts.push(entry);
  }
  if (meta.visitor_lang && meta.lang && meta.visitor_lang !== meta.lang) {
    parts.push('visitor wrote in ' + languageName(meta.visitor_lang) + ', answered in ' + languageName(meta.lang));
  }
  return parts.join(' \u00b7 ');
}

/* "Verified", "Unverified", "Unverified · claims VIP"; '' when the summary does not say (older servers). */
export function trustText(visitor) {
  if (!visitor || typeof visitor.verified !== 'boolean') { return ''; }
  if (visitor.verified) { return 'Verified'; }
  return 'Unverified' + (visitor.claimed_vip ? ' \u00b7 claims VIP' : '');
}
