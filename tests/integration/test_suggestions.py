"""Learning from handoffs under moto, through the real socket flow (fixture `h`): knowledge-gap suggestions
recorded from resolved handoffs, accepted / merged / dismissed; the handoff summary; transcripts."""
import json

from tests.integration.conftest import messages

GIFT = 'Do you sell gift cards for birthdays?'
GIFT_AGAIN = 'Can I buy a birthday gift card?'
ANSWER = 'Yes: gift cards from $10 to $200, sold on the Gift cards page and delivered by email.'


def ask_and_get_answered(h, visitor, question, operator='alice', token=None, extra=None):
    """A visitor asks, the bot misses, asks for a person; an operator answers and resolves. Returns the
    conversation id (the notifications are delivered, so the suggestion is recorded)."""
    s = h.visitor(visitor)
    cid = s['conversation_id']
    bot = h.send(visitor, {'action': 'send', 'client_message_id': visitor + 'q', 'text': question})
    h.send(visitor, {'action': 'request_human', 'client_message_id': visitor + 'h'})
    h.connect(operator + visitor, token=token or h.alice)
    h.send(operator + visitor, {'action': 'acknowledge', 'conversation_id': cid})
    h.send(operator + visitor, {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'r1',
                                'text': 'Hi! Let me check.'})
    h.send(operator + visitor, {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'r2',
                                'text': ANSWER})
    h.send(operator + visitor, {'action': 'resolve', 'conversation_id': cid})
    assert h.deliver_notifications() == {'batchItemFailures': []}
    return cid, bot


def test_two_misses_become_one_suggestion_accepted_then_the_bot_answers(h):
    cid1, bot = ask_and_get_answered(h, 'v1', GIFT)
    assert 'not sure' in bot[-1]['message']['text'] if bot[-1]['type'] == 'message' else True
    ask_and_get_answered(h, 'v2', GIFT_AGAIN, operator='bob', token=h.bob)
    status, listing = h.rest('GET', '/agents/shop/suggestions', token=h.bob)      # operators may read
    assert status == 200
    [s] = listing['suggestions']
    assert s['count'] == 2 and s['recent'] == 2 and s['window_days'] == 14
    assert s['question'] == GIFT and GIFT_AGAIN in s['examples'] and s['answer'] == ANSWER
    assert cid1 in s['conversations']
    # Bob is an operator: changes are for admins; Mallory is another tenant's admin.
    assert h.rest('POST', '/agents/shop/suggestions/%s/accept' % s['id'], token=h.bob, body={})[0] == 403
    assert h.rest('POST', '/agents/shop/suggestions/%s/accept' % s['id'], token=h.mallory, body={})[0] == 404
    status, out = h.rest('POST', '/agents/shop/suggestions/%s/accept' % s['id'], token=h.alice,
                         body={'question': 'Do you sell gift cards?', 'answer': ANSWER})
    assert status == 200, out
    assert out['entry']['question'] == 'Do you sell gift cards?' and GIFT_AGAIN in out['entry']['alternates']
    assert h.rest('GET', '/agents/shop/suggestions', token=h.alice)[1]['suggestions'] == []
    # A third visitor asking the same gets the bot's answer, and no handoff.
    h.visitor('v3')
    events = h.send('v3', {'action': 'send', 'client_message_id': 'c1', 'text': 'do you sell gift cards for a birthday'})
    h.take('v3')
    ack = [e for e in events if e['type'] == 'ack'][0]
    replies = [e for e in events if e['type'] == 'message' and e['message']['role'] == 'bot']
    assert ack and replies and replies[0]['message']['text'] == ANSWER
    assert not [e for e in events if e['type'] == 'handoff']
    assert h.queued() == []


def test_recording_is_idempotent_on_redelivery(h):
    ask_and_get_answered(h, 'v1', GIFT)
    # Redeliver the resolved event (the marker says done) and, with the marker gone, again (the group
    # knows the handoff): counted once both times.
    from chalicelib.adapters.store.models import NotifiedItem
    [group] = h.rest('GET', '/agents/shop/suggestions', token=h.alice)[1]['suggestions']
    cid = group['conversations'][0]
    conv = h.rest('GET', '/conversations/' + cid, token=h.alice)[1]
    event = {'event_id': '%s:resolved:x' % conv['handoff']['id'], 'event': 'handoff.resolved', 'agent_id': 'shop',
             'conversation_id': cid, 'handoff': conv['handoff'], 'at': conv['handoff']['updated_at']}
    from app import services
    consumer = services().notification_consumer(lambda: b'x')
    consumer.handle(json.dumps(event))
    consumer.handle(json.dumps(event))
    for item in NotifiedItem.scan():
        if item.sk == 'suggest':
            item.delete()
    consumer.handle(json.dumps(event))
    [group] = h.rest('GET', '/agents/shop/suggestions', token=h.alice)[1]['suggestions']
    assert group['count'] == 1


def test_nothing_is_suggested_when_the_bot_answered_or_nobody_replied(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.send('v1', {'action': 'send', 'client_message_id': 'a', 'text': 'How long does shipping take?'})  # answered
    h.send('v1', {'action': 'request_human', 'client_message_id': 'b'})
    h.connect('op', token=h.alice)
    h.send('op', {'action': 'acknowledge', 'conversation_id': cid})
    h.send('op', {'action': 'resolve', 'conversation_id': cid})      # resolved without a word
    assert h.deliver_notifications() == {'batchItemFailures': []}
    assert h.rest('GET', '/agents/shop/suggestions', token=h.alice)[1]['suggestions'] == []


def test_merge_and_dismiss_and_validation(h):
    ask_and_get_answered(h, 'v1', GIFT)
    ask_and_get_answered(h, 'v2', 'Is there a student discount on jackets?')
    listing = h.rest('GET', '/agents/shop/suggestions', token=h.alice)[1]['suggestions']
    assert len(listing) == 2
    gift = next(g for g in listing if g['question'] == GIFT)
    student = next(g for g in listing if g['question'] != GIFT)
    entries = h.rest('GET', '/agents/shop/knowledge', token=h.alice)[1]['entries']
    payment = next(e for e in entries if 'payment' in e['question'])
    base = '/agents/shop/suggestions/'
    # validation: unknown fields, a bad entry id, an unknown entry, a too long answer, an unknown group or action
    assert h.rest('POST', base + gift['id'] + '/merge', token=h.alice, body={'entry_id': payment['id'], 'x': 1})[1][
        'error']['code'] == 'invalid_field'
    assert h.rest('POST', base + gift['id'] + '/merge', token=h.alice, body={'entry_id': 'bad id!'})[0] == 400
    assert h.rest('POST', base + gift['id'] + '/merge', token=h.alice, body={'entry_id': 'kb_nope'})[0] == 404
    assert h.rest('POST', base + gift['id'] + '/accept', token=h.alice, body={'answer': 'x' * 5000})[0] == 413
    assert h.rest('POST', base + 'g_0000000000000000/accept', token=h.alice, body={})[0] == 404
    assert h.rest('POST', base + gift['id'] + '/explode', token=h.alice, body={})[0] == 404
    assert h.rest('POST', base + gift['id'] + '/dismiss', token=h.bob, body={})[0] == 403
    status, out = h.rest('POST', base + gift['id'] + '/merge', token=h.alice,
                         body={'entry_id': payment['id'], 'questions': ['Can I pay with a gift card?']})
    assert status == 200 and out['entry']['alternates'][-1] == 'Can I pay with a gift card?'
    assert h.rest('POST', base + student['id'] + '/dismiss', token=h.alice, body={})[0] == 204
    assert h.rest('POST', base + student['id'] + '/dismiss', token=h.alice, body={})[0] == 404
    assert h.rest('GET', '/agents/shop/suggestions', token=h.alice)[1]['suggestions'] == []
    assert h.rest('GET', '/agents/other/suggestions', token=h.alice)[0] == 404


def test_summary_and_transcripts_leave_out_internal_data(h):
    cid, _ = ask_and_get_answered(h, 'v1', GIFT)
    # A second handoff of the same visitor: the summary names the first one and how it ended.
    h.send('v1', {'action': 'send', 'client_message_id': 'z1', 'text': 'I was charged twice, refund please'})
    status, s = h.rest('GET', '/conversations/%s/summary' % cid, token=h.bob)
    assert status == 200, s
    assert s['why']['code'] == 'billing' and s['visitor']['verified'] is False
    assert s['questions'] == ['I was charged twice, refund please']
    assert [e['outcome'] for e in s['earlier_handoffs']] == ['resolved']
    assert s['earlier_handoffs'][0]['by'] == 'Alice' and 'Why: billing' in s['text']
    assert h.rest('GET', '/conversations/%s/summary' % cid, token=h.mallory)[0] == 404
    # The first handoff's summary, seen from inside it, listed the bot's miss with its confidence.
    status, raw = h.rest('GET', '/conversations/%s/transcript?format=json' % cid, token=h.bob)
    assert status == 200
    assert [m['role'] for m in raw['messages']].count('human') == 2
    assert all(set(m) == {'seq', 'role', 'author', 'text', 'created_at'} for m in raw['messages'])
    dump = json.dumps(raw)
    assert 'confidence' not in dump and 'author_id' not in dump and 'meta' not in dump
    response = h.client.http.get('/conversations/%s/transcript?format=text' % cid,
                                 headers={'Authorization': 'Bearer ' + h.bob})
    assert response.status_code == 200
    assert response.headers['Content-Disposition'] == 'attachment; filename="transcript-%s.txt"' % cid
    assert response.headers['Content-Type'].startswith('text/plain')
    text = response.body.decode()
    assert GIFT in text and 'Alice: ' + ANSWER in text and 'confidence' not in text
    assert h.rest('GET', '/conversations/%s/transcript?format=xml' % cid, token=h.bob)[0] == 400


def test_summary_of_a_bot_miss_shows_the_confidence(h):
    s = h.visitor('v1', name='Ada')
    cid = s['conversation_id']
    h.send('v1', {'action': 'send', 'client_message_id': 'q', 'text': GIFT})
    h.send('v1', {'action': 'request_human', 'client_message_id': 'h'})
    status, out = h.rest('GET', '/conversations/%s/summary' % cid, token=h.alice)
    assert out['why']['code'] == 'visitor_request' and out['visitor']['name'] == 'Ada'
    [answer] = out['bot_answers']
    assert answer['understood'] is False and answer['question'] == GIFT and answer['confidence'] < 0.35
    assert out['earlier_handoffs'] == [] and 'Bot missed' in out['text']


class FakeMailer:
    def __init__(self):
        self.sent = []

    def send(self, to, subject, text, reply_to=None):
        self.sent.append((to, subject, text))
        return 'm-%d' % len(self.sent)


def test_visitor_gets_their_transcript_by_email_without_notes(h):
    from app import services
    cid, _ = ask_and_get_answered(h, 'v1', GIFT)
    frame = {'action': 'email_transcript', 'email': 'ada@example.com', 'request_id': 'e1'}
    err = h.send('v1', frame)[-1]
    assert err['type'] == 'error' and err['code'] == 'mail_unavailable' and err['request_id'] == 'e1'
    mailer = FakeMailer()
    services().ctx.mailer = mailer
    # A note (contract C2: role 'note') and bot meta are stored: neither reaches the visitor's mail.
    from chalicelib.domain.conversation import Change, message
    conv = services().ctx.conversations.get(cid)
    note = message(conv.seq + 1, 'note', 'SECRET NOTE about this visitor', '2026-12-03T10:00:00.000Z')
    services().ctx.conversations.commit(conv, Change((note,), {}))
    assert h.send('v1', dict(frame, email='not-an-email'))[-1]['code'] == 'invalid_field'
    acks = [h.send('v1', frame)[-1] for _ in range(4)]
    assert [a['type'] for a in acks[:3]] == ['ack'] * 3 and acks[3]['code'] == 'rate_limited'
    to, subject, text = mailer.sent[0]
    assert to == 'ada@example.com' and 'Acme Outfitters' in subject
    assert ANSWER in text and GIFT in text and 'SECRET NOTE' not in text and 'confidence' not in text
    assert len(mailer.sent) == 3


def test_requests_per_action_and_no_scan(h, monkeypatch):
    """The DynamoDB requests each new action makes (README: Learning from handoffs)."""
    from collections import Counter

    import botocore.client
    from app import services
    seen = []
    original = botocore.client.BaseClient._make_api_call

    def counting(client, operation, params):
        if client.meta.service_model.service_name == 'dynamodb':
            seen.append(operation)
        return original(client, operation, params)
    monkeypatch.setattr(botocore.client.BaseClient, '_make_api_call', counting)

    def cost(fn):
        seen.clear()
        fn()
        return Counter(seen)

    cid, _ = ask_and_get_answered(h, 'v1', GIFT)
    conv = h.rest('GET', '/conversations/' + cid, token=h.alice)[1]
    event = {'event_id': 'x:resolved:1', 'event': 'handoff.resolved', 'agent_id': 'shop', 'conversation_id': cid,
             'handoff': conv['handoff'], 'at': conv['handoff']['updated_at']}
    from chalicelib.usecases import suggestions
    ctx = services().ctx
    [g] = ctx.stores.suggestions.list('shop')
    ctx.stores.suggestions.delete('shop', g['id'])         # recorded afresh below
    # recording (after the consumer's inbox/webhook work): marker read, conversation+agent+KB, transitions,
    # messages, the agent's groups, the group write, the marker write
    assert cost(lambda: suggestions.on_event(ctx, dict(event, event_id='y:resolved:1'))) == Counter(
        {'GetItem': 1, 'BatchGetItem': 1, 'Query': 3, 'PutItem': 2})
    # the token's GetItem is in every operator route
    assert cost(lambda: h.rest('GET', '/agents/shop/suggestions', token=h.alice)) == Counter(
        {'GetItem': 1, 'Query': 1})
    [g] = h.rest('GET', '/agents/shop/suggestions', token=h.alice)[1]['suggestions']
    assert cost(lambda: h.rest('GET', '/conversations/%s/summary' % cid, token=h.alice)) == Counter(
        {'GetItem': 3, 'Query': 2})
    assert cost(lambda: h.rest('GET', '/conversations/%s/transcript?format=text' % cid, token=h.alice)) == Counter(
        {'GetItem': 3, 'Query': 1})
    assert cost(lambda: h.rest('POST', '/agents/shop/suggestions/%s/accept' % g['id'], token=h.alice,
                               body={})) == Counter({'GetItem': 2, 'UpdateItem': 1, 'DeleteItem': 1})
    assert not [op for op in seen if op == 'Scan']
