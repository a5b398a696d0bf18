"""Reading a conversation back: socket replay after a seq, REST history pages, the conversation view."""
from chalicelib import protocol
from chalicelib.domain import notes
from chalicelib.usecases.sessions import conversation_for

PAGE = 1000          # messages read per query while replaying


def replay(ctx, connection_id, conversation_id, after, conv=None, include_notes=False):
    """Everything after `after`, in order, in as few socket messages as the size limit allows. Streams
    page by page (memory: one page and one batch); the last event says `complete` and carries the handoff.
    Internal notes only with `include_notes` (operators): a visitor's replay skips them, and its client moves
    past their numbers by each message's `prev_seq` (domain.notes)."""
    conv = conv or ctx.conversations.get(conversation_id)
    current = conv.handoff if conv else None
    held = None                      # one batch of lookahead: only the last one may say complete
    for page in ctx.conversations.pages(conversation_id, after, PAGE):
        page = page if include_notes else notes.for_visitor(page)
        for batch in protocol.chunk_messages([protocol.public_message(m) for m in page]):
            if held is not None:
                ctx.fanout.post(connection_id, _history(conversation_id, held, None, False))
            held = batch
    ctx.fanout.post(connection_id, _history(conversation_id, held or [], current, True))


def _history(conversation_id, batch, current, last):
    return protocol.event('history', conversation_id=conversation_id, messages=batch, complete=last,
                          handoff=(current.to_dict() if current else None) if last else None)


def history(ctx, operator, conversation_id, after, limit):
    conversation_for(ctx, operator, conversation_id)
    messages = [protocol.public_message(m) for m in ctx.conversations.messages(conversation_id, after, limit + 1)]
    more = len(messages) > limit
    messages = messages[:limit]
    return {'messages': messages, 'next_after': messages[-1]['seq'] if more else None}


def conversation(ctx, operator, conversation_id):
    conv = conversation_for(ctx, operator, conversation_id)
    result = protocol.summary(conv)
    result['handoffs'] = ctx.conversations.transitions(conversation_id)
    return result
