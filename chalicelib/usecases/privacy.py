"""A visitor's rights of access and erasure, for an agent's admins: export everything stored about one
visitor as JSON, or erase it.

Today a visitor has one conversation per agent (`{agent}.{visitor}`); both functions work on the list of
that visitor's conversations so that more (e.g. one per verified user across devices) only add ids here.
"""
from chalicelib import protocol
from chalicelib.domain import notes
from chalicelib.errors import not_found

MAX_TRANSITIONS = 10000


def _conversation_ids(ctx, operator, agent_id, visitor_id):
    operator.require_admin(agent_id)
    conversation_id = '%s.%s' % (agent_id, visitor_id)
    if not protocol.valid_conversation_id(conversation_id):
        raise not_found('visitor')
    return [conversation_id]


def export(ctx, operator, agent_id, visitor_id):
    """Every conversation of the visitor: attributes, every message, every handoff transition."""
    conversations = []
    for cid in _conversation_ids(ctx, operator, agent_id, visitor_id):
        conv = ctx.conversations.get(cid)
        if conv is None or conv.agent_id != agent_id:
            continue
        summary = protocol.summary(conv)
        messages = [protocol.public_message(m) for page in ctx.conversations.pages(cid, 0, 1000)
                    for m in notes.for_visitor(page)]     # the visitor's export: internal notes are not theirs
        conversations.append(dict(summary, created_at=conv.created_at, messages=messages,
                                  handoffs=ctx.conversations.transitions(cid, limit=MAX_TRANSITIONS)))
    if not conversations:
        raise not_found('visitor')
    return {'agent_id': agent_id, 'visitor_id': visitor_id, 'exported_at': ctx.now(),
            'visitor': conversations[0]['visitor'], 'conversations': conversations}


def erase(ctx, operator, agent_id, visitor_id):
    """Delete every item of the visitor (conversation, messages, idempotency records, transitions, sockets,
    notification markers). 404 if there was nothing; a second erase is a 404 too."""
    deleted = 0
    for cid in _conversation_ids(ctx, operator, agent_id, visitor_id):
        conv = ctx.conversations.get(cid)
        if conv is None or conv.agent_id != agent_id:
            continue
        deleted += ctx.stores.privacy.erase_conversation(cid)
    if not deleted:
        raise not_found('visitor')
    return deleted
