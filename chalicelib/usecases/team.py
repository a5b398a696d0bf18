"""The Team page: an agent's admins list, invite, promote or demote, and remove its operators.

Every function here needs the admin role for that agent (403 `forbidden_role` otherwise, 404 for another
tenant's agent). An agent always keeps at least one admin: the last one cannot be demoted or removed
(409 `last_admin`); the admin CLI can still repair a team that has none.
"""
from chalicelib import protocol
from chalicelib.adapters.store.operators import NoSuchMember
from chalicelib.errors import AppError, not_found

MAX_TEAM = 200            # members listed per agent (one Query page is far more than any team here)


def _members(ctx, operator, agent_id):
    operator.require_admin(agent_id)
    if ctx.stores.agents.get(agent_id) is None:
        raise not_found('agent')
    return ctx.stores.operators.members(agent_id)


def _member(ctx, agent_id, operator_id):
    found = protocol.valid_id(operator_id) and ctx.stores.operators.member(agent_id, operator_id)
    if not found:
        raise not_found('operator')
    return found


def _keep_an_admin(ctx, agent_id, target):
    """Refuse to leave the agent without an admin."""
    if target['role'] != 'admin':
        return
    admins = [m for m in ctx.stores.operators.members(agent_id) if m['role'] == 'admin']
    if len(admins) <= 1:
        raise AppError('last_admin', 'an agent keeps at least one admin: promote someone else first', 409)


def list_team(ctx, operator, agent_id):
    members = sorted(_members(ctx, operator, agent_id), key=lambda m: (m['name'].lower(), m['id']))
    return {'operators': members[:MAX_TEAM]}


def invite(ctx, operator, agent_id, body):
    """A new operator for this agent only; the token is in this answer and nowhere else, ever."""
    operator.require_admin(agent_id)
    name, role, expires_in_days = protocol.parse_invite(body)
    if ctx.stores.agents.get(agent_id) is None:
        raise not_found('agent')
    operator_id, token = ctx.stores.operators.create(
        name, [agent_id], role=role, expires_in_seconds=expires_in_days * 86400 if expires_in_days else None)
    return {'operator': ctx.stores.operators.member(agent_id, operator_id), 'token': token}


def set_role(ctx, operator, agent_id, operator_id, body):
    operator.require_admin(agent_id)
    role = protocol.parse_role(body)
    target = _member(ctx, agent_id, operator_id)
    if role != 'admin':
        _keep_an_admin(ctx, agent_id, target)
    try:
        return {'operator': ctx.stores.operators.set_role(agent_id, operator_id, role)}
    except NoSuchMember:
        raise not_found('operator')


def remove(ctx, operator, agent_id, operator_id):
    """Revoke one operator's access to this agent (their token keeps working for their other agents)."""
    operator.require_admin(agent_id)
    target = _member(ctx, agent_id, operator_id)
    _keep_an_admin(ctx, agent_id, target)
    try:
        ctx.stores.operators.remove(agent_id, operator_id)
    except NoSuchMember:
        raise not_found('operator')
