"""The local SQS event source: batches, partial failures, redrive to the dead-letter queue."""
import pytest

from infra.local.poller import QueuePoller, failed_ids, sqs_record
from tests.support.clients import http_json, sqs_client, wait_for
from tests.support.local_stack import local_stack


# ----------------------------------------------------------------------------- Lambda's response rules
@pytest.mark.parametrize('response, expected', [
    (None, set()),
    ({}, set()),
    ({'batchItemFailures': []}, set()),
    ({'batchItemFailures': [{'itemIdentifier': 'b'}]}, {'b'}),
    ({'batchItemFailures': [{'itemIdentifier': 'a'}, {'itemIdentifier': 'b'}]}, {'a', 'b'}),
    ({'batchItemFailures': [{'itemIdentifier': 'zzz'}]}, None),     # unknown id: whole batch fails
    ({'batchItemFailures': [{'itemIdentifier': ''}]}, None),
    ({'batchItemFailures': [{}]}, None),
    ({'batchItemFailures': 'a'}, None),
    ('not a dict', None),
])
def test_partial_batch_response_rules(response, expected):
    assert failed_ids(response, {'a', 'b', 'c'}) == expected


class FakeSQS:
    def __init__(self):
        self.deleted = []

    def delete_message_batch(self, QueueUrl, Entries):
        self.deleted += [e['ReceiptHandle'] for e in Entries]
        return {'Successful': [{'Id': e['Id']} for e in Entries]}


def _message(n, count=1):
    return {'MessageId': 'm%d' % n, 'ReceiptHandle': 'r%d' % n, 'Body': 'body %d' % n, 'MD5OfBody': 'x',
            'Attributes': {'ApproximateReceiveCount': str(count), 'SentTimestamp': '1'},
            'MessageAttributes': {'kind': {'DataType': 'String', 'StringValue': 'k'},
                                  'blob': {'DataType': 'Binary', 'BinaryValue': b'\x00\x01'}}}


def _poller(handler, sqs):
    return QueuePoller(sqs, queue_url='q', queue_arn='arn:aws:sqs:us-east-1:123456789012:q', handler=handler,
                       region='us-east-1', context_factory=lambda: None, max_receive_count=5)


def test_record_shape():
    record = sqs_record(_message(1, 3), queue_arn='arn:q', region='us-east-1')
    assert record['messageId'] == 'm1' and record['receiptHandle'] == 'r1' and record['body'] == 'body 1'
    assert record['eventSource'] == 'aws:sqs' and record['eventSourceARN'] == 'arn:q'
    assert record['attributes']['ApproximateReceiveCount'] == '3'
    assert record['messageAttributes']['kind']['stringValue'] == 'k'
    assert record['messageAttributes']['blob']['binaryValue'] == 'AAE='


def test_only_successes_are_deleted():
    sqs = FakeSQS()
    failed = _poller(lambda event, ctx: {'batchItemFailures': [{'itemIdentifier': 'm2'}]}, sqs).deliver(
        [_message(1), _message(2), _message(3)])
    assert failed == {'m2'} and sqs.deleted == ['r1', 'r3']


def test_raising_handler_fails_the_whole_batch():
    def handler(event, ctx):
        raise RuntimeError('down')
    sqs = FakeSQS()
    assert _poller(handler, sqs).deliver([_message(1), _message(2)]) == {'m1', 'm2'}
    assert sqs.deleted == []


# ----------------------------------------------------------------------------- against the embedded queue
def test_retries_and_dead_letter_queue():
    with local_stack(app='tests.support.fixture_app', seed=False, args=['--visibility-timeout', '1']) as stack:
        assert stack['max_receive_count'] == 5        # from infra/template.json
        status, _ = http_json('POST', stack['http_url'] + '/fixture/enqueue',
                              {'bodies': ['ok-1', 'once-1', 'fail-1', 'ok-2']})
        assert status == 200
        sqs = sqs_client(stack)

        def in_dlq():
            resp = sqs.receive_message(QueueUrl=stack['dlq_url'], MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                       MessageSystemAttributeNames=['All'])
            return resp.get('Messages')
        dead = wait_for(in_dlq, timeout=30, message='the always-failing message in the DLQ')
        assert [m['Body'] for m in dead] == ['fail-1']

        _, seen = http_json('GET', stack['http_url'] + '/fixture/events')
        attempts = seen['attempts']
        assert attempts['ok-1'] == [1] and attempts['ok-2'] == [1]      # deleted after success
        assert attempts['once-1'] == [1, 2]                              # retried alone, then deleted
        assert attempts['fail-1'] == [1, 2, 3, 4, 5]                     # maxReceiveCount receives
        sqs_events = [e for e in seen['events'] if e['kind'] == 'sqs']
        assert all(e['source'].endswith(':handoff-local-notifications') for e in sqs_events)
        main = sqs.get_queue_attributes(QueueUrl=stack['queue_url'], AttributeNames=['All'])['Attributes']
        assert main['ApproximateNumberOfMessages'] == '0' and main['ApproximateNumberOfMessagesNotVisible'] == '0'
        with open(stack['log_path']) as f:
            log = f.read()
        assert 'sqs   on_notification  batch=' in log and 'dead-letter queue' in log
