"""Issue 11 items 4-6 under moto: internal notes never reach the visitor (live, replay, REST, export),
the visitor's client can verify continuity past them, read positions, unread counts, saved replies."""
import json

from collections import Counter

import pytest

from tests.integration.conftest import dynamodb, messages


def taken_by_alice(h, visitor='v1'):
    """A visitor, Alice's and Bob's dashboards, a handoff Alice acknowledged."""
    s = h.visitor(visitor, name='Ada')
    h.connect('alice', token=h.alice)
    h.connect('bob', token=h.bob)
    h.send(visitor, {'action': 'request_human'})
    h.send('alice', {'action': 'acknowledge', 'conversation_id': s['conversation_id']})
    for c in (visitor, 'alice', 'bob'):
        h.take(c)
    return s['conversation_id']


@pytest.fixture(autouse=True)
def log(h):
    """Every event posted to each socket, also the ones a test took already."""
    h.log = {}
    post = h.sender.post

    def logging_post(connection_id, event):
        h.log.setdefault(connection_id, []).append(event)
        return post(connection_id, event)
    h.sender.post = logging_post
    return h.log


def everything(h, connection_id):
    return json.dumps(h.log.get(connection_id, []))


def test_a_note_reaches_colleagues_and_never_the_visitor(h):
    cid = taken_by_alice(h)
    h.connect('v1b', session=h.rest('POST', '/visitor/session', body={'agent_id': 'shop'})[1]['session'])
    # Bob is not the owner and the conversation is not open on his screen: he still gets the note.
    acked = h.send('bob', {'action': 'note', 'conversation_id': cid, 'client_message_id': 'n1',
                           'text': 'SECRET-NOTE refund approved', 'request_id': 7})
    assert acked[0]['type'] == 'ack' and acked[0]['action'] == 'note' and acked[0]['request_id'] == 7
    note_seq = acked[0]['seq']
    assert ('note', 'SECRET-NOTE refund approved') in messages(h.take('alice'))
    assert 'SECRET-NOTE' not in everything(h, 'v1')
    # The same client id again: stored once.
    again = h.send('bob', {'action': 'note', 'conversation_id': cid, 'client_message_id': 'n1', 'text': 'x'})
    assert again[0]['duplicate'] is True and again[0]['seq'] == note_seq
    # Alice replies after the note: the visitor's message names the last seq it could see, not the note's.
    h.send('alice', {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'r1', 'text': 'Done!'})
    live = [e['message'] for e in h.take('v1') if e['type'] == 'message']
    assert [m['text'] for m in live] == ['Done!']
    assert live[0]['seq'] == note_seq + 1 and live[0]['prev_seq'] == note_seq - 1
    # The visitor's own next message is acked with its predecessor too.
    ack = h.send('v1', {'action': 'send', 'client_message_id': 'c9', 'text': 'thanks'})[0]
    assert ack['seq'] == note_seq + 2 and 'prev_seq' not in ack        # no hidden number before it
    # Replay after reconnect: every message but the note, each chained to the previous visible one.
    replayed = [m for e in h.send('v1', {'action': 'resume', 'after': 0}) if e['type'] == 'history'
                for m in e['messages']]
    assert 'SECRET-NOTE' not in json.dumps(replayed)
    assert [m['seq'] for m in replayed] == [s for s in range(1, note_seq + 3) if s != note_seq]
    assert all(m.get('prev_seq', m['seq'] - 1) == p['seq'] for p, m in zip(replayed, replayed[1:]))
    assert [m['seq'] for m in replayed if 'prev_seq' in m] == [note_seq + 1]
    assert 'SECRET-NOTE' not in everything(h, 'v1') + everything(h, 'v1b')
    # Operators replay and page it (REST and socket).
    status, page = h.rest('GET', '/conversations/%s/messages' % cid, token=h.bob)
    assert status == 200 and ('note', 'SECRET-NOTE refund approved') in [(m['role'], m['text'])
                                                                          for m in page['messages']]
    h.send('alice', {'action': 'open', 'conversation_id': cid, 'after': note_seq - 1})
    assert 'SECRET-NOTE' in everything(h, 'alice')
    # The visitor's data export (admin) and the inbox preview keep it out.
    status, export = h.rest('GET', '/agents/shop/visitors/%s/export' % cid.split('.', 1)[1], token=h.alice)
    assert status == 200 and 'SECRET-NOTE' not in json.dumps(export)
    status, inbox = h.rest('GET', '/agents/shop/inbox', token=h.bob)
    assert 'SECRET-NOTE' not in json.dumps(inbox)


def test_any_operator_notes_in_any_state_over_rest_and_errors_write_nothing(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    # Bot mode (no handoff ever): a note is fine.
    status, body = h.rest('POST', '/conversations/%s/notes' % cid, token=h.bob,
                          body={'client_message_id': 'n1', 'text': 'looks like a reseller'})
    assert status == 200 and body['duplicate'] is False
    seq = body['seq']
    for bad, code in (({'client_message_id': 'n2'}, 'invalid_field'),
                      ({'client_message_id': 'n2', 'text': 'x', 'extra': 1}, 'invalid_field'),
                      ({'client_message_id': 'n2', 'text': 'x' * 4001}, 'text_too_long')):
        status, err = h.rest('POST', '/conversations/%s/notes' % cid, token=h.bob, body=bad)
        assert err['error']['code'] == code, err
    status, err = h.rest('POST', '/conversations/%s/notes' % cid, token=h.mallory,
                         body={'client_message_id': 'n3', 'text': 'hi'})
    assert status == 404
    h.connect('mal', token=h.mallory)
    refused = h.send('mal', {'action': 'note', 'conversation_id': cid, 'client_message_id': 'n4', 'text': 'hi'})
    assert refused[0]['type'] == 'error' and refused[0]['code'] == 'not_found'
    status, page = h.rest('GET', '/conversations/%s/messages' % cid, token=h.alice)
    assert [m['seq'] for m in page['messages'] if m['role'] == 'note'] == [seq]
    # The visitor goes on with the bot: its next message chains past the note.
    ack, answer = h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'How long does shipping take?'})
    assert ack['seq'] == seq + 1 and ack['prev_seq'] == seq - 1
    assert answer['message']['role'] == 'bot' and 'prev_seq' not in answer['message']


def test_note_costs_like_a_reply(h, calls):
    cid = taken_by_alice(h)
    calls.clear()
    h.send('bob', {'action': 'note', 'conversation_id': cid, 'client_message_id': 'n1', 'text': 'fyi'})
    assert dynamodb(calls) == Counter({'GetItem': 2, 'TransactWriteItems': 1, 'Query': 1})


def test_visitor_read_receipt_grows_only_and_reaches_the_owner(h, calls):
    cid = taken_by_alice(h)
    h.send('alice', {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'r1', 'text': 'Hello Ada'})
    seq = [e['message']['seq'] for e in h.take('v1') if e['type'] == 'message'][0]
    h.take('alice')
    calls.clear()
    assert h.send('v1', {'action': 'read', 'seq': seq}) == []          # no ack to the widget
    assert dynamodb(calls) == Counter({'GetItem': 1, 'UpdateItem': 1, 'Query': 1})
    assert [e for e in h.take('alice') if e['type'] == 'read'] == [
        {'type': 'read', 'conversation_id': cid, 'reader': 'visitor', 'seq': seq}]
    assert h.take('bob') == []                # not the owner, not viewing
    calls.clear()
    h.send('v1', {'action': 'read', 'seq': seq - 1})                   # older: nothing stored, nothing pushed
    h.send('v1', {'action': 'read', 'seq': seq + 50})                  # beyond the conversation: refused
    assert h.take('alice') == [] and dynamodb(calls)['Query'] == 0 and dynamodb(calls)['UpdateItem'] == 2
    status, conv = h.rest('GET', '/conversations/' + cid, token=h.alice)
    assert conv['visitor_read'] == seq
    bad = h.send('v1', {'action': 'read', 'seq': -1, 'request_id': 'r'})
    assert bad[0]['code'] == 'invalid_field' and bad[0]['request_id'] == 'r'


def test_operator_read_positions_and_unread_counts(h, calls):
    cid = taken_by_alice(h)
    other = h.visitor('v2')['conversation_id']
    h.send('v2', {'action': 'request_human'})
    for text in ('one', 'two', 'three'):
        h.send('v1', {'action': 'send', 'client_message_id': text, 'text': text})
    seq = h.rest('GET', '/conversations/' + cid, token=h.alice)[1]['seq']
    h.take('alice')
    calls.clear()
    acked = h.send('alice', {'action': 'read', 'conversation_id': cid, 'seq': seq - 2, 'request_id': 1})
    assert acked == [{'type': 'ack', 'action': 'read', 'client_message_id': None, 'seq': seq - 2,
                      'duplicate': False, 'request_id': 1, 'conversation_id': cid, 'stored': True}]
    assert dynamodb(calls) == Counter({'GetItem': 2, 'UpdateItem': 1})
    # Never backwards; beyond the end is clamped to it.
    assert h.send('alice', {'action': 'read', 'conversation_id': cid, 'seq': 1})[0]['stored'] is False
    status, body = h.rest('GET', '/agents/shop/inbox', token=h.alice)
    rows = {c['id']: c for c in body['conversations']}
    assert (rows[cid]['read_seq'], rows[cid]['unread']) == (seq - 2, 2)
    assert rows[other]['unread'] == rows[other]['seq']             # never opened: all of it
    status, body = h.rest('GET', '/agents/shop/inbox', token=h.bob)   # positions are per operator
    assert {c['id']: c['unread'] for c in body['conversations']}[cid] == seq
    status, body = h.rest('POST', '/conversations/%s/read' % cid, token=h.alice, body={'seq': 10 ** 9})
    assert (status, body) == (200, {'seq': seq, 'stored': True})
    status, body = h.rest('GET', '/agents/shop/inbox', token=h.alice)
    assert {c['id']: c['unread'] for c in body['conversations']}[cid] == 0
    assert h.rest('POST', '/conversations/%s/read' % cid, token=h.alice, body={'seq': 'x'})[0] == 400
    assert h.rest('POST', '/conversations/%s/read' % cid, token=h.mallory, body={'seq': 1})[0] == 404
    calls.clear()
    h.rest('GET', '/agents/shop/inbox', token=h.alice)
    assert dynamodb(calls)['BatchGetItem'] == 2 and 'Scan' not in dynamodb(calls)   # summaries + read positions


def test_erasing_the_visitor_erases_read_positions(h):
    cid = taken_by_alice(h)
    h.send('alice', {'action': 'read', 'conversation_id': cid, 'seq': 1})
    assert h.rest('DELETE', '/agents/shop/visitors/' + cid.split('.', 1)[1], token=h.alice)[0] == 204
    from chalicelib.adapters.store.reads import Reads
    assert Reads().positions([cid], 'x') == {} and h.rest('GET', '/agents/shop/inbox', token=h.alice)[0] == 200


REPLY = {'title': 'Greeting', 'shortcut': 'hi', 'text': 'Hi {visitor.name}, {operator.name} here.'}


def test_saved_replies_admins_manage_operators_read(h):
    path = '/agents/shop/saved-replies'
    assert h.rest('GET', path, token=h.bob)[1]['saved_replies'] == []
    status, err = h.rest('POST', path, token=h.bob, body=REPLY)
    assert (status, err['error']['code']) == (403, 'forbidden_role')
    assert h.rest('POST', path, token=h.mallory, body=REPLY)[0] == 404
    assert h.rest('GET', path, token=h.mallory)[0] == 404
    status, created = h.rest('POST', path, token=h.alice, body=REPLY)
    assert status == 201
    rid = created['saved_reply']['id']
    status, listed = h.rest('GET', path, token=h.bob)
    assert [(r['id'], r['shortcut'], r['text']) for r in listed['saved_replies']] == [(rid, 'hi', REPLY['text'])]
    status, err = h.rest('POST', path, token=h.alice, body=dict(REPLY, title='Again'))
    assert (status, err['error']['code']) == (409, 'shortcut_taken')
    status, edited = h.rest('PUT', path + '/' + rid, token=h.alice, body=dict(REPLY, text='Hello!'))
    assert status == 200 and edited['saved_reply']['text'] == 'Hello!'
    assert h.rest('PUT', path + '/' + rid, token=h.bob, body=REPLY)[0] == 403
    assert h.rest('PUT', path + '/sr_nope', token=h.alice, body=REPLY)[0] == 404
    assert h.rest('DELETE', path + '/' + rid, token=h.bob)[0] == 403
    assert h.rest('DELETE', path + '/' + rid, token=h.alice)[0] == 204
    assert h.rest('DELETE', path + '/' + rid, token=h.alice)[0] == 404
    assert h.rest('GET', path, token=h.bob)[1]['saved_replies'] == []


@pytest.mark.parametrize('body, code', [
    (dict(REPLY, shortcut='Has Space'), 'invalid_field'),
    (dict(REPLY, shortcut=''), 'invalid_field'),
    (dict(REPLY, title=''), 'invalid_field'),
    (dict(REPLY, title='t' * 81), 'text_too_long'),
    (dict(REPLY, text='x' * 1001), 'text_too_long'),
    (dict(REPLY, text='Hi {visitor.email}'), 'invalid_field'),
    (dict(REPLY, colour='red'), 'invalid_field'),
])
def test_saved_reply_validation_writes_nothing(h, body, code):
    status, err = h.rest('POST', '/agents/shop/saved-replies', token=h.alice, body=body)
    assert status in (400, 413) and err['error']['code'] == code
    assert h.rest('GET', '/agents/shop/saved-replies', token=h.alice)[1]['version'] == 0


def test_saved_replies_are_bounded(h, monkeypatch):
    from chalicelib.domain import saved_replies
    monkeypatch.setattr(saved_replies, 'MAX_REPLIES', 2)
    for i in range(2):
        assert h.rest('POST', '/agents/shop/saved-replies', token=h.alice,
                      body=dict(REPLY, shortcut='s%d' % i))[0] == 201
    status, err = h.rest('POST', '/agents/shop/saved-replies', token=h.alice, body=dict(REPLY, shortcut='s9'))
    assert (status, err['error']['code']) == (409, 'too_many_saved_replies')
