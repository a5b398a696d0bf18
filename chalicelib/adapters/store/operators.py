"""Operators, found by the SHA-256 of their bearer token (the token itself is never stored)."""
import time
import uuid
from datetime import timedelta

from chalicelib.adapters.store.models import OperatorItem, OperatorTokenItem, get, hash_token, key
from chalicelib.auth import OperatorIdentity


class Operators:
    def create(self, name, agent_ids, token=None, expires_in_seconds=None):
        """A new operator; returns (operator id, token). The token is shown once and stored only hashed."""
        token = token or 'op_' + uuid.uuid4().hex + uuid.uuid4().hex
        operator_id = 'op-' + uuid.uuid4().hex[:10]
        expires = timedelta(seconds=expires_in_seconds) if expires_in_seconds else None
        OperatorItem(key('TOKEN', hash_token(token)), 'META', operator_id=operator_id, name=name,
                     agent_ids=list(agent_ids), expires_at=expires).save()
        OperatorTokenItem(key('OPERATOR', operator_id), 'TOKEN', token_hash=hash_token(token)).save()
        return operator_id, token

    def by_token(self, token):
        """The operator behind a token, or None (unknown, revoked, or past its expiry: TTL deletes lazily)."""
        item = get(OperatorItem, key('TOKEN', hash_token(token)), 'META')
        if item is None or (item.expires_at is not None and item.expires_at.timestamp() <= time.time()):
            return None
        return OperatorIdentity(item.operator_id, item.name, tuple(item.agent_ids))

    def revoke(self, operator_id):
        """Delete the operator's token; True if there was one. Sockets already open close within their TTL."""
        pointer = get(OperatorTokenItem, key('OPERATOR', operator_id), 'TOKEN')
        if pointer is None:
            return False
        OperatorItem(key('TOKEN', pointer.token_hash), 'META').delete()
        pointer.delete()
        return True
