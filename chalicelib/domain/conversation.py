"""The conversation aggregate: its sequence, its current handoff, its counters, and every decision
that changes them.

Each method returns a `Change` (the new messages, the new attribute values, the transition record,
the status event to publish) and writes nothing: the unit of work stores a Change in one
conditional transaction and, on a lost race, asks the re-read aggregate again.
"""
from dataclasses import dataclass, field
from typing import Callable, Optional

from chalicelib.domain import handoff as rules
from chalicelib.domain import routing
from chalicelib.domain import triggers
from chalicelib.domain.bot import BotAnswer, declined, detect_language
from chalicelib.domain.handoff import Actor, Handoff, HandoffError, Reason, Route
from chalicelib.domain.notices import notice

PREVIEW_CHARS = 120
# The visitor's last messages, kept for the "rephrasing again and again" trigger. Short, and only while no
# handoff is open: the conversation item is rewritten in every transaction, and past 1 KB each write costs double.
RECENT_TEXTS = 3
RECENT_CHARS = 80


@dataclass(frozen=True)
class Change:
    messages: tuple = ()
    updates: dict = field(default_factory=dict)      # attribute -> new value (None removes it)
    transition: Optional[dict] = None                 # the stored record of a handoff transition
    event: Optional[str] = None                       # 'handoff.requested' ... published after the commit
    route: Optional[Route] = None                     # for visitor turns: who answered
    previous: Optional[Handoff] = None                # the handoff before this change
    counters: tuple = ()                              # routing.Counter: operators' open counts, same transaction
    notify: tuple = ()                                # more events to deliver through the outbox (e.g. a reply by email)

    @property
    def noop(self):
        return not self.messages and not self.updates


def message(seq, role, text, now, client_message_id=None, author=None, author_id=None, meta=None):
    return {'seq': seq, 'role': role, 'text': text, 'author': author, 'author_id': author_id,
            'client_message_id': client_message_id, 'created_at': now, 'meta': meta}


def preview(m):
    return {'seq': m['seq'], 'role': m['role'], 'text': m['text'][:PREVIEW_CHARS], 'created_at': m['created_at']}


def transition_record(h, status, actor, reason, now):
    return {'handoff_id': h.id, 'status': status, 'at': now, 'by': actor.to_dict(), 'reason': reason}


@dataclass
class Conversation:
    id: str
    agent_id: str
    visitor_id: str
    visitor: dict = field(default_factory=dict)
    seq: int = 0
    handoff: Optional[Handoff] = None
    handoff_count: int = 0
    bot_misses: int = 0
    last_message: Optional[dict] = None
    connections: frozenset = frozenset()     # the visitor's open sockets
    created_at: str = ''
    updated_at: str = ''
    status_since: str = ''                   # when the conversation entered its inbox list
    recent: tuple = ()                       # the visitor's last few texts, newest last
    bucket: Optional[list] = None            # the visitor's message token bucket (domain.rate_limit), None: full
    retention_days: Optional[int] = None     # the agent's retention: what is written expires this long after
    visitor_at: Optional[str] = None         # the visitor's last message (inactivity timers read it)
    visible_seq: Optional[int] = None        # the last seq a visitor may see (domain.notes); None: seq (no notes yet)
    visitor_read: Optional[int] = None       # how far the visitor has read (the widget's `read`)

    @property
    def status(self):
        """What the inbox shows: the latest handoff's status, or 'bot' if there never was one."""
        return self.handoff.status.value if self.handoff else 'bot'

    @property
    def open_handoff(self):
        return self.handoff if self.handoff is not None and self.handoff.is_open else None

    # ---- decisions ------------------------------------------------------------------------------

    def visitor_turn(self, text, client_message_id, explicit, settings, answer: Callable[[str], BotAnswer],
                     operators_online: Callable[[], bool], now, new_handoff_id, limit=None, epoch=None,
                     detect=None) -> Change:
        """A visitor's message (`explicit`: the "talk to a person" button, `text` its optional note):
        the message, then the bot's answer, or a new handoff, or nothing more while a human has it.
        `limit` (a rate_limit.TokenBucket) refuses a flood with RateLimited before the bot or anyone works."""
        current = self.handoff
        seq, messages, updates = self.seq, [], {'updated_at': now}
        if limit is not None:
            updates['bucket'] = limit.take(self.bucket, epoch)
        if settings.get('retention_days') and settings['retention_days'] != self.retention_days:
            updates['retention_days'] = settings['retention_days']      # a changed retention applies from now on
        if text is not None:
            seq += 1
            messages.append(message(seq, 'visitor', text, now, client_message_id=client_message_id))
            updates['visitor_at'] = now
            if not self.open_handoff:
                updates['recent'] = (tuple(self.recent) + (text[:RECENT_CHARS],))[-RECENT_TEXTS:]
        if explicit:
            if self.open_handoff:
                raise HandoffError('handoff_already_open', 'a person has already been asked for',
                                   handoff=current.to_dict())
            reason = Reason('visitor_request', 'pressed "talk to a person"')
        else:
            # Rephrasing only counts while the bot is missing: a visitor asking again after good answers is fine.
            reason = None if self.open_handoff else (detect or _detect)(
                text, self.visitor, settings['triggers'], self.handoff_count,
                tuple(self.recent) if self.bot_misses else ())
        route = rules.route(current, settings['allow_human_handoff'], reason)
        if route == Route.BOT and text is not None:
            reply = answer(text)
            misses = 0 if reply.understood(settings['confidence_threshold']) else self.bot_misses + 1
            seq += 1
            messages.append(message(seq, 'bot', reply.text, now, meta=bot_meta(reply)))
            updates['bot_misses'] = misses
            reason = triggers.after_bot_miss(misses, settings['triggers'])
            if reason and settings['allow_human_handoff']:
                route = Route.HANDOFF
        elif route == Route.DECLINE:
            seq += 1
            # In the visitor's language when the message says which (the button alone: English).
            messages.append(message(seq, 'bot', declined(detect_language(text) if text else None), now,
                                    meta={'event': 'handoff.declined',
                                                                        'reason': reason.to_dict()}))
        transition, event = None, None
        if route == Route.HANDOFF:
            opened = rules.open_handoff(current, new_handoff_id, reason, now)
            kind = 'handoff.requested' if reason.code == 'visitor_request' else 'handoff.requested.detected'
            if not operators_online():
                kind = 'handoff.requested.offline'   # say so, rather than leave the visitor waiting
            seq += 1
            messages.append(message(seq, 'system', notice(kind), now, meta={
                'event': 'handoff.requested', 'handoff_id': opened.id, 'reason': reason.to_dict()}))
            updates.update(handoff=opened, status_since=opened.requested_at, handoff_count=self.handoff_count + 1,
                           bot_misses=0, recent=())
            transition = transition_record(opened, 'requested', Actor('visitor', self.visitor_id),
                                           reason.to_dict(), now)
            event = 'handoff.requested'
        if messages:
            updates['last_message'] = preview(messages[-1] if messages[-1]['role'] != 'system' else messages[0])
        return Change(tuple(messages), updates, transition, event, route, current)

    def transition(self, action, actor: Actor, now, note=None) -> Change:
        """acknowledge / resolve / cancel, with a system notice in the transcript. A repeated acknowledge
        by the owner changes nothing (an empty Change)."""
        current = self.handoff
        if action == 'acknowledge' and current and current.status == rules.Status.ACKNOWLEDGED \
                and current.owner_id == actor.id:
            return Change(previous=current)
        new = rules.apply(current, action, actor, now)
        event = 'handoff.' + new.status.value
        meta = {'event': event, 'handoff_id': new.id, 'by': actor.to_dict()}
        if note:
            meta['note'] = note
        msg = message(self.seq + 1, 'system', notice(event, actor.name), now, meta=meta)
        record = transition_record(new, new.status.value, actor, {'note': note} if note else None, now)
        updates = {'handoff': new, 'status_since': now, 'last_message': preview(msg), 'updated_at': now}
        return Change((msg,), updates, record, event, previous=current,
                      counters=routing.load_moves(self.agent_id, current, new))

    def reply(self, operator_id, operator_name, text, client_message_id, now) -> Change:
        """An operator's message to the visitor: only the owner of an acknowledged handoff writes."""
        rules.check_can_reply(self.handoff, operator_id)
        msg = message(self.seq + 1, 'human', text, now, client_message_id=client_message_id,
                      author=operator_name, author_id=operator_id)
        return Change((msg,), {'last_message': preview(msg), 'updated_at': now})

    def check_operator_may_type(self, operator_id):
        """Typing reaches the visitor: the same rule as a reply."""
        rules.check_can_reply(self.handoff, operator_id)

    # ---- after the commit ---------------------------------------------------------------------

    def apply(self, change: Change):
        """The state the store now holds: called by the unit of work once the transaction succeeded."""
        self.seq += len(change.messages)
        for name, value in change.updates.items():
            setattr(self, name, value)

    def status_event(self, name):
        """The notification of a stored status change; its id makes redelivery harmless."""
        h = self.handoff
        event_id = '%s:%s:%s' % (h.id, h.status.value, self.seq)
        if name not in ('handoff.requested', 'handoff.' + h.status.value):
            # Not a status change (offered, transferred ...): an offer writes no message, so seq alone repeats.
            event_id += ':%s:%s' % (name.rsplit('.', 1)[-1], h.updated_at)
        return {'event_id': event_id, 'event': name, 'agent_id': self.agent_id,
                'conversation_id': self.id, 'handoff': h.to_dict(), 'at': h.updated_at}


def _detect(text, visitor, switches, previous_handoffs, recent):
    return triggers.detect(text, visitor, switches, previous_handoffs, recent=recent)


def bot_meta(answer: BotAnswer):
    """What operators see of a bot answer: its confidence and the entry used."""
    meta = {'confidence': answer.confidence, 'entry_id': answer.entry_id}
    extra = getattr(answer, 'meta', None)
    meta.update(extra() if callable(extra) else extra if isinstance(extra, dict) else {})
    return meta
