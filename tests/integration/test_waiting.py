"""Waiting, with time moved by a controllable clock: the escalation ladder, queue position and wait,
inactivity, and timers that arrive twice or out of order."""
import json

import pytest

import app as app_module
from chalicelib.usecases import timers
from tests.integration.conftest import dynamodb as ddb, messages, types
from tests.support.timers import Clock, RecordingScheduler


@pytest.fixture
def w(h):
    ctx = app_module._services.ctx
    h.clock = ctx.now = Clock()
    h.timers = ctx.scheduler = RecordingScheduler(h.clock)
    h.ctx = ctx
    h.advance = lambda seconds: h.timers.advance(ctx, seconds)
    return h


def ask(h, conn):
    return h.send(conn, {'action': 'request_human'})


def queue(h, conn):
    (ev,) = [e for e in h.send(conn, {'action': 'queue', 'request_id': 'q'}) if e['type'] == 'queue']
    return ev


def escalations(h, cid, token):
    status, conv = h.rest('GET', '/conversations/%s' % cid, token=token)
    assert status == 200
    return [t['reason']['step'] for t in conv['handoffs'] if t['status'] == 'escalated']


def published(h):
    return [json.loads(m['Body']) for m in h.queued()]


def test_a_handoff_nobody_takes_climbs_the_ladder_once(w):
    cid = w.visitor('v1')['conversation_id']
    assert w.connect('alice', token=w.alice) == 200
    ask(w, 'v1')
    w.take('alice')
    published(w)                                        # the request's own notification
    w.advance(119)
    assert w.take('alice') == [] and escalations(w, cid, w.alice) == []
    w.advance(2)                                        # 2 minutes: the operators are reminded
    (reminder,) = w.take('alice')
    assert reminder['type'] == 'reminder' and reminder['step'] == 1 and reminder['action'] == 'remind'
    assert reminder['conversation_id'] == cid and reminder['handoff']['escalation_step'] == 1
    assert w.take('v1') == []                           # the visitor hears nothing yet
    w.advance(180)                                      # 5 minutes: the channels
    events = published(w)
    assert [e['event'] for e in events] == ['handoff.escalated']
    assert events[0]['event_id'].endswith(':escalated:2') and events[0]['conversation_id'] == cid
    w.take('alice')
    w.advance(300)                                      # 10 minutes: the visitor is told and offered the form
    (msg,) = [e['message'] for e in w.take('v1') if e['type'] == 'message']
    assert msg['role'] == 'system' and msg['meta']['offer_contact'] is True and 'email' in msg['text']
    assert escalations(w, cid, w.alice) == [1, 2, 3]
    # every timer again, late and in reverse order: nothing is taken twice
    for body in reversed(list(w.timers.delivered)):
        timers.handle(w.ctx, body)
    assert escalations(w, cid, w.alice) == [1, 2, 3] and published(w) == [] and w.take('v1') == []
    w.timers.run_due(w.ctx)             # the duplicates a redelivery re-schedules (the chain never breaks) ...
    assert w.timers.pending == [] and escalations(w, cid, w.alice) == [1, 2, 3]    # ... act on nothing
    assert published(w) == [] and w.take('v1') == []


def test_a_taken_handoff_stops_the_ladder_and_settings_shape_it(w):
    status, s = w.rest('GET', '/agents/shop/settings', token=w.alice)
    assert s['settings']['escalation'] == {'remind_after_seconds': 120, 'escalate_after_seconds': 300,
                                           'tell_visitor_after_seconds': 600}
    assert w.rest('PUT', '/agents/shop/settings', token=w.bob, body={
        'settings': {'escalation': {'remind_after_seconds': 30}}, 'version': s['version']})[0] == 403
    status, err = w.rest('PUT', '/agents/shop/settings', token=w.alice, body={
        'settings': {'escalation': {'remind_after_seconds': -5}}, 'version': s['version']})
    assert status == 400 and err['error']['code'] == 'invalid_field'
    status, _ = w.rest('PUT', '/agents/shop/settings', token=w.alice, body={'settings': {'escalation': {
        'remind_after_seconds': 0, 'escalate_after_seconds': 0, 'tell_visitor_after_seconds': 60}},
        'version': s['version']})
    assert status == 200
    cid = w.visitor('v1')['conversation_id']
    ask(w, 'v1')
    assert w.timers.kinds() == ['escalation']
    w.advance(30)
    assert w.rest('POST', '/conversations/%s/acknowledge' % cid, token=w.bob)[0] == 200
    w.take('v1')
    w.advance(60)
    assert w.take('v1') == [] and escalations(w, cid, w.bob) == []


def test_queue_position_and_wait_follow_the_queue(w):
    first, second = w.visitor('v1')['conversation_id'], w.visitor('v2')['conversation_id']
    assert queue(w, 'v1')['position'] is None            # not waiting
    ask(w, 'v1')
    w.clock.advance(1)
    ask(w, 'v2')
    w.take('v1'), w.take('v2')
    one, two = queue(w, 'v1'), queue(w, 'v2')
    assert (one['position'], two['position']) == (1, 2) and one['request_id'] == 'q'
    assert one['eta_text'] is None                      # no acknowledge measured yet: no invented figure
    w.clock.advance(179)
    assert w.rest('POST', '/conversations/%s/acknowledge' % first, token=w.bob)[0] == 200
    ev = queue(w, 'v2')
    assert ev['position'] == 1 and ev['conversation_id'] == second
    assert ev['eta_seconds'] == 1 and ev['eta_text'] == 'less than a minute'   # waited 179 s of ~180
    third = w.visitor('v3')['conversation_id']
    ask(w, 'v3')
    ev = queue(w, 'v3')
    assert ev['position'] == 2 and ev['eta_seconds'] == 360 and ev['eta_text'] == 'about 5 minutes' and third


def test_inactivity_warns_then_the_system_resolves(w):
    status, s = w.rest('GET', '/agents/shop/settings', token=w.alice)
    assert s['settings']['inactivity']['enabled'] is False
    assert w.rest('PUT', '/agents/shop/settings', token=w.alice, body={'settings': {
        'escalation': {'remind_after_seconds': 0, 'escalate_after_seconds': 0, 'tell_visitor_after_seconds': 0},
        'inactivity': {'enabled': True, 'warn_after_seconds': 600, 'resolve_after_seconds': 300}},
        'version': s['version']})[0] == 200
    cid = w.visitor('v1')['conversation_id']
    ask(w, 'v1')
    assert w.timers.kinds() == []                        # ladder off, nothing pending-side
    assert w.connect('bob', token=w.bob) == 200
    w.send('bob', {'action': 'acknowledge', 'conversation_id': cid})
    w.take('v1')
    w.advance(400)
    w.send('v1', {'action': 'send', 'client_message_id': 'm1', 'text': 'one moment please'})
    w.take('bob')
    w.advance(599)                                       # 10 minutes after the visitor's message, not the ack
    assert messages(w.take('v1')) == []
    w.advance(2)
    assert messages(w.take('v1')) == [('system', 'Are you still there? This conversation will be closed soon if '
                                                 'we do not hear from you.')]
    assert len(w.timers.pending) == 1                    # one chain, not one timer per message
    w.advance(301)
    events = w.take('v1')
    assert types(events) == ['message', 'handoff'] and events[1]['handoff']['status'] == 'resolved'
    status, conv = w.rest('GET', '/conversations/%s' % cid, token=w.bob)
    last = conv['handoffs'][-1]
    assert conv['status'] == 'resolved' and last['by']['kind'] == 'system'
    assert last['reason']['code'] == 'inactivity' and '15 minutes' in last['reason']['note']
    assert 'handoff.resolved' in [e['event'] for e in published(w)]
    for body in list(w.timers.delivered):                 # redelivered: still resolved once
        timers.handle(w.ctx, body)
    assert w.take('v1') == [] and w.timers.pending == []


def test_a_visitor_who_answers_the_warning_is_not_resolved(w):
    status, s = w.rest('GET', '/agents/shop/settings', token=w.alice)
    w.rest('PUT', '/agents/shop/settings', token=w.alice, body={'settings': {
        'inactivity': {'enabled': True, 'warn_after_seconds': 60, 'resolve_after_seconds': 60,
                       'pending_gone': 'cancel', 'pending_gone_after_seconds': 60}}, 'version': s['version']})
    cid = w.visitor('v1')['conversation_id']
    ask(w, 'v1')
    assert w.rest('POST', '/conversations/%s/acknowledge' % cid, token=w.bob)[0] == 200
    w.advance(61)
    w.send('v1', {'action': 'send', 'client_message_id': 'm1', 'text': 'still here'})
    w.advance(61)
    status, conv = w.rest('GET', '/conversations/%s' % cid, token=w.bob)
    assert conv['status'] == 'acknowledged'
    # a pending visitor who closed the page is withdrawn after two checks without a socket
    cid2 = w.visitor('v2')['conversation_id']
    ask(w, 'v2')
    w.disconnect('v2')
    w.advance(130)
    status, conv = w.rest('GET', '/conversations/%s' % cid2, token=w.bob)
    assert conv['status'] == 'cancelled' and conv['handoffs'][-1]['by']['kind'] == 'system'


def test_a_timer_that_comes_back_early_is_put_back_for_the_remainder(w):
    from chalicelib.adapters.scheduler import body
    w.timers.send(body('escalation', w.clock.epoch() + 2000, {'conversation_id': 'x', 'handoff_id': 'h',
                                                             'step': 1}), 900)
    w.advance(900)
    assert len(w.timers.pending) == 1 and len(w.timers.delivered) == 1      # re-sent, not run
    w.advance(1100)
    assert w.timers.pending == [] and len(w.timers.delivered) == 2          # ran (an unknown conversation: no-op)


def test_request_budget_of_the_queue_ask_and_the_ladder(w, calls):
    """The figures README states: a `queue` ask is 4 requests whatever the queue length, and a handoff
    nobody takes costs 3 timer runs of 2 reads + 1 transaction (+ the operator-socket query of the
    steps that post). No Scan anywhere."""
    from collections import Counter
    w.connect('alice', token=w.alice)
    cid = w.visitor('v1')['conversation_id']
    for n in range(3):
        w.visitor('x%d' % n)
        ask(w, 'x%d' % n)
    ask(w, 'v1')
    w.rest('POST', '/conversations/%s/acknowledge' % cid, token=w.alice)     # one measured wait
    cid2 = w.visitor('v2')['conversation_id']
    ask(w, 'v2')
    calls.clear()
    assert queue(w, 'v2')['position'] == 4
    assert ddb(calls) == Counter({'GetItem': 2, 'Query': 2})               # socket, conversation, COUNT, waits
    calls.clear()
    w.advance(600)
    per_timer = ddb(calls)
    assert escalations(w, cid2, w.alice) == [1, 2, 3]
    # 4 waiting handoffs × 3 steps, each: conversation + agent read, one transaction, one operator-socket query;
    # the taken one's first timer: its two reads, then it stops
    assert per_timer['TransactWriteItems'] == 12 and per_timer['GetItem'] == 4 * 3 * 2 + 2
    assert per_timer['Query'] == 12
    assert not any(op == 'Scan' for _, op in calls)


def test_the_timer_function_reports_only_the_failed_record(w):
    """Partial batch response: a record that cannot be handled is retried alone (then the dead-letter queue)."""
    from chalicelib.adapters.scheduler import body
    good = body('escalation', w.clock.epoch(), {'conversation_id': 'shop.v_nobody', 'handoff_id': 'h', 'step': 1})
    records = [{'messageId': mid, 'receiptHandle': 'r', 'body': b, 'attributes': {'ApproximateReceiveCount': '1'},
                'messageAttributes': {}, 'md5OfBody': 'x', 'eventSource': 'aws:sqs',
                'eventSourceARN': 'arn:aws:sqs:us-east-1:123456789012:t', 'awsRegion': 'us-east-1'}
               for mid, b in (('ok-1', good), ('bad-1', '{not json'), ('ok-2', body('nonsense', 0, {})))]
    assert app_module.on_timer({'Records': records}, None) == {'batchItemFailures': [{'itemIdentifier': 'bad-1'}]}


def test_the_sqs_scheduler_delays_at_most_15_minutes_and_carries_the_due_time(w):
    import boto3
    from chalicelib.adapters.scheduler import Scheduler
    sqs = boto3.client('sqs', region_name='us-east-1')
    url = sqs.create_queue(QueueName='timers-test')['QueueUrl']
    scheduler = Scheduler(url, 'us-east-1', lambda: 1000.0)
    scheduler.schedule('escalation', 2000, conversation_id='c', handoff_id='h', step=1)   # longer than SQS allows
    scheduler.schedule('inactivity', 0, conversation_id='c', handoff_id='h')
    (visible,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)['Messages']
    assert json.loads(visible['Body']) == {'kind': 'inactivity', 'due_at': 1000.0,
                                           'payload': {'conversation_id': 'c', 'handoff_id': 'h'}}
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['ApproximateNumberOfMessagesDelayed'])
    assert attrs['Attributes']['ApproximateNumberOfMessagesDelayed'] == '1'      # the 2000 s one, due at 3000


def test_queue_asks_are_limited_per_socket(w, monkeypatch):
    from chalicelib.usecases import queue_position
    monkeypatch.setattr(queue_position, 'ASKS_PER_MINUTE', 2)
    w.visitor('v1')
    ask(w, 'v1')
    assert queue(w, 'v1')['position'] == 1 and queue(w, 'v1')['position'] == 1
    (err,) = w.send('v1', {'action': 'queue', 'request_id': 'q3'})
    assert err['type'] == 'error' and err['code'] == 'rate_limited' and err['request_id'] == 'q3'
