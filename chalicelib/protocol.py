"""Wire format: parse socket frames and REST bodies into commands, shape outgoing events.

Pure. Every rejection is a ProtocolError with a machine-readable code, raised before any
write happens, so bad input never leaves a partial write behind.
"""
import json
import re
from dataclasses import dataclass, field
from typing import Optional

from chalicelib.errors import AppError

MAX_TEXT = 4000
MAX_FRAME = 128 * 1024          # API Gateway WebSocket message limit
MAX_SEND = 120 * 1024           # what we post per event, with headroom under that limit
_ID = re.compile(r'[A-Za-z0-9_.:\-]{1,64}')
_AGENT_ID = re.compile(r'[a-z0-9][a-z0-9\-]{1,47}')
_CONVERSATION_ID = re.compile(r'[a-z0-9][a-z0-9\-]{1,47}\.[A-Za-z0-9_]{1,40}')   # {agent}.{visitor}
MAX_SEQ = 10 ** 12 - 1


class ProtocolError(AppError):
    def __init__(self, code, message, action=None, status=400):
        super().__init__(code, message, status, action)


@dataclass
class Command:
    action: str
    conversation_id: Optional[str] = None
    client_message_id: Optional[str] = None
    text: Optional[str] = None
    after: int = 0
    is_typing: bool = False
    reason: Optional[str] = None
    request_id: Optional[str] = None
    extra: dict = field(default_factory=dict)


# action -> (required fields, optional fields), per client kind
VISITOR_ACTIONS = {
    'send': ({'client_message_id', 'text'}, set()),
    'request_human': (set(), {'client_message_id', 'note'}),
    'cancel_handoff': (set(), {'reason'}),
    'typing': ({'is_typing'}, set()),
    'resume': ({'after'}, set()),
    'ping': (set(), set()),
}
OPERATOR_ACTIONS = {
    'open': ({'conversation_id'}, {'after'}),
    'acknowledge': ({'conversation_id'}, set()),
    'reply': ({'conversation_id', 'client_message_id', 'text'}, set()),
    'resolve': ({'conversation_id'}, set()),
    'cancel': ({'conversation_id'}, {'reason'}),
    'typing': ({'conversation_id', 'is_typing'}, set()),
    'resume': ({'conversation_id', 'after'}, set()),
    'ping': (set(), set()),
}


def parse_json(body, action=None):
    if body is None or body == '' or body == 'None':
        raise ProtocolError('invalid_json', 'the body must be a JSON object', action)
    if isinstance(body, (bytes, bytearray)):
        body = body.decode('utf-8', 'replace')
    if len(body.encode('utf-8')) > MAX_FRAME:
        raise ProtocolError('frame_too_large', 'frames are limited to %d bytes' % MAX_FRAME, action, 413)
    try:
        data = json.loads(body)
    except ValueError:
        raise ProtocolError('invalid_json', 'the body is not valid JSON', action)
    if not isinstance(data, dict):
        raise ProtocolError('invalid_json', 'the body must be a JSON object', action)
    return data


def text_field(data, name, action, required=True, limit=MAX_TEXT):
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ProtocolError('invalid_field', '%s must be a non-empty string' % name, action)
    if len(value) > limit:
        raise ProtocolError('text_too_long', '%s is limited to %d characters' % (name, limit), action, 413)
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
    if not isinstance(value, str) or not _CONVERSATION_ID.fullmatch(value):
        raise ProtocolError('invalid_field', 'conversation_id must be a conversation id ({agent}.{visitor})', action)
    return value


def valid_conversation_id(value):
    return isinstance(value, str) and bool(_CONVERSATION_ID.fullmatch(value))


def seq_field(data, name, action):
    value = data.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEQ:
        raise ProtocolError('invalid_field', '%s must be an integer from 0 to %d' % (name, MAX_SEQ), action)
    return value


def query_int(params, name, default, low, high):
    """An integer query parameter (ASCII digits only), or a 400."""
    raw = (params or {}).get(name)
    if raw is None:
        return default
    if not re.fullmatch(r'[0-9]{1,13}', raw) or not low <= int(raw) <= high:
        raise ProtocolError('invalid_field', '%s must be an integer from %d to %d' % (name, low, high), name)
    return int(raw)


def json_object(body):
    """A REST body must be a JSON object (or empty)."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ProtocolError('invalid_json', 'the body must be a JSON object')
    return body


def parse_action(body, kind):
    """A socket frame from a 'visitor' or 'operator' connection → Command."""
    data = parse_json(body)
    action = data.get('action')
    actions = VISITOR_ACTIONS if kind == 'visitor' else OPERATOR_ACTIONS
    if not isinstance(action, str) or action not in actions:
        raise ProtocolError('unknown_action', 'unknown action %r; expected one of %s'
                            % (action, ', '.join(sorted(actions))), action if isinstance(action, str) else None)
    required, optional = actions[action]
    missing = sorted(f for f in required if f not in data)
    if missing:
        raise ProtocolError('invalid_field', 'missing field(s): %s' % ', '.join(missing), action)
    request_id = data.get('request_id')
    if request_id is not None and not isinstance(request_id, (str, int)):
        raise ProtocolError('invalid_field', 'request_id must be a string or number', action)
    cmd = Command(action=action, request_id=request_id)
    fields = required | optional
    if 'conversation_id' in fields:
        cmd.conversation_id = conversation_field(data, action)
    if 'client_message_id' in fields:
        cmd.client_message_id = id_field(data, 'client_message_id', action, 'client_message_id' in required)
    if 'text' in fields:
        cmd.text = text_field(data, 'text', action)
    if 'note' in fields:
        cmd.text = text_field(data, 'note', action, required=False)
    if 'reason' in fields:
        cmd.reason = text_field(data, 'reason', action, required=False, limit=500)
    if 'after' in fields:
        cmd.after = seq_field(data, 'after', action)
    if 'is_typing' in fields:
        if not isinstance(data['is_typing'], bool):
            raise ProtocolError('invalid_field', 'is_typing must be true or false', action)
        cmd.is_typing = data['is_typing']
    return cmd


# ---- REST bodies -------------------------------------------------------------------------

def parse_reply(data):
    return id_field(data, 'client_message_id', 'reply'), text_field(data, 'text', 'reply')


def parse_knowledge(data):
    return (text_field(data, 'question', 'knowledge', limit=1000),
            text_field(data, 'answer', 'knowledge', limit=MAX_TEXT))


SETTINGS_FIELDS = {'allow_human_handoff': bool, 'triggers': dict, 'welcome_message': (str, type(None)),
                   'webhook_url': (str, type(None)), 'confidence_threshold': (int, float)}


def parse_settings(data, trigger_names):
    """A full or partial settings object; unknown keys and wrong types are refused, not ignored."""
    settings = data.get('settings')
    version = data.get('version')
    if not isinstance(settings, dict):
        raise ProtocolError('invalid_field', 'settings must be an object', 'settings')
    if isinstance(version, bool) or not isinstance(version, int):
        raise ProtocolError('invalid_field', 'version must be the integer read with the settings', 'settings')
    for key, value in settings.items():
        kind = SETTINGS_FIELDS.get(key)
        if kind is None:
            raise ProtocolError('invalid_field', 'unknown setting %r' % key, 'settings')
        if not isinstance(value, kind) or (kind == (int, float) and isinstance(value, bool)):
            raise ProtocolError('invalid_field', 'setting %s has the wrong type' % key, 'settings')
    for name, on in (settings.get('triggers') or {}).items():
        if name not in trigger_names or not isinstance(on, bool):
            raise ProtocolError('invalid_field', 'triggers.%s must be a known trigger set to true/false' % name,
                                'settings')
    url = settings.get('webhook_url')
    if url and (len(url) > 2000 or not re.fullmatch(r'https?://[^\s/$.?#][^\s]*', url)):
        raise ProtocolError('invalid_field', 'webhook_url must be an http(s) URL', 'settings')
    if settings.get('welcome_message') and len(settings['welcome_message']) > MAX_TEXT:
        raise ProtocolError('text_too_long', 'welcome_message is limited to %d characters' % MAX_TEXT, 'settings')
    if 'confidence_threshold' in settings and not 0 <= settings['confidence_threshold'] <= 1:
        raise ProtocolError('invalid_field', 'confidence_threshold must be between 0 and 1', 'settings')
    return settings, version


def parse_session_request(data):
    agent_id = data.get('agent_id')
    if not isinstance(agent_id, str) or not _AGENT_ID.fullmatch(agent_id):
        raise ProtocolError('invalid_field', 'agent_id must be a known agent id', 'session')
    session = data.get('session')
    if session is not None and not isinstance(session, str):
        raise ProtocolError('invalid_field', 'session must be a string', 'session')
    attrs = data.get('attributes') or {}
    if not isinstance(attrs, dict):
        raise ProtocolError('invalid_field', 'attributes must be an object', 'session')
    visitor = {}
    for key in ('name', 'email'):
        if attrs.get(key) is not None:
            visitor[key] = text_field(attrs, key, 'session', limit=200)
    if 'vip' in attrs:
        if not isinstance(attrs['vip'], bool):
            raise ProtocolError('invalid_field', 'attributes.vip must be true or false', 'session')
        visitor['vip'] = attrs['vip']
    return agent_id, session, visitor


def valid_agent_id(agent_id):
    return isinstance(agent_id, str) and bool(_AGENT_ID.fullmatch(agent_id))


def valid_id(value):
    return isinstance(value, str) and bool(_ID.fullmatch(value))


# ---- outgoing events ------------------------------------------------------------------

def event(type_, **fields):
    fields['type'] = type_
    return fields


def public_message(m):
    """A stored message as clients see it (no internal ids such as the operator's)."""
    return {'seq': m['seq'], 'role': m['role'], 'text': m['text'], 'author': m.get('author'),
            'created_at': m['created_at'], 'client_message_id': m.get('client_message_id'),
            'meta': m.get('meta') or {}}


def error_event(code, message, action=None, request_id=None, **details):
    return event('error', code=code, message=message, action=action, request_id=request_id, **details)


def chunk_messages(messages, limit=MAX_SEND):
    """Split a replay into batches whose JSON stays under the socket's message limit."""
    batch, size = [], 200
    for m in messages:
        n = len(json.dumps(m, separators=(',', ':')).encode('utf-8')) + 1
        if batch and size + n > limit:
            yield batch
            batch, size = [], 200
        batch.append(m)
        size += n
    yield batch
