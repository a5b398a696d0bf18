"""Who is calling, and their sockets: operator tokens, visitor sessions, connect and disconnect."""
import uuid

from chalicelib import protocol
from chalicelib.auth import bearer, sign_session, verify_session
from chalicelib.domain.conversation import message, preview
from chalicelib.domain.conversation import Change
from chalicelib.adapters.store import ConflictError
from chalicelib.errors import AppError, not_found, unauthorized
from chalicelib.usecases import limits


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
    """POST /visitor/session: a signed session for a new visitor, or the same visitor again."""
    agent_id, old, visitor = protocol.parse_session_request(body)
    agent = ctx.stores.agents.get(agent_id)
    if agent is None:
        raise not_found('agent')
    visitor_id = None
    if old:
        try:
            old_agent, old_visitor = verify_session(ctx.session_secret(), old, ctx.config.session_ttl_seconds)
            visitor_id = old_visitor if old_agent == agent_id else None
        except AppError:
            visitor_id = None          # expired or foreign: start afresh rather than fail the widget
    if visitor_id is None:
        limits.check_new_session(ctx, source_ip)      # 429 rate_limited past N new visitors a minute per address
    visitor_id = visitor_id or 'v_' + uuid.uuid4().hex[:20]
    conversation_id = '%s.%s' % (agent_id, visitor_id)
    settings = agent.effective_settings
    conv = ctx.conversations.ensure(conversation_id, agent_id, visitor_id, visitor, ctx.now(),
                                    retention_days=settings.get('retention_days'))
    if conv.seq == 0 and settings.get('welcome_message'):
        greeting = message(1, 'bot', settings['welcome_message'], ctx.now(), meta={'event': 'welcome'})
        try:
            ctx.conversations.commit(conv, Change((greeting,), {'last_message': preview(greeting)}))
        except ConflictError:
            pass                        # another tab already greeted this visitor
    return {'session': sign_session(ctx.session_secret(), agent_id, visitor_id), 'visitor_id': visitor_id,
            'conversation_id': conversation_id,
            'agent': {'id': agent_id, 'name': agent.name, 'welcome_message': settings.get('welcome_message'),
                      'allow_human_handoff': settings['allow_human_handoff']}}


def connect(ctx, connection_id, query):
    """The HTTP status for the upgrade: 200, 401 for a missing or bad credential, 403 for an unknown
    conversation."""
    query = query or {}
    ttl = ctx.config.connection_ttl_seconds
    try:
        if query.get('token'):
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
            ctx.connections.put_visitor(connection_id, conversation_id, agent_id, visitor_id, ttl)
            return 200
    except AppError:
        return 401
    return 401


def disconnect(ctx, connection_id):
    ctx.connections.delete(connection_id)
