"""Socket frames → typed commands, one class per action and a table per kind of client.

A frame is a JSON object `{"action": ..., "request_id"?: ..., <fields>}`. The table decides which
actions a visitor or an operator may send; each command class says which fields it takes.
"""
from dataclasses import dataclass
from typing import ClassVar, Optional, Union

from chalicelib.protocol.fields import (MAX_FRAME, ProtocolError, bool_field, bounded, conversation_field, id_field,
                                        loads, seq_field, text_field)

RequestId = Union[str, int, None]


@dataclass(frozen=True)
class Command:
    action: str
    request_id: RequestId = None
    required: ClassVar[frozenset] = frozenset()
    optional: ClassVar[frozenset] = frozenset()

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id)


@dataclass(frozen=True)
class Ping(Command):
    pass


@dataclass(frozen=True)
class Send(Command):
    client_message_id: Optional[str] = None
    text: Optional[str] = None
    required: ClassVar[frozenset] = frozenset({'client_message_id', 'text'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, id_field(data, 'client_message_id', action), text_field(data, 'text', action))


@dataclass(frozen=True)
class RequestHuman(Command):
    client_message_id: Optional[str] = None
    text: Optional[str] = None                     # the optional note, stored as the visitor's message
    optional: ClassVar[frozenset] = frozenset({'client_message_id', 'note'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, id_field(data, 'client_message_id', action, required=False),
                   text_field(data, 'note', action, required=False))


@dataclass(frozen=True)
class CancelHandoff(Command):
    reason: Optional[str] = None
    optional: ClassVar[frozenset] = frozenset({'reason'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, text_field(data, 'reason', action, required=False, limit=500))


@dataclass(frozen=True)
class Typing(Command):
    is_typing: bool = False
    required: ClassVar[frozenset] = frozenset({'is_typing'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, bool_field(data, 'is_typing', action))


@dataclass(frozen=True)
class Resume(Command):
    after: int = 0
    required: ClassVar[frozenset] = frozenset({'after'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, seq_field(data, 'after', action))


# ---- operator commands: each names the conversation it acts on ------------------------------------

@dataclass(frozen=True)
class ConversationCommand(Command):
    conversation_id: Optional[str] = None
    required: ClassVar[frozenset] = frozenset({'conversation_id'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, conversation_field(data, action))


@dataclass(frozen=True)
class Open(ConversationCommand):
    after: int = 0
    optional: ClassVar[frozenset] = frozenset({'after'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, conversation_field(data, action), seq_field(data, 'after', action))


@dataclass(frozen=True)
class OperatorResume(Open):
    required: ClassVar[frozenset] = frozenset({'conversation_id', 'after'})
    optional: ClassVar[frozenset] = frozenset()


@dataclass(frozen=True)
class Transition(ConversationCommand):
    """acknowledge / resolve / cancel (a cancel may say why)."""
    reason: Optional[str] = None

    @classmethod
    def parse(cls, action, request_id, data):
        reason = text_field(data, 'reason', action, required=False, limit=500) if action == 'cancel' else None
        return cls(action, request_id, conversation_field(data, action), reason)


@dataclass(frozen=True)
class Reply(ConversationCommand):
    client_message_id: Optional[str] = None
    text: Optional[str] = None
    required: ClassVar[frozenset] = frozenset({'conversation_id', 'client_message_id', 'text'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, conversation_field(data, action), id_field(data, 'client_message_id', action),
                   text_field(data, 'text', action))


@dataclass(frozen=True)
class OperatorTyping(ConversationCommand):
    is_typing: bool = False
    required: ClassVar[frozenset] = frozenset({'conversation_id', 'is_typing'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, conversation_field(data, action), bool_field(data, 'is_typing', action))


@dataclass(frozen=True)
class CancelTransition(Transition):
    optional: ClassVar[frozenset] = frozenset({'reason'})


@dataclass(frozen=True)
class VisitorRead(Command):
    """How far the visitor has read (the widget sends it while the panel is open and the message is on screen)."""
    seq: int = 0
    required: ClassVar[frozenset] = frozenset({'seq'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, seq_field(data, 'seq', action))


@dataclass(frozen=True)
class OperatorRead(ConversationCommand):
    seq: int = 0
    required: ClassVar[frozenset] = frozenset({'conversation_id', 'seq'})

    @classmethod
    def parse(cls, action, request_id, data):
        return cls(action, request_id, conversation_field(data, action), seq_field(data, 'seq', action))


@dataclass(frozen=True)
class Csat(Command):
    """The visitor's answer to "How did we do?" (protocol/analytics.py checks the fields)."""
    handoff_id: Optional[str] = None
    score: int = 0
    comment: Optional[str] = None
    required: ClassVar[frozenset] = frozenset({'handoff_id', 'score'})
    optional: ClassVar[frozenset] = frozenset({'comment'})

    @classmethod
    def parse(cls, action, request_id, data):
        from chalicelib.protocol.analytics import parse_csat
        f = parse_csat(data, action)
        return cls(action, request_id, f.handoff_id, f.score, f.comment)


@dataclass(frozen=True)
class EmailTranscript(Command):
    """The visitor asks for their transcript by email (not stored: used for this one mail)."""
    email: Optional[str] = None
    required: ClassVar[frozenset] = frozenset({'email'})

    @classmethod
    def parse(cls, action, request_id, data):
        from chalicelib.protocol.insights import parse_email
        return cls(action, request_id, parse_email(data, action))


VISITOR_ACTIONS = {'send': Send, 'request_human': RequestHuman, 'cancel_handoff': CancelHandoff, 'typing': Typing,
                   'resume': Resume, 'ping': Ping, 'csat': Csat}
OPERATOR_ACTIONS = {'open': Open, 'acknowledge': Transition, 'reply': Reply, 'resolve': Transition,
                    'cancel': CancelTransition, 'typing': OperatorTyping, 'resume': OperatorResume, 'ping': Ping}
VISITOR_ACTIONS['queue'] = Ping          # the visitor's place in the queue and expected wait (no fields)
VISITOR_ACTIONS['read'] = VisitorRead                    # team inbox (README: notes, saved replies, read receipts)
OPERATOR_ACTIONS.update({'note': Reply, 'read': OperatorRead})
VISITOR_ACTIONS['email_transcript'] = EmailTranscript
ACTIONS = {'visitor': VISITOR_ACTIONS, 'operator': OPERATOR_ACTIONS}

from chalicelib.protocol.contact import LeaveContact  # noqa: E402  (the email form; it builds on Command)
VISITOR_ACTIONS['leave_contact'] = LeaveContact


def request_id_of(body):
    """The frame's request_id if it is a JSON object carrying a usable one: errors echo it even when
    the rest of the frame is refused."""
    try:
        data = loads(body) if isinstance(body, str) and len(body) <= MAX_FRAME else None
    except ProtocolError:
        return None
    rid = (data or {}).get('request_id')
    if isinstance(rid, bool) or not isinstance(rid, (str, int)):
        return None
    return bounded(rid) if isinstance(rid, str) else rid


def decode(body, action=None):
    if body is None or body == '' or body == 'None':
        raise ProtocolError('invalid_json', 'the body must be a JSON object', action)
    if isinstance(body, (bytes, bytearray)):
        body = body.decode('utf-8', 'replace')
    if len(body.encode('utf-8', 'surrogatepass')) > MAX_FRAME:
        raise ProtocolError('frame_too_large', 'frames are limited to %d bytes' % MAX_FRAME, action, 413)
    return loads(body, action)


def parse_action(body, kind):
    """A socket frame from a 'visitor' or 'operator' connection → its typed command."""
    data = decode(body)
    action = data.get('action')
    table = ACTIONS[kind]
    if not isinstance(action, str) or action not in table:
        shown = bounded(action)
        raise ProtocolError('unknown_action', 'unknown action %s; expected one of %s' % (
            repr(shown) if shown is not None else '(missing or unreadable)', ', '.join(sorted(table))), shown)
    cls = table[action]
    missing = sorted(f for f in cls.required if f not in data)
    if missing:
        raise ProtocolError('invalid_field', 'missing field(s): %s' % ', '.join(missing), action)
    request_id = data.get('request_id')
    if request_id is not None and (isinstance(request_id, bool) or not isinstance(request_id, (str, int))
                                   or (isinstance(request_id, str) and len(request_id) > 64)):
        raise ProtocolError('invalid_field', 'request_id must be a number or a string of at most 64 characters',
                            action)
    return cls.parse(action, request_id, data)


# The team inbox's operator actions (protocol/team_routing.py), registered here so one table answers.
from chalicelib.protocol.team_routing import TEAM_OPERATOR_ACTIONS  # noqa: E402
OPERATOR_ACTIONS.update(TEAM_OPERATOR_ACTIONS)
