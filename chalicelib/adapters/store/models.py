"""PynamoDB models and keys: the table layout, known nowhere outside this package.

One table (infra/template.json: HandoffTable), items told apart by a discriminator:

  pk                      sk                  item
  AGENT#{agent}           META                agent: name, settings (JSON), version
  AGENT#{agent}           KB                  knowledge base: entries map {entry_id: {question, answer, ...}}
  CONV#{conv}             META                conversation: seq, handoff, status, visitor, connections set
  CONV#{conv}             MSG#{seq:012d}      message
  CONV#{conv}             CMID#{sender key}   idempotency record: client message id -> seq (TTL)
  CONV#{conv}             HANDOFF#{seq}#{id}  one stored transition of a handoff (who, when, reason)
  CONN#{connection}       META                socket: kind, conversation or operator + agents (TTL)
  AGENTCONN#{agent}       CONN#{connection}   operator socket listening to an agent (TTL)
  TOKEN#{sha256(token)}   META                operator: id, name, agents, roles {agent: role}, optional expiry
                                              (the token is never stored)
  OPERATOR#{operator}     TOKEN               which token hash belongs to an operator (for revoking)
  AGENTOP#{agent}         OP#{operator}       team membership: name, role, created_at, token hash (one Query
                                              lists an agent's team)
  RATE#{sha256(address)}  {what}#{window}     requests from one source address in one fixed window (TTL)
  NOTIFY#{event id}       {channel}           a notification already delivered (TTL)
  AGENT#{agent}           SECRET#{kind}       identity or webhook secret: current, previous + grace end (never
                                              returned by the settings routes)
  TICKET#{sha256(ticket)} META                a socket ticket: the operator's token hash, single use (TTL ~60 s)
  WAITS#{agent}           {hour, UTC}         time-to-acknowledge in that hour: total seconds + count (one ADD per
                                              acknowledge; the newest few give a waiting visitor's ETA; TTL 30 d)
  ROUTE#{agent}           OP#{operator}       team routing: open handoffs held (counter, capacity-conditional),
                                              last offer time (round robin), away flag (one Query per agent)
  CONV#{conv}             READ#{operator}     an operator's read position in the conversation: seq, at (only grows;
                                              expires with the conversation's retention)
  AGENT#{agent}           REPLIES             saved replies: map {reply_id: {title, shortcut, text, ...}}, version
  CONV#{conv}             OUTBOX#{event id}   an event to deliver that has no transition record to ride on
                                              (a reply to email to an offline visitor); emptied once delivered
  (outbox)                                    HANDOFF# and OUTBOX# items waiting for delivery carry
                                              gsi1pk = OUTBOX, gsi1sk = when written (or retried) and `outbox`
                                              (the event): the sweeper's Query finds what SQS never delivered
  STATS#{agent}           DAY#{date}[#part]   analytics counters of one local day: '' handoffs, '#BOT' the bot's
                                              side, '#OP#{operator}' one operator (stats.py; flat ADD counters)
  NOTIFY#{event id}       analytics           the event was counted in analytics (TTL)
  SUGGEST#{agent}         GROUP#{group}       a knowledge-gap suggestion group (adapters/store/suggestions.py):
                                              question, draft answer, examples, times, handoff ids; TTL 30 days
                                              after its last occurrence
  CONV#{conv}             MAILRATE#{window}   transcript emails to the visitor in one fixed window (TTL)

GSI `inbox`: gsi1pk = INBOX#{agent}#{status}, gsi1sk = when the conversation entered that status
(pending: when it was requested); only conversations carry it. Every request path is a key read,
a query or a conditional write; nothing scans.
"""
import hashlib
import os

from pynamodb.attributes import (BooleanAttribute, DiscriminatorAttribute, JSONAttribute, ListAttribute, MapAttribute,
                                 NumberAttribute, TTLAttribute, UnicodeAttribute, UnicodeSetAttribute)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

REGION = os.environ.get('AWS_REGION') or os.environ.get('AWS_DEFAULT_REGION') or 'us-east-1'
SEQ_WIDTH = 12
MAX_SEQ = 10 ** SEQ_WIDTH - 1


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


class AgentItem(Entity, discriminator='agent'):
    name = UnicodeAttribute()
    settings = JSONAttribute(default=dict)
    version = NumberAttribute(default=1)


class KnowledgeItem(Entity, discriminator='kb'):
    entries = MapAttribute(default=dict)

    def as_dict(self):
        """{entry_id: {'question', 'answer', ...}} as plain dicts."""
        raw = self.entries.as_dict() if isinstance(self.entries, MapAttribute) else (self.entries or {})
        return {k: dict(v.as_dict() if isinstance(v, MapAttribute) else v) for k, v in raw.items()}


class ConversationItem(Entity, discriminator='conv'):
    agent_id = UnicodeAttribute()
    visitor_id = UnicodeAttribute()
    visitor = JSONAttribute(default=dict)
    seq = NumberAttribute(default=0)
    status = UnicodeAttribute(default='bot')
    handoff = JSONAttribute(null=True)
    handoff_count = NumberAttribute(default=0)
    bot_misses = NumberAttribute(default=0)
    last_message = JSONAttribute(null=True)
    recent = JSONAttribute(null=True)
    connections = UnicodeSetAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    bucket = JSONAttribute(null=True)             # the visitor's message token bucket [tokens, epoch seconds]
    retention_days = NumberAttribute(null=True)   # the agent's retention, copied when the session starts
    visitor_at = UnicodeAttribute(null=True)      # the visitor's last message (inactivity timers)
    holder = UnicodeAttribute(null=True)          # who holds the open handoff (owner / offered to): a condition
    visible_seq = NumberAttribute(null=True)      # the last seq a visitor may see (notes excluded); absent: seq
    visitor_read = NumberAttribute(null=True)     # how far the visitor has read (seq; only grows, no seq bump)


class MessageItem(Entity, discriminator='msg'):
    seq = NumberAttribute()
    role = UnicodeAttribute()
    text = UnicodeAttribute()
    author = UnicodeAttribute(null=True)
    author_id = UnicodeAttribute(null=True)
    client_message_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    meta = JSONAttribute(null=True)
    # The messages stored right after this one in the same write (seq + 1, + 2 …), when all of them are small:
    # a visitor's question and the bot's answer are one item, one write unit, instead of two.
    more = JSONAttribute(null=True)
    prev_seq = NumberAttribute(null=True)         # the previous visitor-visible seq (domain.notes); none on notes

    def to_dicts(self):
        """The stored records, this one and the ones packed with it (protocol.public_message shapes them)."""
        first = {'seq': self.seq, 'role': self.role, 'text': self.text, 'author': self.author,
                 'author_id': self.author_id, 'created_at': self.created_at,
                 'client_message_id': self.client_message_id, 'meta': self.meta}
        if self.prev_seq is not None:
            first['prev_seq'] = int(self.prev_seq)
        return [first] + list(self.more or ())


class DedupeItem(Entity, discriminator='cmid'):
    seq = NumberAttribute()


class HandoffEventItem(Entity, discriminator='handoff_event'):
    event = JSONAttribute()
    outbox = JSONAttribute(null=True)            # the status event, until every channel has it (outbox.py)
    outbox_tries = NumberAttribute(null=True)


class ConnectionItem(Entity, discriminator='conn'):
    role = UnicodeAttribute()                 # 'visitor' | 'operator'
    conversation_id = UnicodeAttribute(null=True)
    agent_ids = ListAttribute(of=UnicodeAttribute, default=list)
    operator_id = UnicodeAttribute(null=True)
    operator_name = UnicodeAttribute(null=True)
    visitor_id = UnicodeAttribute(null=True)
    connected_at = NumberAttribute(null=True)     # epoch seconds
    ack_messages = BooleanAttribute(null=True)    # the client takes its turn's other messages inside the ack


class AgentConnectionItem(Entity, discriminator='agentconn'):
    operator_id = UnicodeAttribute()
    viewing = UnicodeAttribute(null=True)         # the conversation this dashboard has open, if any


class OperatorItem(Entity, discriminator='operator'):
    operator_id = UnicodeAttribute()
    name = UnicodeAttribute()
    agent_ids = ListAttribute(of=UnicodeAttribute, default=list)
    roles = JSONAttribute(null=True)              # {agent_id: 'admin' | 'operator'}; absent: operator
    created_at = UnicodeAttribute(null=True)


class MembershipItem(Entity, discriminator='membership'):
    operator_id = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    token_hash = UnicodeAttribute()
    created_at = UnicodeAttribute(null=True)


class RateItem(Entity, discriminator='rate'):
    count = NumberAttribute(default=0)


class OperatorTokenItem(Entity, discriminator='operator_token'):
    token_hash = UnicodeAttribute()


class NotifiedItem(Entity, discriminator='notified'):
    lease_until = NumberAttribute(null=True)        # claimed by a delivery until then (epoch s); absent: delivered


class SecretItem(Entity, discriminator='secret'):
    current = UnicodeAttribute()
    created_at = UnicodeAttribute()
    previous = UnicodeAttribute(null=True)
    previous_until = NumberAttribute(null=True)     # epoch seconds
    version = NumberAttribute(default=1)


class TicketItem(Entity, discriminator='ticket'):
    token_hash = UnicodeAttribute()
    used_at = NumberAttribute(null=True)            # set by the one connect that redeems it


class WaitBucketItem(Entity, discriminator='waits'):
    total = NumberAttribute(default=0)              # seconds from request to acknowledge, summed
    count = NumberAttribute(default=0)
class RoutingItem(Entity, discriminator='route'):
    open = NumberAttribute(null=True)               # handoffs held: offered to (pending) or owned (acknowledged)
    last_offered_at = UnicodeAttribute(null=True)   # round robin: longest without an offer goes next
    away = BooleanAttribute(null=True)              # set by the operator's own toggle
class ReadItem(Entity, discriminator='read'):
    seq = NumberAttribute()
    at = UnicodeAttribute(null=True)


class SavedRepliesItem(Entity, discriminator='saved_replies'):
    replies = JSONAttribute(default=dict)           # {reply_id: {title, shortcut, text, created_at, updated_at}}
    version = NumberAttribute(default=0)
class StatsItem(Entity, discriminator='stats'):
    """Analytics counters (adapters/store/stats.py writes them with the low-level client: names are data)."""


def key(prefix, value):
    return '%s#%s' % (prefix, value)


def msg_sk(seq):
    return 'MSG#%0*d' % (SEQ_WIDTH, seq)


def inbox_pk(agent_id, status):
    return 'INBOX#%s#%s' % (agent_id, status)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def get(model, pk, sk):
    """Strongly consistent: a socket's first frame follows its $connect write by milliseconds, and an
    operator's reply follows their acknowledge; a stale read would refuse both."""
    try:
        return model.get(pk, sk, consistent_read=True)
    except model.DoesNotExist:
        return None


def condition_failed(exc):
    return getattr(exc, 'cause_response_code', None) == 'ConditionalCheckFailedException'


def shared_connection():
    """One botocore client for every model and for transactions: PynamoDB caches a connection per
    model class, and subclasses inherit the base's only if the base made it first."""
    return Entity._get_connection().connection


class OutboxItem(Entity, discriminator='outbox'):
    """An event to deliver that has no transition record to ride on (a reply to be emailed): outbox.py."""
    event = JSONAttribute(null=True)
    outbox_tries = NumberAttribute(null=True)
