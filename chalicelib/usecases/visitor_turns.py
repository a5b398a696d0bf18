"""What a visitor does: send a message, ask for a person, withdraw the request, type."""
import logging
import time
import uuid

from chalicelib import protocol
from chalicelib.domain.handoff import Actor, Route
from chalicelib.errors import not_found
from chalicelib.usecases import waiting
from chalicelib.usecases import assignment, limits, operator_actions, presence
from chalicelib.usecases import offline
from chalicelib.usecases import analytics
from chalicelib.usecases.judgement import Judges

logger = logging.getLogger(__name__)


def send(ctx, sock, cmd):
    turn(ctx, sock, cmd, explicit=False)


def request_human(ctx, sock, cmd):
    turn(ctx, sock, cmd, explicit=True)


def turn(ctx, sock, cmd, explicit):
    """A visitor's message (or the widget's "talk to a person" button): stored, then the bot answers,
    or a handoff opens, or the operators get it. Decided and written in one transaction."""
    cid, agent_id = sock.conversation_id, sock.agent_ids[0]
    key = 'visitor:' + cmd.client_message_id if cmd.client_message_id else None
    online = {}            # the operator sockets, queried at most once, only if a handoff opens

    def operators_online():
        if 'sockets' not in online:
            online['sockets'] = ctx.connections.operators_of(agent_id)
        return presence.anyone_online(ctx, agent_id, online['sockets'])     # away operators do not count

    stored = {}            # this message's seq if a previous attempt stored it (read with the turn, no extra request)

    def load():
        loaded = ctx.conversations.load_turn(cid, agent_id, key)
        conv, agent, entries = loaded[:3]
        stored['seq'] = loaded[3] if key else None
        if conv is None or agent is None:
            raise not_found('conversation')
        return conv, agent, entries

    judges = {}

    def decide(conv, agent, entries):
        settings = agent.effective_settings
        if 'turn' not in judges:          # built once per turn: a re-decided turn reuses the model's answers
            judges['turn'] = Judges(ctx, settings, entries, conv.recent)
        judge = judges['turn']
        change = conv.visitor_turn(cmd.text, cmd.client_message_id, explicit, settings, judge.answer,
                                   operators_online, ctx.now(), 'h_' + uuid.uuid4().hex[:16],
                                   limits.of(ctx).messages, time.time(), detect=judge.detect)
        return offline.when_closed(ctx, settings, change, operators_online)     # out of hours: the email form

    outcome = ctx.uow.run(load, decide, dedupe_key=key, stored_seq=lambda: stored.get('seq'))
    if outcome.duplicate:
        return ctx.fanout.post(sock.connection_id, protocol.ack_event(
            cmd.action, outcome.duplicate_seq, cmd.request_id, cmd.client_message_id, duplicate=True))
    conv, change = outcome.conversation, outcome.change
    route = change.route
    events = [protocol.message_event(cid, m) for m in change.messages]
    # The sending socket learns its own message's seq from the ack: no echo (a third of the posts). A client
    # that connected with `ack=messages` also gets the turn's other messages (the bot's reply) inside the ack.
    acked = events[:1] if cmd.client_message_id and change.messages[0]['role'] == 'visitor' else []
    extra = {}
    if sock.ack_messages:
        extra['messages'] = [e['message'] for e in events[len(acked):]]
        acked = list(events)
    # Acked with the first stored message's seq (the visitor's own, or the handoff notice for a bare request).
    if change.messages[0].get('prev_seq') is not None:      # continuity past hidden notes (domain.notes)
        extra['prev_seq'] = change.messages[0]['prev_seq']
    ctx.fanout.post(sock.connection_id, protocol.ack_event(
        cmd.action, change.messages[0]['seq'], cmd.request_id, cmd.client_message_id, **extra))
    if route == Route.HANDOFF:
        events.append(protocol.handoff_event(conv, change.previous))
    ctx.fanout.to_visitor(conv, events, origin=sock.connection_id, acked=acked)
    if route in (Route.HUMAN, Route.HANDOFF):
        ctx.fanout.to_operators(agent_id, events, online.get('sockets'), conv=conv)
    if route == Route.HANDOFF:
        waiting.on_requested(ctx, conv, outcome.extra[0].effective_settings)
        assignment.after_handoff(ctx, conv, outcome.extra[0])      # auto mode: offered to a free operator
    analytics.count_turn(ctx, conv, change, outcome.extra[0])     # last: the visitor's answer does not wait on it


def cancel_handoff(ctx, sock, cmd):
    actor = Actor('visitor', sock.visitor_id, None)
    operator_actions.transition(ctx, sock.conversation_id, 'cancel', actor, origin=sock.connection_id,
                                note=cmd.reason, request_id=cmd.request_id, ack_action=cmd.action)


def typing(ctx, sock, cmd):
    """Relayed to the operators only while a handoff is open; otherwise nobody is listening."""
    conv = ctx.conversations.get(sock.conversation_id)
    if conv is not None and conv.open_handoff and limits.allow_typing(ctx, sock.connection_id):
        ctx.fanout.to_operators(conv.agent_id, [protocol.event(
            'typing', conversation_id=conv.id, role='visitor', name=None, is_typing=cmd.is_typing)], conv=conv)
