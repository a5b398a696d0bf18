"""The handoff lifecycle end to end through the socket handlers, message by message."""

from tests.integration.conftest import messages, types


def ask_human(h, conn='v1'):
    return h.send(conn, {'action': 'send', 'client_message_id': 'ask', 'text': 'I want to talk to a human'})


def conversation_of(h, session):
    return session['conversation_id']


def test_full_lifecycle_and_bot_resumes(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    assert h.connect('alice', token=h.alice) == 200
    assert h.connect('bob', token=h.bob) == 200

    events = ask_human(h)
    assert types(events) == ['ack', 'message', 'handoff']       # no echo of its own message: the ack has its seq
    assert [m[0] for m in messages(events)] == ['system']
    assert events[-1]['handoff']['status'] == 'pending'
    assert events[-1]['handoff']['reason']['code'] == 'visitor_request'
    for op in ('alice', 'bob'):   # every operator of the agent sees the request live
        assert types(h.take(op)) == ['message', 'message', 'handoff']

    # while pending the bot stays silent; operators get the visitor's words
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c2', 'text': 'How long does shipping take?'})
    assert types(events) == ['ack']
    assert messages(h.take('alice')) == [('visitor', 'How long does shipping take?')]
    h.take('bob')

    events = h.send('alice', {'action': 'acknowledge', 'conversation_id': cid, 'request_id': 'a1'})
    assert types(events) == ['ack', 'message', 'handoff']
    assert events[0]['action'] == 'acknowledge' and events[0]['request_id'] == 'a1' and events[0]['seq'] == 4
    assert events[2]['handoff']['status'] == 'acknowledged' and events[2]['handoff']['owner']['name'] == 'Alice'
    assert h.send('alice', {'action': 'acknowledge', 'conversation_id': cid}) == [   # a repeated click: no-op
        {'type': 'ack', 'action': 'acknowledge', 'client_message_id': None, 'seq': 4, 'duplicate': False,
         'request_id': None}]
    assert types(h.take('bob')) == ['message', 'handoff']
    visitor_events = h.take('v1')
    assert messages(visitor_events) == [('system', 'Alice joined the conversation.')]

    events = h.send('alice', {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'r1',
                              'text': 'Hi, I am Alice. How can I help?'})
    assert types(events) == ['ack', 'message'] and events[0]['seq'] == 5
    visitor_events = h.take('v1')
    assert visitor_events[0]['message']['role'] == 'human' and visitor_events[0]['message']['author'] == 'Alice'

    # acknowledged: still no bot
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c3', 'text': 'What is your return policy?'})
    assert types(events) == ['ack']

    events = h.send('alice', {'action': 'resolve', 'conversation_id': cid})
    assert events[-1]['handoff']['status'] == 'resolved'
    assert messages(h.take('v1'))[0][0] == 'system'

    # the bot is back
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c4', 'text': 'What is your return policy?'})
    assert [m[0] for m in messages(events)] == ['bot']
    assert 'within 30 days' in messages(events)[0][1]

    # every transition is stored with who and when
    status, conv = h.rest('GET', '/conversations/' + cid, token=h.alice)
    assert status == 200 and conv['status'] == 'resolved'
    assert [(e['status'], e['by']['kind']) for e in conv['handoffs']] == [
        ('requested', 'visitor'), ('acknowledged', 'operator'), ('resolved', 'operator')]
    # sequence numbers have no gaps
    status, page = h.rest('GET', '/conversations/%s/messages' % cid, token=h.alice)
    assert [m['seq'] for m in page['messages']] == list(range(1, len(page['messages']) + 1))


def test_visitor_cancels_pending_and_operator_cancels_acknowledged(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.connect('alice', token=h.alice)
    ask_human(h)
    events = h.send('v1', {'action': 'cancel_handoff'})
    assert events[-1]['type'] == 'handoff' and events[-1]['handoff']['status'] == 'cancelled'
    assert events[-1]['previous'] == 'pending'
    h.take('alice')
    # a second cancel is refused
    assert h.send('v1', {'action': 'cancel_handoff'})[-1]['code'] == 'no_open_handoff'

    h.send('v1', {'action': 'request_human'})
    h.send('alice', {'action': 'acknowledge', 'conversation_id': cid})
    events = h.send('alice', {'action': 'cancel', 'conversation_id': cid, 'reason': 'duplicate'})
    assert events[-1]['handoff']['status'] == 'cancelled'
    status, conv = h.rest('GET', '/conversations/' + cid, token=h.alice)
    assert [e['status'] for e in conv['handoffs']] == ['requested', 'cancelled', 'requested', 'acknowledged',
                                                       'cancelled']


def test_illegal_transitions_are_refused_without_writing(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.connect('alice', token=h.alice)
    h.connect('bob', token=h.bob)
    # nothing open yet
    for action in ('acknowledge', 'resolve', 'cancel'):
        assert h.send('alice', {'action': action, 'conversation_id': cid})[-1]['code'] == 'no_open_handoff'
    ask_human(h)
    seq_before = h.rest('GET', '/conversations/' + cid, token=h.alice)[1]['seq']
    assert h.send('alice', {'action': 'resolve', 'conversation_id': cid})[-1]['code'] == 'illegal_transition'
    err = h.send('alice', {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'x', 'text': 'hi'})[-1]
    assert err['code'] == 'illegal_transition'
    h.send('alice', {'action': 'acknowledge', 'conversation_id': cid})
    h.take('bob')
    err = h.send('bob', {'action': 'acknowledge', 'conversation_id': cid})[-1]
    assert err['code'] == 'already_acknowledged' and err['owner']['name'] == 'Alice'
    assert h.send('bob', {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'x',
                          'text': 'me too'})[-1]['code'] == 'not_owner'
    assert h.send('bob', {'action': 'resolve', 'conversation_id': cid})[-1]['code'] == 'not_owner'
    h.send('alice', {'action': 'resolve', 'conversation_id': cid})
    for action in ('acknowledge', 'resolve', 'cancel'):
        assert h.send('alice', {'action': action, 'conversation_id': cid})[-1]['code'] in (
            'no_open_handoff', 'illegal_transition')
    # only the ack (+1) and resolve (+1) wrote anything
    assert h.rest('GET', '/conversations/' + cid, token=h.alice)[1]['seq'] == seq_before + 2
    # REST says the same with 409s
    status, body = h.rest('POST', '/conversations/%s/resolve' % cid, token=h.alice)
    assert status == 409 and body['error']['code'] == 'no_open_handoff'


def test_second_handoff_cannot_open_while_one_is_open(h):
    h.visitor('v1')
    ask_human(h)
    err = h.send('v1', {'action': 'request_human'})[-1]
    assert err['type'] == 'error' and err['code'] == 'handoff_already_open' and err['action'] == 'request_human'
    # a phrase while pending is just a message for the operators
    events = h.send('v1', {'action': 'send', 'client_message_id': 'again', 'text': 'real person please!'})
    assert types(events) == ['ack']


def test_two_operators_acknowledge_at_once_exactly_one_wins(h):
    """Both read the conversation before either writes: the conditional write picks one."""
    import app as app_module
    from chalicelib.errors import AppError
    from chalicelib.domain.handoff import Actor
    s = h.visitor('v1')
    cid = s['conversation_id']
    ask_human(h)
    from chalicelib.usecases.operator_actions import transition
    ctx = app_module._services.ctx
    stale_a = ctx.conversations.get(cid)
    stale_b = ctx.conversations.get(cid)
    won = transition(ctx, cid, 'acknowledge', Actor('operator', 'a', 'Alice'), conv=stale_a)
    assert won.owner_name == 'Alice'
    try:
        transition(ctx, cid, 'acknowledge', Actor('operator', 'b', 'Bob'), conv=stale_b)
        raise AssertionError('second acknowledge succeeded')
    except AppError as err:
        assert err.code == 'already_acknowledged' and err.status == 409
    handoffs = h.rest('GET', '/conversations/' + cid, token=h.alice)[1]['handoffs']
    assert [e['status'] for e in handoffs].count('acknowledged') == 1


def test_concurrent_rest_acknowledge_threads(h):
    from concurrent.futures import ThreadPoolExecutor
    s = h.visitor('v1')
    cid = s['conversation_id']
    ask_human(h)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda tok: h.rest('POST', '/conversations/%s/acknowledge' % cid, token=tok),
                                [h.alice, h.bob]))
    statuses = sorted(r[0] for r in results)
    assert statuses == [200, 409]
