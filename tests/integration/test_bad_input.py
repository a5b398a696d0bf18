"""Bad input: a machine-readable error, never a 500, never a partial write."""
import json

import pytest


def seq_of(h, cid):
    return h.rest('GET', '/conversations/' + cid, token=h.alice)[1]['seq']


@pytest.mark.parametrize('frame, code', [
    ('{not json', 'invalid_json'),
    ('[1, 2]', 'invalid_json'),
    ('None', 'invalid_json'),
    ('', 'invalid_json'),
    ({'action': 'fly'}, 'unknown_action'),
    ({'text': 'no action'}, 'unknown_action'),
    ({'action': 'send', 'text': 'no id'}, 'invalid_field'),
    ({'action': 'send', 'client_message_id': 'c1'}, 'invalid_field'),
    ({'action': 'send', 'client_message_id': 'c1', 'text': 42}, 'invalid_field'),
    ({'action': 'send', 'client_message_id': 'c1', 'text': '   '}, 'invalid_field'),
    ({'action': 'send', 'client_message_id': 'bad id!', 'text': 'hi'}, 'invalid_field'),
    ({'action': 'send', 'client_message_id': 'c1', 'text': 'x' * 4001}, 'text_too_long'),
    ({'action': 'send', 'client_message_id': 'c1', 'text': 'x' * (130 * 1024)}, 'frame_too_large'),
    ({'action': 'resume', 'after': -1}, 'invalid_field'),
    ({'action': 'resume', 'after': True}, 'invalid_field'),
    ({'action': 'resume', 'after': '3'}, 'invalid_field'),
    ({'action': 'typing', 'is_typing': 'yes'}, 'invalid_field'),
])
def test_visitor_frames(h, frame, code):
    s = h.visitor('v1')
    events = h.send('v1', frame)
    assert [e['type'] for e in events] == ['error'] and events[0]['code'] == code
    assert events[0]['message']
    if isinstance(frame, dict) and frame.get('action') in ('send', 'resume', 'typing') and code != 'frame_too_large':
        assert events[0]['action'] == frame['action']        # the error names the action
    assert seq_of(h, s['conversation_id']) == 0               # nothing was written


@pytest.mark.parametrize('frame, code', [
    ({'action': 'reply', 'conversation_id': 'shop.v_nobody', 'client_message_id': 'r', 'text': 'hi'}, 'not_found'),
    ({'action': 'acknowledge', 'conversation_id': 'other.v_x'}, 'not_found'),
    ({'action': 'acknowledge'}, 'invalid_field'),
    ({'action': 'acknowledge', 'conversation_id': 7}, 'invalid_field'),
    ({'action': 'reply', 'conversation_id': '{cid}', 'client_message_id': 'r', 'text': 'y' * 4001}, 'text_too_long'),
    ({'action': 'send', 'client_message_id': 'c', 'text': 'operators do not send'}, 'unknown_action'),
])
def test_operator_frames(h, frame, code):
    s = h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    h.connect('alice', token=h.alice)
    frame = json.loads(json.dumps(frame).replace('{cid}', s['conversation_id']))
    before = seq_of(h, s['conversation_id'])
    events = h.send('alice', frame)
    assert [e['type'] for e in events] == ['error'] and events[0]['code'] == code
    assert seq_of(h, s['conversation_id']) == before


def test_rest_bad_bodies(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.send('v1', {'action': 'request_human'})
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    cases = [
        ('POST', '/conversations/%s/reply' % cid, '{oops', 400, 'invalid_json'),
        ('POST', '/conversations/%s/reply' % cid, json.dumps({'text': 'no id'}), 400, 'invalid_field'),
        ('POST', '/conversations/%s/reply' % cid, json.dumps({'client_message_id': 'a', 'text': 'z' * 4001}),
         413, 'text_too_long'),
        ('POST', '/conversations/shop.v_missing/reply', json.dumps({'client_message_id': 'a', 'text': 'hi'}),
         404, 'not_found'),
        ('PUT', '/agents/shop/settings', json.dumps({'settings': {'allow_human_handoff': 'yes'}, 'version': 1}),
         400, 'invalid_field'),
        ('PUT', '/agents/shop/settings', json.dumps({'settings': {'colour': 'red'}, 'version': 1}), 400,
         'invalid_field'),
        ('PUT', '/agents/shop/settings', json.dumps({'settings': {'webhook_url': 'ftp://x'}, 'version': 1}), 400,
         'invalid_field'),
        ('PUT', '/agents/shop/settings', json.dumps({'settings': {}}), 400, 'invalid_field'),
        ('POST', '/agents/shop/knowledge', json.dumps({'question': 'q'}), 400, 'invalid_field'),
        ('PUT', '/agents/shop/knowledge/kb_missing', json.dumps({'question': 'q', 'answer': 'a'}), 404, 'not_found'),
        ('DELETE', '/agents/shop/knowledge/kb_missing', None, 404, 'not_found'),
        ('GET', '/agents/nope/inbox', None, 404, 'not_found'),
        ('POST', '/visitor/session', '{', 400, 'invalid_json'),
        ('POST', '/visitor/session', json.dumps({'agent_id': 'BAD ID'}), 400, 'invalid_field'),
        ('POST', '/visitor/session', json.dumps({'agent_id': 'shop', 'attributes': {'vip': 'yes'}}), 400,
         'invalid_field'),
    ]
    seq = seq_of(h, cid)
    for method, path, raw, status, code in cases:
        got_status, body = h.rest(method, path, token=h.alice, raw=raw)
        assert (got_status, body['error']['code']) == (status, code), (method, path, raw, body)
    assert seq_of(h, cid) == seq
    assert h.rest('GET', '/agents/shop/settings', token=h.alice)[1]['version'] == 1


@pytest.mark.parametrize('raw', ['[1]', '"x"', '5'])
def test_rest_bodies_must_be_objects(h, raw):
    s = h.visitor('v1')
    cid = s['conversation_id']
    for method, path, token in (('POST', '/visitor/session', None), ('POST', '/conversations/%s/reply' % cid, h.alice),
                                ('POST', '/conversations/%s/cancel' % cid, h.alice),
                                ('PUT', '/agents/shop/settings', h.alice), ('POST', '/agents/shop/knowledge', h.alice)):
        status, body = h.rest(method, path, token=token, raw=raw)
        assert (status, body['error']['code']) == (400, 'invalid_json'), (path, body)


@pytest.mark.parametrize('query', ['after=%C2%B2', 'limit=%C2%B2', 'after=-1', 'limit=0', 'after=99999999999999'])
def test_bad_query_numbers_are_400(h, query):
    s = h.visitor('v1')
    status, body = h.rest('GET', '/conversations/%s/messages?%s' % (s['conversation_id'], query), token=h.alice)
    assert status == 400 and body['error']['code'] == 'invalid_field'
    status, body = h.rest('GET', '/agents/shop/inbox?limit=%C2%B2', token=h.alice)
    assert status == 400
