from tests.integration.conftest import types, messages


def test_bot_answers_from_knowledge_base(h):
    h.visitor('v1')
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'how long does shipping take?'})
    assert types(events) == ['ack', 'message']
    assert events[0]['seq'] == 1
    assert messages(events) == [
                                ('bot', 'Standard shipping takes 3-5 business days.')]
