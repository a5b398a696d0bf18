"""The team inbox on the wire: `set_presence` and `transfer` frames, the transfer REST body, the `assignment`
setting's validator, and the `presence` / `transferred` events. Pure."""
from dataclasses import dataclass
from typing import ClassVar, Optional

from chalicelib.domain.routing import CAPACITY, DEFAULT_ASSIGNMENT, MODES, OFFER_TIMEOUT, PRESENCE
from chalicelib.protocol.events import event
from chalicelib.protocol.fields import ProtocolError, conversation_field, id_field, text_field, valid_agent_id
from chalicelib.protocol.frames import Command, ConversationCommand

MAX_NOTE = 1000
MAX_OVERRIDES = 200


def _agent_field(data, action):
    value = data.get('agent_id')
    if not valid_agent_id(value):
        raise ProtocolError('invalid_field', 'agent_id must be an agent id', action)
    return value


def _status_field(data, action):
    value = data.get('status')
    if value not in PRESENCE:
        raise ProtocolError('invalid_field', 'status must be one of %s' % ', '.join(PRESENCE), action)
    return value


def _transfer_fields(data, action):
    """`to`: a colleague's operator id, or null for back to the queue; `note`: for operators only."""
    if 'to' not in data:
        raise ProtocolError('invalid_field', 'missing field(s): to', action)
    to = id_field(data, 'to', action, required=False)
    return to, text_field(data, 'note', action, required=False, limit=MAX_NOTE)


@dataclass(frozen=True)
class SetPresence(Command):
    agent_id: Optional[str] = None
    status: Optional[str] = None
    required: ClassVar[frozenset] = frozenset({'agent_id', 'status'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, _agent_field(data, action), _status_field(data, action))


@dataclass(frozen=True)
class Transfer(ConversationCommand):
    to: Optional[str] = None
    note: Optional[str] = None
    required: ClassVar[frozenset] = frozenset({'conversation_id', 'to'})
    optional: ClassVar[frozenset] = frozenset({'note'})

    @classmethod
    def parse(cls, action, request_id, data):
        to, note = _transfer_fields(data, action)
        return cls(action, request_id, conversation_field(data, action), to, note)


TEAM_OPERATOR_ACTIONS = {'set_presence': SetPresence, 'transfer': Transfer}


def parse_transfer(data):
    """POST /conversations/{id}/transfer {"to": "<operator id>" | null, "note"?: "..."}"""
    unknown = sorted(k for k in data if k not in ('to', 'note'))
    if unknown:
        raise ProtocolError('invalid_field', 'unknown field(s): %s' % ', '.join(k[:64] for k in unknown[:5]),
                            'transfer')
    return _transfer_fields(data, 'transfer')


def parse_presence(data):
    """PUT /agents/{agent}/presence {"status": "online" | "away"}"""
    if set(data) - {'status'}:
        raise ProtocolError('invalid_field', 'only status is accepted', 'presence')
    return _status_field(data, 'presence')


def check_assignment(value):
    """The `assignment` setting: {mode, capacity, offer_timeout_seconds, others_may_take, per_operator}, any
    subset (the rest keep their defaults)."""
    if value is None:
        return

    def bad(message):
        raise ProtocolError('invalid_field', 'assignment.' + message, 'settings')
    if not isinstance(value, dict) or set(value) - set(DEFAULT_ASSIGNMENT):
        bad('must be an object with keys %s' % ', '.join(DEFAULT_ASSIGNMENT))
    if 'mode' in value and value['mode'] not in MODES:
        bad('mode must be one of %s' % ', '.join(MODES))
    for name, (low, high) in (('capacity', CAPACITY), ('offer_timeout_seconds', OFFER_TIMEOUT)):
        if name in value and (isinstance(value[name], bool) or not isinstance(value[name], int)
                              or not low <= value[name] <= high):
            bad('%s must be an integer from %d to %d' % (name, low, high))
    if 'others_may_take' in value and not isinstance(value['others_may_take'], bool):
        bad('others_may_take must be true or false')
    overrides = value.get('per_operator', {})
    if not isinstance(overrides, dict) or len(overrides) > MAX_OVERRIDES:
        bad('per_operator must be an object {operator_id: capacity} of at most %d entries' % MAX_OVERRIDES)
    for op_id, cap in overrides.items():
        if id_field({'id': op_id}, 'id', 'settings') and (isinstance(cap, bool) or not isinstance(cap, int)
                                                          or not CAPACITY[0] <= cap <= CAPACITY[1]):
            bad('per_operator capacities must be integers from %d to %d' % CAPACITY)


def presence_event(agent_id, member):
    """To every dashboard of the agent when an operator's presence changes."""
    return event('presence', agent_id=agent_id, operator={'id': member.id, 'name': member.name},
                 status=member.presence, open=member.open, capacity=member.capacity)


def transferred_event(conv, by, to, note, at):
    """Operators only (it carries the note); the visitor gets the system message and the handoff event.
    `to`: {id, name} of the new owner, None for back to the queue."""
    return event('transferred', conversation_id=conv.id, by={'id': by.id, 'name': by.name}, to=to, note=note, at=at)


def member_view(m):
    return {'id': m.id, 'name': m.name, 'presence': m.presence, 'open': max(m.open, 0), 'capacity': m.capacity}
