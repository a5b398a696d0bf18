"""REST bodies (settings, visitor session, reply, knowledge) and outgoing event helpers."""
import json

import pytest

from chalicelib.protocol import (
    MAX_SEND, MAX_TEXT, ProtocolError, chunk_messages, error_event, event, parse_knowledge, parse_reply,
    parse_session_request, parse_settings, valid_agent_id, valid_id)
from chalicelib.domain.triggers import DEFAULT_TRIGGERS

TRIGGERS = set(DEFAULT_TRIGGERS)


def refused(fn, *args, code='invalid_field'):
    with pytest.raises(ProtocolError) as info:
        fn(*args)
    assert info.value.code == code, info.value.message
    return info.value


def settings(version=3, **values):
    return {'settings': values, 'version': version}


# ---- settings ----------------------------------------------------------------------------------

def test_full_settings():
    body = settings(allow_human_handoff=True, triggers={'vip': False, 'sales': True}, welcome_message='Hi!',
                    webhook_url='https://hooks.example.com/handoff?x=1', confidence_threshold=0.4)
    assert parse_settings(body, TRIGGERS) == (body['settings'], 3)


@pytest.mark.parametrize('values', [{}, {'allow_human_handoff': False}, {'welcome_message': None},
                                    {'webhook_url': None}, {'webhook_url': ''}, {'confidence_threshold': 0},
                                    {'confidence_threshold': 1}, {'confidence_threshold': 0.35}])
def test_partial_settings(values):
    assert parse_settings(settings(**values), TRIGGERS) == (values, 3)


@pytest.mark.parametrize('body', [{}, {'settings': None, 'version': 1}, {'settings': [], 'version': 1},
                                  {'settings': {}}, {'settings': {}, 'version': '3'},
                                  {'settings': {}, 'version': True}, {'settings': {}, 'version': 1.0}])
def test_settings_envelope(body):
    refused(parse_settings, body, TRIGGERS)


def test_unknown_key_is_refused_not_ignored():
    assert 'colour' in refused(parse_settings, settings(colour='red'), TRIGGERS).message


@pytest.mark.parametrize('key, value', [
    ('allow_human_handoff', 'yes'), ('allow_human_handoff', 1), ('allow_human_handoff', None),
    ('triggers', ['vip']), ('triggers', None), ('welcome_message', 42), ('webhook_url', 42),
    ('confidence_threshold', '0.5'), ('confidence_threshold', True), ('confidence_threshold', None),
])
def test_wrong_types(key, value):
    assert key in refused(parse_settings, settings(**{key: value}), TRIGGERS).message


@pytest.mark.parametrize('triggers', [{'weather': True}, {'vip': 'no'}, {'vip': 0}, {'phrases': None}])
def test_triggers_must_be_known_names_set_to_booleans(triggers):
    refused(parse_settings, settings(triggers=triggers), TRIGGERS)


@pytest.mark.parametrize('url', ['ftp://example.com/hook', 'example.com/hook', 'http://', 'https://exa mple.com',
                                 'javascript:alert(1)', 'https://example.com/' + 'a' * 2000])
def test_bad_webhook_url(url):
    refused(parse_settings, settings(webhook_url=url), TRIGGERS)


@pytest.mark.parametrize('url', ['https://hooks.example.com/a/b?c=d', 'https://hooks.example.com:8443/h'])
def test_good_webhook_url(url):
    assert parse_settings(settings(webhook_url=url), TRIGGERS)[0]['webhook_url'] == url


def test_http_to_loopback_only_where_the_local_runtime_allows_it():
    url = 'http://localhost:8080/hook'
    refused(parse_settings, settings(webhook_url=url), TRIGGERS)
    assert parse_settings(settings(webhook_url=url), TRIGGERS, allow_loopback_http=True)[0]['webhook_url'] == url


def test_webhook_url_with_trailing_newline():
    refused(parse_settings, settings(webhook_url='https://example.com/hook\n'), TRIGGERS)


@pytest.mark.parametrize('value', [-0.01, 1.01, 5, -1])
def test_threshold_range(value):
    refused(parse_settings, settings(confidence_threshold=value), TRIGGERS)


def test_welcome_message_length():
    assert parse_settings(settings(welcome_message='x' * MAX_TEXT), TRIGGERS)
    refused(parse_settings, settings(welcome_message='x' * (MAX_TEXT + 1)), TRIGGERS, code='text_too_long')


# ---- visitor session request -------------------------------------------------------------------

def test_session_request():
    body = {'agent_id': 'demo-shop', 'session': 'tok.mac',
            'attributes': {'name': 'Ada', 'email': 'ada@example.com', 'vip': True, 'shoe_size': 38}}
    assert parse_session_request(body) == ('demo-shop', 'tok.mac',
                                           {'name': 'Ada', 'email': 'ada@example.com', 'vip': True})


def test_session_request_minimal():
    assert parse_session_request({'agent_id': 'demo-shop'}) == ('demo-shop', None, {})
    assert parse_session_request({'agent_id': 'ab', 'attributes': None})[2] == {}
    assert parse_session_request({'agent_id': 'ab', 'attributes': {'name': None, 'vip': False}})[2] == {'vip': False}


@pytest.mark.parametrize('agent_id', [None, '', 'a', 'Demo-Shop', '-shop', 'demo_shop', 'demo shop',
                                      'x' * 49, 42, 'demo.shop'])
def test_bad_agent_id(agent_id):
    refused(parse_session_request, {'agent_id': agent_id})
    assert not valid_agent_id(agent_id)


@pytest.mark.parametrize('agent_id', ['ab', 'demo-shop', '9shop', 'x' * 48])
def test_good_agent_id(agent_id):
    assert parse_session_request({'agent_id': agent_id})[0] == agent_id
    assert valid_agent_id(agent_id)


@pytest.mark.parametrize('body', [
    {'agent_id': 'demo-shop', 'session': 42},
    {'agent_id': 'demo-shop', 'attributes': 'vip'},
    {'agent_id': 'demo-shop', 'attributes': {'vip': 'yes'}},
    {'agent_id': 'demo-shop', 'attributes': {'name': ''}},
    {'agent_id': 'demo-shop', 'attributes': {'email': 7}},
])
def test_bad_session_fields(body):
    refused(parse_session_request, body)


def test_attribute_length():
    refused(parse_session_request, {'agent_id': 'demo-shop', 'attributes': {'name': 'x' * 201}}, code='text_too_long')


def test_agent_id_with_trailing_newline():
    assert not valid_agent_id('demo-shop\n')


# ---- reply / knowledge bodies --------------------------------------------------------------------

def test_reply_and_knowledge_bodies():
    assert parse_reply({'client_message_id': 'o-1', 'text': 'On its way!'}) == ('o-1', 'On its way!')
    refused(parse_reply, {'text': 'hi'})
    refused(parse_reply, {'client_message_id': 'o-1', 'text': 'x' * (MAX_TEXT + 1)}, code='text_too_long')
    assert parse_knowledge({'question': 'Q?', 'answer': 'A.'}) == ('Q?', 'A.')
    refused(parse_knowledge, {'question': 'x' * 1001, 'answer': 'A.'}, code='text_too_long')
    refused(parse_knowledge, {'question': 'Q?'})


def test_valid_id():
    assert valid_id('demo-shop.v_1') and not valid_id('a b') and not valid_id(None) and not valid_id('')


# ---- outgoing events ---------------------------------------------------------------------------

def test_events():
    assert event('pong') == {'type': 'pong'}
    assert error_event('not_owner', 'Alice owns it', action='reply', request_id=3, owner={'id': 'o'}) == {
        'type': 'error', 'code': 'not_owner', 'message': 'Alice owns it', 'action': 'reply', 'request_id': 3,
        'owner': {'id': 'o'}}


def _size(batch):
    return len(json.dumps(batch, separators=(',', ':')).encode('utf-8'))


def _messages(n, text_len):
    return [{'seq': i, 'role': 'visitor', 'text': ('é' if i % 2 else 'x') * text_len, 'meta': {}}
            for i in range(1, n + 1)]


@pytest.mark.parametrize('n, text_len, limit', [(300, 1000, MAX_SEND), (50, 3999, 30000), (1000, 10, 2000)])
def test_chunks_stay_under_the_limit_and_keep_order(n, text_len, limit):
    messages = _messages(n, text_len)
    batches = list(chunk_messages(messages, limit))
    assert len(batches) > 1
    assert [m for b in batches for m in b] == messages
    for batch in batches:
        assert batch and _size(batch) + 200 <= limit


def test_small_replay_is_one_batch():
    messages = _messages(5, 20)
    assert list(chunk_messages(messages)) == [messages]


def test_empty_replay_still_yields_one_empty_batch():
    assert list(chunk_messages([])) == [[]]


def test_an_oversized_message_travels_alone():
    big, small = {'seq': 2, 'text': 'x' * 5000}, {'seq': 1, 'text': 'hi'}
    assert list(chunk_messages([small, big, small], 1000)) == [[small], [big], [small]]
