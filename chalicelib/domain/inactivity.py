"""Inactivity: pure rules for a conversation the visitor has left.

Acknowledged: no visitor message for `warn_after_seconds` (counted from the acknowledge or the visitor's last
message, whichever is later) → "Are you still there?"; no visitor message for `resolve_after_seconds` more →
resolved by the system, reason recorded. Pending, with `pending_gone` = 'cancel': a visitor with no open
socket at two checks `pending_gone_after_seconds` apart (and no message between) → cancelled by the system.
One timer chain per conversation: each timer re-reads the state and reschedules itself for the remainder.
"""
from dataclasses import replace

from chalicelib.domain import handoff as rules
from chalicelib.domain.conversation import Change, message, preview, transition_record
from chalicelib.domain.escalation import seconds_between
from chalicelib.domain.handoff import Actor, Status

DEFAULTS = {'enabled': False, 'warn_after_seconds': 900, 'resolve_after_seconds': 300,
            'pending_gone': 'keep', 'pending_gone_after_seconds': 1800}
MIN_SECONDS, MAX_SECONDS = 30, 7 * 24 * 3600
SYSTEM = Actor('system', None, 'System')
WARNING = 'Are you still there? This conversation will be closed soon if we do not hear from you.'
RESOLVED = 'This conversation was closed because we did not hear from you. The assistant is back to help you.'
CANCELLED = 'You seem to have left, so the request for a person was withdrawn. Ask again any time.'


def settings_of(agent_settings):
    return dict(DEFAULTS, **((agent_settings or {}).get('inactivity') or {}))


def check(value):
    """A saved `inactivity` setting → error text, or None when valid."""
    if not isinstance(value, dict) or set(value) - set(DEFAULTS):
        return 'inactivity takes %s' % ', '.join(sorted(DEFAULTS))
    if not isinstance(value.get('enabled', False), bool):
        return 'inactivity.enabled must be true or false'
    if value.get('pending_gone', 'keep') not in ('keep', 'cancel'):
        return 'inactivity.pending_gone must be "keep" or "cancel"'
    for name in ('warn_after_seconds', 'resolve_after_seconds', 'pending_gone_after_seconds'):
        seconds = value.get(name, DEFAULTS[name])
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not MIN_SECONDS <= seconds <= MAX_SECONDS:
            return 'inactivity.%s must be an integer from %d to %d seconds' % (name, MIN_SECONDS, MAX_SECONDS)
    return None


def last_activity(conv):
    """The later of the acknowledge and the visitor's last message."""
    h = conv.handoff
    since = h.updated_at if h.status == Status.ACKNOWLEDGED else h.requested_at
    if conv.visitor_at and conv.visitor_at > since:
        since = conv.visitor_at
    return since


def decide_acknowledged(conv, handoff_id, agent_settings, now):
    """('stop', None) | ('wait', seconds) | ('warn', None) | ('resolve', None) for an acknowledged handoff."""
    s = settings_of(agent_settings)
    h = conv.handoff
    if not s['enabled'] or h is None or h.id != handoff_id or h.status != Status.ACKNOWLEDGED:
        return 'stop', None
    since = last_activity(conv)
    if h.warned_at and h.warned_at >= since:            # warned, and the visitor has not written since
        remaining = s['resolve_after_seconds'] - seconds_between(h.warned_at, now)
        return ('resolve', None) if remaining <= 0 else ('wait', remaining)
    remaining = s['warn_after_seconds'] - seconds_between(since, now)
    return ('warn', None) if remaining <= 0 else ('wait', remaining)


def decide_pending(conv, handoff_id, agent_settings, seen_gone_at, now):
    """('stop', None) | ('wait', seconds, seen_gone_at) | ('cancel', None) for a pending handoff."""
    s = settings_of(agent_settings)
    h = conv.handoff
    if s['pending_gone'] != 'cancel' or h is None or h.id != handoff_id or h.status != Status.PENDING:
        return 'stop', None
    period = s['pending_gone_after_seconds']
    if conv.connections:                                 # still there: look again later
        return 'wait', period, None
    if seen_gone_at and seconds_between(seen_gone_at, now) >= period and \
            not (conv.visitor_at and conv.visitor_at > seen_gone_at):
        return 'cancel', None
    if seen_gone_at and not (conv.visitor_at and conv.visitor_at > seen_gone_at):
        return 'wait', period - seconds_between(seen_gone_at, now), seen_gone_at
    return 'wait', period, now


def warning_change(conv, now) -> Change:
    h = conv.handoff
    msg = message(conv.seq + 1, 'system', WARNING, now, meta={'event': 'inactivity.warning', 'handoff_id': h.id})
    return Change((msg,), {'handoff': replace(h, warned_at=now), 'last_message': preview(msg), 'updated_at': now},
                  previous=h)


def close_change(conv, action, now, reason) -> Change:
    """resolve (acknowledged, visitor silent) or cancel (pending, visitor gone), by the system."""
    new = rules.apply(conv.handoff, action, SYSTEM, now)
    event = 'handoff.' + new.status.value
    msg = message(conv.seq + 1, 'system', RESOLVED if action == 'resolve' else CANCELLED, now,
                  meta={'event': event, 'handoff_id': new.id, 'by': SYSTEM.to_dict(), 'note': reason})
    record = transition_record(new, new.status.value, SYSTEM, {'code': 'inactivity', 'note': reason}, now)
    updates = {'handoff': new, 'status_since': now, 'last_message': preview(msg), 'updated_at': now}
    return Change((msg,), updates, record, event, previous=conv.handoff)
