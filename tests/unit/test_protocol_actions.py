"""Socket frames → Command, and every way a frame is refused."""
import json

import pytest

from chalicelib.protocol import MAX_FRAME, MAX_TEXT, OPERATOR_ACTIONS, VISITOR_ACTIONS, ProtocolError, parse_action

CID = 'demo-shop.v_3f9c'


def frame(**fields):
    return json.dumps(fields)


def refused(body, kind, code='invalid_field'):
    with pytest.raises(ProtocolError) as info:
        parse_action(body, kind)
    assert info.value.code == code, info.value.message
    return info.value


# ---- valid frames ----------------------------------------------------------------------------

def test_visitor_send():
    cmd = parse_action(frame(action='send', client_message_id='c-17', text='Where is my order?', request_id='r1'),
                       'visitor')
    assert (cmd.action, cmd.client_message_id, cmd.text, cmd.request_id) == ('send', 'c-17', 'Where is my order?', 'r1')
    assert getattr(cmd, 'conversation_id', None) is None   # typed: a visitor command has no such field


def test_visitor_cannot_name_a_conversation():
    cmd = parse_action(frame(action='send', client_message_id='c1', text='hi', conversation_id='other.v_x'), 'visitor')
    assert getattr(cmd, 'conversation_id', None) is None   # typed: a visitor command has no such field


@pytest.mark.parametrize('fields, expected', [
    ({}, (None, None)),
    ({'client_message_id': 'c2', 'note': 'my parcel is lost'}, ('c2', 'my parcel is lost')),
])
def test_visitor_request_human(fields, expected):
    cmd = parse_action(frame(action='request_human', **fields), 'visitor')
    assert (cmd.client_message_id, cmd.text) == expected


def test_visitor_cancel_typing_resume_ping():
    assert parse_action(frame(action='cancel_handoff'), 'visitor').reason is None
    assert parse_action(frame(action='cancel_handoff', reason='solved it'), 'visitor').reason == 'solved it'
    assert parse_action(frame(action='typing', is_typing=True), 'visitor').is_typing is True
    assert parse_action(frame(action='typing', is_typing=False), 'visitor').is_typing is False
    assert parse_action(frame(action='resume', after=41), 'visitor').after == 41
    assert parse_action(frame(action='resume', after=0), 'visitor').after == 0
    assert parse_action(frame(action='ping', request_id=7), 'visitor').request_id == 7


def test_operator_actions():
    assert parse_action(frame(action='open', conversation_id=CID), 'operator').after == 0
    assert parse_action(frame(action='open', conversation_id=CID, after=5), 'operator').after == 5
    for action in ('acknowledge', 'resolve'):
        cmd = parse_action(frame(action=action, conversation_id=CID), 'operator')
        assert (cmd.action, cmd.conversation_id) == (action, CID)
    cmd = parse_action(frame(action='reply', conversation_id=CID, client_message_id='o-4', text="Hi, I'm Alice."),
                       'operator')
    assert (cmd.conversation_id, cmd.client_message_id, cmd.text) == (CID, 'o-4', "Hi, I'm Alice.")
    assert parse_action(frame(action='cancel', conversation_id=CID, reason='spam'), 'operator').reason == 'spam'
    assert parse_action(frame(action='typing', conversation_id=CID, is_typing=True), 'operator').is_typing
    assert parse_action(frame(action='resume', conversation_id=CID, after=3), 'operator').after == 3
    assert parse_action(frame(action='ping'), 'operator').action == 'ping'


def test_bytes_body_and_text_at_the_limit():
    body = frame(action='send', client_message_id='c1', text='é' * MAX_TEXT).encode()
    assert parse_action(body, 'visitor').text == 'é' * MAX_TEXT


# ---- malformed bodies ------------------------------------------------------------------------

@pytest.mark.parametrize('body', [None, '', 'None', '{', 'not json', "{'action': 'ping'}", b'\xff\xfe'])
def test_malformed_json(body):
    refused(body, 'visitor', 'invalid_json')


@pytest.mark.parametrize('body', ['[]', '"ping"', '42', 'null', 'true', '[{"action": "ping"}]'])
def test_json_that_is_not_an_object(body):
    refused(body, 'operator', 'invalid_json')


def test_frame_too_large():
    body = frame(action='send', client_message_id='c1', text='x' * (MAX_FRAME + 1))
    err = refused(body, 'visitor', 'frame_too_large')
    assert err.status == 413


def test_frame_limit_counts_utf8_bytes():
    # 50,000 euro signs are 150,000 bytes: over the limit though under it in characters.
    refused(frame(action='ping', pad='€' * 50000).replace('\\u20ac', '€'), 'visitor', 'frame_too_large')


# ---- unknown actions ---------------------------------------------------------------------------

@pytest.mark.parametrize('action', [None, 'fly', '', 42, ['send'], 'SEND'])
def test_unknown_action(action):
    fields = {} if action is None else {'action': action}
    err = refused(json.dumps(fields), 'visitor', 'unknown_action')
    assert err.action == (action if isinstance(action, str) else None)


@pytest.mark.parametrize('action', sorted(set(OPERATOR_ACTIONS) - set(VISITOR_ACTIONS)))
def test_visitor_cannot_use_operator_actions(action):
    refused(frame(action=action, conversation_id=CID), 'visitor', 'unknown_action')


@pytest.mark.parametrize('action', sorted(set(VISITOR_ACTIONS) - set(OPERATOR_ACTIONS)))
def test_operator_cannot_use_visitor_only_actions(action):
    refused(frame(action=action, conversation_id=CID), 'operator', 'unknown_action')


# ---- missing fields and wrong types ------------------------------------------------------------

@pytest.mark.parametrize('kind, fields, missing', [
    ('visitor', {'action': 'send', 'text': 'hi'}, 'client_message_id'),
    ('visitor', {'action': 'send', 'client_message_id': 'c1'}, 'text'),
    ('visitor', {'action': 'typing'}, 'is_typing'),
    ('visitor', {'action': 'resume'}, 'after'),
    ('operator', {'action': 'acknowledge'}, 'conversation_id'),
    ('operator', {'action': 'reply', 'conversation_id': CID, 'text': 'hi'}, 'client_message_id'),
    ('operator', {'action': 'resume', 'conversation_id': CID}, 'after'),
    ('operator', {'action': 'typing', 'conversation_id': CID}, 'is_typing'),
])
def test_missing_required_field(kind, fields, missing):
    err = refused(json.dumps(fields), kind)
    assert missing in err.message and err.action == fields['action']


def test_missing_fields_are_all_named():
    assert 'client_message_id, text' in refused(frame(action='send'), 'visitor').message


@pytest.mark.parametrize('after', [True, False, -1, 1.5, '3', None, [1]])
def test_after_must_be_a_non_negative_integer(after):
    refused(frame(action='resume', after=after), 'visitor')


@pytest.mark.parametrize('is_typing', [1, 0, 'true', None])
def test_is_typing_must_be_boolean(is_typing):
    refused(frame(action='typing', is_typing=is_typing), 'visitor')


@pytest.mark.parametrize('text', ['', '   \n', None, 42, ['hi'], {'t': 'hi'}])
def test_text_must_be_a_non_empty_string(text):
    refused(frame(action='send', client_message_id='c1', text=text), 'visitor')


def test_text_too_long():
    err = refused(frame(action='send', client_message_id='c1', text='x' * (MAX_TEXT + 1)), 'visitor', 'text_too_long')
    assert err.status == 413 and err.action == 'send'


def test_operator_reply_text_too_long():
    refused(frame(action='reply', conversation_id=CID, client_message_id='o1', text='x' * (MAX_TEXT + 1)),
            'operator', 'text_too_long')


def test_optional_texts_are_checked_when_present():
    refused(frame(action='request_human', note=''), 'visitor')
    refused(frame(action='request_human', note=5), 'visitor')
    refused(frame(action='cancel_handoff', reason='x' * 501), 'visitor', 'text_too_long')
    assert parse_action(frame(action='cancel_handoff', reason='x' * 500), 'visitor').reason == 'x' * 500


@pytest.mark.parametrize('bad_id', ['', 'has space', 'x' * 65, 'slash/', 'ümlaut', 'semi;colon', 5, None, True])
def test_bad_ids(bad_id):
    refused(frame(action='send', client_message_id=bad_id, text='hi'), 'visitor')
    refused(frame(action='acknowledge', conversation_id=bad_id), 'operator')


@pytest.mark.parametrize('good_id', ['a', 'x' * 64, 'c:1_2.3-4'])
def test_good_client_message_ids(good_id):
    assert parse_action(frame(action='send', client_message_id=good_id, text='hi'),
                        'visitor').client_message_id == good_id


@pytest.mark.parametrize('good_id', ['demo-shop.v_3f9c', 'a' * 48 + '.v_' + 'f' * 20])
def test_good_conversation_ids(good_id):
    # {agent}.{visitor}: a 48-character agent id still fits (ids over 64 characters used to be refused)
    assert parse_action(frame(action='acknowledge', conversation_id=good_id), 'operator').conversation_id == good_id


@pytest.mark.parametrize('bad_id', ['a', 'no-dot', 'UPPER.v_1', 'shop.v_1.extra', 'shop.v-1', 'a' * 49 + '.v_1'])
def test_bad_conversation_ids(bad_id):
    refused(frame(action='acknowledge', conversation_id=bad_id), 'operator')


@pytest.mark.parametrize('after', [10 ** 12, 10 ** 30])
def test_after_is_bounded(after):
    refused(frame(action='resume', after=after), 'visitor')


@pytest.mark.parametrize('request_id', [1.5, ['r'], {'r': 1}])
def test_request_id_must_be_string_or_number(request_id):
    refused(frame(action='ping', request_id=request_id), 'visitor')


def test_id_with_trailing_newline_is_refused():
    refused(frame(action='send', client_message_id='c1\n', text='hi'), 'visitor')
