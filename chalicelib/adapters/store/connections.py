"""Open sockets: who is behind each (a visitor's conversation, or an operator and their agents)."""
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional, Tuple

from pynamodb.exceptions import UpdateError

from chalicelib.adapters.store.models import (AgentConnectionItem, ConnectionItem, Entity, condition_failed, get,
                                              key)

# API Gateway answers 410 Gone for a socket whose upgrade is still in flight; a socket that connected
# this recently is not forgotten, or a live operator or visitor tab would silently stop receiving.
SOCKET_GRACE_SECONDS = 10


@dataclass(frozen=True)
class Socket:
    connection_id: str
    role: str                                  # 'visitor' | 'operator'
    agent_ids: Tuple[str, ...] = ()
    conversation_id: Optional[str] = None
    visitor_id: Optional[str] = None
    operator_id: Optional[str] = None
    operator_name: Optional[str] = None
    connected_at: Optional[int] = None
    ack_messages: bool = False


@dataclass(frozen=True)
class OperatorSocket:
    """An operator's socket as the agent's fan-out sees it: who, and which conversation it has open."""
    connection_id: str
    operator_id: Optional[str] = None
    viewing: Optional[str] = None


def _socket(item):
    if item is None:
        return None
    return Socket(connection_id=item.pk.split('#', 1)[1], role=item.role, agent_ids=tuple(item.agent_ids or ()),
                  conversation_id=item.conversation_id, visitor_id=item.visitor_id, operator_id=item.operator_id,
                  operator_name=item.operator_name, connected_at=item.connected_at,
                  ack_messages=bool(item.ack_messages))


class Connections:
    def __init__(self, conversations):
        self.conversations = conversations      # a visitor's sockets are also listed on its conversation

    def get(self, connection_id):
        return _socket(get(ConnectionItem, key('CONN', connection_id), 'META'))

    def put_visitor(self, connection_id, conversation_id, agent_id, visitor_id, ttl_seconds, ack_messages=False):
        ConnectionItem(key('CONN', connection_id), 'META', role='visitor', conversation_id=conversation_id,
                       agent_ids=[agent_id], visitor_id=visitor_id, expires_at=timedelta(seconds=ttl_seconds),
                       connected_at=int(time.time()), ack_messages=ack_messages or None).save()
        self.conversations.add_socket(conversation_id, connection_id)

    def put_operator(self, connection_id, operator, ttl_seconds):
        ttl = timedelta(seconds=ttl_seconds)
        with Entity.batch_write() as batch:
            batch.save(ConnectionItem(key('CONN', connection_id), 'META', role='operator',
                                      agent_ids=list(operator.agent_ids), operator_id=operator.id,
                                      operator_name=operator.name, expires_at=ttl, connected_at=int(time.time())))
            for agent_id in operator.agent_ids:
                batch.save(AgentConnectionItem(key('AGENTCONN', agent_id), key('CONN', connection_id),
                                               operator_id=operator.id, expires_at=ttl))

    def operators_of(self, agent_id):
        """The agent's operator sockets (one Query); expired ones are skipped before TTL removes them."""
        now = int(time.time())
        return [OperatorSocket(c.sk.split('#', 1)[1], c.operator_id, c.viewing)
                for c in AgentConnectionItem.query(key('AGENTCONN', agent_id))
                if c.expires_at is None or c.expires_at.timestamp() > now]

    def set_viewing(self, agent_id, connection_id, conversation_id):
        """Remember which conversation a dashboard has open (one UpdateItem per `open`), so the messages of a
        colleague's conversation reach it too. Ignored if the socket's record is gone."""
        item = AgentConnectionItem(key('AGENTCONN', agent_id), key('CONN', connection_id))
        try:
            item.update(actions=[AgentConnectionItem.viewing.set(conversation_id)],
                        condition=AgentConnectionItem.pk.exists())
        except UpdateError as exc:
            if not condition_failed(exc):
                raise

    def delete(self, connection_id, sock=None):
        """Forget a socket everywhere it is indexed. Safe to call twice."""
        sock = sock or self.get(connection_id)
        if sock is None:
            return
        if sock.role == 'visitor' and sock.conversation_id:
            self.conversations.remove_socket(sock.conversation_id, connection_id)
        with Entity.batch_write() as batch:
            batch.delete(ConnectionItem(key('CONN', connection_id), 'META'))
            if sock.role == 'operator':
                for agent_id in sock.agent_ids:
                    batch.delete(AgentConnectionItem(key('AGENTCONN', agent_id), key('CONN', connection_id)))

    def forget_gone(self, connection_id, conversation_id=None, agent_id=None):
        """Forget a socket API Gateway called gone, unless it connected less than SOCKET_GRACE_SECONDS
        ago (still mid-upgrade). Without its record (TTL), clean the index it was found through."""
        sock = self.get(connection_id)
        if sock is not None:
            if sock.connected_at and sock.connected_at > time.time() - SOCKET_GRACE_SECONDS:
                return False
            self.delete(connection_id, sock)
        elif conversation_id:
            self.conversations.remove_socket(conversation_id, connection_id)
        elif agent_id:
            with Entity.batch_write() as batch:     # BatchWriteItem: the one delete call every role is granted
                batch.delete(AgentConnectionItem(key('AGENTCONN', agent_id), key('CONN', connection_id)))
        return True
