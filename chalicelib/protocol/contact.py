"""The visitor's email form as a socket frame (`leave_contact`), registered in frames.VISITOR_ACTIONS."""
from dataclasses import dataclass
from typing import ClassVar, Optional

from chalicelib.domain.offline import MAX_EMAIL, valid_email
from chalicelib.protocol.fields import ProtocolError, id_field, text_field
from chalicelib.protocol.frames import Command


@dataclass(frozen=True)
class LeaveContact(Command):
    """{"action": "leave_contact", "email": "...", "text"?: "...", "client_message_id"?: "..."}"""
    email: Optional[str] = None
    text: Optional[str] = None
    client_message_id: Optional[str] = None
    required: ClassVar[frozenset] = frozenset({'email'})
    optional: ClassVar[frozenset] = frozenset({'text', 'client_message_id'})

    @classmethod
    def parse(cls, action, request_id, data):
        email = data.get('email')
        if not valid_email(email):
            raise ProtocolError('invalid_field', 'email must be an email address (at most %d characters)'
                                % MAX_EMAIL, action)
        return cls(action, request_id, email.strip(), text_field(data, 'text', action, required=False),
                   id_field(data, 'client_message_id', action, required=False))
