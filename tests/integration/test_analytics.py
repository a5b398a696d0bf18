"""Analytics counters from real events (redelivery counts once), CSAT once, the analytics route's auth and
validation, and the bounded read."""
import json

import app as app_module


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def clock(h, now='2026-12-01T09:00:00.000Z'):
    c = Clock(now)
    app_module._services.ctx.now = c
    return c


def handoff_cycle(h, vid, operator_token, operator_conn, c, ack_at, resolve_at, text='I want a refund, charged twice'):
    s = h.visitor(vid)
    cid = s['conversation_id']
    h.send(vid, {'action': 'send', 'client_message_id': vid + 'a', 'text': text})
    c.now = ack_at
    assert h.rest('POST', '/conversations/%s/acknowledge' % cid, token=operator_token)[0] == 200
    c.now = resolve_at
    assert h.rest('POST', '/conversations/%s/resolve' % cid, token=operator_token)[0] == 200
    return s


def report(h, token=None, **query):
    qs = '&'.join('%s=%s' % kv for kv in query.items())
    return h.rest('GET', '/agents/shop/analytics' + ('?' + qs if qs else ''), token=token or h.alice)


def test_counters_from_events_and_redelivery_counts_once(h):
    c = clock(h)
    h.visitor('b1')
    h.send('b1', {'action': 'send', 'client_message_id': 'x1', 'text': 'How long does shipping take?'})
    h.send('b1', {'action': 'send', 'client_message_id': 'x1', 'text': 'How long does shipping take?'})  # retry
    h.send('b1', {'action': 'send', 'client_message_id': 'x2', 'text': 'zebra quantum marmalade'})
    s = handoff_cycle(h, 'v1', h.alice, 'alice', c, '2026-12-01T09:00:45.000Z', '2026-12-01T09:10:00.000Z')
    records = h.queued()
    assert len(records) == 3
    assert h.deliver_notifications(records) == {'batchItemFailures': []}
    assert h.deliver_notifications(records) == {'batchItemFailures': []}      # redelivered: counted once
    status, rep = report(h, **{'from': '2026-12-01', 'to': '2026-12-01'})
    assert status == 200, rep
    t = rep['totals']
    assert (t['conversations'], t['handed_off'], t['bot_only'], t['handoffs'], t['acknowledged'], t['resolved']) \
        == (2, 1, 1, 1, 1, 1)
    assert (t['bot_answered'], t['bot_missed']) == (1, 1)
    assert rep['by_reason'] == {'billing': 1}
    assert rep['by_hour'][9] == {'hour': 9, 'handoffs': 1, 'conversations': 2}
    assert rep['time_to_acknowledge']['count'] == 1 and 30 < rep['time_to_acknowledge']['median'] <= 60
    [alice] = rep['operators']
    assert (alice['name'], alice['acknowledged'], alice['handled']) == ('Alice', 1, 1)
    # CSAT: once; a second answer is refused with a clear code; counted once in analytics.
    conv = app_module._services.ctx.conversations.get(s['conversation_id'])
    hid = conv.handoff.id
    h.take('v1')
    h.connect('alice', token=h.alice)
    got = h.send('v1', {'action': 'csat', 'handoff_id': hid, 'score': 4, 'comment': 'quick, thanks',
                        'request_id': 1})
    assert [e['type'] for e in got] == ['ack', 'message', 'handoff']
    assert got[2]['handoff']['csat']['score'] == 4
    pushed = h.take('alice')
    assert [e['type'] for e in pushed] == ['message', 'handoff']
    assert pushed[0]['message']['meta'] == {'event': 'handoff.csat', 'handoff_id': hid, 'score': 4,
                                            'comment': 'quick, thanks'}
    [again] = h.send('v1', {'action': 'csat', 'handoff_id': hid, 'score': 1, 'request_id': 2})
    assert again['type'] == 'error' and again['code'] == 'csat_already_given' and again['request_id'] == 2
    csat_records = h.queued()
    assert [json.loads(r['Body'])['event'] for r in csat_records] == ['handoff.csat']
    h.deliver_notifications(csat_records)
    h.deliver_notifications(csat_records)
    rep = report(h, **{'from': '2026-12-01', 'to': '2026-12-01'})[1]
    assert rep['csat'] == {'count': 1, 'average': 4.0, 'distribution': {'1': 0, '2': 0, '3': 0, '4': 1, '5': 0}}
    assert rep['operators'][0]['csat']['average'] == 4.0
    assert app_module._services.ctx.conversations.get(s['conversation_id']).handoff.csat['score'] == 4


def test_csat_refused_before_resolution_and_for_bad_input(h):
    clock(h)
    s = h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    hid = app_module._services.ctx.conversations.get(s['conversation_id']).handoff.id
    [err] = h.send('v1', {'action': 'csat', 'handoff_id': hid, 'score': 5})
    assert err['code'] == 'csat_not_open'
    for bad in ({'handoff_id': hid, 'score': 6}, {'handoff_id': hid, 'score': '5'}, {'score': 3},
                {'handoff_id': hid, 'score': 3, 'comment': 'x' * 1001}):
        [err] = h.send('v1', dict(bad, action='csat'))
        assert err['type'] == 'error' and err['code'] in ('invalid_field', 'text_too_long'), err
    assert app_module._services.ctx.conversations.get(s['conversation_id']).handoff.csat is None


def test_analytics_route_auth_validation_and_csv(h):
    clock(h)
    assert report(h, token='nope')[0] == 401
    status, body = h.rest('GET', '/agents/shop/analytics?range=bogus', token=h.mallory)
    assert status == 404 and body['error']['code'] == 'not_found'
    assert report(h, token=h.bob)[0] == 200                 # any operator of the agent reads its figures
    for query in ({'range': 'year'}, {'from': '2026-12-05', 'to': '2026-12-01'}, {'from': '2026-13-01', 'to': 'x'},
                  {'from': '2026-01-01', 'to': '2026-12-01'}, {'range': '7d', 'from': '2026-12-01'},
                  {'format': 'xml'}, {'evil': '1'}):
        status, body = report(h, **query)
        assert status == 400 and body['error']['code'] in ('invalid_field', 'invalid_range'), (query, body)
    status, rep = report(h, range='7d')
    assert status == 200 and rep['range'] == {'from': '2026-11-25', 'to': '2026-12-01', 'time_zone': 'UTC',
                                              'days': 7}
    response = h.client.http.get('/agents/shop/analytics?range=today&format=csv',
                                 headers={'Authorization': 'Bearer ' + h.alice})
    assert response.status_code == 200 and response.headers['Content-Type'].startswith('text/csv')
    assert response.body.decode().splitlines()[0] == 'section,key,metric,value'


def test_day_boundaries_follow_the_agent_time_zone(h):
    from infra import admin  # noqa: F401  (the fixture's agents)
    agents = app_module._services.ctx.stores.agents
    agent = agents.get('shop')
    agents.save_settings(agent, dict(agent.settings, hours={'time_zone': 'America/New_York'}))
    clock(h, '2026-12-02T03:30:00.000Z')          # 22:30 on Dec 1st in New York
    h.visitor('v1')
    h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'How long does shipping take?'})
    rep = report(h, **{'from': '2026-12-01', 'to': '2026-12-02'})[1]
    assert [d['conversations'] for d in rep['by_day']] == [1, 0]
    assert rep['by_hour'][22]['conversations'] == 1
    assert rep['range']['time_zone'] == 'America/New_York'
