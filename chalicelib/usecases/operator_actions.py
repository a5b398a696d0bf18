"""What an operator does to a conversation: acknowledge, reply, resolve, cancel, type.
Sockets and REST share these; over a socket each success is acknowledged like REST's 200."""
from chalicelib import protocol
from chalicelib.domain.handoff import Actor
from chalicelib.errors import not_found
from chalicelib.usecases import waiting
from chalicelib.usecases import assignment
from chalicelib.usecases import offline
from chalicelib.usecases.sessions import conversation_for


def transition(ctx, conversation_id, action, actor, conv=None, origin=None, note=None, request_id=None,
               ack_action=None):
    """acknowledge / resolve / cancel: the domain decides, a conditional write makes it stick."""
    def load():
        found = ctx.conversations.get(conversation_id)
        if found is None:
            raise not_found('conversation')
        return (found,)

    cache = {}
    outcome = ctx.uow.run(load, lambda c: assignment.check_acknowledge(ctx, c, action, actor, cache)
                          or c.transition(action, actor, ctx.now(), note), first=(conv,) if conv else None)
    conv, change = outcome.conversation, outcome.change
    if origin:
        ctx.fanout.post(origin, protocol.ack_event(ack_action or action, conv.seq, request_id))
    if change.noop:                 # a repeated acknowledge by the owner changes nothing
        return conv.handoff
    events = [protocol.message_event(conv.id, change.messages[0]), protocol.handoff_event(conv, change.previous)]
    ctx.fanout.to_visitor(conv, events)
    ctx.fanout.to_operators(conv.agent_id, events)
    if change.event == 'handoff.acknowledged':
        waiting.on_acknowledged(ctx, conv)
    assignment.after_transition(ctx, conv, change)       # a freed slot: auto mode offers what waits
    return conv.handoff


def reply(ctx, operator, conversation_id, client_message_id, text, conv=None, ack_to=None):
    """An operator's message to the visitor. `ack_to` (socket, request id) is acknowledged as soon as the
    message is stored, before it is fanned out. Returns (seq, duplicate)."""
    conv = conversation_for(ctx, operator, conversation_id, conv)

    def ack(seq, duplicate):
        if ack_to:
            ctx.fanout.post(ack_to[0], protocol.ack_event('reply', seq, ack_to[1], client_message_id, duplicate,
                                                          conversation_id=conversation_id))
        return seq, duplicate

    outcome = ctx.uow.run(lambda: (ctx.conversations.get(conversation_id),),
                          lambda c: offline.reply_by_email(ctx, c, c.reply(operator.id, operator.name, text,
                                                                           client_message_id, ctx.now())),
                          dedupe_key='operator:%s:%s' % (operator.id, client_message_id), first=(conv,))
    if outcome.duplicate:
        return ack(outcome.duplicate_seq, True)
    conv, msg = outcome.conversation, outcome.change.messages[0]
    result = ack(msg['seq'], False)
    events = [protocol.message_event(conversation_id, msg)]
    ctx.fanout.to_visitor(conv, events)
    ctx.fanout.to_operators(conv.agent_id, events, conv=conv)
    return result


def typing(ctx, operator, conv, is_typing):
    """Only the owner of an acknowledged handoff types to the visitor (the same rule as replying)."""
    conv.check_operator_may_type(operator.id)
    ctx.fanout.to_visitor(conv, [protocol.event('typing', conversation_id=conv.id, role='human',
                                                name=operator.name, is_typing=is_typing)])


# ---- REST ----------------------------------------------------------------------------------------

def rest_reply(ctx, operator, conversation_id, body):
    conv = conversation_for(ctx, operator, conversation_id)
    client_message_id, text = protocol.parse_reply(body)
    return reply(ctx, operator, conversation_id, client_message_id, text, conv=conv)


def rest_transition(ctx, operator, conversation_id, action, body):
    conv = conversation_for(ctx, operator, conversation_id)
    note = protocol.parse_transition(body, action)
    return transition(ctx, conversation_id, action, Actor('operator', operator.id, operator.name), conv=conv,
                      note=note)
