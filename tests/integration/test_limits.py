"""Abuse limits: a visitor's message flood, new sessions per source address (issue 14, item 4)."""
import boto3
import pytest

import app as app_module
from chalicelib.domain.rate_limit import FixedWindow, Limits, TokenBucket
from tests.integration.conftest import messages


def set_limits(**kw):
    app_module._services.ctx.limits = Limits(**dict({'messages': None, 'sessions_per_address': None, 'typing': None},
                                                    **kw))


def table_items():
    """Test-only: every item of the table (a Scan; app code never scans)."""
    ddb = boto3.client('dynamodb', region_name='us-east-1')
    items, start = [], {}
    while True:
        page = ddb.scan(TableName='handoff-test', **start)
        items += page['Items']
        if 'LastEvaluatedKey' not in page:
            return items
        start = {'ExclusiveStartKey': page['LastEvaluatedKey']}


@pytest.fixture
def clock(monkeypatch):
    now = {'t': 1_000_000.0}
    monkeypatch.setattr('chalicelib.usecases.visitor_turns.time.time', lambda: now['t'])
    return now


def test_a_message_flood_is_refused_before_the_bot_works(h, clock):
    set_limits(messages=TokenBucket(capacity=5, per_second=0.5))
    s = h.visitor('v1')
    errors, bot = [], 0
    for i in range(12):
        events = h.send('v1', {'action': 'send', 'client_message_id': 'm%d' % i, 'text': 'What is your return policy?',
                               'request_id': i})
        errors += [e for e in events if e['type'] == 'error']
        bot += len([m for m in messages(events) if m[0] == 'bot'])
    assert bot == 5 and len(errors) == 7
    assert {(e['code'], e['retry_after'], e['action']) for e in errors} == {('rate_limited', 2, 'send')}
    assert [e['request_id'] for e in errors] == list(range(5, 12))
    stored = h.rest('GET', '/conversations/%s/messages' % s['conversation_id'], token=h.alice)[1]['messages']
    assert len(stored) == 10                               # 5 questions + 5 answers, nothing of the refused 7
    clock['t'] += 2                                        # one token back
    events = h.send('v1', {'action': 'send', 'client_message_id': 'late', 'text': 'What is your return policy?'})
    assert [e['type'] for e in events] == ['ack', 'message']


def test_a_retry_of_a_stored_message_is_a_duplicate_even_when_limited(h, clock):
    set_limits(messages=TokenBucket(capacity=2, per_second=0.1))
    h.visitor('v1')
    h.send('v1', {'action': 'send', 'client_message_id': 'a', 'text': 'hello'})
    h.send('v1', {'action': 'send', 'client_message_id': 'b', 'text': 'hello again'})
    [ack] = h.send('v1', {'action': 'send', 'client_message_id': 'a', 'text': 'hello'})
    assert (ack['type'], ack['duplicate'], ack['seq']) == ('ack', True, 1)
    [err] = h.send('v1', {'action': 'send', 'client_message_id': 'c', 'text': 'new'})
    assert err['code'] == 'rate_limited'


def test_a_flood_in_human_mode_reaches_the_operators_only_up_to_the_limit(h, clock):
    set_limits(messages=TokenBucket(capacity=4, per_second=0.1))
    s = h.visitor('v1')
    h.connect('alice', token=h.alice)
    h.send('v1', {'action': 'request_human'})                     # takes a token too
    h.send('alice', {'action': 'acknowledge', 'conversation_id': s['conversation_id']})
    h.take('alice')
    for i in range(50):
        h.send('v1', {'action': 'send', 'client_message_id': 'f%d' % i, 'text': 'flood %d' % i})
    assert len([e for e in h.take('alice') if e['type'] == 'message']) == 3


def test_a_typing_flood_reaches_the_operators_only_up_to_the_window(h):
    set_limits(typing=FixedWindow(limit=8, seconds=3600))
    s = h.visitor('v1')
    h.connect('alice', token=h.alice)
    h.send('v1', {'action': 'request_human'})
    h.send('alice', {'action': 'acknowledge', 'conversation_id': s['conversation_id']})
    h.take('alice')
    h.take('v1')
    for i in range(100):
        assert h.send('v1', {'action': 'typing', 'is_typing': i % 2 == 0}) == []     # dropped silently
    assert len([e for e in h.take('alice') if e['type'] == 'typing']) == 8


def test_typing_writes_nothing(h):
    """Typing frames are counted in memory: a write per frame cost more than the frames themselves."""
    set_limits(typing=FixedWindow(limit=8, seconds=3600))
    s = h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    h.rest('POST', '/conversations/%s/acknowledge' % s['conversation_id'], token=h.alice)
    before = table_items()
    for _ in range(5):
        h.send('v1', {'action': 'typing', 'is_typing': True})
    assert table_items() == before


def test_request_human_is_limited_too(h, clock):
    set_limits(messages=TokenBucket(capacity=1, per_second=0.1))
    h.visitor('v1')
    h.send('v1', {'action': 'send', 'client_message_id': 'a', 'text': 'hello'})
    [err] = h.send('v1', {'action': 'request_human', 'request_id': 'r'})
    assert (err['code'], err['action'], err['request_id']) == ('rate_limited', 'request_human', 'r')


def test_new_sessions_per_address(h):
    set_limits(sessions_per_address=FixedWindow(limit=3, seconds=3600))
    sessions = [h.rest('POST', '/visitor/session', body={'agent_id': 'shop'}) for _ in range(3)]
    assert [status for status, _ in sessions] == [200, 200, 200]
    before = len(table_items())
    status, body = h.rest('POST', '/visitor/session', body={'agent_id': 'shop'})
    assert status == 429 and body['error']['code'] == 'rate_limited' and body['error']['retry_after'] >= 1
    assert len(table_items()) == before                        # refused: nothing written
    # a returning visitor (a valid session) is not a new one
    status, again = h.rest('POST', '/visitor/session', body={'agent_id': 'shop', 'session': sessions[0][1]['session']})
    assert status == 200 and again['visitor_id'] == sessions[0][1]['visitor_id']
    # another address has its own count
    other = app_module._services.create_session({'agent_id': 'shop'}, '198.51.100.7')
    assert other['visitor_id'].startswith('v_')


def test_the_source_address_is_stored_only_hashed(h):
    set_limits(sessions_per_address=FixedWindow(limit=3, seconds=60))
    h.rest('POST', '/visitor/session', body={'agent_id': 'shop'})
    rates = [i for i in table_items() if i['pk']['S'].startswith('RATE#')]
    assert len(rates) == 1 and '127.0.0.1' not in str(rates) and 'expires_at' in rates[0]


def test_the_default_limits_are_on(h):
    limits = app_module._services.ctx.limits
    assert limits.messages is not None and limits.sessions_per_address is not None and limits.typing is not None


def test_a_connect_flood_is_capped_per_visitor(h, monkeypatch):
    from chalicelib.adapters.store import conversations
    monkeypatch.setattr(conversations, 'MAX_SOCKETS', 3)
    s = h.visitor('t0')
    assert [h.connect('t%d' % i, session=s['session']) for i in range(1, 4)] == [200, 200, 401]
    conv = app_module._services.ctx.conversations.get(s['conversation_id'])
    assert conv.connections == {'t0', 't1', 't2'}
    h.disconnect('t1')                                   # a tab closes: room for another
    assert h.connect('t4', session=s['session']) == 200
    # sockets whose records are gone (a lost $disconnect, expired by TTL) do not count
    from chalicelib.adapters.store.models import ConnectionItem, key
    for c in ('t0', 't2', 't4'):
        ConnectionItem(key('CONN', c), 'META').delete()
    assert h.connect('t5', session=s['session']) == 200
    assert app_module._services.ctx.conversations.get(s['conversation_id']).connections == {'t5'}


def test_behind_cloudfront_the_viewer_address_is_counted(h, monkeypatch):
    """CloudFront proves itself with X-Handoff-Edge (= EDGE_SECRET); then CloudFront-Viewer-Address is the
    visitor's. Without the proof the header is ignored (anyone could send it)."""
    monkeypatch.setenv('EDGE_SECRET', 'edge-123')
    set_limits(sessions_per_address=FixedWindow(limit=1, seconds=3600))

    def session(**headers):
        response = h.client.http.request('POST', '/visitor/session', body='{"agent_id": "shop"}',
                                         headers=dict({'Content-Type': 'application/json'}, **headers))
        return response.status_code
    edge = {'X-Handoff-Edge': 'edge-123'}
    assert session(**edge, **{'CloudFront-Viewer-Address': '198.51.100.7:4711'}) == 200
    assert session(**edge, **{'CloudFront-Viewer-Address': '198.51.100.7:5000'}) == 429     # same viewer
    assert session(**edge, **{'CloudFront-Viewer-Address': '[2001:db8::1]:443'}) == 200     # another one
    assert session(**edge, **{'CloudFront-Viewer-Address': '2001:db8::1:443'}) == 429       # the same, unbracketed
    assert session(**{'X-Handoff-Edge': 'forged', 'CloudFront-Viewer-Address': '203.0.113.9:1'}) == 200  # caller
    assert session(**{'CloudFront-Viewer-Address': '203.0.113.9:1'}) == 429                 # caller again
