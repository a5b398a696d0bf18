"""Per-agent secrets (AGENT#{agent} / SECRET#{kind}) and single-use socket tickets (TICKET#{hash}).

Secrets are stored as they are: the server must compute HMACs with them (DynamoDB encrypts the table at
rest). They are read only by the session, the webhook sender and the rotation; no route returns one
after the response that created it. Tickets are stored only as a hash, like operator tokens.
"""
import time
from datetime import timedelta

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.adapters.store.models import SecretItem, TicketItem, condition_failed, get, hash_token, key
from chalicelib.domain.keys import SecretSet


class SecretChanged(Exception):
    """Created or rotated by someone else since it was read (or already exists, for a first secret)."""


def _secret_set(kind, item):
    if item is None:
        return None
    return SecretSet(kind=kind, current=item.current, created_at=item.created_at, previous=item.previous,
                     previous_until=int(item.previous_until) if item.previous_until is not None else None,
                     version=int(item.version or 1))


class Secrets:
    def get(self, agent_id, kind):
        return _secret_set(kind, get(SecretItem, key('AGENT', agent_id), 'SECRET#' + kind))

    def many(self, agent_id, kinds):
        """{kind: SecretSet or None}, one BatchGetItem."""
        items = SecretItem.batch_get([(key('AGENT', agent_id), 'SECRET#' + k) for k in kinds], consistent_read=True)
        found = {i.sk.split('#', 1)[1]: i for i in items}
        return {k: _secret_set(k, found.get(k)) for k in kinds}

    def put(self, agent_id, kind, secret, now_iso, previous=None, grace_until=None):
        """Store `secret` as the current one. `previous` is the SecretSet it replaces (None: there must be
        none yet); it stays valid until `grace_until` (epoch seconds; None or past: not at all). One
        conditional write: two admins rotating at once cannot both win."""
        pk, sk = key('AGENT', agent_id), 'SECRET#' + kind
        if previous is None:
            item = SecretItem(pk, sk, current=secret, created_at=now_iso, version=1)
            try:
                item.save(condition=SecretItem.pk.does_not_exist())
            except PutError as exc:
                if condition_failed(exc):
                    raise SecretChanged(kind)
                raise
            return _secret_set(kind, item)
        keep_old = grace_until is not None and grace_until > time.time()
        actions = [SecretItem.current.set(secret), SecretItem.created_at.set(now_iso),
                   SecretItem.version.set(previous.version + 1)]
        actions += ([SecretItem.previous.set(previous.current), SecretItem.previous_until.set(int(grace_until))]
                    if keep_old else [SecretItem.previous.remove(), SecretItem.previous_until.remove()])
        item = SecretItem(pk, sk)
        try:
            item.update(actions=actions, condition=(SecretItem.version == previous.version))
        except UpdateError as exc:
            if condition_failed(exc):
                raise SecretChanged(kind)
            raise
        return _secret_set(kind, item)


class Tickets:
    """Socket tickets: a random string a signed-in operator trades for one WebSocket connection."""

    def put(self, ticket, token, ttl_seconds):
        """Remember `ticket` for the operator holding `token` (both stored only as hashes)."""
        TicketItem(key('TICKET', hash_token(ticket)), 'META', token_hash=hash_token(token),
                   expires_at=timedelta(seconds=ttl_seconds)).save()

    def redeem(self, ticket):
        """The operator token hash behind `ticket`, marking it used: one conditional UpdateItem (the
        connect function's own write, no delete needed), so a ticket opens one socket at most; None if
        unknown, used or expired. DynamoDB's TTL removes it later."""
        item = TicketItem(key('TICKET', hash_token(ticket)), 'META')
        try:
            item.update(actions=[TicketItem.used_at.set(int(time.time()))],
                        condition=TicketItem.pk.exists() & TicketItem.used_at.does_not_exist())
        except UpdateError as exc:
            if condition_failed(exc):
                return None
            raise
        if item.expires_at is not None and item.expires_at.timestamp() <= time.time():
            return None
        return item.token_hash
