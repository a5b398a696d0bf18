"""Team inbox rules: presence, capacity, round robin offers, who holds a handoff, transfer legality.

Pure: the store enforces capacity with a conditional counter update in the same transaction as the
conversation's change (see `Counter`), so two concurrent offers cannot both take someone's last slot.
"""
from dataclasses import dataclass, replace
from typing import Optional

from chalicelib.domain.handoff import Actor, Handoff, HandoffError, Status

ONLINE, AWAY, OFFLINE = 'online', 'away', 'offline'
PRESENCE = (ONLINE, AWAY)                 # what an operator may set; offline is having no socket
MODES = ('manual', 'auto')
DEFAULT_ASSIGNMENT = {'mode': 'manual', 'capacity': 3, 'offer_timeout_seconds': 120, 'others_may_take': True,
                      'per_operator': {}}
CAPACITY = (1, 50)
OFFER_TIMEOUT = (10, 3600)


@dataclass(frozen=True)
class Assignment:
    mode: str = 'manual'
    capacity: int = 3
    offer_timeout_seconds: int = 120
    others_may_take: bool = True
    per_operator: tuple = ()              # ((operator_id, capacity), ...): overrides of `capacity`

    @classmethod
    def of(cls, settings):
        """The agent's `assignment` setting over the defaults (a stored partial object is completed)."""
        merged = dict(DEFAULT_ASSIGNMENT, **((settings or {}).get('assignment') or {}))
        return cls(merged['mode'], int(merged['capacity']), int(merged['offer_timeout_seconds']),
                   bool(merged['others_may_take']), tuple(sorted((merged.get('per_operator') or {}).items())))

    @property
    def auto(self):
        return self.mode == 'auto'

    def capacity_of(self, operator_id):
        return dict(self.per_operator).get(operator_id, self.capacity)


@dataclass(frozen=True)
class Member:
    """One operator of the agent as routing sees them."""
    id: str
    name: str
    presence: str = OFFLINE
    open: int = 0                         # handoffs they hold: offered to them (pending) or owned (acknowledged)
    capacity: int = 3
    last_offered_at: str = ''             # round robin: the longest without an offer goes next

    @property
    def free(self):
        return self.presence == ONLINE and max(self.open, 0) < self.capacity


@dataclass(frozen=True)
class Counter:
    """A change to one operator's open count, stored in the same transaction as the conversation.
    `limit`: only while the count is below it (an auto offer); `stamp`: the time of that offer."""
    agent_id: str
    operator_id: str
    delta: int
    limit: Optional[int] = None
    stamp: Optional[str] = None


def presence(live_sockets, away):
    """Online while a dashboard socket is open and not set away; offline with no socket left."""
    if not live_sockets:
        return OFFLINE
    return AWAY if away else ONLINE


def holder(h: Optional[Handoff]):
    """Who holds the handoff against their capacity: the owner of an acknowledged one, the operator a
    pending one is offered to; nobody once it is closed."""
    if h is None:
        return None
    if h.status == Status.ACKNOWLEDGED:
        return h.owner_id
    if h.status == Status.PENDING:
        return h.assignee_id
    return None


def load_moves(agent_id, before: Optional[Handoff], after: Optional[Handoff], limit=None, stamp=None):
    """The counter changes when a handoff passes from one holder to another (none if it stays)."""
    old, new = holder(before), holder(after)
    if old == new:
        return ()
    moves = []
    if old:
        moves.append(Counter(agent_id, old, -1))
    if new:
        moves.append(Counter(agent_id, new, 1, limit, stamp))
    return tuple(moves)


def choose(members, exclude=()):
    """Round robin among the online operators under their capacity: the one offered least recently
    (never offered first), ties by id. None if nobody is free."""
    free = [m for m in members if m.free and m.id not in exclude]
    return min(free, key=lambda m: (m.last_offered_at or '', m.id)) if free else None


def needs_offer(h: Optional[Handoff]):
    return h is not None and h.status == Status.PENDING and not h.assignee_id


def offer(h: Handoff, member: Optional[Member], now) -> Handoff:
    """The pending handoff offered to `member` (None: withdrawn, back to waiting for anyone)."""
    if h is None or h.status != Status.PENDING:
        raise HandoffError('illegal_transition', 'only a waiting handoff can be offered')
    if member is None:
        return replace(h, assignee_id=None, assignee_name=None, offered_at=None, updated_at=now)
    return replace(h, assignee_id=member.id, assignee_name=member.name, offered_at=now, updated_at=now)


def offer_expired(h: Optional[Handoff], handoff_id, operator_id, offered_at=None):
    """True if the handoff is still waiting on that very offer (the timer may fire late, twice, or after
    the operator acknowledged, or after a newer offer to the same operator)."""
    return (h is not None and h.id == handoff_id and h.status == Status.PENDING and h.assignee_id == operator_id
            and (offered_at is None or h.offered_at == offered_at))


def check_take(h: Optional[Handoff], operator_id, assignment: Assignment):
    """Acknowledging a handoff offered to a colleague: only if the agent lets others take it."""
    if h is not None and h.status == Status.PENDING and h.assignee_id and h.assignee_id != operator_id \
            and not assignment.others_may_take:
        raise HandoffError('offered_to_colleague', 'this conversation is offered to %s' % h.assignee_name,
                           status=403, assignee={'id': h.assignee_id, 'name': h.assignee_name})


def transfer(h: Optional[Handoff], actor: Actor, target: Optional[Member], now) -> Handoff:
    """The owner hands an acknowledged conversation to an online colleague (`target`), or back to the
    queue (`target` None: pending again, offered to nobody, first in line by its original request time)."""
    if h is None or not h.is_open:
        raise HandoffError('no_open_handoff', 'there is no open handoff to transfer')
    if h.status != Status.ACKNOWLEDGED:
        raise HandoffError('illegal_transition', 'only an acknowledged conversation can be transferred')
    if h.owner_id != actor.id:
        raise HandoffError('not_owner', 'only %s, who owns it, can transfer it' % h.owner_name, status=403,
                           owner={'id': h.owner_id, 'name': h.owner_name})
    if target is None:
        return replace(h, status=Status.PENDING, owner_id=None, owner_name=None, assignee_id=None,
                       assignee_name=None, offered_at=None, updated_at=now)
    if target.id == actor.id:
        raise HandoffError('invalid_transfer', 'you already own this conversation', status=400)
    if target.presence != ONLINE:
        raise HandoffError('operator_unavailable', '%s is %s' % (target.name, target.presence),
                           operator={'id': target.id, 'name': target.name, 'presence': target.presence})
    return replace(h, owner_id=target.id, owner_name=target.name, assignee_id=None, assignee_name=None,
                   offered_at=None, updated_at=now)
