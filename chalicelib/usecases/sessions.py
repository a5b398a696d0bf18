"""Who is calling, and their sockets: operator tokens, visitor sessions, connect and disconnect."""
import secrets
import time
import uuid

from chalicelib import protocol
from chalicelib.auth import bearer, sign_session, verify_session
from chalicelib.domain.conversation import message, preview
from chalicelib.domain.conversation import Change
from chalicelib.domain import keys
from chalicelib.adapters.store import ConflictError
from chalicelib.errors import AppError, not_found, unauthorized
from chalicelib.protocol.bodies import parse_identity
from chalicelib.usecases import limits

TICKET_TTL = 60                 # seconds a socket ticket may wait for its WebSocket connect


def operator_from_header(ctx, header):
    operator = ctx.stores.operators.by_token(bearer(header))
    if operator is None:
        raise unauthorized('unknown, expired or revoked token')
    return operator


def conversation_for(ctx, operator, conversation_id, conv=None):
    """The conversation, if `operator` works for its agent; 404 otherwise (other tenants' ids stay secret)."""
    if not protocol.valid_conversation_id(conversation_id):
        raise not_found('conversation')
    agent_id = conversation_id.split('.', 1)[0]
    operator.check_agent(agent_id)
    conv = conv or ctx.conversations.get(conversation_id)
    if conv is None or conv.agent_id != agent_id:
        raise not_found('conversation')
    return conv


def create_session(ctx, body, source_ip=None):
    """POST /visitor/session: a signed session for a new visitor, or the same visitor again.
    With `user_id` + a valid `user_hash` the visitor is verified: the conversation is the user's own
    (the same on every device) and the attributes are trusted. Without, attributes are stored once,
    marked unverified, and a VIP claim is kept only as `claimed_vip`."""
    agent_id, old, visitor = protocol.parse_session_request(body)
    user_id, user_hash = parse_identity(body)
    agent = ctx.stores.agents.get(agent_id)
    if agent is None:
        raise not_found('agent')
    verified = user_hash is not None and _check_identity(ctx, agent_id, user_id, user_hash)
    visitor_id = keys.verified_visitor_id(agent_id, user_id) if verified else None
    if old and not verified:
        try:
            old_agent, old_visitor = verify_session(ctx.session_secret(), old, ctx.config.session_ttl_seconds)
            # A verified user's conversation is resumed only with proof of that user, not by a page
            # that no longer proves it (signed out, shared computer).
            visitor_id = old_visitor if old_agent == agent_id and not keys.is_verified_visitor_id(old_visitor) \
                else None
        except AppError:
            visitor_id = None          # expired or foreign: start afresh rather than fail the widget
    if visitor_id is None:
        limits.check_new_session(ctx, source_ip)      # 429 rate_limited past N new visitors a minute per address
    visitor_id = visitor_id or 'v_' + uuid.uuid4().hex[:20]
    conversation_id = '%s.%s' % (agent_id, visitor_id)
    settings = agent.effective_settings
    record = keys.visitor_record(visitor, verified, user_id) if visitor or user_id else {}
    conv = ctx.conversations.ensure(conversation_id, agent_id, visitor_id, record, ctx.now(),
                                    retention_days=settings.get('retention_days'), trusted=verified and bool(visitor))
    if conv.seq == 0 and settings.get('welcome_message'):
        greeting = message(1, 'bot', settings['welcome_message'], ctx.now(), meta={'event': 'welcome'})
        try:
            ctx.conversations.commit(conv, Change((greeting,), {'last_message': preview(greeting)}))
        except ConflictError:
            pass                        # another tab already greeted this visitor
    return {'session': sign_session(ctx.session_secret(), agent_id, visitor_id), 'visitor_id': visitor_id,
            'conversation_id': conversation_id, 'verified': verified,
            'agent': {'id': agent_id, 'name': agent.name, 'welcome_message': settings.get('welcome_message'),
                      'allow_human_handoff': settings['allow_human_handoff']}}


def _check_identity(ctx, agent_id, user_id, user_hash):
    """True, or 401 invalid_identity: no identity secret set up, or a hash made with no valid secret."""
    secret_set = ctx.stores.secrets.get(agent_id, 'identity')
    if secret_set is None:
        raise AppError('invalid_identity', 'identity verification is not set up for this agent', 401,
                       action='session')
    if not keys.verify_identity(secret_set, user_id, user_hash, time.time()):
        raise AppError('invalid_identity', 'user_hash is not the HMAC of user_id under the identity secret', 401,
                       action='session')
    return True


def connect(ctx, connection_id, query):
    """The HTTP status for the upgrade: 200, 401 for a missing or bad credential, 403 for an unknown
    conversation."""
    query = query or {}
    ttl = ctx.config.connection_ttl_seconds
    try:
        if query.get('ticket') or query.get('token'):
            # `ticket`: single use, ~60 s (POST /operator/socket-ticket). `token`: the bearer token itself,
            # still accepted for older dashboards, but it lands in URLs; prefer tickets.
            if query.get('ticket'):
                ticket = query['ticket']
                token_hash = ctx.stores.tickets.redeem(ticket) if isinstance(ticket, str) and len(ticket) <= 128 \
                    else None
                operator = ctx.stores.operators.by_token_hash(token_hash) if token_hash else None
            else:
                operator = ctx.stores.operators.by_token(query['token'])
            if operator is None:
                return 401
            ctx.connections.put_operator(connection_id, operator, ttl)
            return 200
        if query.get('session'):
            agent_id, visitor_id = verify_session(ctx.session_secret(), query['session'],
                                                  ctx.config.session_ttl_seconds)
            conversation_id = '%s.%s' % (agent_id, visitor_id)
            if not protocol.valid_conversation_id(conversation_id) or ctx.conversations.get(conversation_id) is None:
                return 403
            # `ack=messages`: this client takes the bot's reply inside the ack of its message (one post, not two).
            ctx.connections.put_visitor(connection_id, conversation_id, agent_id, visitor_id, ttl,
                                        ack_messages=query.get('ack') == 'messages')
            return 200
    except AppError:
        return 401
    return 401


def socket_ticket(ctx, header):
    """POST /operator/socket-ticket: a random ticket for ONE operator socket within TICKET_TTL seconds,
    so the long-lived bearer token never goes into a WebSocket URL (which proxies and logs keep)."""
    token = bearer(header)
    if ctx.stores.operators.by_token(token) is None:
        raise unauthorized('unknown, expired or revoked token')
    ticket = 'tk_' + secrets.token_urlsafe(32)
    ctx.stores.tickets.put(ticket, token, TICKET_TTL)
    return {'ticket': ticket, 'expires_in': TICKET_TTL}


def disconnect(ctx, connection_id):
    sock = ctx.connections.get(connection_id)
    ctx.connections.delete(connection_id, sock)
    if sock is not None and sock.role == 'operator':
        from chalicelib.usecases import presence
        presence.socket_closed(ctx, sock)                              # offline if it was their last socket
