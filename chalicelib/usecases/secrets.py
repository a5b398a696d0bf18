"""Per-agent secrets for admins: the identity secret (verified visitors) and the webhook secret.

A secret is returned once, in the answer that creates it; afterwards only its metadata is shown.
Rotating keeps the previous secret valid for `grace_hours` (default 24, 0 ends it at once).
"""
import time

from chalicelib.adapters.store import SecretChanged
from chalicelib.domain import keys
from chalicelib.errors import AppError, conflict, not_found
from chalicelib.protocol.bodies import parse_secret_request


def issue(store, agent_id, kind, rotate, grace_hours, now_iso, now=None):
    """Create the agent's first secret of `kind`, or (with `rotate`) replace it. The answer carries the
    new secret: the only time it is ever shown. Shared by the REST route and the admin CLI."""
    now = time.time() if now is None else now
    current = store.get(agent_id, kind)
    if current is not None and not rotate:
        raise AppError('secret_exists', 'agent %s already has a %s secret; rotate it to get a new one'
                       % (agent_id, kind), 409, action='secrets')
    secret = keys.generate(kind)
    grace_until = int(now + grace_hours * 3600) if current is not None and grace_hours else None
    try:
        saved = store.put(agent_id, kind, secret, now_iso, previous=current, grace_until=grace_until)
    except SecretChanged:
        raise conflict('the %s secret was changed meanwhile; reload and try again' % kind)
    return dict(saved.view(now), secret=secret, rotated=current is not None)


def _admin_of(ctx, operator, agent_id):
    operator.require_admin(agent_id)
    if ctx.stores.agents.get(agent_id) is None:
        raise not_found('agent')


def describe(ctx, operator, agent_id):
    """GET /agents/{id}/secrets: which secrets exist, since when, until when the previous one verifies."""
    _admin_of(ctx, operator, agent_id)
    now = time.time()
    found = ctx.stores.secrets.many(agent_id, list(keys.KINDS))
    return {'agent_id': agent_id,
            'secrets': {k: (s.view(now) if s else {'kind': k, 'set': False}) for k, s in found.items()}}


def create_or_rotate(ctx, operator, agent_id, kind, body):
    """POST /agents/{id}/secrets/{kind} {"rotate": bool, "grace_hours": int}."""
    if kind not in keys.KINDS:
        raise not_found('secret kind')
    _admin_of(ctx, operator, agent_id)
    rotate, grace_hours = parse_secret_request(body, keys.DEFAULT_GRACE_HOURS, keys.MAX_GRACE_HOURS)
    return issue(ctx.stores.secrets, agent_id, kind, rotate, grace_hours, ctx.now())
