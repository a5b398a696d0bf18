"""Handlers and store under moto (in-process mock_aws), sockets observed through a recording sender."""
import json
from collections import Counter, defaultdict

import boto3
import botocore.client
import pytest
from chalice.test import Client
from moto import mock_aws

import app as app_module
from chalicelib.config import Config
from chalicelib.adapters.sockets import Sender
from chalicelib.bootstrap import build
from infra import admin, resources
from tests.support.events import ws_event

PROJECT_DIR = __file__.rsplit('/tests/', 1)[0]


class RecordingSender(Sender):
    """The real Sender's fan-out, with post() recording each event per connection.
    Connections in `gone` answer like API Gateway's GoneException."""

    def __init__(self):
        super().__init__('http://unused', 'us-east-1')
        self.sent = defaultdict(list)
        self.gone = set()

    def post(self, connection_id, event):
        if connection_id in self.gone:
            return False
        json.dumps(event)                 # must be serialisable, as for the real one
        self.sent[connection_id].append(event)
        return True

    def take(self, connection_id):
        """Events received since the last take, in order."""
        return self.sent.pop(connection_id, [])


class Harness:
    def __init__(self, sender, queue_url, dlq_url, client):
        self.sender = sender
        self.queue_url = queue_url
        self.dlq_url = dlq_url
        self.client = client
        self.sqs = boto3.client('sqs', region_name='us-east-1')

    # sockets
    def connect(self, connection_id, **query):
        return app_module.ws_connect(ws_event('$connect', connection_id, query=query), None)['statusCode']

    def send(self, connection_id, payload):
        body = payload if isinstance(payload, str) else json.dumps(payload)
        app_module.ws_message(ws_event('$default', connection_id, body=body), None)
        return self.sender.take(connection_id)

    def disconnect(self, connection_id):
        app_module.ws_disconnect(ws_event('$disconnect', connection_id), None)

    def take(self, connection_id):
        return self.sender.take(connection_id)

    # REST
    def rest(self, method, path, token=None, body=None, raw=None):
        headers = {'Content-Type': 'application/json'}
        if token:
            headers['Authorization'] = 'Bearer ' + token
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = self.client.http.request(method, path, headers=headers, body=data)
        try:
            payload = json.loads(response.body) if response.body else None
        except ValueError:
            payload = response.body
        return response.status_code, payload

    def visitor(self, connection_id, agent_id='shop', **attributes):
        status, session = self.rest('POST', '/visitor/session', body={'agent_id': agent_id, 'attributes': attributes})
        assert status == 200, session
        assert self.connect(connection_id, session=session['session']) == 200
        return session

    # queue
    def queued(self):
        out = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        return out.get('Messages', [])

    def deliver_notifications(self, records=None):
        """Feed queued messages to the SQS consumer as one batch, with their real message ids."""
        records = self.queued() if records is None else records
        event = {'Records': [{'messageId': m['MessageId'], 'receiptHandle': m['ReceiptHandle'], 'body': m['Body'],
                              'attributes': {'ApproximateReceiveCount': '1'}, 'messageAttributes': {},
                              'md5OfBody': m['MD5OfBody'], 'eventSource': 'aws:sqs',
                              'eventSourceARN': 'arn:aws:sqs:us-east-1:123456789012:q', 'awsRegion': 'us-east-1'}
                             for m in records]}
        return app_module.on_notification(event, None)


@pytest.fixture
def h():
    with mock_aws():
        ddb = boto3.client('dynamodb', region_name='us-east-1')
        resources.create_table(ddb, 'handoff-test')
        queue_url, dlq_url = resources.create_queues(boto3.client('sqs', region_name='us-east-1'),
                                                     'handoff-test-notifications')
        # As the local runtime: webhooks may go to an http://127.0.0.1 receiver (tests/integration/
        # test_webhook_security.py turns this off to see AWS's rules).
        config = Config.from_env(dict(__import__('os').environ, NOTIFY_QUEUE_URL=queue_url,
                                      WEBHOOK_ALLOW_LOOPBACK_HTTP='1'))
        sender = RecordingSender()
        app_module._services = build(config, sender=sender)
        admin.create_agent('shop', 'Acme Outfitters', allow_human_handoff=True)
        for q, a in KNOWLEDGE:
            admin.add_knowledge('shop', q, a)
        admin.create_agent('other', 'Other Corp', allow_human_handoff=True)
        harness = Harness(sender, queue_url, dlq_url, Client(app_module.app, project_dir=PROJECT_DIR))
        harness.alice = admin.create_operator('Alice', ['shop'], role='admin')    # Bob is an operator
        harness.bob = admin.create_operator('Bob', ['shop'])
        harness.mallory = admin.create_operator('Mallory', ['other'], role='admin')   # admin, of another tenant
        yield harness
        app_module._services = None


KNOWLEDGE = [
    ('How long does shipping take?', 'Standard shipping takes 3-5 business days.'),
    ('What is your return policy?', 'You can return any item within 30 days for a full refund of unused goods.'),
    ('What are your opening hours?', 'Our store is open Monday to Saturday, 9am to 6pm.'),
    ('Which payment methods do you accept?', 'We accept Visa, Mastercard, PayPal and Apple Pay.'),
    ('How can I track my order?', 'Use the tracking link in your confirmation email.'),
]


def types(events):
    return [e['type'] for e in events]


def messages(events):
    return [(e['message']['role'], e['message']['text']) for e in events if e['type'] == 'message']


# Every AWS call a test makes (the request budgets the README states): `calls`, then dynamodb(calls).
@pytest.fixture
def calls(monkeypatch):
    seen = []
    original = botocore.client.BaseClient._make_api_call

    def counting(client, operation, params):
        seen.append((client.meta.service_model.service_name, operation))
        return original(client, operation, params)
    monkeypatch.setattr(botocore.client.BaseClient, '_make_api_call', counting)
    return seen


def dynamodb(calls):
    return Counter(op for service, op in calls if service == 'dynamodb')
