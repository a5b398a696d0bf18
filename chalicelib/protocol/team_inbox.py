"""Wire shapes of the team inbox (notes, read positions, saved replies): REST bodies → values, events.
Pure: every refusal is a ProtocolError raised before anything is written."""
from chalicelib.domain import saved_replies as rules
from chalicelib.protocol.bodies import only
from chalicelib.protocol.events import event
from chalicelib.protocol.fields import ProtocolError, id_field, seq_field, text_field


def parse_note(data):
    only(data, {'client_message_id', 'text'}, 'note')
    return id_field(data, 'client_message_id', 'note'), text_field(data, 'text', 'note')


def parse_read(data):
    only(data, {'seq'}, 'read')
    if 'seq' not in data:
        raise ProtocolError('invalid_field', 'missing field(s): seq', 'read')
    return seq_field(data, 'seq', 'read')


def parse_saved_reply(data):
    """{title, shortcut, text} → a reply record (without its id and times)."""
    action = 'saved_reply'
    only(data, {'title', 'shortcut', 'text'}, action)
    title = text_field(data, 'title', action, limit=rules.MAX_TITLE).strip()
    shortcut = data.get('shortcut')
    if not isinstance(shortcut, str) or not rules.SHORTCUT.fullmatch(shortcut):
        raise ProtocolError('invalid_field', 'shortcut must be 1-32 characters of a-z 0-9 _ - (starting with a '
                            'letter or digit), typed after "/"', action)
    text = text_field(data, 'text', action, limit=rules.MAX_REPLY_TEXT)
    unknown = rules.unknown_placeholders(text)
    if unknown:
        raise ProtocolError('invalid_field', 'unknown placeholder %s; use %s' % (
            unknown[0][:42], ' or '.join(rules.PLACEHOLDERS)), action)
    return {'title': title, 'shortcut': shortcut, 'text': text}


def read_event(conversation_id, reader, seq, operator_id=None):
    """How far someone has read: `reader` 'visitor' (pushed to the agent's operators) or 'operator' (to that
    operator's other dashboards)."""
    fields = {'operator_id': operator_id} if operator_id else {}
    return event('read', conversation_id=conversation_id, reader=reader, seq=seq, **fields)
