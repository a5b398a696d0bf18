"""The conversation changes of the team inbox (offer, withdraw, transfer) as `Change`s the unit of work
commits like any other, the operators' open counters moving in the same transaction."""
from chalicelib.domain import routing
from chalicelib.domain.conversation import Change, message, preview, transition_record
from chalicelib.domain.handoff import Actor
from chalicelib.domain.notices import notice

BACK_TO_QUEUE = 'You are back in the queue: the next available team member will join you here.'


def offer(conv, member, now):
    """Offer the waiting handoff to `member` (None: withdraw the current offer). No message: the visitor
    sees nothing of offers; the increment is conditional on the member's capacity."""
    current = conv.handoff
    new = routing.offer(current, member, now)
    counters = routing.load_moves(conv.agent_id, current, new, limit=member.capacity if member else None,
                                  stamp=now if member else None)
    return Change((), {'handoff': new, 'updated_at': now}, None, 'handoff.offered' if member else 'handoff.withdrawn',
                  previous=current, counters=counters)


def transfer(conv, actor: Actor, target, note, now):
    """The owner hands the conversation to `target` (a routing.Member) or back to the queue (None). The
    visitor reads "<name> joined the conversation" (or that they are queued again); the note goes only into
    the operators' transition record and their `transferred` event, never into the message's meta."""
    current = conv.handoff
    new = routing.transfer(current, actor, target, now)
    to = {'id': target.id, 'name': target.name} if target else None
    text = notice('handoff.acknowledged', target.name) if target else BACK_TO_QUEUE
    msg = message(conv.seq + 1, 'system', text, now,
                  meta={'event': 'handoff.transferred', 'handoff_id': new.id, 'by': actor.to_dict(), 'to': to})
    record = transition_record(new, 'transferred', actor, {'to': to, 'note': note}, now)
    # Back in the queue it keeps its place by its original request time (it has waited longest).
    since = new.requested_at if target is None else now
    updates = {'handoff': new, 'status_since': since, 'last_message': preview(msg), 'updated_at': now}
    return Change((msg,), updates, record, 'handoff.transferred', previous=current,
                  counters=routing.load_moves(conv.agent_id, current, new))
