"""Outgoing events, shaped for the wire."""
import json

from chalicelib.protocol.fields import MAX_SEND


def event(type_, **fields):
    fields['type'] = type_
    return fields


def public_message(m):
    """A stored message as clients see it (no internal ids such as the operator's)."""
    shown = {'seq': m['seq'], 'role': m['role'], 'text': m['text'], 'author': m.get('author'),
             'created_at': m['created_at'], 'client_message_id': m.get('client_message_id'),
             'meta': m.get('meta') or {}}
    if m.get('prev_seq') is not None:       # the previous visitor-visible seq (domain.notes)
        shown['prev_seq'] = m['prev_seq']
    return shown


def error_event(code, message, action=None, request_id=None, **details):
    return event('error', code=code, message=message, action=action, request_id=request_id, **details)


def message_event(conversation_id, m):
    return event('message', conversation_id=conversation_id, message=public_message(m))


def handoff_event(conv, previous):
    current = conv.handoff
    return event('handoff', conversation_id=conv.id, handoff=current.to_dict() if current else None,
                 previous=previous.status.value if previous else None)


def ack_event(action, seq, request_id=None, client_message_id=None, duplicate=False, **extra):
    return event('ack', action=action, client_message_id=client_message_id, seq=seq, duplicate=duplicate,
                 request_id=request_id, **extra)


def summary(conv):
    """A conversation as the inbox lists it."""
    current = conv.handoff
    visitor = dict(conv.visitor or {})
    visitor['id'] = conv.visitor_id
    visitor['verified'] = visitor.get('verified') is True     # only a checked user_hash sets it
    return {'id': conv.id, 'agent_id': conv.agent_id, 'visitor': visitor, 'status': conv.status,
            'handoff': current.to_dict() if current else None, 'last_message': conv.last_message,
            'updated_at': conv.updated_at, 'status_since': conv.status_since, 'seq': conv.seq,
            'waiting_since': current.requested_at if current and current.status.value == 'pending' else None,
            'visitor_read': getattr(conv, 'visitor_read', None)}


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
