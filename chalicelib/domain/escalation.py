"""The escalation ladder of a Pending handoff: pure timing rules and the Change each step stores.

Three steps, each counted from when the handoff was requested (0 switches a step off):
  1 remind    the online operators get a `reminder` (inbox highlight and a sound)
  2 escalate  a 'handoff.escalated' event goes to the agent's notification channels
  3 tell      the visitor reads a plain notice and is offered to leave an email address
A step is taken at most once per handoff (`Handoff.escalation_step` only grows), and only while that
handoff is still Pending: a timer that arrives late, twice, or after the acknowledge changes nothing.
"""
from dataclasses import replace
from datetime import datetime, timezone

from chalicelib.domain.conversation import Change, message, preview, transition_record
from chalicelib.domain.handoff import Actor, Status

DEFAULTS = {'remind_after_seconds': 120, 'escalate_after_seconds': 300, 'tell_visitor_after_seconds': 600}
STEPS = ((1, 'remind', 'remind_after_seconds'), (2, 'escalate', 'escalate_after_seconds'),
         (3, 'tell_visitor', 'tell_visitor_after_seconds'))
MAX_SECONDS = 7 * 24 * 3600
SYSTEM = Actor('system', None, 'System')
TELL_VISITOR = ('Sorry for the wait: everyone on the team is busy right now. You can keep waiting here, or '
                'leave your email address and we will reply to you there.')


# ---- time, as ISO strings from the use cases' clock (the domain has none of its own) --------------

def epoch(iso):
    return datetime.fromisoformat(iso.replace('Z', '+00:00')).timestamp()


def iso(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def seconds_between(start, end):
    return epoch(end) - epoch(start)


# ---- settings -----------------------------------------------------------------------------------

def settings_of(agent_settings):
    """The ladder's thresholds: the stored ones over the defaults."""
    return dict(DEFAULTS, **((agent_settings or {}).get('escalation') or {}))


def check(value):
    """A saved `escalation` setting → error text, or None when valid."""
    if not isinstance(value, dict) or set(value) - set(DEFAULTS):
        return 'escalation takes %s' % ', '.join(sorted(DEFAULTS))
    for name, seconds in value.items():
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= MAX_SECONDS:
            return 'escalation.%s must be an integer from 0 (off) to %d seconds' % (name, MAX_SECONDS)
    return None


# ---- timing ------------------------------------------------------------------------------------

def next_step(thresholds, after_step):
    """The first enabled step after `after_step`: (step, action, seconds after the request), or None."""
    for step, action, name in STEPS:
        if step > after_step and thresholds.get(name):
            return step, action, thresholds[name]
    return None


def first_timer(agent_settings):
    """(step, delay from the request) of the ladder's first timer, or None when every step is off."""
    found = next_step(settings_of(agent_settings), 0)
    return (found[0], found[2]) if found else None


def decide(handoff, handoff_id, step, agent_settings, now):
    """What a timer for `step` of handoff `handoff_id` should do now:
    ('stop', None)          the handoff was taken, withdrawn or replaced, or the step is off or done
    ('wait', seconds)       not due yet (the thresholds grew since it was scheduled)
    ('act', action)         take the step"""
    if handoff is None or handoff.id != handoff_id or handoff.status != Status.PENDING:
        return 'stop', None
    if handoff.escalation_step >= step:
        return 'stop', None
    thresholds = settings_of(agent_settings)
    action = [a for s, a, _ in STEPS if s == step]
    name = [n for s, _, n in STEPS if s == step]
    if not action or not thresholds.get(name[0]):
        return 'stop', None
    remaining = thresholds[name[0]] - seconds_between(handoff.requested_at, now)
    if remaining > 0:
        return 'wait', remaining
    return 'act', action[0]


def after(handoff, step, agent_settings, now):
    """The timer that follows `step`: (next step, delay from now), or None."""
    found = next_step(settings_of(agent_settings), step)
    if found is None:
        return None
    return found[0], max(0.0, found[2] - seconds_between(handoff.requested_at, now))


def step_change(conv, step, action, now) -> Change:
    """The stored record of a step: the handoff's step counter, a transition record in its history and,
    for the last step, the notice to the visitor (with `offer_contact`: the widget shows the contact form)."""
    h = conv.handoff
    waited = int(seconds_between(h.requested_at, now))
    record = transition_record(h, 'escalated', SYSTEM, {'code': 'escalation', 'step': step, 'action': action,
                                                        'waited_seconds': waited}, now)
    updates = {'handoff': replace(h, escalation_step=step), 'updated_at': now}
    messages = ()
    if action == 'tell_visitor':
        msg = message(conv.seq + 1, 'system', TELL_VISITOR, now, meta={
            'event': 'handoff.escalation', 'handoff_id': h.id, 'step': step, 'offer_contact': True})
        messages = (msg,)
        updates['last_message'] = preview(msg)
    return Change(messages, updates, record, None, previous=h)


def escalated_event(conv, step, now):
    """Contract C5: the shape of every published handoff event, one id per step of one handoff."""
    h = conv.handoff
    return {'event_id': '%s:escalated:%d' % (h.id, step), 'event': 'handoff.escalated', 'agent_id': conv.agent_id,
            'conversation_id': conv.id, 'handoff': h.to_dict(), 'at': now, 'step': step}
