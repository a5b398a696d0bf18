"""Inactivity timers (domain/inactivity.py holds the rules).

One timer chain per conversation, never one per message: the timer re-reads the visitor's last message
time and reschedules itself for the remainder. Its write (the warning, the system's resolve or cancel)
goes through the unit of work and re-checks the rule on the state it commits against, so a visitor who
writes in the same instant wins and nothing is closed under them.
"""
from chalicelib import protocol
from chalicelib.domain import inactivity as rules
from chalicelib.domain.conversation import Change


def _schedule(ctx, kind, delay, **payload):
    scheduler = getattr(ctx, 'scheduler', None)
    if scheduler is not None:
        scheduler.schedule(kind, delay, **payload)


def _settings(ctx, agent_id):
    agent = ctx.stores.agents.get(agent_id)
    return agent.effective_settings if agent else {}


def start(ctx, conv, agent_settings):
    """An acknowledge was stored: the chain's first timer, if the agent switched inactivity on."""
    s = rules.settings_of(agent_settings)
    if s['enabled'] and conv.handoff is not None:
        _schedule(ctx, 'inactivity', s['warn_after_seconds'], conversation_id=conv.id, handoff_id=conv.handoff.id)


def start_pending(ctx, conv, agent_settings):
    """A request was stored: watch for a visitor who leaves, if the agent cancels such requests."""
    s = rules.settings_of(agent_settings)
    if s['pending_gone'] == 'cancel' and conv.handoff is not None:
        _schedule(ctx, 'pending_gone', s['pending_gone_after_seconds'], conversation_id=conv.id,
                  handoff_id=conv.handoff.id, seen_gone_at=None)


def on_timer(ctx, conversation_id, handoff_id):
    conv = ctx.conversations.get(conversation_id)
    if conv is None:
        return
    settings = _settings(ctx, conv.agent_id)
    verdict, value = rules.decide_acknowledged(conv, handoff_id, settings, ctx.now())
    if verdict == 'wait':
        return _schedule(ctx, 'inactivity', value, conversation_id=conversation_id, handoff_id=handoff_id)
    if verdict == 'stop':
        return
    s = rules.settings_of(settings)
    later = {}

    def decide(c):
        again, remaining = rules.decide_acknowledged(c, handoff_id, settings, ctx.now())
        later.pop('delay', None)
        if again == 'warn':
            later['delay'] = s['resolve_after_seconds']        # the next look: when the resolve would be due
            return rules.warning_change(c, ctx.now())
        if again == 'resolve':
            return rules.close_change(c, 'resolve', ctx.now(), 'no message from the visitor for %d minutes'
                                      % ((s['warn_after_seconds'] + s['resolve_after_seconds']) // 60))
        if again == 'wait':                                    # the visitor wrote meanwhile
            later['delay'] = remaining
        return Change()

    _commit(ctx, conversation_id, conv, decide)
    if 'delay' in later:
        _schedule(ctx, 'inactivity', later['delay'], conversation_id=conversation_id, handoff_id=handoff_id)


def on_pending_timer(ctx, conversation_id, handoff_id, seen_gone_at=None):
    conv = ctx.conversations.get(conversation_id)
    if conv is None:
        return
    settings = _settings(ctx, conv.agent_id)
    verdict = rules.decide_pending(conv, handoff_id, settings, seen_gone_at, ctx.now())
    if verdict[0] == 'wait':
        return _schedule(ctx, 'pending_gone', verdict[1], conversation_id=conversation_id, handoff_id=handoff_id,
                         seen_gone_at=verdict[2])
    if verdict[0] == 'cancel':
        def decide(c):
            again = rules.decide_pending(c, handoff_id, settings, seen_gone_at, ctx.now())
            return rules.close_change(c, 'cancel', ctx.now(), 'the visitor left') if again[0] == 'cancel' \
                else Change()
        _commit(ctx, conversation_id, conv, decide)


def _commit(ctx, conversation_id, conv, decide):
    """Store through the unit of work (which publishes a status change), then tell both sides."""
    outcome = ctx.uow.run(lambda: (ctx.conversations.get(conversation_id),), decide, first=(conv,))
    change = outcome.change
    if change.noop:
        return None
    conv = outcome.conversation
    events = [protocol.message_event(conv.id, m) for m in change.messages]
    if change.event:
        events.append(protocol.handoff_event(conv, change.previous))
    ctx.fanout.to_visitor(conv, events)
    # a warning is traffic of an acknowledged conversation (its owner and viewers); a close, everyone's news
    ctx.fanout.to_operators(conv.agent_id, events, conv=None if change.event else conv)
    return outcome
