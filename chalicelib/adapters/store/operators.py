"""Operators, found by the SHA-256 of their bearer token (the token itself is never stored), and each
agent's team: one membership item per (agent, operator) holding the role, so listing a team is one Query.

An operator's roles live in two places kept in step by transactions: on the token item (read on every
request: no extra read to authorise) and on the membership item (listed by the Team page).
"""
import time
import uuid
from datetime import datetime, timedelta, timezone

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.store.models import (AgentConnectionItem, ConnectionItem, Entity, MembershipItem,
                                              OperatorItem, OperatorTokenItem, get, hash_token, key,
                                              shared_connection)
from chalicelib.auth import OperatorIdentity


class NoSuchMember(Exception):
    """The operator is not (or no longer) on that agent's team."""


def _now():
    return datetime.now(timezone.utc).isoformat(timespec='seconds').replace('+00:00', 'Z')


def member_view(item):
    return {'id': item.operator_id, 'name': item.name, 'role': item.role, 'created_at': item.created_at}


def _membership(agent_id, operator_id):
    return MembershipItem(key('AGENTOP', agent_id), key('OP', operator_id))


class Operators:
    def create(self, name, agent_ids, token=None, expires_in_seconds=None, role='operator', roles=None):
        """A new operator; returns (operator id, token). The token is shown once and stored only hashed.
        `roles` ({agent: role}) overrides `role`, which otherwise applies to every agent."""
        token = token or 'op_' + uuid.uuid4().hex + uuid.uuid4().hex
        operator_id = 'op-' + uuid.uuid4().hex[:10]
        expires = timedelta(seconds=expires_in_seconds) if expires_in_seconds else None
        roles = {a: (roles or {}).get(a, role) for a in agent_ids}
        token_hash, now = hash_token(token), _now()
        with Entity.batch_write() as batch:
            batch.save(OperatorItem(key('TOKEN', token_hash), 'META', operator_id=operator_id, name=name,
                                    agent_ids=list(agent_ids), roles=roles, created_at=now, expires_at=expires))
            batch.save(OperatorTokenItem(key('OPERATOR', operator_id), 'TOKEN', token_hash=token_hash,
                                         expires_at=expires))
            for agent_id in agent_ids:
                batch.save(MembershipItem(key('AGENTOP', agent_id), key('OP', operator_id), operator_id=operator_id,
                                          name=name, role=roles[agent_id], token_hash=token_hash, created_at=now,
                                          expires_at=expires))
        return operator_id, token

    def by_token(self, token):
        """The operator behind a token, or None (unknown, revoked, or past its expiry: TTL deletes lazily)."""
        return self.by_token_hash(hash_token(token))

    def by_token_hash(self, token_hash):
        """The same, from the token's SHA-256 (what a redeemed socket ticket holds)."""
        item = get(OperatorItem, key('TOKEN', token_hash), 'META')
        if item is None or (item.expires_at is not None and item.expires_at.timestamp() <= time.time()):
            return None
        return OperatorIdentity(item.operator_id, item.name, tuple(item.agent_ids), dict(item.roles or {}))

    # ---- an agent's team ---------------------------------------------------------------------------

    def members(self, agent_id):
        """The agent's team, one Query on its partition (expired invitations are left out)."""
        now = time.time()
        return [member_view(m) for m in MembershipItem.query(key('AGENTOP', agent_id), consistent_read=True)
                if m.expires_at is None or m.expires_at.timestamp() > now]

    def member(self, agent_id, operator_id):
        item = get(MembershipItem, key('AGENTOP', agent_id), key('OP', operator_id))
        return member_view(item) if item else None

    def set_role(self, agent_id, operator_id, role):
        """Change one operator's role for one agent (token item and membership in one transaction). An
        operator stored before memberships existed gets its membership now (the migration path)."""
        pointer = get(OperatorTokenItem, key('OPERATOR', operator_id), 'TOKEN')
        token_item = pointer and get(OperatorItem, key('TOKEN', pointer.token_hash), 'META')
        if token_item is None or agent_id not in (token_item.agent_ids or []):
            raise NoSuchMember(operator_id)
        roles = dict(token_item.roles or {}, **{agent_id: role})
        member = _membership(agent_id, operator_id)
        member.operator_id, member.name, member.role = operator_id, token_item.name, role
        member.token_hash, member.created_at = pointer.token_hash, token_item.created_at or _now()
        member.expires_at = token_item.expires_at
        with TransactWrite(connection=shared_connection()) as tx:
            tx.update(OperatorItem(key('TOKEN', pointer.token_hash), 'META'), actions=[OperatorItem.roles.set(roles)],
                      condition=OperatorItem.pk.exists())
            tx.save(member)
        return member_view(member)

    def remove(self, agent_id, operator_id):
        """Take one agent away from an operator; an operator left with no agent loses the token entirely.
        The other agents the operator works for are untouched. Raises NoSuchMember."""
        member = get(MembershipItem, key('AGENTOP', agent_id), key('OP', operator_id))
        token_item = member and get(OperatorItem, key('TOKEN', member.token_hash), 'META')
        if token_item is None or agent_id not in (token_item.agent_ids or []):
            if member is not None:
                member.delete()                     # a stale membership of a revoked token
                return
            raise NoSuchMember(operator_id)
        left = [a for a in token_item.agent_ids if a != agent_id]
        try:
            with TransactWrite(connection=shared_connection()) as tx:
                tx.delete(_membership(agent_id, operator_id))
                if left:
                    roles = {a: r for a, r in (token_item.roles or {}).items() if a != agent_id}
                    tx.update(OperatorItem(key('TOKEN', member.token_hash), 'META'),
                              actions=[OperatorItem.agent_ids.set(left), OperatorItem.roles.set(roles)],
                              condition=OperatorItem.agent_ids.contains(agent_id))
                else:
                    tx.delete(OperatorItem(key('TOKEN', member.token_hash), 'META'))
                    tx.delete(OperatorTokenItem(key('OPERATOR', operator_id), 'TOKEN'))
        except TransactWriteError:
            raise NoSuchMember(operator_id)
        self.drop_sockets(agent_id, operator_id)

    def drop_sockets(self, agent_id, operator_id):
        """Forget the operator's open sockets on this agent: no more events reach them, and their next frame
        is refused (unregistered socket); reconnecting needs a token that still works."""
        mine = [c for c in AgentConnectionItem.query(key('AGENTCONN', agent_id)) if c.operator_id == operator_id]
        if not mine:
            return
        with Entity.batch_write() as batch:
            for c in mine:
                batch.delete(AgentConnectionItem(key('AGENTCONN', agent_id), c.sk))
                batch.delete(ConnectionItem(c.sk, 'META'))

    def revoke(self, operator_id):
        """Delete the operator's token and memberships (every agent); True if there was one. Sockets
        already open close within their TTL."""
        pointer = get(OperatorTokenItem, key('OPERATOR', operator_id), 'TOKEN')
        if pointer is None:
            return False
        token_item = get(OperatorItem, key('TOKEN', pointer.token_hash), 'META')
        with Entity.batch_write() as batch:
            for agent_id in (token_item.agent_ids if token_item else []):
                batch.delete(_membership(agent_id, operator_id))
            batch.delete(OperatorItem(key('TOKEN', pointer.token_hash), 'META'))
            batch.delete(pointer)
        return True
