"""What Lambda's SQS event source mapping does, for one queue and one handler.

Long-polls the queue (short waits, so it stops quickly), hands batches of up to 10
messages to the handler as real SQS Lambda events, and deletes only the records the
handler did not report in ``batchItemFailures`` (ReportBatchItemFailures). A handler
that raises, or returns an unusable response, fails the whole batch. Failed messages
become visible again after the queue's visibility timeout; the queue's redrive policy
moves them to the dead-letter queue after ``maxReceiveCount`` receives (moto applies
the policy itself on the receive after the last allowed one).

For fault runs (``--chaos-sqs-redeliver P``, ``--chaos-sqs-crash P``) it can also do what
SQS and Lambda are allowed to do: deliver a handled message again (it is not deleted, so
it comes back after the visibility timeout: at-least-once delivery), or crash mid-batch
(the handler has processed the first half of the batch, then the invocation dies: nothing
is deleted and the whole batch comes back).
"""
import base64
import random
import threading
import time

from .logs import LOG, ms


def sqs_record(message, *, queue_arn, region):
    attrs = dict(message.get('Attributes', {}))
    record = {
        'messageId': message['MessageId'],
        'receiptHandle': message['ReceiptHandle'],
        'body': message['Body'],
        'attributes': attrs,
        'messageAttributes': {},
        'md5OfBody': message.get('MD5OfBody'),
        'eventSource': 'aws:sqs',
        'eventSourceARN': queue_arn,
        'awsRegion': region,
    }
    if message.get('MD5OfMessageAttributes'):
        record['md5OfMessageAttributes'] = message['MD5OfMessageAttributes']
    for name, value in (message.get('MessageAttributes') or {}).items():
        converted = {'dataType': value.get('DataType'), 'stringListValues': [], 'binaryListValues': []}
        if 'StringValue' in value:
            converted['stringValue'] = value['StringValue']
        if 'BinaryValue' in value:
            converted['binaryValue'] = base64.b64encode(value['BinaryValue']).decode('ascii')
        record['messageAttributes'][name] = converted
    return record


def failed_ids(response, message_ids):
    """The message ids to leave on the queue, following Lambda's rules for partial batch responses.

    Returns a set, or None when the whole batch failed (unusable response).
    """
    if response is None:
        return set()
    if not isinstance(response, dict):
        return None
    failures = response.get('batchItemFailures')
    if failures is None or failures == []:
        return set()
    if not isinstance(failures, list):
        return None
    ids = set()
    for item in failures:
        ident = item.get('itemIdentifier') if isinstance(item, dict) else None
        if not ident or ident not in message_ids:
            return None          # Lambda treats an empty/unknown identifier as a failure of the whole batch
        ids.add(ident)
    return ids


class QueuePoller:
    def __init__(self, sqs, *, queue_url, queue_arn, handler, region, context_factory,
                 batch_size=10, wait_seconds=1, max_receive_count=None, name='on_notification',
                 redeliver_rate=0.0, crash_rate=0.0, rng=None):
        self.sqs = sqs
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.handler = handler
        self.region = region
        self.context_factory = context_factory
        self.batch_size = batch_size
        self.wait_seconds = wait_seconds
        self.max_receive_count = max_receive_count
        self.name = name
        self.redeliver_rate = float(redeliver_rate)
        self.crash_rate = float(crash_rate)
        self.rng = rng or random.Random()
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._run, name='sqs-poller', daemon=True)
        self._thread.start()

    def stop(self, timeout=10):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                LOG.warning('sqs   poller did not stop within %.0f s (handler still running?)', timeout)
            self._thread = None

    def _run(self):
        while not self._stop.is_set():
            try:
                resp = self.sqs.receive_message(
                    QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch_size,
                    WaitTimeSeconds=self.wait_seconds,
                    MessageSystemAttributeNames=['All'], MessageAttributeNames=['All'])
            except Exception as e:
                if self._stop.is_set():
                    break
                LOG.warning('sqs   receive failed: %s', e)
                self._stop.wait(0.5)
                continue
            messages = resp.get('Messages') or []
            if messages:
                self.deliver(messages)

    def deliver(self, messages):
        """Invoke the handler with one batch; delete what succeeded. Returns the failed message ids."""
        records = [sqs_record(m, queue_arn=self.queue_arn, region=self.region) for m in messages]
        ids = [r['messageId'] for r in records]
        t0 = time.perf_counter()
        if self.crash_rate and self.rng.random() < self.crash_rate:
            half = records[:max(1, len(records) // 2)]
            try:
                self.handler({'Records': half}, self.context_factory())
            except Exception:
                LOG.exception('sqs   %s raised', self.name)
            LOG.info('sqs   %s  batch=%d  chaos: crashed after %d records, nothing deleted  %s', self.name,
                     len(records), len(half), ms(time.perf_counter() - t0))
            return set(ids)
        try:
            response = self.handler({'Records': records}, self.context_factory())
            failed = failed_ids(response, set(ids))
            if failed is None:
                LOG.warning('sqs   %s returned an unusable response %r: the whole batch fails', self.name,
                            response)
        except Exception:
            LOG.exception('sqs   %s raised: the whole batch fails', self.name)
            failed = None
        elapsed = time.perf_counter() - t0
        if failed is None:
            failed = set(ids)
        done = [r for r in records if r['messageId'] not in failed]
        if self.redeliver_rate:
            kept = [r for r in done if self.rng.random() < self.redeliver_rate]
            if kept:
                LOG.info('sqs   %s  chaos: %d handled message(s) not deleted: delivered again', self.name, len(kept))
                done = [r for r in done if r not in kept]
        if done:
            try:
                resp = self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                    {'Id': str(i), 'ReceiptHandle': r['receiptHandle']} for i, r in enumerate(done)])
                for err in resp.get('Failed') or []:
                    LOG.warning('sqs   delete failed: %s', err)
            except Exception as e:
                LOG.warning('sqs   delete failed: %s', e)
        LOG.info('sqs   %s  batch=%d  ok=%d  failed=%d  %s', self.name, len(records), len(done), len(failed),
                 ms(elapsed))
        for r in records:
            if r['messageId'] in failed:
                count = int(r['attributes'].get('ApproximateReceiveCount', '1'))
                if self.max_receive_count and count >= self.max_receive_count:
                    LOG.warning('sqs   message %s failed %d times: moving to the dead-letter queue',
                                r['messageId'], count)
                else:
                    LOG.info('sqs   message %s failed (receive %d%s): retried after the visibility timeout',
                             r['messageId'], count,
                             '/%d' % self.max_receive_count if self.max_receive_count else '')
        return failed
