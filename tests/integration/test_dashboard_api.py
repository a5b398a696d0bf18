"""REST for the dashboard: inbox order and counts, history paging, settings, knowledge base."""


def handoff(h, conn, text='talk to a human'):
    s = h.visitor(conn)
    h.send(conn, {'action': 'send', 'client_message_id': 'c-' + conn, 'text': text})
    return s['conversation_id']


def test_inbox_puts_waiting_first_then_acknowledged_then_recent(h):
    bot_only = h.visitor('chat')['conversation_id']
    h.send('chat', {'action': 'send', 'client_message_id': 'x', 'text': 'How long does shipping take?'})
    first = handoff(h, 'v1')
    second = handoff(h, 'v2', 'I want a refund, I was charged twice')
    taken = handoff(h, 'v3')
    closed = handoff(h, 'v4')
    h.rest('POST', '/conversations/%s/acknowledge' % taken, token=h.alice)
    h.rest('POST', '/conversations/%s/acknowledge' % closed, token=h.bob)
    h.rest('POST', '/conversations/%s/resolve' % closed, token=h.bob)

    status, inbox = h.rest('GET', '/agents/shop/inbox', token=h.alice)
    assert status == 200
    order = [(c['id'], c['status']) for c in inbox['conversations']]
    assert order[:3] == [(first, 'pending'), (second, 'pending'), (taken, 'acknowledged')]
    assert set(order[3:]) == {(closed, 'resolved'), (bot_only, 'bot')}
    assert inbox['counts'] == {'pending': 2, 'acknowledged': 1}
    waiting = inbox['conversations'][0]
    assert waiting['waiting_since'] and waiting['handoff']['reason']['code'] == 'visitor_request'
    assert inbox['conversations'][1]['handoff']['reason']['code'] == 'billing'
    assert inbox['conversations'][2]['handoff']['owner']['name'] == 'Alice'

    status, only = h.rest('GET', '/agents/shop/inbox?status=acknowledged,resolved', token=h.alice)
    assert [c['id'] for c in only['conversations']] == [taken, closed]


def test_history_is_paged_by_sequence(h):
    s = h.visitor('v1')
    for i in range(5):
        h.send('v1', {'action': 'send', 'client_message_id': 'c%d' % i, 'text': 'How long does shipping take? (%d)' % i})
    cid = s['conversation_id']
    status, page = h.rest('GET', '/conversations/%s/messages?limit=4' % cid, token=h.alice)
    assert [m['seq'] for m in page['messages']] == [1, 2, 3, 4] and page['next_after'] == 4
    status, page = h.rest('GET', '/conversations/%s/messages?after=4&limit=100' % cid, token=h.alice)
    assert [m['seq'] for m in page['messages']] == list(range(5, 11)) and page['next_after'] is None
    assert {m['role'] for m in page['messages']} == {'visitor', 'bot'}


def test_settings_round_trip_and_stale_version_conflict(h):
    status, settings = h.rest('GET', '/agents/shop/settings', token=h.alice)
    assert settings['settings']['allow_human_handoff'] is True and settings['version'] == 1
    assert set(settings['settings']['triggers']) == {'phrases', 'complaint', 'billing', 'sales', 'vip', 'bot_unable',
                                                   'emotional', 'complex'}
    status, saved = h.rest('PUT', '/agents/shop/settings', token=h.alice, body={
        'settings': {'allow_human_handoff': False, 'triggers': {'sales': False}, 'webhook_url': 'https://x.test/h'},
        'version': 1})
    assert status == 200 and saved['version'] == 2
    assert saved['settings']['triggers']['sales'] is False and saved['settings']['triggers']['billing'] is True
    # a second admin's tab, loaded before that save (Bob is an operator: settings are for admins)
    status, body = h.rest('PUT', '/agents/shop/settings', token=h.alice,
                          body={'settings': {'allow_human_handoff': True}, 'version': 1})
    assert status == 409 and body['error']['code'] == 'conflict'
    assert h.rest('GET', '/agents/shop/settings', token=h.bob)[1]['settings']['allow_human_handoff'] is False


def test_agents_start_with_handoff_off(h):
    from infra import admin
    admin.create_agent('fresh', 'Fresh Agent')
    token = admin.create_operator('Owner', ['fresh'])
    assert h.rest('GET', '/agents/fresh/settings', token=token)[1]['settings']['allow_human_handoff'] is False


def test_knowledge_base_crud_changes_what_the_bot_says(h):
    status, created = h.rest('POST', '/agents/shop/knowledge', token=h.alice,
                             body={'question': 'Do you sell gift cards?', 'answer': 'Yes, from $10 to $500.'})
    assert status == 201
    entry = created['entry']
    h.visitor('v1')
    events = h.send('v1', {'action': 'send', 'client_message_id': 'g1', 'text': 'do you sell gift cards'})
    assert events[-1]['message']['text'] == 'Yes, from $10 to $500.'
    status, edited = h.rest('PUT', '/agents/shop/knowledge/' + entry['id'], token=h.alice,
                            body={'question': 'Do you sell gift cards?', 'answer': 'Yes, in any amount.'})
    assert status == 200
    events = h.send('v1', {'action': 'send', 'client_message_id': 'g2', 'text': 'do you sell gift cards'})
    assert events[-1]['message']['text'] == 'Yes, in any amount.'
    status, listing = h.rest('GET', '/agents/shop/knowledge', token=h.alice)
    assert entry['id'] in [e['id'] for e in listing['entries']] and len(listing['entries']) == 6
    assert h.rest('DELETE', '/agents/shop/knowledge/' + entry['id'], token=h.alice)[0] == 204
    assert len(h.rest('GET', '/agents/shop/knowledge', token=h.alice)[1]['entries']) == 5


def test_operator_opens_a_conversation_over_the_socket(h):
    s = h.visitor('v1')
    h.send('v1', {'action': 'send', 'client_message_id': 'c', 'text': 'How long does shipping take?'})
    h.connect('alice', token=h.alice)
    events = h.send('alice', {'action': 'open', 'conversation_id': s['conversation_id']})
    assert events[0]['type'] == 'history' and [m['role'] for m in events[0]['messages']] == ['visitor', 'bot']
    assert events[0]['handoff'] is None and events[0]['complete'] is True
