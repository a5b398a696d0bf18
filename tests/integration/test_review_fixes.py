"""One test (or a few) per hole the service-layer review found (issue "One conversation model ...")."""
import base64
import hashlib
import hmac
import json
import os

import pytest

from tests.integration.conftest import messages

DEEP = '[' * 5000 + ']' * 5000


def seq_of(h, cid):
    return h.rest('GET', '/conversations/' + cid, token=h.alice)[1]['seq']


def pending(h, visitor='v1'):
    s = h.visitor(visitor)
    h.send(visitor, {'action': 'request_human', 'client_message_id': 'ask-' + visitor})
    return s['conversation_id']


def raw(h, method, path, body, headers):
    response = h.client.http.request(method, path, headers=headers, body=body)
    return response.status_code, json.loads(response.body) if response.body else None


# 1. only the owner cancels an acknowledged handoff --------------------------------------------------

def test_a_colleague_cannot_cancel_an_acknowledged_handoff(h):
    cid = pending(h)
    h.connect('bob', token=h.bob)
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    before = seq_of(h, cid)
    status, body = h.rest('POST', '/conversations/%s/cancel' % cid, token=h.bob, body={'reason': 'mine now'})
    assert status == 403 and body['error']['code'] == 'not_owner' and body['error']['owner']['name'] == 'Alice'
    err = h.send('bob', {'action': 'cancel', 'conversation_id': cid, 'request_id': 'r9'})[-1]
    assert (err['code'], err['request_id']) == ('not_owner', 'r9')
    assert seq_of(h, cid) == before
    status, body = h.rest('POST', '/conversations/%s/cancel' % cid, token=h.alice)
    assert status == 200 and body['handoff']['status'] == 'cancelled'


# 2. acks and request ids ------------------------------------------------------------------------------

@pytest.mark.parametrize('frame, code', [
    ({'action': 'fly', 'request_id': 'r1'}, 'unknown_action'),
    ({'action': 'send', 'text': 'no id', 'request_id': 'r1'}, 'invalid_field'),
    ({'action': 'send', 'client_message_id': 'c1', 'text': 'x' * 4001, 'request_id': 'r1'}, 'text_too_long'),
    ({'action': 'resume', 'after': -1, 'request_id': 'r1'}, 'invalid_field'),
])
def test_refused_frames_still_carry_their_request_id(h, frame, code):
    h.visitor('v1')
    [err] = h.send('v1', frame)
    assert (err['type'], err['code'], err['request_id']) == ('error', code, 'r1')


def test_cancel_handoff_is_acked_as_cancel_handoff(h):
    pending(h)
    events = h.send('v1', {'action': 'cancel_handoff', 'request_id': 'r2'})
    assert events[0]['type'] == 'ack' and events[0]['action'] == 'cancel_handoff' and events[0]['request_id'] == 'r2'


def test_request_human_without_client_id_is_acked(h):
    s = h.visitor('v1')
    events = h.send('v1', {'action': 'request_human', 'request_id': 'r3'})
    assert events[0]['type'] == 'ack' and events[0]['action'] == 'request_human'
    assert events[0]['request_id'] == 'r3' and events[0]['seq'] == seq_of(h, s['conversation_id'])


# 3. deep JSON and unbounded echoes --------------------------------------------------------------------

@pytest.mark.parametrize('method, path', [
    ('POST', '/visitor/session'), ('POST', '/conversations/shop.v_1/reply'),
    ('POST', '/conversations/shop.v_1/acknowledge'), ('POST', '/conversations/shop.v_1/cancel'),
    ('PUT', '/agents/shop/settings'), ('POST', '/agents/shop/knowledge'),
])
def test_deeply_nested_json_is_a_400_on_every_body_route(h, method, path):
    status, body = h.rest(method, path, token=h.alice, raw='{"a": %s}' % DEEP)
    assert status == 400 and body['error']['code'] == 'invalid_json'


def test_deeply_nested_json_on_a_socket_is_an_error_event(h):
    h.visitor('v1')
    [err] = h.send('v1', DEEP)
    assert err['type'] == 'error' and err['code'] == 'invalid_json'


def test_an_error_never_echoes_unbounded_input(h):
    h.visitor('v1')
    [err] = h.send('v1', {'action': 'x' * 70000, 'request_id': 'y' * 30000})
    assert err['code'] == 'unknown_action' and err['action'] is None and err['request_id'] is None
    assert len(json.dumps(err)) < 1000


# 4. unpaired surrogates -------------------------------------------------------------------------------

def test_unpaired_surrogates_are_refused_everywhere_and_write_nothing(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    bad = '{"question": "Q\\ud800?", "answer": "A."}'
    status, body = h.rest('POST', '/agents/shop/knowledge', token=h.alice, raw=bad)
    assert status == 400 and body['error']['code'] == 'invalid_field'
    [err] = h.send('v1', '{"action": "send", "client_message_id": "c1", "text": "hi \\udc00"}')
    assert err['code'] == 'invalid_field'
    assert seq_of(h, cid) == 0
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c2', 'text': 'How long does shipping take?'})
    assert messages(events)[0][0] == 'bot'               # the agent still answers
    h.send('v1', {'action': 'request_human', 'client_message_id': 'ask'})
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    status, body = h.rest('POST', '/conversations/%s/reply' % cid, token=h.alice,
                          raw='{"client_message_id": "r1", "text": "\\ud83d oops"}')
    assert status == 400 and body['error']['code'] == 'invalid_field'


def test_only_a_lost_race_is_a_conflict(h):
    """A transaction DynamoDB refuses for another reason (here: an item over 400 KB) is not retried as a race."""
    import app as app_module
    from chalicelib.adapters.store import ConflictError
    from chalicelib.domain.conversation import Change, message
    s = h.visitor('v1')
    ctx = app_module._services.ctx
    conv = ctx.conversations.get(s['conversation_id'])
    huge = message(conv.seq + 1, 'visitor', 'x' * (420 * 1024), '2026-01-01T00:00:00.000Z')
    with pytest.raises(Exception) as info:
        ctx.conversations.commit(conv, Change((huge,), {'updated_at': '2026-01-01T00:00:00.000Z'}))
    assert not isinstance(info.value, ConflictError)
    stale = ctx.conversations.get(s['conversation_id'])
    h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'hello'})
    with pytest.raises(ConflictError):
        ctx.conversations.commit(stale, Change((message(stale.seq + 1, 'visitor', 'late', 'now'),), {}))


# 5. malformed but signed sessions -----------------------------------------------------------------------

def _sign(payload):
    secret = os.environ['SESSION_SECRET'].encode()
    data = json.dumps(payload).encode()
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b'=').decode()     # noqa: E731
    return '%s.%s' % (b64(data), b64(hmac.new(secret, data, hashlib.sha256).digest()))


@pytest.mark.parametrize('payload', [
    {'v': 'v_1', 'iat': 2 ** 40}, {'a': 'shop', 'iat': 2 ** 40}, {'a': 'shop', 'v': 'v_1'},
    {'a': 5, 'v': 'v_1', 'iat': 2 ** 40}, {'a': 'shop', 'v': ['x'], 'iat': 2 ** 40},
    {'a': 'shop', 'v': 'v_1', 'iat': 'soon'}, {'a': 'shop', 'v': 'v_1', 'iat': None}, [1, 2], 'text',
])
def test_a_signed_but_malformed_session_is_401(h, payload):
    assert h.connect('v1', session=_sign(payload)) == 401


# 6. REST validation ------------------------------------------------------------------------------------

def test_unknown_inbox_status_is_refused(h):
    status, body = h.rest('GET', '/agents/shop/inbox?status=bogus', token=h.alice)
    assert status == 400 and body['error']['code'] == 'invalid_field'
    assert h.rest('GET', '/agents/shop/inbox?status=pending,bot', token=h.alice)[0] == 200


@pytest.mark.parametrize('body', ['[1]', '"x"', '{"bogus": 1}', '{'])
def test_acknowledge_validates_its_body(h, body):
    cid = pending(h)
    status, answer = h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice, raw=body)
    assert status == 400 and answer['error']['code'] in ('invalid_json', 'invalid_field')
    assert h.rest('GET', '/conversations/' + cid, token=h.alice)[1]['status'] == 'pending'


def test_json_bodies_by_content_type(h):
    auth = 'Bearer ' + h.alice
    body = json.dumps({'question': 'Do you sell gift cards?', 'answer': 'Yes, from $10.'})
    for content_type in ('Application/JSON', 'application/json; charset=utf-8'):
        status, _ = raw(h, 'POST', '/agents/shop/knowledge', body, {'Authorization': auth,
                                                                    'Content-Type': content_type})
        assert status == 201, content_type
    status, _ = raw(h, 'POST', '/agents/shop/knowledge', body, {'Authorization': auth})       # no Content-Type
    assert status == 201
    status, answer = raw(h, 'POST', '/agents/shop/knowledge', body, {'Authorization': auth,
                                                                     'Content-Type': 'text/plain'})
    assert status == 415 and answer['error']['code'] == 'unsupported_media_type'


def test_framework_errors_have_the_documented_shape(h):
    status, body = raw(h, 'DELETE', '/operator/me', None, {'Authorization': 'Bearer ' + h.alice})
    assert status == 405 and body['error']['code'] == 'method_not_allowed' and body['error']['message']


# 7. inbox counts and order -------------------------------------------------------------------------------

def test_inbox_counts_are_exact_past_the_listing_limit(h):
    from chalicelib.adapters.store.models import ConversationItem, Entity
    with Entity.batch_write() as batch:
        for i in range(230):
            batch.save(ConversationItem('CONV#shop.v_bulk%d' % i, 'META', agent_id='shop', visitor_id='v_bulk%d' % i,
                                        seq=1, status='pending', created_at='2026-01-01T00:00:00.000Z',
                                        updated_at='2026-01-01T00:00:00.000Z', gsi1pk='INBOX#shop#pending',
                                        gsi1sk='2026-01-01T00:00:%02d.000Z' % (i % 60)))
    status, body = h.rest('GET', '/agents/shop/inbox', token=h.alice)
    assert status == 200 and body['counts'] == {'pending': 230, 'acknowledged': 0}


def test_recent_conversations_are_ordered_by_when_they_entered_their_status(h):
    first = pending(h, 'v1')
    second = pending(h, 'v2')
    h.rest('POST', '/conversations/%s/cancel' % second, token=h.alice)     # closed first
    h.rest('POST', '/conversations/%s/cancel' % first, token=h.alice)      # closed last
    h.visitor('v3')                                                        # a bot-only conversation, newest
    body = h.rest('GET', '/agents/shop/inbox?status=cancelled,bot', token=h.alice)[1]
    listed = [c['id'] for c in body['conversations']]
    assert listed[:3][1:] == [first, second]
    times = [c['status_since'] for c in body['conversations']]
    assert times == sorted(times, reverse=True)


# 8. replay streams -------------------------------------------------------------------------------------

def test_replay_reads_one_page_at_a_time(h, monkeypatch):
    import app as app_module
    monkeypatch.setattr('chalicelib.usecases.replay.PAGE', 5)
    s = h.visitor('v1')
    for i in range(8):
        h.send('v1', {'action': 'send', 'client_message_id': 'c%d' % i, 'text': 'How long does shipping take?'})
    store = app_module._services.ctx.conversations
    reads, original = [], store.messages

    def watched(conversation_id, after=0, limit=100):
        reads.append((after, limit, len(h.sender.sent.get('v1', []))))
        return original(conversation_id, after, limit)
    monkeypatch.setattr(store, 'messages', watched)
    events = h.send('v1', {'action': 'resume', 'after': 0})
    assert [m['seq'] for e in events for m in e['messages']] == list(range(1, 17))
    assert all(limit == 5 for _, limit, _ in reads) and len(reads) == 4
    assert reads[-1][2] > 0         # history was on its way before the last page was read
    assert events[-1]['complete'] and not any(e['complete'] for e in events[:-1])
    assert seq_of(h, s['conversation_id']) == 16


# 9. one code for "nothing open" --------------------------------------------------------------------------

def test_every_action_on_a_closed_handoff_says_no_open_handoff(h):
    cid = pending(h)
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    h.rest('POST', '/conversations/%s/resolve' % cid, token=h.alice)
    for action in ('acknowledge', 'resolve', 'cancel'):
        status, body = h.rest('POST', '/conversations/%s/%s' % (cid, action), token=h.alice)
        assert (status, body['error']['code']) == (409, 'no_open_handoff'), action


# 10. revoking tokens, and agents that exist already -------------------------------------------------------

def test_a_revoked_or_expired_token_is_refused(h, monkeypatch):
    from infra import admin
    operator_id, token = admin.create_operator('Carol', ['shop'], with_id=True)
    assert h.rest('GET', '/operator/me', token=token)[0] == 200
    assert h.connect('carol', token=token) == 200
    assert admin.revoke_operator(operator_id) is True
    status, body = h.rest('GET', '/operator/me', token=token)
    assert status == 401 and body['error']['code'] == 'unauthorized'
    assert h.connect('carol-2', token=token) == 401
    assert admin.revoke_operator(operator_id) is False
    _, soon = admin.create_operator('Dave', ['shop'], expires_in_days=1, with_id=True)
    assert h.rest('GET', '/operator/me', token=soon)[0] == 200
    import time
    real = time.time
    monkeypatch.setattr(time, 'time', lambda: real() + 2 * 86400)
    assert h.rest('GET', '/operator/me', token=soon)[0] == 401


def test_create_agent_refuses_to_overwrite_unless_asked(h):
    from infra import admin
    h.rest('PUT', '/agents/shop/settings', token=h.alice, body={'settings': {'welcome_message': 'Hi!'}, 'version': 1})
    with pytest.raises(ValueError):
        admin.create_agent('shop', 'Someone Else')
    assert h.rest('GET', '/agents/shop/settings', token=h.alice)[1]['settings']['welcome_message'] == 'Hi!'
    admin.create_agent('shop', 'Renamed', replace=True)
    assert h.rest('GET', '/agents/shop/settings', token=h.alice)[1]['name'] == 'Renamed'


def test_admin_cli_prints_id_and_token_and_revokes(h, capsys):
    from infra import admin
    assert admin.main(['create-operator', 'Erin', 'shop']) == 0
    operator_id, token = capsys.readouterr().out.split()
    assert h.rest('GET', '/operator/me', token=token)[0] == 200
    assert admin.main(['revoke-operator', operator_id]) == 0
    assert h.rest('GET', '/operator/me', token=token)[0] == 401
    assert admin.main(['create-agent', 'shop', 'Again']) == 2
