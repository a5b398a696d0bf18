"""Auto-assignment and transfer (team inbox). Every change goes through the unit of work: the offer or the
transfer and the operators' open counters commit in ONE transaction, a full operator's counter refusing it.

Auto mode: a new handoff is offered round robin to an online operator under capacity; if nobody is free it
waits, and `drain` offers the oldest waiting ones as soon as someone frees up (resolve, cancel, transfer,
an offer withdrawn, coming online). An offer not acknowledged within `offer_timeout_seconds` moves on
(`offer_expired`, scheduled through ctx.scheduler when there is one: contract C1).
"""
import logging

from chalicelib import protocol
from chalicelib.domain import routing, routing_changes
from chalicelib.domain.conversation import Change
from chalicelib.domain.handoff import Actor, HandoffError
from chalicelib.errors import AppError, not_found
from chalicelib.protocol.team_routing import parse_transfer, transferred_event
from chalicelib.usecases.sessions import conversation_for

logger = logging.getLogger(__name__)
DRAIN_LIMIT = 50          # waiting conversations looked at per drain, oldest first (offered ones included)
OFFER_RUNS = 4            # unit-of-work runs per offer: under a burst, many offers race for the same slot


def _assignment(agent):
    return routing.Assignment.of(agent.effective_settings if agent else {})


def offer(ctx, conversation_id, agent_id, exclude=(), due=None):
    """Offer a waiting handoff to the next free operator, or with `due` (an expiry check) move an offer on.
    Returns the operator offered (routing.Member) or None."""
    seen = {}

    def load():
        conv, agent = ctx.stores.routing.conversation_and_agent(conversation_id, agent_id)
        if conv is None or agent is None:
            raise not_found('conversation')
        assignment = _assignment(agent)
        seen['sockets'] = ctx.connections.operators_of(agent_id)
        return conv, assignment, ctx.stores.routing.team(agent_id, seen['sockets'], assignment)

    def decide(conv, assignment, team):
        h = conv.handoff
        if due is not None:
            if not due(h):
                return Change()                       # acknowledged, cancelled, or offered anew meanwhile
            member = routing.choose(team, exclude) if assignment.auto else None
            return routing_changes.offer(conv, member, ctx.now())
        member = routing.choose(team, exclude)
        if not assignment.auto or not routing.needs_offer(h) or member is None:
            return Change()
        return routing_changes.offer(conv, member, ctx.now())

    for attempt in range(OFFER_RUNS):
        try:
            outcome = ctx.uow.run(load, decide)
            break
        except AppError as err:
            if err.code != 'conflict' or attempt == OFFER_RUNS - 1:
                raise
    conv, change = outcome.conversation, outcome.change
    if change.noop:
        return None
    _announce(ctx, conv, change, seen.get('sockets'))
    h = conv.handoff
    if h.assignee_id:
        assignment = outcome.extra[0]
        scheduler = getattr(ctx, 'scheduler', None)
        if scheduler is not None:
            scheduler.schedule('offer_expired', assignment.offer_timeout_seconds, conversation_id=conv.id,
                               handoff_id=h.id, operator_id=h.assignee_id, offered_at=h.offered_at)
        return next((m for m in outcome.extra[1] if m.id == h.assignee_id), None)
    return None


def _announce(ctx, conv, change, sockets=None):
    """Offers are for operators only: the visitor's client has nothing to show."""
    ctx.fanout.to_operators(conv.agent_id, [protocol.handoff_event(conv, change.previous)], sockets)


def offer_expired(ctx, conversation_id, handoff_id, operator_id, offered_at=None):
    """Timed work (C1): the offer to `operator_id` was not acknowledged in time. Idempotent: acts only if the
    handoff still waits on that very offer; then offers it to the next free colleague, or withdraws it."""
    agent_id = conversation_id.split('.', 1)[0]
    moved = offer(ctx, conversation_id, agent_id, exclude=(operator_id,),
                  due=lambda h: routing.offer_expired(h, handoff_id, operator_id, offered_at))
    drain(ctx, agent_id)          # the expired operator's slot is free again for another waiting one
    return moved


def drain(ctx, agent_id, agent=None):
    """Offer the oldest waiting, not yet offered handoffs while someone is free (auto mode only). Reads the
    agent, one page of the keys-only inbox index (oldest first) and those conversations (BatchGetItem)."""
    agent = agent or ctx.stores.agents.get(agent_id)
    if not _assignment(agent).auto:
        return 0
    offered = 0
    waiting = ctx.conversations.many(ctx.conversations.inbox_ids(agent_id, 'pending', DRAIN_LIMIT, True))
    for conv in waiting:
        if routing.needs_offer(conv.handoff):
            if offer(ctx, conv.id, agent_id) is None:
                break                               # nobody free: the rest waits for the next drain
            offered += 1
    return offered


def safely(fn, *args, **kwargs):
    """Routing after a committed action must not fail it: the handoff is stored and waits in the queue."""
    try:
        return fn(*args, **kwargs)
    except Exception:
        logger.exception('team routing step %s failed', getattr(fn, '__name__', fn))
        return None


def after_handoff(ctx, conv, agent):
    """A visitor's turn opened a handoff: in auto mode, offer it now."""
    if _assignment(agent).auto:
        safely(offer, ctx, conv.id, conv.agent_id)


def after_transition(ctx, conv, change):
    """Someone's open count went down (resolve, cancel, another took it): offer what waits."""
    if any(c.delta < 0 for c in change.counters):
        safely(drain, ctx, conv.agent_id)


def check_acknowledge(ctx, conv, action, actor, cache):
    """Inside the acknowledge's decide step: a handoff offered to a colleague may be taken only if the
    agent allows it (the agent is read only in that case, once per action)."""
    h = conv.handoff
    if action != 'acknowledge' or h is None or not h.assignee_id or h.assignee_id == actor.id:
        return
    if 'assignment' not in cache:
        cache['assignment'] = _assignment(ctx.stores.agents.get(conv.agent_id))
    routing.check_take(h, actor.id, cache['assignment'])


# ---- transfer --------------------------------------------------------------------------------------

def transfer(ctx, operator, conversation_id, to, note, origin=None, request_id=None, conv=None):
    """The owner hands the conversation to an online colleague (`to`: operator id) or back to the queue
    (`to` None). Refused with 409 operator_unavailable when the colleague is away or offline."""
    conv = conversation_for(ctx, operator, conversation_id, conv)
    agent_id = conv.agent_id
    actor = Actor('operator', operator.id, operator.name)
    seen = {}

    def team():
        seen['sockets'] = ctx.connections.operators_of(agent_id)
        return ctx.stores.routing.team(agent_id, seen['sockets'], routing.Assignment())

    def load():
        found = ctx.conversations.get(conversation_id)
        if found is None:
            raise not_found('conversation')
        return found, team()

    def decide(c, members):
        target = None
        if to is not None:
            target = next((m for m in members if m.id == to), None)
            if target is None:
                raise HandoffError('not_found', 'no operator %s on this team' % to, status=404)
        return routing_changes.transfer(c, actor, target, note, ctx.now())

    outcome = ctx.uow.run(load, decide, first=(conv, team()))
    conv, change = outcome.conversation, outcome.change
    if origin:
        ctx.fanout.post(origin, protocol.ack_event('transfer', conv.seq, request_id, conversation_id=conv.id))
    events = [protocol.message_event(conv.id, change.messages[0]), protocol.handoff_event(conv, change.previous)]
    ctx.fanout.to_visitor(conv, events)
    target = {'id': conv.handoff.owner_id, 'name': conv.handoff.owner_name} if conv.handoff.owner_id else None
    ctx.fanout.to_operators(agent_id, events + [transferred_event(conv, actor, target, note, ctx.now())],
                            seen.get('sockets'))
    if to is None:                 # back in the queue: offered to someone else first, then whatever waits
        safely(offer, ctx, conv.id, agent_id, exclude=(operator.id,))
    safely(drain, ctx, agent_id)
    return conv.handoff


def rest_transfer(ctx, operator, conversation_id, body):
    conv = conversation_for(ctx, operator, conversation_id)
    to, note = parse_transfer(body)
    return transfer(ctx, operator, conversation_id, to, note, conv=conv)
