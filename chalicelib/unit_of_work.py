"""One unit of work for every write to a conversation.

read → decide (the domain returns a Change) → one conditional transaction → on a lost race, read
again and decide again. A retry the store already holds (same idempotency key) is answered as the
first time, whatever changed since. A stored status change is published right after the commit,
before anything is posted to a socket.
"""
import copy
import logging
from dataclasses import dataclass
from typing import Optional

from chalicelib.adapters.store import ConflictError
from chalicelib.domain.conversation import Change
from chalicelib.domain.handoff import HandoffError
from chalicelib.errors import conflict

logger = logging.getLogger(__name__)
ATTEMPTS = 6


@dataclass
class Outcome:
    conversation: object
    change: Optional[Change] = None
    duplicate_seq: Optional[int] = None       # set when this was a retry of something already stored
    extra: tuple = ()                         # whatever else load() returned (agent, knowledge ...)

    @property
    def duplicate(self):
        return self.duplicate_seq is not None


class UnitOfWork:
    def __init__(self, conversations, notifier, attempts=ATTEMPTS):
        self.conversations = conversations
        self.notifier = notifier
        self.attempts = attempts

    def run(self, load, decide, dedupe_key=None, first=None, stored_seq=None):
        """`load()` → (conversation, *extra); `decide(conversation, *extra)` → Change.
        `first` is an already-read state for the first attempt (saves a read). `stored_seq()`, when the load
        also read the idempotency record, is the seq already stored under `dedupe_key` (or None): a retry is
        then answered before anything is decided — also one the rules would now refuse (rate limit, state)."""
        state = first
        for _ in range(self.attempts):
            state = state or load()
            conv = state[0]
            seq = stored_seq() if stored_seq else None
            if seq is not None:
                return Outcome(conv, None, seq, tuple(state[1:]))
            try:
                change = decide(*state)
                events = outbox_events(conv, change)
                if not change.noop:
                    self.conversations.commit(conv, change, dedupe_key, outbox=events)
                break
            except (ConflictError, HandoffError) as err:
                if dedupe_key:
                    seq = self.conversations.dedupe_seq(conv.id, dedupe_key)
                    if seq is not None:
                        return Outcome(conv, None, seq, tuple(state[1:]))
                if isinstance(err, HandoffError):
                    raise
                state = None
        else:
            raise conflict('the conversation is busy; retry')
        conv.apply(change)
        for event in events:        # stored with the change (the outbox): a failed publish is swept up later
            self.publish(event)
        return Outcome(conv, change, None, tuple(state[1:]))

    def publish(self, event):
        try:
            self.notifier.publish(event)
        except Exception:   # stored and pushed live already; a lost notification must not fail the action
            logger.exception('could not publish %s', event['event_id'])


def outbox_events(conv, change):
    """The events a change must notify, computed before the commit so the same transaction stores them:
    the status event (as `conv.status_event` will give it once the change applies), then the change's own."""
    events = [dict(e) for e in change.notify]
    if change.event:
        after = copy.copy(conv)
        after.apply(change)
        events.insert(0, after.status_event(change.event))
    return events
