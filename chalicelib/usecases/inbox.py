"""The operators' inbox: waiting conversations first, then the ones being handled, then recent others."""
from chalicelib import protocol
from chalicelib.usecases import reads

OPEN_LIST_LIMIT = 200           # conversations listed per open status (counts are exact regardless)
OPEN = ('pending', 'acknowledged')
CLOSED = ('resolved', 'cancelled', 'bot')


def inbox(ctx, operator, agent_id, statuses=None, limit=50):
    """Pending (longest waiting on top), then acknowledged (most recently taken first), then the most recent
    others, ordered by when they entered their status (closed, or started for bot-only conversations).
    One index query per status plus exact counts: the cost does not grow with closed history."""
    operator.check_agent(agent_id)
    wanted = statuses or list(protocol.STATUSES)
    store = ctx.conversations
    pending = store.inbox_ids(agent_id, 'pending', OPEN_LIST_LIMIT, True) if 'pending' in wanted else []
    acked = store.inbox_ids(agent_id, 'acknowledged', OPEN_LIST_LIMIT, False) if 'acknowledged' in wanted else []
    rest = []
    for status in CLOSED:
        if status in wanted:
            rest.extend(store.inbox_ids(agent_id, status, limit, False))
    # The three lists are each newest-first by the index time; merged by that same time, the top `limit`
    # is exact. (Ordering by last message would move the index on every message: a write each.)
    recent = sorted(store.many(rest), key=lambda c: c.status_since, reverse=True)[:limit]
    conversations = store.many(pending + acked) + recent
    summaries = reads.add_unread(ctx, operator, [protocol.summary(c) for c in conversations])   # the caller's
    return {'conversations': summaries, 'counts': counts(ctx, agent_id)}


def counts(ctx, agent_id):
    """Exact numbers of waiting and handled conversations (COUNT queries on the keys-only index)."""
    return {status: ctx.conversations.count(agent_id, status) for status in OPEN}


def inbox_entry(ctx, agent_id, conversation_id):
    """For the notification consumer: the conversation's summary and the agent's live counts."""
    conv = ctx.conversations.get(conversation_id)
    return (protocol.summary(conv) if conv else None), counts(ctx, agent_id)
