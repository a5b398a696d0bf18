"""The handoff state machine and the routing rule "who answers this visitor: bot or human?".

Pure domain code: no AWS, no I/O. The store enforces the same preconditions with
conditional writes, so a race between two Lambdas cannot break what this module allows.
"""
from dataclasses import dataclass, replace
from enum import Enum
from typing import Optional

from chalicelib.errors import AppError


class Status(str, Enum):
    PENDING = 'pending'
    ACKNOWLEDGED = 'acknowledged'
    RESOLVED = 'resolved'
    CANCELLED = 'cancelled'


OPEN = frozenset({Status.PENDING, Status.ACKNOWLEDGED})

# action -> (statuses it may start from, status it leads to)
TRANSITIONS = {
    'acknowledge': (frozenset({Status.PENDING}), Status.ACKNOWLEDGED),
    'resolve': (frozenset({Status.ACKNOWLEDGED}), Status.RESOLVED),
    'cancel': (frozenset({Status.PENDING, Status.ACKNOWLEDGED}), Status.CANCELLED),
}



class HandoffError(AppError):
    """A rule of the lifecycle was broken (409 unless said otherwise)."""
    status = 409


@dataclass(frozen=True)
class Reason:
    code: str
    detail: str = ''

    def to_dict(self):
        return {'code': self.code, 'detail': self.detail}


@dataclass(frozen=True)
class Actor:
    """Who caused a transition: an operator (id + display name), the visitor, or the system."""
    kind: str                     # 'operator' | 'visitor' | 'system'
    id: Optional[str] = None
    name: Optional[str] = None

    def to_dict(self):
        return {'kind': self.kind, 'id': self.id, 'name': self.name}


@dataclass(frozen=True)
class Handoff:
    id: str
    status: Status
    reason: Reason
    requested_at: str
    updated_at: str
    owner_id: Optional[str] = None
    owner_name: Optional[str] = None
    escalation_step: int = 0               # the last escalation ladder step taken while Pending (0: none)
    warned_at: Optional[str] = None        # when the visitor was last asked "are you still there?"
    assignee_id: Optional[str] = None      # auto-assignment: the operator a pending handoff is offered to
    assignee_name: Optional[str] = None
    offered_at: Optional[str] = None
    contact: Optional[dict] = None      # offline request: {'email': ...}, the reply goes there by email (H4)
    csat: Optional[dict] = None     # the visitor's rating once resolved: {score, comment, at} (domain.csat)

    @property
    def is_open(self):
        return self.status in OPEN

    def to_dict(self):
        owner = {'id': self.owner_id, 'name': self.owner_name} if self.owner_id else None
        d = {'id': self.id, 'status': self.status.value, 'reason': self.reason.to_dict(),
             'owner': owner, 'requested_at': self.requested_at, 'updated_at': self.updated_at}
        if self.assignee_id:        # only while offered (auto assignment): absent otherwise
            d.update(assignee={'id': self.assignee_id, 'name': self.assignee_name}, offered_at=self.offered_at)
        if self.escalation_step:
            d['escalation_step'] = self.escalation_step
        if self.warned_at:
            d['warned_at'] = self.warned_at
        if self.contact:
            d['contact'] = dict(self.contact)
        if self.csat:
            d['csat'] = dict(self.csat)
        return d

    @classmethod
    def from_dict(cls, d):
        if not d:
            return None
        owner = d.get('owner') or {}
        reason = d.get('reason') or {}
        return cls(id=d['id'], status=Status(d['status']),
                   reason=Reason(reason.get('code', ''), reason.get('detail', '')),
                   requested_at=d['requested_at'], updated_at=d['updated_at'],
                   owner_id=owner.get('id'), owner_name=owner.get('name'),
                   escalation_step=int(d.get('escalation_step') or 0), warned_at=d.get('warned_at'),
                   assignee_id=(d.get('assignee') or {}).get('id'), assignee_name=(d.get('assignee') or {}).get('name'),
                   offered_at=d.get('offered_at'), contact=d.get('contact'), csat=d.get('csat') or None)


def open_handoff(current: Optional[Handoff], handoff_id, reason: Reason, now) -> Handoff:
    """A new Pending handoff; a conversation never has two open at once."""
    if current is not None and current.is_open:
        raise HandoffError('handoff_already_open', 'this conversation already has an open handoff',
                           handoff=current.to_dict())
    return Handoff(id=handoff_id, status=Status.PENDING, reason=reason, requested_at=now, updated_at=now)


def apply(current: Optional[Handoff], action: str, actor: Actor, now) -> Handoff:
    """The handoff after `action` by `actor`, or a HandoffError saying why not."""
    if current is None or not current.is_open:
        # One code for one situation: nothing open (never asked, resolved, cancelled) is `no_open_handoff`.
        raise HandoffError('no_open_handoff', 'there is no open handoff to %s' % action)
    sources, target = TRANSITIONS[action]
    if current.status not in sources:
        if action == 'acknowledge' and current.status == Status.ACKNOWLEDGED:
            raise HandoffError('already_acknowledged', 'already acknowledged by %s' % current.owner_name,
                               owner={'id': current.owner_id, 'name': current.owner_name})
        raise HandoffError('illegal_transition', 'cannot %s a %s handoff' % (action, current.status.value))
    if action == 'resolve' and actor.id != current.owner_id and actor.kind != 'system':
        raise HandoffError('not_owner', 'only %s, who acknowledged it, can resolve it' % current.owner_name,
                           status=403)
    if action == 'cancel' and current.status == Status.ACKNOWLEDGED and actor.kind == 'operator' \
            and actor.id != current.owner_id:
        # The owner speaks for an acknowledged conversation; a colleague takes over by transfer, not by cancel.
        raise HandoffError('not_owner', 'only %s, who acknowledged it, can cancel it' % current.owner_name,
                           status=403, owner={'id': current.owner_id, 'name': current.owner_name})
    done = dict(assignee_id=None, assignee_name=None, offered_at=None)     # any transition ends an offer
    if action == 'acknowledge':
        return replace(current, status=target, updated_at=now, owner_id=actor.id, owner_name=actor.name, **done)
    return replace(current, status=target, updated_at=now, **done)


def check_can_reply(current: Optional[Handoff], operator_id):
    """Only the operator who acknowledged an open handoff may write to the visitor."""
    if current is None or not current.is_open:
        raise HandoffError('no_open_handoff', 'there is no open handoff in this conversation')
    if current.status != Status.ACKNOWLEDGED:
        raise HandoffError('illegal_transition', 'acknowledge the handoff before replying')
    if current.owner_id != operator_id:
        raise HandoffError('not_owner', '%s owns this conversation' % current.owner_name, status=403,
                           owner={'id': current.owner_id, 'name': current.owner_name})


class Route(str, Enum):
    BOT = 'bot'            # the bot answers
    HUMAN = 'human'        # a handoff is open: the bot stays silent, operators get the message
    HANDOFF = 'handoff'    # open a new handoff now
    DECLINE = 'decline'    # the visitor asked for a person but the agent does not allow it


def route(current: Optional[Handoff], allow_human_handoff: bool, reason: Optional[Reason]) -> Route:
    """The one rule deciding who answers a visitor message."""
    if current is not None and current.is_open:
        return Route.HUMAN
    if reason is None:
        return Route.BOT
    if allow_human_handoff:
        return Route.HANDOFF
    # Detection triggers fall back to the bot silently; only an explicit ask deserves an answer.
    return Route.DECLINE if reason.code == 'visitor_request' else Route.BOT

