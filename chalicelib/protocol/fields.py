"""Field validators shared by socket frames and REST bodies. Pure; every refusal is a ProtocolError
with a machine-readable code, raised before anything is written."""
import json
import re

from chalicelib.errors import AppError

MAX_TEXT = 4000
MAX_FRAME = 128 * 1024          # API Gateway WebSocket message limit
MAX_SEND = 120 * 1024           # what we post per event, with headroom under that limit
MAX_SEQ = 10 ** 12 - 1
MAX_ECHO = 64                   # an error never repeats more than this much of what it was sent
_ID = re.compile(r'[A-Za-z0-9_.:\-]{1,64}')
_AGENT_ID = re.compile(r'[a-z0-9][a-z0-9\-]{1,47}')
_CONVERSATION_ID = re.compile(r'[a-z0-9][a-z0-9\-]{1,47}\.[A-Za-z0-9_]{1,40}')   # {agent}.{visitor}
_SURROGATE = re.compile('[\ud800-\udfff]')


class ProtocolError(AppError):
    def __init__(self, code, message, action=None, status=400):
        super().__init__(code, message, status, action)


def bounded(value, limit=MAX_ECHO):
    """`value` if it is a short string, else None: errors echo names, never unbounded input."""
    return value if isinstance(value, str) and len(value) <= limit else None


def loads(body, action=None):
    """JSON text → a dict, or invalid_json. Deep nesting is refused, not a crash."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ProtocolError('invalid_json', 'the body is not valid JSON (or nested too deeply)', action)
    if not isinstance(data, dict):
        raise ProtocolError('invalid_json', 'the body must be a JSON object', action)
    check_strings(data, action)
    return data


def check_strings(value, action=None, depth=0):
    """No string anywhere in a body may hold an unpaired surrogate: DynamoDB and every client would choke
    on it later. Depth is bounded by the JSON parser already."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ProtocolError('invalid_field', 'text must be valid Unicode (an unpaired surrogate was sent)',
                                action)
    elif isinstance(value, dict):
        for k, v in value.items():
            check_strings(k, action, depth + 1)
            check_strings(v, action, depth + 1)
    elif isinstance(value, list):
        for v in value:
            check_strings(v, action, depth + 1)


def text_field(data, name, action, required=True, limit=MAX_TEXT):
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ProtocolError('invalid_field', '%s must be a non-empty string' % name, action)
    if len(value) > limit:
        raise ProtocolError('text_too_long', '%s is limited to %d characters' % (name, limit), action, 413)
    if _SURROGATE.search(value):
        raise ProtocolError('invalid_field', '%s must be valid Unicode (an unpaired surrogate was sent)' % name,
                            action)
    return value


def id_field(data, name, action, required=True):
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ProtocolError('invalid_field', '%s must be 1-64 characters of A-Z a-z 0-9 _ . : -' % name, action)
    return value


def conversation_field(data, action):
    value = data.get('conversation_id')
    if not valid_conversation_id(value):
        raise ProtocolError('invalid_field', 'conversation_id must be a conversation id ({agent}.{visitor})', action)
    return value


def seq_field(data, name, action):
    value = data.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEQ:
        raise ProtocolError('invalid_field', '%s must be an integer from 0 to %d' % (name, MAX_SEQ), action)
    return value


def bool_field(data, name, action):
    if not isinstance(data.get(name), bool):
        raise ProtocolError('invalid_field', '%s must be true or false' % name, action)
    return data[name]


def valid_conversation_id(value):
    return isinstance(value, str) and bool(_CONVERSATION_ID.fullmatch(value))


def valid_agent_id(agent_id):
    return isinstance(agent_id, str) and bool(_AGENT_ID.fullmatch(agent_id))


def valid_id(value):
    return isinstance(value, str) and bool(_ID.fullmatch(value))
