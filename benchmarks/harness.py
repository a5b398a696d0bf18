"""The whole system in this process under moto's in-process mock (mock_aws), driven like
tests/integration/conftest.py drives it: the real socket handlers, REST routes (through
chalice.test.Client) and queue consumer of app.py, the table and queues created from
infra/template.json, and the local runtime's demo data (agent `demo-shop` with handoff enabled,
its knowledge base, operators Alice and Bob).

Sockets are observed through a recording sender (the real Sender's fan-out, post() recorded), and
every entry point is counted: Lambda invocations, socket frames in, posts out, REST requests, so
the cost model can price them. Import this module before the app: it sets the environment
(PynamoDB reads the table name at import).
"""
import json
import os
import sys
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.events import ws_event  # noqa: E402  (the same events the tests send)

ENV = {
    'AWS_DEFAULT_REGION': 'us-east-1', 'AWS_REGION': 'us-east-1',
    'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing',
    'AWS_SECURITY_TOKEN': 'testing', 'AWS_SESSION_TOKEN': 'testing', 'AWS_EC2_METADATA_DISABLED': 'true',
    'TABLE_NAME': 'handoff-bench', 'NOTIFY_QUEUE_NAME': 'handoff-bench-notifications',
    'SESSION_SECRET': 'bench-session-secret', 'WEBHOOK_SECRET': 'bench-webhook-secret',
    'WS_ENDPOINT_URL': 'https://example.execute-api.us-east-1.amazonaws.com/api',
    'POWERTOOLS_LOG_LEVEL': 'WARNING',
}


def prepare_environment():
    os.environ.update(ENV)
    for name in [k for k in os.environ if k.startswith('AWS_ENDPOINT_URL')] + ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']:
        os.environ.pop(name, None)


prepare_environment()

WS_MESSAGE_UNIT = 32 * 1024     # API Gateway meters WebSocket messages in 32 KB increments


def metered_messages(size):
    return max(1, -(-size // WS_MESSAGE_UNIT))


def _recording_sender_class():
    from chalicelib.adapters.sockets import Sender

    class RecordingSender(Sender):
        """The real Sender's fan-out, with post() recording each event per connection."""

        def __init__(self):
            super().__init__('http://unused', 'us-east-1')
            self.sent = defaultdict(list)
            self.posts = 0
            self.post_units = 0
            self.post_bytes = 0
            self.post_types = Counter()

        def post(self, connection_id, event):
            data = json.dumps(event, separators=(',', ':')).encode('utf-8')   # as the real one sends it
            self.posts += 1
            self.post_bytes += len(data)
            self.post_units += metered_messages(len(data))
            self.post_types[event.get('type')] += 1
            self.sent[connection_id].append(event)
            return True

        def take(self, connection_id):
            return self.sent.pop(connection_id, [])

    return RecordingSender


class System:
    """start() / stop(); then drive it with connect, send, disconnect, rest, deliver_notifications."""

    def __init__(self):
        self.invocations = Counter()          # Lambda invocations by handler
        self.frames_in = 0                    # socket messages from clients (billed like posts)
        self.frames_in_units = 0
        self.rest_requests = 0
        self.rest_bytes_out = 0
        self.notifications_delivered = 0
        self.mock = None

    def start(self):
        import boto3
        from moto import mock_aws
        self.mock = mock_aws()
        self.mock.start()
        import app as app_module
        from chalice.test import Client
        from chalicelib.config import Config
        from chalicelib.bootstrap import build
        from infra import resources
        from infra.local import demo
        self.app = app_module
        ddb = boto3.client('dynamodb', region_name='us-east-1')
        resources.create_table(ddb, os.environ['TABLE_NAME'])
        self.sqs = boto3.client('sqs', region_name='us-east-1')
        self.queue_url, self.dlq_url = resources.create_queues(self.sqs, os.environ['NOTIFY_QUEUE_NAME'])
        config = Config.from_env(dict(os.environ, NOTIFY_QUEUE_URL=self.queue_url))
        self.sender = _recording_sender_class()()
        app_module._services = build(config, sender=self.sender)
        self.services = app_module._services
        seeded = demo.seed()
        self.agent_id = seeded['agent_id']
        self.operators = seeded['operators']
        self.knowledge = [q for q, _ in demo.KNOWLEDGE]
        self.client = Client(app_module.app, project_dir=ROOT)
        return self

    def stop(self):
        if self.mock is not None:
            self.app._services = None
            self.mock.stop()
            self.mock = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- sockets ------------------------------------------------------------------------------------

    def connect(self, connection_id, **query):
        self.invocations['ws_connect'] += 1
        return self.app.ws_connect(ws_event('$connect', connection_id, query=query), None)['statusCode']

    def send(self, connection_id, payload):
        body = payload if isinstance(payload, str) else json.dumps(payload)
        self.invocations['ws_message'] += 1
        self.frames_in += 1
        self.frames_in_units += metered_messages(len(body.encode('utf-8')))
        self.app.ws_message(ws_event('$default', connection_id, body=body), None)
        return self.sender.take(connection_id)

    def disconnect(self, connection_id):
        self.invocations['ws_disconnect'] += 1
        self.app.ws_disconnect(ws_event('$disconnect', connection_id), None)

    def take(self, connection_id):
        return self.sender.take(connection_id)

    # ---- REST -------------------------------------------------------------------------------------

    def rest(self, method, path, token=None, body=None):
        headers = {'Content-Type': 'application/json'}
        if token:
            headers['Authorization'] = 'Bearer ' + token
        self.invocations['rest'] += 1
        self.rest_requests += 1
        response = self.client.http.request(method, path, headers=headers,
                                            body=json.dumps(body) if body is not None else None)
        raw = response.body or b''
        self.rest_bytes_out += len(raw)
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw
        return response.status_code, payload

    def visitor(self, connection_id, **attributes):
        status, session = self.rest('POST', '/visitor/session', body={'agent_id': self.agent_id,
                                                                       'attributes': attributes})
        assert status == 200, session
        assert self.connect(connection_id, session=session['session']) == 200
        return session

    # ---- notification queue (what Lambda's SQS event source does) -----------------------------------

    def deliver_notifications(self):
        """One poll of the queue; the batch goes to the consumer; the processed records are deleted.
        Called right after an action that publishes, so the poll is never empty (the event source's
        idle long polls are a fixed cost, priced apart)."""
        got = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=0).get('Messages', [])
        if not got:
            return 0
        event = {'Records': [{'messageId': m['MessageId'], 'receiptHandle': m['ReceiptHandle'], 'body': m['Body'],
                              'attributes': {'ApproximateReceiveCount': '1'}, 'messageAttributes': {},
                              'md5OfBody': m['MD5OfBody'], 'eventSource': 'aws:sqs',
                              'eventSourceARN': 'arn:aws:sqs:us-east-1:123456789012:q', 'awsRegion': 'us-east-1'}
                             for m in got]}
        self.invocations['on_notification'] += 1
        result = self.app.on_notification(event, None) or {}
        failed = {f['itemIdentifier'] for f in result.get('batchItemFailures', [])}
        done = [m for m in got if m['MessageId'] not in failed]
        if done:
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {'Id': str(i), 'ReceiptHandle': m['ReceiptHandle']} for i, m in enumerate(done)])
        self.notifications_delivered += len(done)
        return len(done)
