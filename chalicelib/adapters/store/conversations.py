"""Conversations, their messages, idempotency records and transition history."""
import json
import time
from datetime import timedelta

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import size
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.store import agents, routing
from chalicelib.adapters.store import outbox as outboxes
from chalicelib.adapters.store.models import (MAX_SEQ, AgentItem, ConnectionItem, ConversationItem, DedupeItem,
                                              Entity, HandoffEventItem, KnowledgeItem, MessageItem, condition_failed,
                                              get, inbox_pk, key, msg_sk)
from chalicelib.domain import notes
from chalicelib.domain.conversation import Conversation
from chalicelib.domain.handoff import Handoff
from chalicelib.domain.rate_limit import RateLimited

DEDUPE_TTL = 7 * 24 * 3600
MAX_SOCKETS = 20          # a visitor's open sockets (tabs); more is a connect flood, refused
# A lost race, as opposed to a request DynamoDB refused for what it is (validation, size, throttling).
_RACE = {'ConditionalCheckFailed', 'TransactionConflict'}


PACK_BYTES = 900           # messages of one write share an item while together they stay under 1 KB


def _packs(messages):
    """A write's messages in items: consecutive ones together while small (one write unit, not one each)."""
    packs, size = [], PACK_BYTES
    for m in messages:
        n = len(json.dumps(m, separators=(',', ':')).encode('utf-8'))
        if packs and size + n <= PACK_BYTES:
            packs[-1].append(m)
            size += n
        else:
            packs.append([m])
            size = n
    return packs


def _outbox_pointers(events, change, new_seq):
    """Each event to store gets its pointer: the first rides on the transition record when there is one."""
    out = []
    for i, event in enumerate(events or ()):
        if i == 0 and change.transition:
            event['_outbox'] = _transition_sk(change, new_seq)
        else:
            event['_outbox'] = 'OUTBOX#' + event['event_id']
        out.append(event)
    return out


def _transition_sk(change, new_seq):
    sk = 'HANDOFF#%012d#%s' % (new_seq, change.transition['handoff_id'])
    if change.transition.get('status') == 'escalated':    # may store no message: a key of its own
        sk += '#step%s' % change.transition['reason']['step']
    return sk


def _when(event, change):
    return event.get('at') or change.updates.get('updated_at') or ''


class ConflictError(Exception):
    """A conditional write lost a race; the caller re-reads and retries or reports a conflict."""


def _domain(item):
    if item is None:
        return None
    return Conversation(
        id=item.pk.split('#', 1)[1], agent_id=item.agent_id, visitor_id=item.visitor_id,
        visitor=dict(item.visitor or {}), seq=int(item.seq), handoff=Handoff.from_dict(item.handoff),
        handoff_count=int(item.handoff_count or 0), bot_misses=int(item.bot_misses or 0),
        last_message=item.last_message, connections=frozenset(item.connections or ()),
        created_at=item.created_at, updated_at=item.updated_at, status_since=item.gsi1sk or item.created_at,
        recent=tuple(item.recent or ()), bucket=item.bucket,
        retention_days=int(item.retention_days) if item.retention_days else None,
        visitor_at=item.visitor_at,
        visible_seq=int(item.visible_seq) if item.visible_seq is not None else None,
        visitor_read=int(item.visitor_read) if item.visitor_read is not None else None)


def _actions(conv, updates):
    """Domain attribute changes → update actions; a new handoff also moves the conversation between
    inbox lists (its index keys change only here)."""
    actions = []
    for name, value in updates.items():
        if name == 'handoff':
            actions += [ConversationItem.handoff.set(value.to_dict()), ConversationItem.status.set(value.status.value),
                        ConversationItem.gsi1pk.set(inbox_pk(conv.agent_id, value.status.value))]
            actions.append(routing.holder_action(value))
        elif name == 'status_since':
            actions.append(ConversationItem.gsi1sk.set(value))
        elif name == 'recent':
            actions.append(ConversationItem.recent.set(list(value)) if value else ConversationItem.recent.remove())
        else:
            attr = getattr(ConversationItem, name)
            actions.append(attr.remove() if value is None else attr.set(value))
    return actions


class Conversations:
    def __init__(self, connection):
        self.connection = connection

    def get(self, conversation_id):
        return _domain(get(ConversationItem, key('CONV', conversation_id), 'META'))

    def load_turn(self, conversation_id, agent_id, dedupe_key=None):
        """Conversation, agent and knowledge base in ONE BatchGetItem: the bot's whole read. With
        `dedupe_key`, the same request also says whether that message is stored already: a 4th value,
        its seq or None (a refused retry is then answered as a duplicate at no extra request)."""
        keys = [(key('CONV', conversation_id), 'META'), (key('AGENT', agent_id), 'META'),
                (key('AGENT', agent_id), 'KB')]
        if dedupe_key:
            keys.append((key('CONV', conversation_id), 'CMID#' + dedupe_key))
        items = Entity.batch_get(keys, consistent_read=True)
        found = {type(i): i for i in items}
        loaded = (_domain(found.get(ConversationItem)), agents.agent_from_item(found.get(AgentItem)),
                  agents.entries_from_item(found.get(KnowledgeItem)))
        if not dedupe_key:
            return loaded
        return loaded + ((int(found[DedupeItem].seq) if DedupeItem in found else None),)

    def ensure(self, conversation_id, agent_id, visitor_id, visitor, now, retention_days=None, trusted=True):
        """Create the conversation if new (keeping seq and handoff if not); refresh visitor details and
        the agent's retention (the conversation expires `retention_days` after its last write). Visitor
        details not `trusted` (an unverified visitor's) are kept only if none are stored yet.
        PynamoDB's update returns the whole item (ALL_NEW): no read after it."""
        item = ConversationItem(key('CONV', conversation_id), 'META')
        c = ConversationItem
        actions = [c.kind.set(ConversationItem), c.agent_id.set(agent_id), c.visitor_id.set(visitor_id),
                   c.seq.set(c.seq | 0), c.status.set(c.status | 'bot'), c.handoff_count.set(c.handoff_count | 0),
                   c.bot_misses.set(c.bot_misses | 0), c.created_at.set(c.created_at | now),
                   c.updated_at.set(c.updated_at | now), c.gsi1pk.set(c.gsi1pk | inbox_pk(agent_id, 'bot')),
                   c.gsi1sk.set(c.gsi1sk | now)]
        if visitor:
            # Untrusted (unverified) details are written once, never changed by a later session.
            actions.append(c.visitor.set(visitor if trusted else c.visitor | visitor))
        if retention_days:
            actions += [c.retention_days.set(retention_days), c.expires_at.set(timedelta(days=retention_days))]
        item.update(actions=actions)
        return _domain(item)

    def commit(self, conv, change, dedupe_key=None, outbox=()):
        """Store a Change in ONE transaction, held only if the conversation's `seq` is still what we read:
        every state change bumps it, so two writers never interleave (no gaps, no double acknowledge).
        A lost race raises ConflictError; any other refusal surfaces as what it is.
        `outbox`: the events this change must notify, stored in the same transaction (store/outbox.py); each
        gets `_outbox`, its item's sort key, for the consumer to clear once delivered."""
        pk = key('CONV', conv.id)
        new_seq = conv.seq + len(change.messages)
        # Retention (the agent's, copied on the conversation): everything written here expires N days from now.
        days = change.updates.get('retention_days') or conv.retention_days
        keep = {'expires_at': timedelta(days=days)} if days else {}
        # Each visitor-visible message names the previous one (prev_seq): the visitor's client moves past
        # the numbers notes took (domain.notes). Stamped here so that every writer gets it.
        visible = notes.chain(change.messages, conv.seq if conv.visible_seq is None else conv.visible_seq)
        try:
            with TransactWrite(connection=self.connection) as tx:
                for first, *rest in _packs(change.messages):
                    tx.save(MessageItem(pk, msg_sk(first['seq']), **{k: v for k, v in first.items() if v is not None},
                                        more=rest or None, **keep), condition=MessageItem.pk.does_not_exist())
                if dedupe_key:
                    tx.save(DedupeItem(pk, 'CMID#' + dedupe_key, seq=conv.seq + 1,
                                       expires_at=timedelta(seconds=DEDUPE_TTL)),
                            condition=DedupeItem.pk.does_not_exist())
                carried = _outbox_pointers(outbox, change, new_seq)
                if change.transition:
                    sk = _transition_sk(change, new_seq)
                    extra = outboxes.transition_attrs(carried[0], _when(carried[0], change)) \
                        if carried and carried[0]['_outbox'] == sk else {}
                    tx.save(HandoffEventItem(pk, sk, event=change.transition, **extra, **keep),
                            condition=HandoffEventItem.pk.does_not_exist())
                for event in carried:
                    if event['_outbox'].startswith('OUTBOX#'):
                        tx.save(outboxes.extra_item(pk, event, _when(event, change), keep))
                expiry = [ConversationItem.expires_at.set(keep['expires_at'])] if keep else []
                expiry.append(ConversationItem.visible_seq.set(visible))
                tx.update(ConversationItem(pk, 'META'),
                          actions=[ConversationItem.seq.set(new_seq)] + _actions(conv, change.updates) + expiry,
                          condition=routing.commit_condition(conv, change))
                for counter in getattr(change, 'counters', ()):
                    routing.add_counter(tx, counter)
        except TransactWriteError as exc:
            codes = {getattr(r, 'code', None) for r in (exc.cancellation_reasons or []) if r is not None}
            codes.discard('None')
            if codes and codes <= _RACE:
                raise ConflictError(str(exc))
            raise
        conv.visible_seq = visible

    def dedupe_seq(self, conversation_id, dedupe_key):
        item = get(DedupeItem, key('CONV', conversation_id), 'CMID#' + dedupe_key)
        return int(item.seq) if item else None

    def messages(self, conversation_id, after=0, limit=100):
        """Up to `limit` messages after `after`, in order (strongly consistent: includes what was just acked).
        An item may hold several messages from its own seq on, so the read starts at the item keyed `after`
        (it may hold `after + 1`); `limit + 1` items always hold `limit` messages when there are that many."""
        items = MessageItem.query(key('CONV', conversation_id), MessageItem.sk.between(msg_sk(after), msg_sk(MAX_SEQ)),
                                  limit=limit + 1, consistent_read=True)
        return [m for item in items for m in item.to_dicts() if m['seq'] > after][:limit]

    def pages(self, conversation_id, after=0, page_size=200):
        """Every message after `after`, one page of `page_size` at a time: memory stays one page."""
        while True:
            page = self.messages(conversation_id, after, page_size)
            if page:
                yield page
            if len(page) < page_size:
                return
            after = page[-1]['seq']

    def transitions(self, conversation_id, limit=200):
        return [e.event for e in HandoffEventItem.query(key('CONV', conversation_id),
                                                         HandoffEventItem.sk.startswith('HANDOFF#'), limit=limit)]

    # ---- inbox -----------------------------------------------------------------------------------

    def inbox_ids(self, agent_id, status, limit, oldest_first):
        """Ids of the agent's conversations in `status`, ordered by when they entered it."""
        return [i.pk.split('#', 1)[1] for i in ConversationItem.inbox.query(
            inbox_pk(agent_id, status), scan_index_forward=oldest_first, limit=limit)]

    def count(self, agent_id, status):
        """Exact, at any size: a COUNT query reads only the keys-only index entries of that status."""
        return ConversationItem.inbox.count(inbox_pk(agent_id, status))

    def many(self, conversation_ids):
        """Conversations by id, in the order given (BatchGetItem, 100 keys a request)."""
        keys = [(key('CONV', c), 'META') for c in conversation_ids]
        found = {i.pk.split('#', 1)[1]: _domain(i) for i in ConversationItem.batch_get(keys)} if keys else {}
        return [found[c] for c in conversation_ids if c in found]

    # ---- the visitor's sockets, kept on the conversation so a bot-mode message needs no query -------

    def add_socket(self, conversation_id, connection_id):
        """List one more socket of the visitor; past MAX_SOCKETS (after forgetting listed sockets whose record
        is gone or expired) a connect flood is refused with RateLimited: the set stays small, and so do the
        conversation item and every fan-out to the visitor."""
        c = ConversationItem
        for attempt in range(2):
            try:
                ConversationItem(key('CONV', conversation_id), 'META').update(
                    actions=[c.connections.add({connection_id})],
                    condition=c.connections.does_not_exist() | (size(c.connections) < MAX_SOCKETS))
                return
            except UpdateError as exc:
                if not condition_failed(exc) or attempt:
                    if condition_failed(exc):
                        raise RateLimited(60, 'open sockets for this visitor')
                    raise
                self._forget_dead_sockets(conversation_id)

    def _forget_dead_sockets(self, conversation_id):
        """Only on the refusal path: one GetItem per listed socket (the connect role reads by key only)."""
        conv = self.get(conversation_id)
        now = time.time()
        dead = set()
        for connection_id in (conv.connections if conv else ()):
            sock = get(ConnectionItem, key('CONN', connection_id), 'META')
            if sock is None or (sock.expires_at is not None and sock.expires_at.timestamp() <= now):
                dead.add(connection_id)
        if dead:
            ConversationItem(key('CONV', conversation_id), 'META').update(
                actions=[ConversationItem.connections.delete(dead)])

    def remove_socket(self, conversation_id, connection_id):
        ConversationItem(key('CONV', conversation_id), 'META').update(
            actions=[ConversationItem.connections.delete({connection_id})])
