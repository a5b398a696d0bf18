"""PynamoDB models and the repository. The only module that knows the table layout.

One table (infra/template.json: HandoffTable), items told apart by a discriminator:

  pk                      sk                  item
  AGENT#{agent}           META                agent: name, settings (JSON), version
  AGENT#{agent}           KB                  knowledge base: entries map {entry_id: {question, answer}}
  CONV#{conv}             META                conversation: seq, handoff, status, visitor, connections set
  CONV#{conv}             MSG#{seq:012d}      message
  CONV#{conv}             CMID#{client id}    idempotency record: client message id -> seq (TTL)
  CONV#{conv}             HANDOFF#{seq}#{id}  one stored transition of a handoff (who, when, reason)
  CONN#{connection}       META                socket: kind, conversation or operator + agents (TTL)
  AGENTCONN#{agent}       CONN#{connection}   operator socket listening to an agent (TTL)
  TOKEN#{sha256(token)}   META                operator: id, name, agents (the token is never stored)
  NOTIFY#{event id}       {channel}           a notification already delivered (TTL)

GSI `inbox`: gsi1pk = INBOX#{agent}#{status}, gsi1sk = time; only conversations carry it.
Every request path is a key read, a query or a conditional write; nothing scans.
"""
import hashlib
import os
import time
import uuid
from datetime import timedelta

from pynamodb.attributes import (DiscriminatorAttribute, JSONAttribute, MapAttribute, NumberAttribute,
                                 TTLAttribute, UnicodeAttribute, UnicodeSetAttribute, ListAttribute)
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

REGION = os.environ.get('AWS_REGION') or os.environ.get('AWS_DEFAULT_REGION') or 'us-east-1'
SEQ_WIDTH = 12
DEDUPE_TTL = 7 * 24 * 3600
NOTIFY_TTL = 14 * 24 * 3600
# API Gateway answers 410 Gone for a socket whose upgrade is still in flight; a socket that connected
# this recently is not forgotten, or a live operator or visitor tab would silently stop receiving.
SOCKET_GRACE_SECONDS = 10


class ConflictError(Exception):
    """A conditional write lost a race; the caller re-reads and retries or reports a conflict."""


class _Meta:
    table_name = os.environ.get('TABLE_NAME', 'handoff-local')
    region = REGION


class InboxIndex(GlobalSecondaryIndex):
    """Keys (+ the discriminator) only: a message that does not move a conversation between inbox
    lists writes nothing to the index. Summaries are then read by key (BatchGetItem)."""
    class Meta:
        index_name = 'inbox'
        projection = IncludeProjection(['kind'])
    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Entity(Model):
    Meta = _Meta
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    expires_at = TTLAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    inbox = InboxIndex()


class Agent(Entity, discriminator='agent'):
    name = UnicodeAttribute()
    settings = JSONAttribute(default=dict)
    version = NumberAttribute(default=1)

    @property
    def agent_id(self):
        return self.pk.split('#', 1)[1]


class Knowledge(Entity, discriminator='kb'):
    entries = MapAttribute(default=dict)

    def as_dict(self):
        """{entry_id: {'question', 'answer'}} as plain dicts."""
        raw = self.entries.as_dict() if isinstance(self.entries, MapAttribute) else (self.entries or {})
        return {k: dict(v.as_dict() if isinstance(v, MapAttribute) else v) for k, v in raw.items()}


class Conversation(Entity, discriminator='conv'):
    agent_id = UnicodeAttribute()
    visitor_id = UnicodeAttribute()
    visitor = JSONAttribute(default=dict)
    seq = NumberAttribute(default=0)
    status = UnicodeAttribute(default='bot')
    handoff = JSONAttribute(null=True)
    handoff_count = NumberAttribute(default=0)
    bot_misses = NumberAttribute(default=0)
    last_message = JSONAttribute(null=True)
    connections = UnicodeSetAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    @property
    def conversation_id(self):
        return self.pk.split('#', 1)[1]


class Message(Entity, discriminator='msg'):
    seq = NumberAttribute()
    role = UnicodeAttribute()
    text = UnicodeAttribute()
    author = UnicodeAttribute(null=True)
    author_id = UnicodeAttribute(null=True)
    client_message_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    meta = JSONAttribute(null=True)

    def to_dict(self):
        """The stored record, as the service writes it (protocol.public_message shapes it for clients)."""
        return {'seq': self.seq, 'role': self.role, 'text': self.text, 'author': self.author,
                'author_id': self.author_id, 'created_at': self.created_at,
                'client_message_id': self.client_message_id, 'meta': self.meta}


class Dedupe(Entity, discriminator='cmid'):
    seq = NumberAttribute()


class HandoffEvent(Entity, discriminator='handoff_event'):
    event = JSONAttribute()


class Connection_(Entity, discriminator='conn'):
    role = UnicodeAttribute()                 # 'visitor' | 'operator'
    conversation_id = UnicodeAttribute(null=True)
    agent_ids = ListAttribute(of=UnicodeAttribute, default=list)
    operator_id = UnicodeAttribute(null=True)
    operator_name = UnicodeAttribute(null=True)
    visitor_id = UnicodeAttribute(null=True)
    connected_at = NumberAttribute(null=True)     # epoch seconds

    @property
    def connection_id(self):
        return self.pk.split('#', 1)[1]


class AgentConnection(Entity, discriminator='agentconn'):
    operator_id = UnicodeAttribute()


class Operator(Entity, discriminator='operator'):
    operator_id = UnicodeAttribute()
    name = UnicodeAttribute()
    agent_ids = ListAttribute(of=UnicodeAttribute, default=list)


class Notified(Entity, discriminator='notified'):
    pass


def _k(prefix, value):
    return '%s#%s' % (prefix, value)


def msg_sk(seq):
    return 'MSG#%0*d' % (SEQ_WIDTH, seq)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _cond_failed(exc):
    return getattr(exc, 'cause_response_code', None) in ('ConditionalCheckFailedException',
                                                          'TransactionCanceledException')


class Repository:
    """Key reads, queries and conditional writes. Returns PynamoDB items; knows no business rule."""

    def __init__(self):
        # One botocore client for every model and for transactions: PynamoDB caches a connection per
        # model class, and subclasses inherit the base's only if the base made it first.
        self.connection = Entity._get_connection().connection

    # ---- agents and knowledge ----------------------------------------------------------------

    def get_agent(self, agent_id):
        return self._get(Agent, _k('AGENT', agent_id), 'META')

    def get_agents(self, agent_ids):
        keys = [(_k('AGENT', a), 'META') for a in agent_ids]
        return {a.agent_id: a for a in Entity.batch_get(keys)} if keys else {}

    def create_agent(self, agent_id, name, settings):
        agent = Agent(_k('AGENT', agent_id), 'META', name=name, settings=settings, version=1)
        agent.save()
        if self._get(Knowledge, _k('AGENT', agent_id), 'KB') is None:
            Knowledge(_k('AGENT', agent_id), 'KB', entries={}).save()
        return agent

    def save_settings(self, agent, settings, expected_version):
        """One explicit write, refused if someone saved in between (optimistic lock on `version`)."""
        try:
            agent.update(actions=[Agent.settings.set(settings), Agent.version.set(expected_version + 1)],
                         condition=(Agent.version == expected_version))
        except UpdateError as exc:
            if _cond_failed(exc):
                raise ConflictError('settings were changed by someone else')
            raise
        return agent

    def load_for_message(self, conversation_id, agent_id):
        """Conversation, agent and knowledge base in ONE BatchGetItem: the bot's whole read."""
        items = Entity.batch_get([(_k('CONV', conversation_id), 'META'), (_k('AGENT', agent_id), 'META'),
                                  (_k('AGENT', agent_id), 'KB')], consistent_read=True)
        found = {type(i): i for i in items}
        return found.get(Conversation), found.get(Agent), found.get(Knowledge)

    def knowledge(self, agent_id):
        return self._get(Knowledge, _k('AGENT', agent_id), 'KB')

    def put_knowledge(self, agent_id, entry_id, question, answer, must_exist):
        item = Knowledge(_k('AGENT', agent_id), 'KB')
        cond = Knowledge.entries[entry_id].exists() if must_exist else Knowledge.pk.exists()
        try:
            item.update(actions=[Knowledge.entries[entry_id].set({'question': question, 'answer': answer})],
                        condition=cond)
        except UpdateError as exc:
            if _cond_failed(exc):
                raise KeyError(entry_id)
            raise

    def delete_knowledge(self, agent_id, entry_id):
        item = Knowledge(_k('AGENT', agent_id), 'KB')
        try:
            item.update(actions=[Knowledge.entries[entry_id].remove()], condition=Knowledge.entries[entry_id].exists())
        except UpdateError as exc:
            if _cond_failed(exc):
                raise KeyError(entry_id)
            raise

    # ---- conversations and messages ------------------------------------------------------------

    def get_conversation(self, conversation_id):
        return self._get(Conversation, _k('CONV', conversation_id), 'META')

    def ensure_conversation(self, conversation_id, agent_id, visitor_id, visitor, now):
        """Create the conversation if new (keeping seq and handoff if not); refresh visitor details."""
        conv = Conversation(_k('CONV', conversation_id), 'META')
        actions = [Conversation.kind.set(Conversation),
                   Conversation.agent_id.set(agent_id), Conversation.visitor_id.set(visitor_id),
                   Conversation.seq.set(Conversation.seq | 0),
                   Conversation.status.set(Conversation.status | 'bot'),
                   Conversation.handoff_count.set(Conversation.handoff_count | 0),
                   Conversation.bot_misses.set(Conversation.bot_misses | 0),
                   Conversation.created_at.set(Conversation.created_at | now),
                   Conversation.updated_at.set(Conversation.updated_at | now),
                   Conversation.gsi1pk.set(Conversation.gsi1pk | 'INBOX#%s#bot' % agent_id),
                   Conversation.gsi1sk.set(Conversation.gsi1sk | now)]
        if visitor:
            actions.append(Conversation.visitor.set(visitor))
        conv.update(actions=actions)
        return conv

    def append(self, conv, messages, changes, dedupe=None, handoff_event=None):
        """Store messages and the conversation's new state in ONE transaction.

        The write holds only if the conversation's `seq` is still what we read: every state
        change bumps it, so two writers can never interleave (no gaps, no double acknowledge).
        Raises ConflictError on a lost race; the caller re-reads and decides again.
        """
        pk = conv.pk
        new_seq = conv.seq + len(messages)
        try:
            with TransactWrite(connection=self.connection) as tx:
                for m in messages:
                    tx.save(Message(pk, msg_sk(m['seq']), **{k: v for k, v in m.items() if v is not None}),
                            condition=Message.pk.does_not_exist())
                if dedupe:
                    cmid, seq = dedupe
                    tx.save(Dedupe(pk, 'CMID#' + cmid, seq=seq, expires_at=timedelta(seconds=DEDUPE_TTL)),
                            condition=Dedupe.pk.does_not_exist())
                if handoff_event:
                    tx.save(HandoffEvent(pk, 'HANDOFF#%012d#%s' % (new_seq, handoff_event['handoff_id']),
                                         event=handoff_event), condition=HandoffEvent.pk.does_not_exist())
                actions = [Conversation.seq.set(new_seq)]
                for name, value in changes.items():
                    attr = getattr(Conversation, name)
                    actions.append(attr.remove() if value is None else attr.set(value))
                tx.update(conv, actions=actions, condition=(Conversation.seq == conv.seq))
        except TransactWriteError as exc:
            raise ConflictError(str(exc))
        conv.seq = new_seq
        for name, value in changes.items():
            setattr(conv, name, value)
        return conv

    def get_dedupe(self, conversation_id, client_message_id):
        item = self._get(Dedupe, _k('CONV', conversation_id), 'CMID#' + client_message_id)
        return item.seq if item else None

    def messages(self, conversation_id, after=0, limit=100):
        items = Message.query(_k('CONV', conversation_id), Message.sk.between(msg_sk(after + 1), msg_sk(10 ** SEQ_WIDTH - 1)),
                              limit=limit, consistent_read=True)   # a replay must include what was just acked
        return [m.to_dict() for m in items]

    def handoff_events(self, conversation_id, limit=200):
        return [e.event for e in HandoffEvent.query(_k('CONV', conversation_id), HandoffEvent.sk.startswith('HANDOFF#'),
                                                     limit=limit)]

    def inbox_keys(self, agent_id, status, limit, oldest_first):
        return [(c.pk, c.sk) for c in Conversation.inbox.query('INBOX#%s#%s' % (agent_id, status),
                                                                 scan_index_forward=oldest_first, limit=limit)]

    def conversations(self, keys):
        """Conversations by key, in the order given (BatchGetItem, 100 keys a request)."""
        found = {(c.pk, c.sk): c for c in Conversation.batch_get(keys)} if keys else {}
        return [found[k] for k in keys if k in found]

    # ---- connections ---------------------------------------------------------------------------

    def put_visitor_connection(self, connection_id, conversation_id, agent_id, visitor_id, ttl_seconds):
        ttl = timedelta(seconds=ttl_seconds)
        Connection_(_k('CONN', connection_id), 'META', role='visitor', conversation_id=conversation_id,
                    agent_ids=[agent_id], visitor_id=visitor_id, expires_at=ttl, connected_at=int(time.time())).save()
        Conversation(_k('CONV', conversation_id), 'META').update(
            actions=[Conversation.connections.add({connection_id})])

    def put_operator_connection(self, connection_id, operator, ttl_seconds):
        ttl = timedelta(seconds=ttl_seconds)
        with Entity.batch_write() as batch:
            batch.save(Connection_(_k('CONN', connection_id), 'META', role='operator', agent_ids=operator.agent_ids,
                                   operator_id=operator.operator_id, operator_name=operator.name, expires_at=ttl,
                                   connected_at=int(time.time())))
            for agent_id in operator.agent_ids:
                batch.save(AgentConnection(_k('AGENTCONN', agent_id), _k('CONN', connection_id),
                                           operator_id=operator.operator_id, expires_at=ttl))

    def get_connection(self, connection_id):
        return self._get(Connection_, _k('CONN', connection_id), 'META')

    def operator_connections(self, agent_id):
        now = int(time.time())
        return [c.sk.split('#', 1)[1] for c in AgentConnection.query(_k('AGENTCONN', agent_id))
                if c.expires_at is None or c.expires_at.timestamp() > now]

    def delete_connection(self, connection_id, conn=None):
        """Forget a socket everywhere it is indexed. Safe to call twice."""
        conn = conn or self.get_connection(connection_id)
        if conn is None:
            return
        if conn.role == 'visitor' and conn.conversation_id:
            self.forget_visitor_socket(conn.conversation_id, connection_id)
        with Entity.batch_write() as batch:
            batch.delete(Connection_(_k('CONN', connection_id), 'META'))
            if conn.role == 'operator':
                for agent_id in conn.agent_ids:
                    batch.delete(AgentConnection(_k('AGENTCONN', agent_id), _k('CONN', connection_id)))

    def forget_gone_connection(self, connection_id, conversation_id=None, agent_id=None):
        """Forget a socket API Gateway called gone, unless it connected less than SOCKET_GRACE_SECONDS
        ago (still mid-upgrade). Without its record (TTL), clean the index it was found through."""
        conn = self.get_connection(connection_id)
        if conn is not None:
            if conn.connected_at and conn.connected_at > time.time() - SOCKET_GRACE_SECONDS:
                return False
            self.delete_connection(connection_id, conn)
        elif conversation_id:
            self.forget_visitor_socket(conversation_id, connection_id)
        elif agent_id:
            with Entity.batch_write() as batch:     # BatchWriteItem: the one delete call every role is granted
                batch.delete(AgentConnection(_k('AGENTCONN', agent_id), _k('CONN', connection_id)))
        return True

    def forget_visitor_socket(self, conversation_id, connection_id):
        Conversation(_k('CONV', conversation_id), 'META').update(
            actions=[Conversation.connections.delete({connection_id})])

    # ---- operators -----------------------------------------------------------------------------

    def create_operator(self, name, agent_ids, token=None):
        token = token or 'op_' + uuid.uuid4().hex + uuid.uuid4().hex
        Operator(_k('TOKEN', hash_token(token)), 'META', operator_id='op-' + uuid.uuid4().hex[:10], name=name,
                 agent_ids=list(agent_ids)).save()
        return token

    def operator_by_token(self, token):
        return self._get(Operator, _k('TOKEN', hash_token(token)), 'META')

    # ---- notification idempotency ----------------------------------------------------------------

    def was_notified(self, event_id, channel):
        return self._get(Notified, _k('NOTIFY', event_id), channel) is not None

    def mark_notified(self, event_id, channel):
        Notified(_k('NOTIFY', event_id), channel, expires_at=timedelta(seconds=NOTIFY_TTL)).save()

    # ---- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _get(model, pk, sk):
        # Strongly consistent: a socket's first frame follows its $connect write by milliseconds, and an
        # operator's reply follows their acknowledge; a stale read would refuse both.
        try:
            return model.get(pk, sk, consistent_read=True)
        except model.DoesNotExist:
            return None
