"""Read receipts and unread counts.

The visitor's position lives on the conversation item (operators see "Seen" from it); each operator's in
an item of its own. Both are written by one conditional UpdateItem that only lets them grow: a duplicate,
late or replayed report writes nothing and pushes nothing, so the work per message stays flat."""
from chalicelib import protocol
from chalicelib.auth import OperatorIdentity
from chalicelib.protocol.team_inbox import parse_read, read_event
from chalicelib.usecases import limits
from chalicelib.usecases.sessions import conversation_for


def unread(seq, read_seq):
    """Messages after an operator's read position (never read: all of them)."""
    return max(0, int(seq) - int(read_seq or 0))


def on_visitor_read(ctx, sock, cmd):
    """Socket action `read` {seq} from the widget. Stored only if it grows and names a stored message; then
    pushed to the operators who get this conversation's messages (the owner and viewers while acknowledged).
    No ack: the widget has nothing to do with one. A flood is dropped before any write, counted in memory like
    typing frames (usecases.limits): even a refused conditional write costs a write unit."""
    if not limits.allow_typing(ctx, 'read:' + sock.connection_id):
        return
    conv = ctx.stores.reads.visitor_read(sock.conversation_id, cmd.seq)
    if conv is not None and conv.handoff is not None:
        ctx.fanout.to_operators(conv.agent_id, [read_event(conv.id, 'visitor', cmd.seq)], conv=conv)


def operator_read(ctx, operator, conversation_id, seq, conv=None):
    """An operator has read up to `seq` (clamped to the conversation's seq). Returns (seq, stored)."""
    conv = conversation_for(ctx, operator, conversation_id, conv)
    seq = min(seq, conv.seq)
    stored = ctx.stores.reads.operator_read(conv.id, operator.id, seq, ctx.now(), conv.retention_days)
    return seq, stored


def on_operator_read(ctx, sock, cmd):
    """Socket action `read` {conversation_id, seq} from a dashboard that has the conversation on screen."""
    operator = OperatorIdentity(sock.operator_id, sock.operator_name, tuple(sock.agent_ids))
    seq, stored = operator_read(ctx, operator, cmd.conversation_id, cmd.seq)
    ctx.fanout.post(sock.connection_id, protocol.ack_event('read', seq, cmd.request_id,
                                                           conversation_id=cmd.conversation_id, stored=stored))


def rest_read(ctx, operator, conversation_id, body):
    """POST /conversations/{id}/read {seq}."""
    conv = conversation_for(ctx, operator, conversation_id)
    seq, stored = operator_read(ctx, operator, conversation_id, parse_read(body), conv=conv)
    return {'seq': seq, 'stored': stored}


def add_unread(ctx, operator, summaries):
    """Each inbox summary gets the caller's `read_seq` and `unread` (one BatchGetItem per 100 conversations
    listed: bounded by the inbox's own limits, whatever the history)."""
    positions = ctx.stores.reads.positions([s['id'] for s in summaries], operator.id)
    for s in summaries:
        s['read_seq'] = positions.get(s['id'], 0)
        s['unread'] = unread(s['seq'], s['read_seq'])
    return summaries
