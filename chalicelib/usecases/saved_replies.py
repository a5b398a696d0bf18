"""Saved replies per agent: every operator of the agent reads them (the reply box's "/" picker), its admins
add, edit and delete them (Settings). The list is one item written whole under an optimistic lock, so the
rules (unique shortcut, at most MAX_REPLIES) hold under concurrent edits; a lost race is retried."""
import uuid

from chalicelib.adapters.store import StaleReplies
from chalicelib.domain import saved_replies as rules
from chalicelib.errors import conflict, not_found
from chalicelib.protocol import valid_id
from chalicelib.protocol.team_inbox import parse_saved_reply

ATTEMPTS = 3


def _view(replies, version):
    return {'saved_replies': rules.ordered(replies), 'version': version,
            'placeholders': list(rules.PLACEHOLDERS), 'max': rules.MAX_REPLIES}


def list_replies(ctx, operator, agent_id):
    operator.check_agent(agent_id)
    return _view(*ctx.stores.saved_replies.load(agent_id))


def _change(ctx, agent_id, edit):
    """Read, apply `edit(replies) -> replies`, write if nobody saved meanwhile; re-read on a lost race."""
    store = ctx.stores.saved_replies
    for _ in range(ATTEMPTS):
        replies, version = store.load(agent_id)
        changed = edit(dict(replies))
        try:
            store.save(agent_id, changed, version)
            return changed
        except StaleReplies:
            continue
    raise conflict('the saved replies are being changed by someone else; retry')


def create(ctx, operator, agent_id, body):
    operator.require_admin(agent_id)
    reply = parse_saved_reply(body)
    reply_id = 'sr_' + uuid.uuid4().hex[:12]
    now = ctx.now()
    stored = _change(ctx, agent_id, lambda replies: rules.check_list(
        replies, reply_id, dict(reply, created_at=now, updated_at=now)))
    return {'saved_reply': dict(stored[reply_id], id=reply_id)}


def update(ctx, operator, agent_id, reply_id, body):
    operator.require_admin(agent_id)
    if not valid_id(reply_id):
        raise not_found('saved reply')
    reply = parse_saved_reply(body)

    def edit(replies):
        if reply_id not in replies:
            raise not_found('saved reply')
        return rules.check_list(replies, reply_id, dict(replies[reply_id], **reply, updated_at=ctx.now()))
    stored = _change(ctx, agent_id, edit)
    return {'saved_reply': dict(stored[reply_id], id=reply_id)}


def delete(ctx, operator, agent_id, reply_id):
    operator.require_admin(agent_id)
    if not valid_id(reply_id):
        raise not_found('saved reply')

    def edit(replies):
        if replies.pop(reply_id, None) is None:
            raise not_found('saved reply')
        return replies
    _change(ctx, agent_id, edit)
