"""DynamoDB requests per visitor message: the budget the cost model rests on (bot ≤ 3 + the analytics counter's
ADD, human ≤ 4)."""
from collections import Counter

import pytest

from tests.integration.conftest import dynamodb


def test_bot_mode_message_costs_three_requests(h, calls):
    h.visitor('v1')
    h.send('v1', {'action': 'send', 'client_message_id': 'warm', 'text': 'hello'})
    calls.clear()
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'How long does shipping take?'})
    assert [e['message']['role'] for e in events if e['type'] == 'message'] == ['bot']
    # + one UpdateItem: the bot's side of analytics (usecases/analytics.count_turn), outside the transaction.
    assert dynamodb(calls) == Counter({'GetItem': 1, 'BatchGetItem': 1, 'TransactWriteItems': 1, 'UpdateItem': 1})


def test_human_mode_message_costs_four_requests(h, calls):
    s = h.visitor('v1')
    h.connect('alice', token=h.alice)
    h.send('v1', {'action': 'request_human'})
    h.send('alice', {'action': 'acknowledge', 'conversation_id': s['conversation_id']})
    calls.clear()
    h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'Are you there?'})
    assert [e['type'] for e in h.take('alice')] == ['message']
    assert dynamodb(calls) == Counter({'GetItem': 1, 'BatchGetItem': 1, 'TransactWriteItems': 1, 'Query': 1})
    assert not any(op == 'Scan' for _, op in calls)
