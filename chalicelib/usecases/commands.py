"""Socket frames: parse, authorise, dispatch through one table {(role, action): handler}.
Errors go back to the sending socket as `error` events, with the frame's request_id when it had one."""
from chalicelib import protocol
from chalicelib.auth import OperatorIdentity
from chalicelib.domain.handoff import Actor
from chalicelib.errors import AppError, unauthorized
from chalicelib.usecases import queue_position
from chalicelib.usecases import assignment, operator_actions, presence, replay, visitor_turns
from chalicelib.usecases import notes, reads
from chalicelib.usecases import offline
from chalicelib.usecases import operator_actions, replay, visitor_turns
from chalicelib.usecases import csat
from chalicelib.usecases.sessions import conversation_for
from chalicelib.usecases import transcripts


def _ping(ctx, sock, cmd):
    ctx.fanout.post(sock.connection_id, protocol.event('pong', request_id=cmd.request_id))


def _visitor_resume(ctx, sock, cmd):
    replay.replay(ctx, sock.connection_id, sock.conversation_id, cmd.after)


def _operator(sock):
    return OperatorIdentity(sock.operator_id, sock.operator_name, tuple(sock.agent_ids))


def _operator_transition(ctx, sock, cmd):
    operator = _operator(sock)
    conv = conversation_for(ctx, operator, cmd.conversation_id)
    operator_actions.transition(ctx, cmd.conversation_id, cmd.action, Actor('operator', operator.id, operator.name),
                                conv=conv, origin=sock.connection_id, note=cmd.reason, request_id=cmd.request_id)


def _operator_reply(ctx, sock, cmd):
    operator_actions.reply(ctx, _operator(sock), cmd.conversation_id, cmd.client_message_id, cmd.text,
                           ack_to=(sock.connection_id, cmd.request_id))


def _operator_typing(ctx, sock, cmd):
    operator = _operator(sock)
    operator_actions.typing(ctx, operator, conversation_for(ctx, operator, cmd.conversation_id), cmd.is_typing)


def _operator_replay(ctx, sock, cmd):
    conv = conversation_for(ctx, _operator(sock), cmd.conversation_id)
    if cmd.action == 'open':        # this dashboard now shows it: its live traffic comes here too
        ctx.connections.set_viewing(conv.agent_id, sock.connection_id, conv.id)
    replay.replay(ctx, sock.connection_id, conv.id, cmd.after, conv=conv, include_notes=True)


HANDLERS = {
    ('visitor', 'send'): visitor_turns.send,
    ('visitor', 'request_human'): visitor_turns.request_human,
    ('visitor', 'cancel_handoff'): visitor_turns.cancel_handoff,
    ('visitor', 'typing'): visitor_turns.typing,
    ('visitor', 'resume'): _visitor_resume,
    ('visitor', 'ping'): _ping,
    ('operator', 'open'): _operator_replay,
    ('operator', 'resume'): _operator_replay,
    ('operator', 'acknowledge'): _operator_transition,
    ('operator', 'resolve'): _operator_transition,
    ('operator', 'cancel'): _operator_transition,
    ('operator', 'reply'): _operator_reply,
    ('operator', 'typing'): _operator_typing,
    ('operator', 'ping'): _ping,
    ('visitor', 'queue'): queue_position.ask,
    ('operator', 'set_presence'): lambda ctx, sock, cmd: presence.set_presence(
        ctx, _operator(sock), cmd.agent_id, cmd.status, origin=sock.connection_id, request_id=cmd.request_id),
    ('operator', 'transfer'): lambda ctx, sock, cmd: assignment.transfer(
        ctx, _operator(sock), cmd.conversation_id, cmd.to, cmd.note, origin=sock.connection_id,
        request_id=cmd.request_id),
    ('operator', 'note'): notes.on_note,
    ('operator', 'read'): reads.on_operator_read,
    ('visitor', 'read'): reads.on_visitor_read,
    ('visitor', 'leave_contact'): offline.leave_contact,
    ('visitor', 'csat'): csat.submit,
}
HANDLERS[('visitor', 'email_transcript')] = transcripts.email_transcript


def on_frame(ctx, connection_id, body):
    """One socket frame from `connection_id`."""
    action, request_id = None, None
    try:
        sock = ctx.connections.get(connection_id)
        if sock is None:
            raise unauthorized('this connection is not registered; reconnect')
        try:
            cmd = protocol.parse_action(body, sock.role)
        except AppError:
            request_id = protocol.request_id_of(body)
            raise
        action, request_id = cmd.action, cmd.request_id
        HANDLERS[(sock.role, cmd.action)](ctx, sock, cmd)
    except AppError as err:
        ctx.fanout.post(connection_id, protocol.error_event(
            err.code, err.message, action=protocol.bounded(err.action or action), request_id=request_id,
            **err.details))
