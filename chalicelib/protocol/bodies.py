"""REST bodies and query strings → validated values."""
import hmac
import ipaddress
import re

from chalicelib.protocol.fields import (MAX_TEXT, ProtocolError, check_strings, id_field, loads, text_field,
                                        valid_agent_id)
from chalicelib.protocol import offhours
from chalicelib.protocol.urls import UrlRefused, check_url
from chalicelib.protocol.waiting import check_waiting

STATUSES = ('pending', 'acknowledged', 'resolved', 'cancelled', 'bot')
MAX_ALTERNATES = 20
LANGS = ('en', 'es', 'fr', 'de', 'pt', 'it', 'nl')


def json_body(raw, content_type):
    """A REST body: empty, or a JSON object sent as application/json (any letter case, any charset)."""
    if raw is None or raw == b'' or raw == '':
        return {}
    # No Content-Type at all is read as JSON (the only type any route takes); another type is refused.
    if (content_type or 'application/json').split(';')[0].strip().lower() != 'application/json':
        raise ProtocolError('unsupported_media_type', 'send the body as Content-Type: application/json',
                            status=415)
    if isinstance(raw, (bytes, bytearray)):
        try:
            raw = raw.decode('utf-8')
        except UnicodeDecodeError:
            raise ProtocolError('invalid_json', 'the body must be UTF-8 JSON')
    return loads(raw)


def json_object(body):
    """A body the framework already parsed must be a JSON object (or empty)."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ProtocolError('invalid_json', 'the body must be a JSON object')
    check_strings(body)
    return body


def only(data, allowed, action):
    """Refuse fields a route does not take, rather than ignore them."""
    unknown = sorted(k for k in data if k not in allowed)
    if unknown:
        raise ProtocolError('invalid_field', 'unknown field(s): %s' % ', '.join(k[:64] for k in unknown[:5]), action)
    return data


def query_int(params, name, default, low, high):
    """An integer query parameter (ASCII digits only), or a 400."""
    raw = (params or {}).get(name)
    if raw is None:
        return default
    if not re.fullmatch(r'[0-9]{1,13}', raw) or not low <= int(raw) <= high:
        raise ProtocolError('invalid_field', '%s must be an integer from %d to %d' % (name, low, high), name)
    return int(raw)


def query_statuses(params):
    """`status=pending,acknowledged`: known statuses only; none given means all."""
    raw = (params or {}).get('status', '')
    wanted = [s for s in raw.split(',') if s]
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown or len(raw) > 100:
        raise ProtocolError('invalid_field', 'status must be a comma-separated list of: %s' % ', '.join(STATUSES),
                            'status')
    return wanted or None


def parse_reply(data):
    only(data, {'client_message_id', 'text'}, 'reply')
    return id_field(data, 'client_message_id', 'reply'), text_field(data, 'text', 'reply')


def parse_transition(data, action):
    """acknowledge / resolve take no fields; cancel may say why."""
    only(data, {'reason'} if action == 'cancel' else set(), action)
    return text_field(data, 'reason', action, required=False, limit=500) if action == 'cancel' else None


def parse_knowledge(data):
    return (text_field(data, 'question', 'knowledge', limit=1000),
            text_field(data, 'answer', 'knowledge', limit=MAX_TEXT))


def parse_knowledge_entry(data):
    """A knowledge entry: question, answer, optional other phrasings (other languages too) and language."""
    only(data, {'question', 'answer', 'alternates', 'lang', 'id'}, 'knowledge')
    question, answer = parse_knowledge(data)
    entry = {'question': question, 'answer': answer}
    alternates = data.get('alternates')
    if alternates is not None:
        if not isinstance(alternates, list) or len(alternates) > MAX_ALTERNATES:
            raise ProtocolError('invalid_field', 'alternates must be a list of at most %d questions'
                                % MAX_ALTERNATES, 'knowledge')
        entry['alternates'] = [text_field({'q': q}, 'q', 'knowledge', limit=1000) for q in alternates]
    lang = data.get('lang')
    if lang is not None:
        if lang not in LANGS:
            raise ProtocolError('invalid_field', 'lang must be one of %s' % ', '.join(LANGS), 'knowledge')
        entry['lang'] = lang
    return entry


SETTINGS_FIELDS = {'allow_human_handoff': bool, 'triggers': dict, 'welcome_message': (str, type(None)),
                   'webhook_url': (str, type(None)), 'confidence_threshold': (int, float), 'llm': dict,
                   'retention_days': int}
SETTINGS_FIELDS.update(escalation=dict, inactivity=dict)     # waiting visitors (protocol/waiting.py checks them)
SETTINGS_FIELDS.update(assignment=dict)                       # team inbox (protocol/team_routing.py checks it)
SETTINGS_FIELDS.update(hours=(dict, type(None)), channels=(dict, type(None)))   # protocol/offhours.py checks them
RETENTION_DAYS = (1, 3650)      # messages, handoff transitions and conversations expire N days after writing
ROLES = ('admin', 'operator')


def check_assignment(value):
    from chalicelib.protocol.team_routing import check_assignment as check     # its own module (team inbox)
    check(value)


def parse_settings(data, trigger_names, allow_loopback_http=False):
    """A full or partial settings object; unknown keys and wrong types are refused, not ignored.
    `webhook_url` must be a URL the server may call (protocol.urls: https to a public host; http to
    loopback only where `allow_loopback_http`, i.e. the local runtime)."""
    settings = data.get('settings')
    version = data.get('version')
    if not isinstance(settings, dict):
        raise ProtocolError('invalid_field', 'settings must be an object', 'settings')
    if isinstance(version, bool) or not isinstance(version, int):
        raise ProtocolError('invalid_field', 'version must be the integer read with the settings', 'settings')
    for key, value in settings.items():
        kind = SETTINGS_FIELDS.get(key)
        if kind is None:
            raise ProtocolError('invalid_field', 'unknown setting %r' % key[:64], 'settings')
        if not isinstance(value, kind) or (kind == (int, float) and isinstance(value, bool)):
            raise ProtocolError('invalid_field', 'setting %s has the wrong type' % key, 'settings')
    for name, on in (settings.get('triggers') or {}).items():
        if name not in trigger_names or not isinstance(on, bool):
            raise ProtocolError('invalid_field', 'triggers.%s must be a known trigger set to true/false' % name[:64],
                                'settings')
    url = settings.get('webhook_url')
    if url:
        try:
            check_url(url, allow_loopback_http)
        except UrlRefused as refused:
            raise ProtocolError('invalid_field', str(refused), 'settings')
    if settings.get('welcome_message') and len(settings['welcome_message']) > MAX_TEXT:
        raise ProtocolError('text_too_long', 'welcome_message is limited to %d characters' % MAX_TEXT, 'settings')
    if 'confidence_threshold' in settings and not 0 <= settings['confidence_threshold'] <= 1:
        raise ProtocolError('invalid_field', 'confidence_threshold must be between 0 and 1', 'settings')
    llm = settings.get('llm')
    if llm is not None:
        if set(llm) - {'enabled', 'model_id'} or not isinstance(llm.get('enabled', False), bool) \
                or not isinstance(llm.get('model_id'), (str, type(None))) or len(llm.get('model_id') or '') > 200:
            raise ProtocolError('invalid_field', 'llm must be {"enabled": true|false, "model_id": "<model id>"|null}',
                                'settings')
    if 'retention_days' in settings and (isinstance(settings['retention_days'], bool)
                                         or not RETENTION_DAYS[0] <= settings['retention_days'] <= RETENTION_DAYS[1]):
        raise ProtocolError('invalid_field', 'retention_days must be an integer from %d to %d' % RETENTION_DAYS,
                            'settings')
    check_assignment(settings.get('assignment'))
    offhours.check_settings(settings, allow_loopback_http)      # hours, channels
    check_strings(settings, 'settings')
    check_waiting(settings)
    return settings, version


def viewer_address(headers, edge_secret, caller):
    """The visitor's address for per-address limits. Behind CloudFront, API Gateway's caller is the edge;
    a request that proves it came through our distribution (X-Handoff-Edge equal to EDGE_SECRET, which
    browsers never see) carries the visitor's own address in CloudFront-Viewer-Address ("ip:port")."""
    proof = headers.get('x-handoff-edge') or ''
    if edge_secret and hmac.compare_digest(proof.encode(), edge_secret.encode()):
        viewer = (headers.get('cloudfront-viewer-address') or '').rsplit(':', 1)[0].strip('[]')
        try:
            return str(ipaddress.ip_address(viewer))
        except ValueError:
            pass
    return caller


def parse_role(data, action='team'):
    only(data, {'role'}, action)
    role = data.get('role')
    if role not in ROLES:
        raise ProtocolError('invalid_field', 'role must be "admin" or "operator"', action)
    return role


def parse_invite(data):
    """POST /agents/{id}/operators: {"name", "role" (default operator), "expires_in_days" (optional)}."""
    only(data, {'name', 'role', 'expires_in_days'}, 'team')
    name = text_field(data, 'name', 'team', limit=100)
    role = parse_role({'role': data.get('role', 'operator')})
    days = data.get('expires_in_days')
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650):
        raise ProtocolError('invalid_field', 'expires_in_days must be an integer from 1 to 3650', 'team')
    return name.strip(), role, days


def parse_session_request(data):
    agent_id = data.get('agent_id')
    if not valid_agent_id(agent_id):
        raise ProtocolError('invalid_field', 'agent_id must be a known agent id', 'session')
    session = data.get('session')
    if session is not None and (not isinstance(session, str) or len(session) > 2000):
        raise ProtocolError('invalid_field', 'session must be a string', 'session')
    attrs = data.get('attributes') or {}
    if not isinstance(attrs, dict):
        raise ProtocolError('invalid_field', 'attributes must be an object', 'session')
    visitor = {}
    for key in ('name', 'email'):
        if attrs.get(key) is not None:
            visitor[key] = text_field(attrs, key, 'session', limit=200)
    if attrs.get('plan') is not None:
        visitor['plan'] = text_field(attrs, 'plan', 'session', limit=100)
    if 'vip' in attrs:
        if not isinstance(attrs['vip'], bool):
            raise ProtocolError('invalid_field', 'attributes.vip must be true or false', 'session')
        visitor['vip'] = attrs['vip']
    return agent_id, session, visitor


MAX_USER_ID = 128


def parse_identity(data):
    """(user_id, user_hash) of POST /visitor/session, either None. A user id alone is only a claim; with
    `user_hash` (hex HMAC-SHA256 of the id under the agent's identity secret) it is checked."""
    user_id, user_hash = data.get('user_id'), data.get('user_hash')
    if user_id is not None:
        if not isinstance(user_id, str) or not user_id.strip() or len(user_id) > MAX_USER_ID \
                or any(ord(ch) < 32 or ord(ch) == 127 for ch in user_id):
            raise ProtocolError('invalid_field', 'user_id must be 1-%d printable characters' % MAX_USER_ID, 'session')
        check_strings(user_id, 'session')
    if user_hash is not None:
        if not isinstance(user_hash, str) or len(user_hash) > 256:
            raise ProtocolError('invalid_field', 'user_hash must be the hex HMAC-SHA256 of user_id', 'session')
        if user_id is None:
            raise ProtocolError('invalid_field', 'user_hash needs the user_id it was computed from', 'session')
    return user_id, user_hash


def parse_secret_request(data, default_grace_hours=24, max_grace_hours=168):
    """POST /agents/{id}/secrets/{kind}: {"rotate": true to replace an existing secret, "grace_hours": how
    long the replaced one still verifies (0 to end it now)}."""
    only(data, {'rotate', 'grace_hours'}, 'secrets')
    rotate = data.get('rotate', False)
    grace = data.get('grace_hours', default_grace_hours)
    if not isinstance(rotate, bool):
        raise ProtocolError('invalid_field', 'rotate must be true or false', 'secrets')
    if isinstance(grace, bool) or not isinstance(grace, int) or not 0 <= grace <= max_grace_hours:
        raise ProtocolError('invalid_field', 'grace_hours must be an integer from 0 to %d' % max_grace_hours,
                            'secrets')
    return rotate, grace
