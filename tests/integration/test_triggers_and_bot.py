"""Every handoff trigger, the agent's toggle, and the bot staying silent then coming back."""
import pytest

from tests.integration.conftest import messages, types


def send(h, conn, text, cmid):
    return h.send(conn, {'action': 'send', 'client_message_id': cmid, 'text': text})


def handoff_of(events):
    found = [e for e in events if e['type'] == 'handoff']
    return found[-1]['handoff'] if found else None


@pytest.mark.parametrize('text, code', [
    ('I want to talk to a human', 'visitor_request'),
    ('real person please', 'visitor_request'),
    ('agent please', 'visitor_request'),
    ('Quiero hablar con una persona', 'visitor_request'),
    ('Je veux parler à un humain', 'visitor_request'),
    ('This is the worst service ever, unacceptable', 'complaint'),
    ('I was charged twice, I want a refund', 'billing'),
    ('We want a bulk order of 500 units for our company', 'sales'),
])
def test_message_triggers_open_a_handoff_with_reason(h, text, code):
    h.visitor('v1')
    events = send(h, 'v1', text, 'c1')
    handoff = handoff_of(events)
    assert handoff and handoff['status'] == 'pending' and handoff['reason']['code'] == code
    assert 'bot' not in [m[0] for m in messages(events)]
    assert len(h.queued()) == 1      # operators are notified through the queue


def test_widget_button_requests_a_human(h):
    h.visitor('v1')
    events = h.send('v1', {'action': 'request_human', 'client_message_id': 'b1'})
    assert types(events) == ['ack', 'message', 'handoff']
    assert handoff_of(events)['reason']['code'] == 'visitor_request'


def verified_vip(h, conn):
    """VIP is believed only of a verified visitor (user_id + user_hash, see test_identity.py)."""
    import hashlib
    import hmac
    status, issued = h.rest('POST', '/agents/shop/secrets/identity', token=h.alice, body={})
    user_hash = hmac.new(issued['secret'].encode(), b'cus_grace', hashlib.sha256).hexdigest()
    status, s = h.rest('POST', '/visitor/session', body={'agent_id': 'shop', 'user_id': 'cus_grace',
                                                         'user_hash': user_hash,
                                                         'attributes': {'vip': True, 'name': 'Grace'}})
    assert status == 200 and s['verified'] is True
    assert h.connect(conn, session=s['session']) == 200
    return s


def test_vip_visitor_goes_to_a_person_once(h):
    s = verified_vip(h, 'v1')
    cid = s['conversation_id']
    h.connect('alice', token=h.alice)
    events = send(h, 'v1', 'How long does shipping take?', 'c1')
    assert handoff_of(events)['reason']['code'] == 'vip'
    h.send('alice', {'action': 'acknowledge', 'conversation_id': cid})
    h.send('alice', {'action': 'resolve', 'conversation_id': cid})
    h.take('v1')
    events = send(h, 'v1', 'How long does shipping take?', 'c2')
    assert [m[0] for m in messages(events)] == ['bot']     # served by the bot after that


def test_bot_failing_twice_in_a_row_hands_off(h):
    h.visitor('v1')
    events = send(h, 'v1', 'What is the airspeed of an unladen swallow?', 'c1')
    assert [m[0] for m in messages(events)] == ['bot'] and handoff_of(events) is None
    assert events[1]['message']['meta']['entry_id'] is None
    events = send(h, 'v1', 'Can you explain quantum chromodynamics?', 'c2')
    assert [m[0] for m in messages(events)] == ['bot', 'system']
    assert handoff_of(events)['reason']['code'] == 'bot_unable'


def test_a_good_answer_resets_the_miss_count(h):
    h.visitor('v1')
    send(h, 'v1', 'What is the airspeed of an unladen swallow?', 'c1')
    send(h, 'v1', 'How long does shipping take?', 'c2')
    events = send(h, 'v1', 'Can you explain quantum chromodynamics?', 'c3')
    assert handoff_of(events) is None


def disable_handoff(h):
    status, current = h.rest('GET', '/agents/shop/settings', token=h.alice)
    status, saved = h.rest('PUT', '/agents/shop/settings', token=h.alice,
                           body={'settings': {'allow_human_handoff': False}, 'version': current['version']})
    assert status == 200 and saved['settings']['allow_human_handoff'] is False


def test_toggle_off_declines_requests_and_flags_nothing(h):
    disable_handoff(h)
    s = h.visitor('v1')
    assert s['agent']['allow_human_handoff'] is False
    events = send(h, 'v1', 'I want to talk to a human', 'c1')
    assert handoff_of(events) is None
    bot = [e['message'] for e in events if e['type'] == 'message' and e['message']['role'] == 'bot']
    assert bot and bot[0]['meta']['event'] == 'handoff.declined'
    events = h.send('v1', {'action': 'request_human'})
    assert handoff_of(events) is None and events[-1]['message']['meta']['event'] == 'handoff.declined'
    # detection triggers fall back to the bot silently
    events = send(h, 'v1', 'This is terrible, what is your return policy?', 'c2')
    assert [m[0] for m in messages(events)] == ['bot'] and handoff_of(events) is None
    assert h.queued() == []
    status, inbox = h.rest('GET', '/agents/shop/inbox?status=pending', token=h.alice)
    assert inbox['conversations'] == [] and inbox['counts']['pending'] == 0


def test_disabled_trigger_does_not_fire(h):
    status, current = h.rest('GET', '/agents/shop/settings', token=h.alice)
    h.rest('PUT', '/agents/shop/settings', token=h.alice,
           body={'settings': {'triggers': {'complaint': False}}, 'version': current['version']})
    h.visitor('v1')
    events = send(h, 'v1', 'This is terrible', 'c1')
    assert handoff_of(events) is None


def test_bot_is_silent_during_handoff_and_operators_get_the_messages(h):
    s = h.visitor('v1')
    h.connect('alice', token=h.alice)
    send(h, 'v1', 'talk to a human', 'c1')
    h.take('alice')
    for i, text in enumerate(['What is your return policy?', 'How long does shipping take?']):
        events = send(h, 'v1', text, 'm%d' % i)
        assert types(events) == ['ack']
        assert messages(h.take('alice')) == [('visitor', text)]
    h.send('alice', {'action': 'acknowledge', 'conversation_id': s['conversation_id']})
    h.send('alice', {'action': 'cancel', 'conversation_id': s['conversation_id']})
    assert [m[1] for m in messages(h.take('v1'))] == [
        'Alice joined the conversation.',
        'The request for a person was cancelled. The assistant is back to help you.']
    events = send(h, 'v1', 'What is your return policy?', 'after')
    assert [m[0] for m in messages(events)] == ['bot']


def test_responder_failure_still_answers_the_visitor(h, monkeypatch):
    import app as app_module

    def broken(*args, **kwargs):
        raise RuntimeError('model down')
    monkeypatch.setattr(app_module._services.ctx.responder, 'answer', broken)
    h.visitor('v1')
    events = send(h, 'v1', 'hello?', 'c1')
    assert [m[0] for m in messages(events)] == ['bot']
    assert 'went wrong' in messages(events)[0][1]


def test_welcome_message_on_first_session_only(h):
    status, current = h.rest('GET', '/agents/shop/settings', token=h.alice)
    h.rest('PUT', '/agents/shop/settings', token=h.alice,
           body={'settings': {'welcome_message': 'Hi! Ask me anything.'}, 'version': current['version']})
    s = h.visitor('v1')
    status, again = h.rest('POST', '/visitor/session', body={'agent_id': 'shop', 'session': s['session']})
    assert again['conversation_id'] == s['conversation_id']
    events = h.send('v1', {'action': 'resume', 'after': 0})
    assert [m['text'] for m in events[0]['messages']] == ['Hi! Ask me anything.']


def test_visitor_is_told_when_nobody_is_online(h):
    h.visitor('v1')
    events = h.send('v1', {'action': 'request_human'})
    notice = [e['message'] for e in events if e['type'] == 'message'][0]
    assert notice['role'] == 'system' and 'Nobody from the team is online' in notice['text']
    assert handoff_of(events)['status'] == 'pending'          # still queued for the team
    h.connect('alice', token=h.alice)
    h.visitor('v2')
    events = h.send('v2', {'action': 'request_human'})
    assert [e['message']['text'] for e in events if e['type'] == 'message'] == [
        'You asked to talk to a person. A team member will join shortly.']
