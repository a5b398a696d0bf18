"""The escalation ladder of a Pending handoff, driven by timers (domain/escalation.py holds the rules).

Each step is stored with the conversation's unit of work (a conditional transaction on its seq): the
handoff's `escalation_step` and a transition record in its history, so a step is taken once even when two
copies of its timer run at the same moment. What the step does outside the table (a reminder to the
dashboards, an event to the channels, a notice to the visitor) follows the commit, once.
"""
import logging

from chalicelib import protocol
from chalicelib.domain import escalation as ladder
from chalicelib.domain.conversation import Change
from chalicelib.domain.handoff import Status

logger = logging.getLogger(__name__)
KIND = 'escalation'


def _schedule(ctx, delay, **payload):
    scheduler = getattr(ctx, 'scheduler', None)
    if scheduler is not None:
        scheduler.schedule(KIND, delay, **payload)


def start(ctx, conv, agent_settings):
    """A handoff was just requested: the ladder's first timer (nothing when every step is off)."""
    first = ladder.first_timer(agent_settings)
    if first and conv.open_handoff:
        _schedule(ctx, first[1], conversation_id=conv.id, handoff_id=conv.handoff.id, step=first[0])


def _settings(ctx, agent_id):
    agent = ctx.stores.agents.get(agent_id)
    return agent.effective_settings if agent else {}


def on_timer(ctx, conversation_id, handoff_id, step):
    conv = ctx.conversations.get(conversation_id)
    if conv is None:
        return
    settings = _settings(ctx, conv.agent_id)
    verdict, value = ladder.decide(conv.handoff, handoff_id, step, settings, ctx.now())
    if verdict == 'wait':
        return _schedule(ctx, value, conversation_id=conversation_id, handoff_id=handoff_id, step=step)
    if verdict == 'act':
        def decide(c):
            again, action = ladder.decide(c.handoff, handoff_id, step, settings, ctx.now())
            return ladder.step_change(c, step, action, ctx.now()) if again == 'act' else Change()

        outcome = ctx.uow.run(lambda: (ctx.conversations.get(conversation_id),), decide, first=(conv,))
        conv = outcome.conversation
        if not outcome.change.noop:
            _after_step(ctx, conv, step, value, outcome.change)
    h = conv.handoff
    # The next step, also when this one was already taken (a redelivered timer): the chain must not break
    # if the invocation that took it died before scheduling. A duplicate next timer acts once anyway.
    if h is not None and h.id == handoff_id and h.status == Status.PENDING and h.escalation_step >= step:
        following = ladder.after(h, step, settings, ctx.now())
        if following:
            _schedule(ctx, following[1], conversation_id=conversation_id, handoff_id=handoff_id, step=following[0])


def _after_step(ctx, conv, step, action, change):
    now = ctx.now()
    h = conv.handoff
    reminder = protocol.event('reminder', conversation_id=conv.id, handoff=h.to_dict(), step=step, action=action,
                              waited_seconds=int(ladder.seconds_between(h.requested_at, now)),
                              transition=change.transition)
    sockets = ctx.connections.operators_of(conv.agent_id)         # queried once per step
    ctx.fanout.to_operators(conv.agent_id, [reminder], sockets)
    if action == 'escalate':
        ctx.uow.publish(ladder.escalated_event(conv, step, now))
    elif action == 'tell_visitor':
        events = [protocol.message_event(conv.id, m) for m in change.messages]
        ctx.fanout.to_visitor(conv, events)
        ctx.fanout.to_operators(conv.agent_id, events, sockets, conv=conv)
