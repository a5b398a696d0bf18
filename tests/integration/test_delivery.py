"""Nothing lost, nothing twice: idempotent sends, replay, gone sockets, disconnects."""
from tests.integration.conftest import messages, types


def test_resend_with_same_client_message_id_is_stored_once(h):
    s = h.visitor('v1')
    first = h.send('v1', {'action': 'send', 'client_message_id': 'same', 'text': 'How long does shipping take?'})
    again = h.send('v1', {'action': 'send', 'client_message_id': 'same', 'text': 'How long does shipping take?'})
    assert first[0] == {'type': 'ack', 'action': 'send', 'client_message_id': 'same', 'seq': 1,
                        'duplicate': False, 'request_id': None}
    assert types(again) == ['ack'] and again[0]['seq'] == 1 and again[0]['duplicate'] is True
    h.connect('alice', token=h.alice)
    status, page = h.rest('GET', '/conversations/%s/messages' % s['conversation_id'], token=h.alice)
    assert [m['role'] for m in page['messages']] == ['visitor', 'bot']


def test_operator_reply_retry_is_stored_once(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.send('v1', {'action': 'request_human'})
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    body = {'client_message_id': 'op-1', 'text': 'Hello from Alice'}
    assert h.rest('POST', '/conversations/%s/reply' % cid, token=h.alice, body=body) == (
        200, {'seq': 3, 'duplicate': False})
    assert h.rest('POST', '/conversations/%s/reply' % cid, token=h.alice, body=body) == (
        200, {'seq': 3, 'duplicate': True})
    texts = [m['text'] for m in h.rest('GET', '/conversations/%s/messages' % cid, token=h.alice)[1]['messages']]
    assert texts.count('Hello from Alice') == 1


def test_resume_replays_exactly_what_was_missed(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'talk to a human'})   # seq 1, 2
    h.connect('alice', token=h.alice)
    h.send('alice', {'action': 'acknowledge', 'conversation_id': cid})                          # seq 3
    h.take('v1')
    h.disconnect('v1')                                     # the visitor drops off
    for i in range(3):                                     # seq 4, 5, 6
        h.send('alice', {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'r%d' % i,
                         'text': 'reply %d' % i})
    assert h.take('v1') == []                              # nothing was posted to the dead socket
    assert h.connect('v2', session=s['session']) == 200
    events = h.send('v2', {'action': 'resume', 'after': 3})
    assert types(events) == ['history']
    assert [(m['seq'], m['text']) for m in events[0]['messages']] == [(4, 'reply 0'), (5, 'reply 1'), (6, 'reply 2')]
    assert events[0]['complete'] is True and events[0]['handoff']['status'] == 'acknowledged'
    assert h.send('v2', {'action': 'resume', 'after': 6})[0]['messages'] == []


def test_large_replay_is_split_under_the_socket_limit(h):
    import json
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.send('v1', {'action': 'request_human'})
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    for i in range(40):
        h.rest('POST', '/conversations/%s/reply' % cid, token=h.alice,
               body={'client_message_id': 'big%d' % i, 'text': 'x' * 3900})
    h.take('v1')
    events = h.send('v1', {'action': 'resume', 'after': 0})
    assert len(events) >= 2 and all(len(json.dumps(e)) < 128 * 1024 for e in events)
    seqs = [m['seq'] for e in events for m in e['messages']]
    assert seqs == list(range(1, 43))
    assert [e['complete'] for e in events][-1] is True and not any(e['complete'] for e in events[:-1])


def test_gone_visitor_socket_is_removed_and_delivery_continues(h, monkeypatch):
    import app as app_module
    monkeypatch.setattr('chalicelib.adapters.store.connections.SOCKET_GRACE_SECONDS', 0)
    s = h.visitor('tab1')
    cid = s['conversation_id']
    assert h.connect('tab2', session=s['session']) == 200
    h.send('tab1', {'action': 'request_human'})
    h.take('tab2')
    h.sender.gone.add('tab1')                  # closed without a $disconnect
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    assert messages(h.take('tab2')) == [('system', 'Alice joined the conversation.')]
    stores = app_module._services.ctx.stores
    assert stores.conversations.get(cid).connections == {'tab2'}
    assert stores.connections.get('tab1') is None


def test_gone_operator_socket_is_removed(h, monkeypatch):
    import app as app_module
    monkeypatch.setattr('chalicelib.adapters.store.connections.SOCKET_GRACE_SECONDS', 0)
    h.connect('alice-old', token=h.alice)
    h.connect('alice-new', token=h.alice)
    h.sender.gone.add('alice-old')
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    assert types(h.take('alice-new')) == ['message', 'handoff']
    assert [s.connection_id for s in app_module._services.ctx.connections.operators_of('shop')] == ['alice-new']


def test_disconnect_forgets_the_socket(h):
    import app as app_module
    s = h.visitor('v1')
    h.connect('alice', token=h.alice)
    h.disconnect('v1')
    h.disconnect('alice')
    h.disconnect('never-connected')            # $disconnect is best effort, may repeat
    stores = app_module._services.ctx.stores
    assert stores.conversations.get(s['conversation_id']).connections == frozenset()
    assert stores.connections.operators_of('shop') == []
    err = h.send('v1', {'action': 'send', 'client_message_id': 'x', 'text': 'hi'})
    assert err[0]['type'] == 'error' and err[0]['code'] == 'unauthorized'


def test_typing_is_relayed_both_ways_during_a_handoff(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.connect('alice', token=h.alice)
    h.send('v1', {'action': 'typing', 'is_typing': True})
    assert h.take('alice') == []               # no handoff: nobody to tell
    h.send('v1', {'action': 'request_human'})
    h.take('alice')
    h.send('v1', {'action': 'typing', 'is_typing': True})
    assert h.take('alice') == [{'type': 'typing', 'conversation_id': cid, 'role': 'visitor', 'name': None,
                                'is_typing': True}]
    # an operator types to the visitor only once they own the conversation
    err = h.send('alice', {'action': 'typing', 'conversation_id': cid, 'is_typing': True})
    assert err[-1]['type'] == 'error' and err[-1]['code'] == 'illegal_transition' and h.take('v1') == []
    h.send('alice', {'action': 'acknowledge', 'conversation_id': cid})
    h.take('v1')
    h.send('alice', {'action': 'typing', 'conversation_id': cid, 'is_typing': True})
    assert h.take('v1')[-1] == {'type': 'typing', 'conversation_id': cid, 'role': 'human', 'name': 'Alice',
                                'is_typing': True}
    h.connect('bob', token=h.bob)
    err = h.send('bob', {'action': 'typing', 'conversation_id': cid, 'is_typing': True})
    assert err[-1]['code'] == 'not_owner' and h.take('v1') == []


def test_ping_pong(h):
    h.visitor('v1')
    assert h.send('v1', {'action': 'ping', 'request_id': 7}) == [{'type': 'pong', 'request_id': 7}]


def test_the_sending_tab_gets_an_ack_and_the_other_tabs_get_the_message(h):
    s = h.visitor('tab1')
    assert h.connect('tab2', session=s['session']) == 200
    events = h.send('tab1', {'action': 'send', 'client_message_id': 'c1', 'text': 'How long does shipping take?'})
    assert types(events) == ['ack', 'message'] and events[1]['message']['role'] == 'bot'
    assert messages(h.take('tab2')) == [('visitor', 'How long does shipping take?'),
                                        ('bot', 'Standard shipping takes 3-5 business days.')]


def test_a_socket_still_upgrading_is_not_forgotten(h):
    """API Gateway answers Gone while a $connect is in flight: a fresh socket survives that."""
    import app as app_module
    h.connect('alice', token=h.alice)
    h.sender.gone.add('alice')                 # the upgrade has not completed yet
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    h.sender.gone.discard('alice')             # now it has
    assert [s.connection_id for s in app_module._services.ctx.connections.operators_of('shop')] == ['alice']
    h.send('v1', {'action': 'send', 'client_message_id': 'c2', 'text': 'still there?'})
    assert [e['type'] for e in h.take('alice')] == ['message']


def test_retry_after_the_state_moved_on_is_still_a_duplicate(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    first = h.send('v1', {'action': 'request_human', 'client_message_id': 'ask-1'})
    again = h.send('v1', {'action': 'request_human', 'client_message_id': 'ask-1'})
    assert again == [{'type': 'ack', 'action': 'request_human', 'client_message_id': 'ask-1',
                      'seq': first[0]['seq'], 'duplicate': True, 'request_id': None}]
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    body = {'client_message_id': 'r-1', 'text': 'On it'}
    status, stored = h.rest('POST', '/conversations/%s/reply' % cid, token=h.alice, body=body)
    h.rest('POST', '/conversations/%s/resolve' % cid, token=h.alice)
    assert h.rest('POST', '/conversations/%s/reply' % cid, token=h.alice, body=body) == (
        200, {'seq': stored['seq'], 'duplicate': True})


def test_client_ids_are_per_sender(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.send('v1', {'action': 'request_human'})
    h.send('v1', {'action': 'send', 'client_message_id': 'shared-1', 'text': 'from the visitor'})
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    status, body = h.rest('POST', '/conversations/%s/reply' % cid, token=h.alice,
                          body={'client_message_id': 'shared-1', 'text': 'from Alice'})
    assert body['duplicate'] is False
    texts = [m['text'] for m in h.rest('GET', '/conversations/%s/messages' % cid, token=h.alice)[1]['messages']]
    assert 'from the visitor' in texts and 'from Alice' in texts


def test_replay_of_a_long_conversation_is_complete(h, monkeypatch):
    monkeypatch.setattr('chalicelib.usecases.replay.PAGE', 7)     # pages of 7 instead of 1000
    h.visitor('v1')
    for i in range(10):
        h.send('v1', {'action': 'send', 'client_message_id': 'c%d' % i, 'text': 'How long does shipping take? %d' % i})
    events = h.send('v1', {'action': 'resume', 'after': 0})
    seqs = [m['seq'] for e in events for m in e['messages']]
    assert seqs == list(range(1, 21)) and events[-1]['complete'] is True


def test_an_acknowledged_conversation_reaches_its_owner_and_its_viewers_only(h):
    """Cost: a colleague's dashboard gets the transitions (and inbox pushes), not every message and keystroke."""
    s = h.visitor('v1')
    cid = s['conversation_id']
    for name, token in (('alice', h.alice), ('bob', h.bob), ('bob-2', h.bob)):
        h.connect(name, token=token)
    h.send('v1', {'action': 'send', 'client_message_id': 'q', 'text': 'hello'})
    h.send('v1', {'action': 'request_human', 'client_message_id': 'ask'})
    assert types(h.take('bob')) == ['message', 'handoff']            # pending: everyone sees it
    h.send('alice', {'action': 'acknowledge', 'conversation_id': cid})
    assert types(h.take('bob')) == ['message', 'handoff']            # transitions: everyone
    h.take('bob-2')
    h.take('alice')
    h.send('v1', {'action': 'typing', 'is_typing': True})
    h.send('v1', {'action': 'send', 'client_message_id': 'm1', 'text': 'my parcel is late'})
    seen = h.send('alice', {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'r1', 'text': 'Checking'})
    assert h.take('bob') == [] and h.take('bob-2') == []
    assert types(seen) == ['typing', 'message', 'ack', 'message']
    h.send('bob-2', {'action': 'open', 'conversation_id': cid})        # Bob opens it in one tab
    h.take('bob-2')
    h.send('v1', {'action': 'send', 'client_message_id': 'm2', 'text': 'thanks'})
    assert messages(h.take('bob-2')) == [('visitor', 'thanks')] and h.take('bob') == []


def test_a_client_can_take_the_bots_reply_inside_the_ack(h):
    """`ack=messages` on connect: one post per bot turn instead of two; other tabs still get messages."""
    s = h.visitor('v1')
    assert h.connect('tab-new', session=s['session'], ack='messages') == 200
    events = h.send('tab-new', {'action': 'send', 'client_message_id': 'c1', 'text': 'How long does shipping take?'})
    assert types(events) == ['ack']
    [bot] = events[0]['messages']
    assert bot['role'] == 'bot' and bot['seq'] == events[0]['seq'] + 1 and 'business days' in bot['text']
    assert messages(h.take('v1')) == [('visitor', 'How long does shipping take?'), ('bot', bot['text'])]
    # the default stays as documented: an ack without messages, then the bot's message
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c2', 'text': 'How long does shipping take?'})
    assert types(events) == ['ack', 'message'] and 'messages' not in events[0]
    h.take('tab-new')
    # a handoff: the notice rides in the ack, the handoff event follows
    events = h.send('tab-new', {'action': 'request_human', 'client_message_id': 'c3'})
    assert types(events) == ['ack', 'handoff'] and events[0]['messages'][0]['role'] == 'system'
