"""Internal notes: operators write them in a conversation for colleagues; the visitor never receives,
replays or exports them (domain.notes, README "Team inbox: notes, saved replies, read receipts")."""
from chalicelib import protocol
from chalicelib.auth import OperatorIdentity
from chalicelib.domain import notes
from chalicelib.protocol.team_inbox import parse_note
from chalicelib.usecases.sessions import conversation_for


def write(ctx, operator, conversation_id, client_message_id, text, conv=None, ack_to=None):
    """Store a note (idempotent per operator and client_message_id) and show it to the agent's operators.
    `ack_to` (socket, request id) is acknowledged once stored. Returns (seq, duplicate)."""
    conv = conversation_for(ctx, operator, conversation_id, conv)

    def ack(seq, duplicate):
        if ack_to:
            ctx.fanout.post(ack_to[0], protocol.ack_event('note', seq, ack_to[1], client_message_id, duplicate,
                                                          conversation_id=conversation_id))
        return seq, duplicate

    outcome = ctx.uow.run(lambda: (ctx.conversations.get(conversation_id),),
                          lambda c: notes.write_note(c, operator.id, operator.name, text, client_message_id,
                                                     ctx.now()),
                          dedupe_key='note:%s:%s' % (operator.id, client_message_id), first=(conv,))
    if outcome.duplicate:
        return ack(outcome.duplicate_seq, True)
    conv, msg = outcome.conversation, outcome.change.messages[0]
    result = ack(msg['seq'], False)
    # Every operator socket of the agent, not only the owner's and viewers' as for replies: a note is written
    # for colleagues who usually do not have the conversation open, and notes are rare next to messages.
    # Never ctx.fanout.to_visitor: that is the whole point.
    ctx.fanout.to_operators(conv.agent_id, [protocol.message_event(conversation_id, msg)])
    return result


def on_note(ctx, sock, cmd):
    """Socket action `note` (same fields as `reply`)."""
    operator = OperatorIdentity(sock.operator_id, sock.operator_name, tuple(sock.agent_ids))
    write(ctx, operator, cmd.conversation_id, cmd.client_message_id, cmd.text,
          ack_to=(sock.connection_id, cmd.request_id))


def rest_note(ctx, operator, conversation_id, body):
    """POST /conversations/{id}/notes."""
    conv = conversation_for(ctx, operator, conversation_id)
    client_message_id, text = parse_note(body)
    seq, duplicate = write(ctx, operator, conversation_id, client_message_id, text, conv=conv)
    return {'seq': seq, 'duplicate': duplicate}
