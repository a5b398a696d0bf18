"""CSAT: the visitor rates a resolved handoff once (visitor action `csat`).

Stored on the handoff through the unit of work (the conversation's seq condition: a second answer, even a
racing one, is refused with `csat_already_given`), pushed to the operators (a system message + the handoff
with its `csat`), and published as `handoff.csat` (event id `{handoff_id}:csat`) for analytics and webhooks.
"""
from chalicelib import protocol
from chalicelib.domain import csat
from chalicelib.errors import not_found


def submit(ctx, sock, cmd):
    def load():
        conv = ctx.conversations.get(sock.conversation_id)
        if conv is None:
            raise not_found('conversation')
        return (conv,)

    outcome = ctx.uow.run(load, lambda c: csat.rate(c, cmd.handoff_id, cmd.score, cmd.comment, ctx.now()))
    conv, change = outcome.conversation, outcome.change
    ctx.fanout.post(sock.connection_id, protocol.ack_event(cmd.action, conv.seq, cmd.request_id))
    events = [protocol.message_event(conv.id, change.messages[0]), protocol.handoff_event(conv, change.previous)]
    ctx.fanout.to_visitor(conv, events)
    ctx.fanout.to_operators(conv.agent_id, events)
    # Its own id: the status-event id of the handoff ('{id}:resolved…') is the resolve's, already counted.
    ctx.uow.publish(dict(conv.status_event(csat.EVENT), event_id='%s:csat' % conv.handoff.id))
