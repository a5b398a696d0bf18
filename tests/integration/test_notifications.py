"""SQS notifications: inbox push to every operator, signed webhooks, partial batch failures."""
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


class Hook:
    """A real HTTP endpoint on loopback that records webhook calls and answers `status`."""

    def __init__(self):
        self.calls = []
        self.status = 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers['Content-Length']))
                hook.calls.append((dict(self.headers), body))
                self.send_response(hook.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d/hook' % self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook(h):
    hook = Hook()
    status, current = h.rest('GET', '/agents/shop/settings', token=h.alice)
    status, _ = h.rest('PUT', '/agents/shop/settings', token=h.alice,
                       body={'settings': {'webhook_url': hook.url}, 'version': current['version']})
    assert status == 200
    yield hook
    hook.close()


def test_handoff_request_reaches_every_operator_inbox(h):
    h.connect('alice', token=h.alice)
    h.connect('bob', token=h.bob)
    h.connect('mallory', token=h.mallory)
    s = h.visitor('v1', name='Ada')
    h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'I was charged twice, refund please'})
    for op in ('alice', 'bob'):
        h.take(op)
    assert h.deliver_notifications() == {'batchItemFailures': []}
    for op in ('alice', 'bob'):
        [event] = h.take(op)
        assert event['type'] == 'inbox' and event['event'] == 'handoff.requested'
        assert event['conversation']['id'] == s['conversation_id']
        assert event['conversation']['visitor']['name'] == 'Ada'
        assert event['conversation']['handoff']['reason']['code'] == 'billing'
        assert event['counts'] == {'pending': 1, 'acknowledged': 0}
    assert h.take('mallory') == []


def test_every_status_change_is_published(h):
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.send('v1', {'action': 'request_human'})
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    h.rest('POST', '/conversations/%s/resolve' % cid, token=h.alice)
    bodies = [json.loads(m['Body']) for m in h.queued()]
    assert [b['event'] for b in bodies] == ['handoff.requested', 'handoff.acknowledged', 'handoff.resolved']
    assert len({b['event_id'] for b in bodies}) == 3


def test_signed_webhook_is_posted(h, hook):
    s = h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    assert h.deliver_notifications() == {'batchItemFailures': []}
    [(headers, body)] = hook.calls
    payload = json.loads(body)
    assert payload['event'] == 'handoff.requested' and payload['conversation_id'] == s['conversation_id']
    expected = hmac.new(b'test-webhook-secret', headers['X-Handoff-Timestamp'].encode() + b'.' + body,
                        hashlib.sha256).hexdigest()
    assert headers['X-Handoff-Signature'] == 'sha256=' + expected
    assert headers['X-Handoff-Event-Id'] == payload['event_id']


def test_partial_batch_failure_reports_only_the_bad_record(h):
    h.connect('alice', token=h.alice)
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    h.take('alice')
    good = h.queued()
    bad = [dict(good[0], MessageId='bad-1', Body='{not json', ReceiptHandle='rh-bad')]
    result = h.deliver_notifications(bad + good)
    assert result == {'batchItemFailures': [{'itemIdentifier': 'bad-1'}]}
    assert [e['type'] for e in h.take('alice')] == ['inbox']


def test_failing_webhook_does_not_block_inbox_and_nothing_is_notified_twice(h, hook):
    h.connect('alice', token=h.alice)
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    h.take('alice')
    records = h.queued()
    hook.status = 500
    result = h.deliver_notifications(records)
    assert result == {'batchItemFailures': [{'itemIdentifier': records[0]['MessageId']}]}
    assert [e['type'] for e in h.take('alice')] == ['inbox']      # the inbox was pushed anyway
    assert len(hook.calls) == 1
    # SQS redelivers the failed record: the webhook is retried, the inbox is not pushed again
    hook.status = 200
    assert h.deliver_notifications(records) == {'batchItemFailures': []}
    assert h.take('alice') == [] and len(hook.calls) == 2
    # a duplicate delivery after success notifies nobody
    assert h.deliver_notifications(records) == {'batchItemFailures': []}
    assert h.take('alice') == [] and len(hook.calls) == 2


def test_unreachable_webhook_fails_the_record_not_the_batch(h):
    status, current = h.rest('GET', '/agents/shop/settings', token=h.alice)
    h.rest('PUT', '/agents/shop/settings', token=h.alice,
           body={'settings': {'webhook_url': 'http://127.0.0.1:9/closed'}, 'version': current['version']})
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    h.visitor('v2')
    h.send('v2', {'action': 'request_human'})
    records = h.queued()
    assert len(records) == 2
    result = h.deliver_notifications(records)
    assert sorted(f['itemIdentifier'] for f in result['batchItemFailures']) == sorted(
        r['MessageId'] for r in records)


def test_handoff_metrics_are_emitted_once_as_cloudwatch_emf(h, capsys):
    s = h.visitor('v1')
    cid = s['conversation_id']
    h.send('v1', {'action': 'request_human', 'client_message_id': 'r'})
    h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice)
    records = h.queued()
    capsys.readouterr()
    h.deliver_notifications(records)
    h.deliver_notifications(records)           # a redelivery counts nothing again
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    metrics = {}
    for line in lines:
        for definition in line['_aws']['CloudWatchMetrics']:
            assert definition['Namespace'] == 'Handoff'
            for metric in definition['Metrics']:
                value = line[metric['Name']]
                metrics.setdefault(metric['Name'], []).extend(value if isinstance(value, list) else [value])
    assert metrics['HandoffRequested'] == [1.0] and metrics['HandoffAcknowledged'] == [1.0]
    assert metrics['HandoffRequestedWhileNobodyOnline'] == [1.0]
    assert len(metrics['TimeToAcknowledge']) == 1 and metrics['TimeToAcknowledge'][0] >= 0
