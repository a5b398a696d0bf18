"""Issue 12 items 4, 5, 7: out of hours + the email form + replies by SES; notification channels;
notifications that survive a failed publish and are never sent twice."""
import json
import threading

import boto3
import pytest

import app as app_module
from chalicelib.adapters.mail import Mailer
from tests.integration.conftest import messages, types
from tests.integration.test_notifications import Hook

SATURDAY = '2026-12-05T10:00:00.000Z'          # Saturday 11:00 in Paris: closed
WEEKLY = {d: [['09:00', '17:00']] for d in ('mon', 'tue', 'wed', 'thu', 'fri')}
HOURS = {'time_zone': 'Europe/Paris', 'weekly': WEEKLY, 'holidays': ['2026-12-25']}


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


def sent_mail():
    from moto.ses.models import ses_backends
    return ses_backends['123456789012']['us-east-1'].sent_messages


def save_settings(h, **settings):
    _, current = h.rest('GET', '/agents/shop/settings', token=h.alice)
    status, body = h.rest('PUT', '/agents/shop/settings', token=h.alice,
                          body={'settings': settings, 'version': current['version']})
    assert status == 200, body
    return body


@pytest.fixture
def ctx(h):
    ctx = app_module._services.ctx
    boto3.client('ses', region_name='us-east-1').verify_email_identity(EmailAddress='help@acme.test')
    ctx.mailer = Mailer('help@acme.test', 'us-east-1')
    ctx.now = Clock(SATURDAY)
    return ctx


def open_offline_request(h):
    save_settings(h, hours=HOURS)
    h.visitor('v1', name='Ada')
    events = h.send('v1', {'action': 'request_human', 'request_id': 1})
    [closed] = [e['message'] for e in events if e['type'] == 'message']
    assert 'handoff' not in types(events)                       # nothing waits unseen in the inbox
    assert closed['meta']['offer_contact'] is True and closed['meta']['back_at'] == '2026-12-07T08:00:00Z'
    assert 'back Monday at 09:00 (Europe/Paris time)' in closed['text']
    assert h.queued() == []
    events = h.send('v1', {'action': 'leave_contact', 'email': 'ada@example.org', 'text': 'My parcel is lost',
                           'client_message_id': 'm1', 'request_id': 2})
    assert events[0]['type'] == 'ack' and events[0]['request_id'] == 2
    handoff = [e for e in events if e['type'] == 'handoff'][0]['handoff']
    assert handoff['status'] == 'pending' and handoff['reason']['code'] == 'offline'
    assert handoff['contact'] == {'email': 'ada@example.org'}
    return handoff


def test_out_of_hours_request_is_emailed_once_and_waits_in_the_widget(h, ctx):
    open_offline_request(h)
    # the same form again (a retry): stored once
    again = h.send('v1', {'action': 'leave_contact', 'email': 'ada@example.org', 'text': 'My parcel is lost',
                          'client_message_id': 'm1'})
    assert again[0]['duplicate'] is True
    assert h.deliver_notifications()['batchItemFailures'] == []
    _, inbox = h.rest('GET', '/agents/shop/inbox?status=pending', token=h.bob)
    [row] = inbox['conversations']
    assert row['handoff']['contact'] == {'email': 'ada@example.org'} and row['handoff']['reason']['code'] == 'offline'
    cid = row['id']
    h.disconnect('v1')                                          # the visitor went away
    assert h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.bob)[0] == 200
    h.deliver_notifications()
    status, _ = h.rest('POST', '/conversations/%s/reply' % cid, token=h.bob,
                       body={'client_message_id': 'r1', 'text': 'We found it: it ships Monday.'})
    assert status == 200
    records = h.queued()
    assert [json.loads(r['Body'])['event'] for r in records] == ['message.email']
    assert h.deliver_notifications(records)['batchItemFailures'] == []
    assert h.deliver_notifications(records)['batchItemFailures'] == []        # redelivered: not sent again
    [mail] = sent_mail()
    assert mail.destinations['ToAddresses'] == ['ada@example.org'] and mail.source == 'help@acme.test'
    assert 'We found it: it ships Monday.' in mail.body and 'Acme Outfitters' in mail.subject
    # the visitor comes back: the reply is in the conversation
    h.connect('v1b', session=h.rest('POST', '/visitor/session', body={'agent_id': 'shop'})[1]['session'])
    ctx.now = Clock('2026-12-07T09:00:00.000Z')
    from chalicelib.usecases import outbox
    assert outbox.sweep(ctx, app_module._services.notification_consumer(lambda: b'x')) == \
        {'delivered': 0, 'failed': 0}                                         # everything was delivered


def test_the_reply_lands_in_the_widget_on_return(h, ctx):
    open_offline_request(h)
    session = h.visitor('v2', name='Ada')          # another visitor: unrelated
    _, inbox = h.rest('GET', '/agents/shop/inbox?status=pending', token=h.bob)
    cid = inbox['conversations'][0]['id']
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.bob)
    h.rest('POST', '/conversations/%s/reply' % cid, token=h.bob, body={'client_message_id': 'r1', 'text': 'Hi Ada'})
    replay = h.send('v1', {'action': 'resume', 'after': 0})
    assert ('human', 'Hi Ada') in [(m['role'], m['text']) for e in replay for m in e.get('messages', [])]
    assert session


def test_inside_hours_everything_is_as_before(h, ctx):
    save_settings(h, hours=HOURS)
    ctx.now = Clock('2026-12-07T10:00:00.000Z')                 # Monday 11:00 Paris
    h.visitor('v1')
    events = h.send('v1', {'action': 'request_human'})
    assert 'handoff' in types(events)
    assert not any(e['message']['meta'].get('offer_contact') for e in events if e['type'] == 'message')


def test_nobody_online_counts_as_closed_when_the_agent_says_so(h, ctx):
    save_settings(h, hours={'offline_when_nobody_online': True})
    h.visitor('v1')
    events = h.send('v1', {'action': 'request_human'})
    [m] = [e['message'] for e in events if e['type'] == 'message']
    assert m['meta']['offer_contact'] is True and m['meta']['back_at'] is None
    h.connect('bob', token=h.bob)
    events = h.send('v1', {'action': 'request_human'})
    assert 'handoff' in types(events)


def test_bad_contact_and_bad_settings_are_refused(h, ctx):
    h.visitor('v1')
    [err] = h.send('v1', {'action': 'leave_contact', 'email': 'not-an-email', 'request_id': 7})
    assert err['type'] == 'error' and err['code'] == 'invalid_field' and err['request_id'] == 7
    _, current = h.rest('GET', '/agents/shop/settings', token=h.alice)
    for bad in ({'hours': {'time_zone': 'Mars/Olympus'}}, {'hours': {'weekly': {'mon': [['9:00', '17:00']]}}},
                {'channels': {'email': {'to': ['x']}}}, {'channels': {'slack': {'url': 'http://10.0.0.1/x'}}},
                {'hours': {'holidays': ['2026-13-01']}}):
        status, body = h.rest('PUT', '/agents/shop/settings', token=h.alice,
                              body={'settings': bad, 'version': current['version']})
        assert status == 400 and body['error']['code'] == 'invalid_field', (bad, body)
    status, _ = h.rest('PUT', '/agents/shop/settings', token=h.bob,
                       body={'settings': {'hours': HOURS}, 'version': current['version']})
    assert status == 403
    save_settings(h, allow_human_handoff=False)
    [err] = h.send('v1', {'action': 'leave_contact', 'email': 'ada@example.org', 'request_id': 8})
    assert err['code'] == 'handoff_disabled' and err['request_id'] == 8
    _, inbox = h.rest('GET', '/agents/shop/inbox?status=pending', token=h.bob)
    assert inbox['conversations'] == []


@pytest.fixture
def hooks(h):
    webhook, slack = Hook(), Hook()
    yield webhook, slack
    webhook.close()
    slack.close()


def test_channels_are_independent_and_idempotent(h, ctx, hooks):
    webhook, slack = hooks
    saved = save_settings(h, webhook_url=webhook.url,
                          channels={'email': {'to': ['team@acme.test']}, 'slack': {'url': slack.url}})
    assert saved['settings']['channels']['email']['events'] == ['handoff.requested', 'handoff.escalated']
    h.visitor('v1', name='Ada')
    h.send('v1', {'action': 'request_human', 'note': 'Refund for order 1234'})
    records = h.queued()
    assert len(records) == 1
    slack.status = 500                                          # Slack is down
    assert h.deliver_notifications(records)['batchItemFailures'] == [{'itemIdentifier': records[0]['MessageId']}]
    assert len(webhook.calls) == 1 and len(sent_mail()) == 1 and len(slack.calls) == 1
    slack.status = 200
    assert h.deliver_notifications(records)['batchItemFailures'] == []
    assert h.deliver_notifications(records)['batchItemFailures'] == []
    assert len(webhook.calls) == 1 and len(sent_mail()) == 1 and len(slack.calls) == 2     # only Slack again
    blocks = json.loads(slack.calls[-1][1])
    assert blocks['blocks'][1]['text']['type'] == 'plain_text' and 'Visitor: Ada' in blocks['blocks'][1]['text']['text']
    assert '/#c=' in blocks['blocks'][1]['text']['text'] or 'Open it' not in blocks['blocks'][1]['text']['text']
    [mail] = sent_mail()
    assert mail.destinations['ToAddresses'] == ['team@acme.test'] and 'asks for a person' in mail.subject


def test_a_failed_publish_is_delivered_from_the_outbox_once(h, ctx, hooks, monkeypatch):
    webhook, _ = hooks
    save_settings(h, webhook_url=webhook.url)
    ctx.now = Clock('2026-12-07T10:00:00.000Z')
    notifier = ctx.uow.notifier

    def unreachable(event):
        raise ConnectionError('SQS is unreachable')
    monkeypatch.setattr(notifier, 'publish', unreachable)
    h.connect('bob', token=h.bob)
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    h.take('bob')
    assert h.queued() == [] and webhook.calls == []
    from chalicelib.usecases import outbox
    consumer = app_module._services.notification_consumer(lambda: b'secret')
    assert outbox.sweep(ctx, consumer) == {'delivered': 0, 'failed': 0}       # within the grace period
    ctx.now = Clock('2026-12-07T10:01:01.000Z')
    assert outbox.sweep(ctx, consumer) == {'delivered': 1, 'failed': 0}
    assert len(webhook.calls) == 1 and [e['event'] for e in h.take('bob')] == ['handoff.requested']
    assert outbox.sweep(ctx, consumer) == {'delivered': 0, 'failed': 0}       # out of the outbox
    assert len(webhook.calls) == 1


def test_two_concurrent_deliveries_notify_once(h, ctx):
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    [record] = h.queued()
    release, inside = threading.Event(), threading.Event()
    calls = []

    def slow_post(url, payload, secrets, allow_loopback_http=False):
        calls.append(payload['event_id'])
        inside.set()
        release.wait(5)
    save_settings(h, webhook_url='https://hooks.example.com/x')
    first = app_module._services.notification_consumer(lambda: b's')
    first.post = slow_post
    second = app_module._services.notification_consumer(lambda: b's')
    second.post = slow_post
    errors = []

    def run(consumer):
        try:
            consumer.handle(record['Body'])
        except Exception as exc:
            errors.append(exc)
    t = threading.Thread(target=run, args=(first,))
    t.start()
    assert inside.wait(5)
    run(second)                                   # meanwhile: the webhook is claimed, so not sent again
    release.set()
    t.join(5)
    assert len(calls) == 1 and len(errors) == 1 and 'webhook' in str(errors[0])
    run(second)                                   # the retry: everything delivered already
    assert len(calls) == 1 and len(errors) == 1
