"""Operator presence per agent: online while a dashboard socket is open and not set away, away by the
operator's own toggle, offline when no socket is left (several tabs count once; a socket that vanished
without a close drops out when its TTL passes or a post to it fails). Every change is pushed to every
dashboard of the agent as a `presence` event; coming online lets auto-assignment offer what waits.

A dashboard announces itself with `set_presence` once its socket is open (with the status the server
holds: an away operator stays away across reloads): $connect itself does no team work (a socket cannot be
posted to inside its own $connect, and the connect function keeps its narrow role)."""
from chalicelib import protocol
from chalicelib.domain import routing
from chalicelib.protocol.team_routing import member_view, parse_presence, presence_event
from chalicelib.usecases import assignment


def _team(ctx, agent_id, sockets=None, agent=None):
    agent = agent or ctx.stores.agents.get(agent_id)
    sockets = ctx.connections.operators_of(agent_id) if sockets is None else sockets
    settings = routing.Assignment.of(agent.effective_settings if agent else {})
    return ctx.stores.routing.team(agent_id, sockets, settings), sockets, settings


def broadcast(ctx, agent_id, operator_id, exclude=None):
    """The operator's presence, recomputed from the agent's live sockets and their away flag, to every
    dashboard of the agent (but `exclude`: a socket still inside its $connect cannot be posted to)."""
    members, sockets, _ = _team(ctx, agent_id)
    me = next((m for m in members if m.id == operator_id), None)
    if me is None:
        return None
    ctx.fanout.to_operators(agent_id, [presence_event(agent_id, me)],
                            [s for s in sockets if s.connection_id != exclude])
    return me


def socket_closed(ctx, sock):
    """After an operator's $disconnect (the socket record already deleted)."""
    for agent_id in sock.agent_ids:
        assignment.safely(broadcast, ctx, agent_id, sock.operator_id)


def set_presence(ctx, operator, agent_id, status, origin=None, request_id=None):
    """The operator's own online / away toggle for one agent (socket `set_presence`, REST PUT presence)."""
    operator.check_agent(agent_id)
    ctx.stores.routing.set_away(agent_id, operator.id, status == routing.AWAY)
    if origin:
        ctx.fanout.post(origin, protocol.ack_event('set_presence', None, request_id, agent_id=agent_id,
                                                   status=status))
    me = broadcast(ctx, agent_id, operator.id)
    if status == routing.ONLINE:
        assignment.safely(assignment.drain, ctx, agent_id)
    return member_view(me) if me else {'id': operator.id, 'name': operator.name, 'presence': status}


def team_presence(ctx, operator, agent_id):
    """GET /agents/{agent}/presence: each operator's presence and open count (their open conversations are
    the inbox's rows that name them), and the agent's assignment settings."""
    operator.check_agent(agent_id)
    members, _, settings = _team(ctx, agent_id)
    return {'agent_id': agent_id, 'operators': [member_view(m) for m in members],
            'assignment': {'mode': settings.mode, 'capacity': settings.capacity,
                           'offer_timeout_seconds': settings.offer_timeout_seconds,
                           'others_may_take': settings.others_may_take}}


def rest_set_presence(ctx, operator, agent_id, body):
    operator.check_agent(agent_id)          # another tenant's agent: 404 before the body is even looked at
    return set_presence(ctx, operator, agent_id, parse_presence(body))


def anyone_online(ctx, agent_id, sockets):
    """For the visitor's "nobody is online" notice: an operator with a socket who is not away. No socket:
    no read at all; otherwise one BatchGetItem of those operators' away flags."""
    if not sockets:
        return False
    away = ctx.stores.routing.away_of(agent_id, [s.operator_id for s in sockets])
    return any(s.operator_id not in away for s in sockets)
