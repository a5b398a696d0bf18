"""Pure rules of the team inbox: notes and the prev_seq chain, read positions, saved replies, frames."""
import pytest

from chalicelib.domain import notes, saved_replies as rules
from chalicelib.domain.conversation import Conversation, message
from chalicelib.errors import AppError
from chalicelib.protocol import ProtocolError, parse_action
from chalicelib.protocol.team_inbox import parse_note, parse_read, parse_saved_reply
from chalicelib.usecases.reads import unread


def msgs(*roles, start=1):
    return [message(start + i, role, 't', 'now') for i, role in enumerate(roles)]


def test_chain_marks_only_messages_after_hidden_numbers():
    first = msgs('visitor', 'bot')
    assert notes.chain(first, 0) == 2 and all('prev_seq' not in m for m in first)
    note = msgs('note', start=3)
    assert notes.chain(note, 2) == 2 and 'prev_seq' not in note[0]          # a note moves nothing
    after = msgs('human', 'note', 'visitor', start=4)
    assert notes.chain(after, 2) == 6
    assert [m.get('prev_seq') for m in after] == [2, None, 4]


def test_a_note_is_hidden_from_every_visitor_list_and_written_by_anyone():
    conv = Conversation('shop.v1', 'shop', 'v1', seq=7)
    change = notes.write_note(conv, 'op_b', 'Bob', 'internal', 'n1', 'now')
    (m,) = change.messages
    assert (m['seq'], m['role'], m['author'], m['author_id']) == (8, 'note', 'Bob', 'op_b')
    assert 'last_message' not in change.updates and change.event is None
    assert notes.for_visitor([m] + msgs('bot', start=9)) == msgs('bot', start=9)


def test_unread_counts_from_the_read_position():
    assert unread(10, 7) == 3 and unread(10, None) == 10 and unread(3, 5) == 0


def test_saved_reply_rules():
    assert rules.expand('Hi {visitor.name}, {operator.name} here', 'Ada', 'Alice') == 'Hi Ada, Alice here'
    assert rules.expand('Hi {visitor.name}!', None, 'Alice') == 'Hi there!'
    assert rules.unknown_placeholders('{visitor.name} {visitor.email} {x}') == ['{visitor.email}', '{x}']
    assert rules.unknown_placeholders('a {b c} {') == []               # not placeholders: braces with spaces
    base = {'r1': {'title': 'A', 'shortcut': 'a', 'text': 'x'}}
    assert set(rules.check_list(base, 'r2', {'title': 'B', 'shortcut': 'b', 'text': 'y'})) == {'r1', 'r2'}
    assert rules.check_list(base, 'r1', {'title': 'A2', 'shortcut': 'a', 'text': 'z'})['r1']['title'] == 'A2'
    with pytest.raises(AppError) as taken:
        rules.check_list(base, 'r2', {'title': 'B', 'shortcut': 'a', 'text': 'y'})
    assert (taken.value.code, taken.value.status) == ('shortcut_taken', 409)
    many = {'r%d' % i: {'title': 't', 'shortcut': 's%d' % i, 'text': 'x'} for i in range(rules.MAX_REPLIES)}
    with pytest.raises(AppError) as full:
        rules.check_list(many, 'new', {'title': 't', 'shortcut': 'new', 'text': 'x'})
    assert full.value.code == 'too_many_saved_replies'


@pytest.mark.parametrize('body', [
    {'title': 'T', 'shortcut': '-a', 'text': 'x'},
    {'title': 'T', 'shortcut': 'A', 'text': 'x'},
    {'title': 'T', 'shortcut': 'a' * 33, 'text': 'x'},
    {'title': ' ', 'shortcut': 'a', 'text': 'x'},
    {'title': 'T', 'shortcut': 'a', 'text': '{operator.email}'},
    {'title': 'T', 'shortcut': 'a'},
])
def test_saved_reply_bodies_refused(body):
    with pytest.raises(ProtocolError):
        parse_saved_reply(body)


def test_frames_and_bodies():
    read = parse_action('{"action": "read", "seq": 4}', 'visitor')
    assert read.seq == 4
    op = parse_action('{"action": "read", "conversation_id": "shop.v1", "seq": 4}', 'operator')
    assert (op.conversation_id, op.seq) == ('shop.v1', 4)
    note = parse_action('{"action": "note", "conversation_id": "shop.v1", "client_message_id": "n", "text": "x"}',
                        'operator')
    assert (note.action, note.text) == ('note', 'x')
    for bad, kind in (('{"action": "note", "conversation_id": "shop.v1", "text": "x"}', 'operator'),
                      ('{"action": "read", "seq": true}', 'visitor'),
                      ('{"action": "read"}', 'visitor'),
                      ('{"action": "note", "client_message_id": "n", "text": "x"}', 'visitor')):
        with pytest.raises(ProtocolError):
            parse_action(bad, kind)
    assert parse_note({'client_message_id': 'n', 'text': 'x'}) == ('n', 'x')
    assert parse_read({'seq': 3}) == 3
    for bad in ({}, {'seq': -1}, {'seq': 1, 'x': 1}):
        with pytest.raises(ProtocolError):
            parse_read(bad)
