"""Handoff notifications: publish status changes to SQS; the consumer's work for each record.

Each record is processed at least once. Per-channel markers (`inbox`, `webhook`) make a
redelivered record notify nobody twice, and let a failing webhook be retried without
pushing the inbox again.
"""
import json
import logging
import time

from chalicelib.auth import webhook_signature
from chalicelib.aws_clients import client

logger = logging.getLogger(__name__)
USER_AGENT = 'handoff-webhook/1'


class WebhookError(Exception):
    pass


class Notifier:
    """Publishes handoff events to the notification queue."""

    def __init__(self, queue_url, region):
        self.queue_url = queue_url
        self.region = region

    def publish(self, event):
        if not self.queue_url:
            logger.warning('NOTIFY_QUEUE_URL not set; notification %s dropped', event.get('event_id'))
            return
        client('sqs', self.region).send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(event))


def post_webhook(url, payload, secret, timeout=5.0):
    import urllib.error      # only the queue consumer posts webhooks: keep it off the socket handlers' cold start
    import urllib.request
    body = json.dumps(payload, separators=(',', ':')).encode()
    ts = int(time.time())
    request = urllib.request.Request(url, data=body, method='POST', headers={
        'Content-Type': 'application/json', 'User-Agent': USER_AGENT,
        'X-Handoff-Event': payload['event'], 'X-Handoff-Event-Id': payload['event_id'],
        'X-Handoff-Timestamp': str(ts), 'X-Handoff-Signature': webhook_signature(secret, ts, body)})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if not 200 <= response.status < 300:
                raise WebhookError('webhook answered %d' % response.status)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise WebhookError('webhook failed: %s' % exc)


class NotificationConsumer:
    """What the SQS-triggered function does with one record."""

    def __init__(self, repo, sender, inbox, webhook_secret, post=post_webhook, metrics=None):
        self.repo = repo
        self.sender = sender
        self.inbox = inbox              # callable(agent_id, conversation_id) -> (summary, counts)
        self.webhook_secret = webhook_secret
        self.post = post
        self.metrics = metrics          # Powertools Metrics (CloudWatch EMF) or None

    def handle(self, body):
        event = json.loads(body)
        event_id, agent_id = event['event_id'], event['agent_id']
        if not self.repo.was_notified(event_id, 'inbox'):
            summary, counts = self.inbox(agent_id, event['conversation_id'])
            push = {'type': 'inbox', 'agent_id': agent_id, 'event': event['event'],
                    'conversation': summary, 'counts': counts}
            connections = self.repo.operator_connections(agent_id)
            for gone in self.sender.fan_out(connections, [push]):
                self.repo.forget_gone_connection(gone, agent_id=agent_id)
            self.repo.mark_notified(event_id, 'inbox')
            self._measure(event, operators_online=len(connections))
        agent = self.repo.get_agent(agent_id)
        url = agent and (agent.settings or {}).get('webhook_url')
        if url and not self.repo.was_notified(event_id, 'webhook'):
            self.post(url, event, self.webhook_secret())
            self.repo.mark_notified(event_id, 'webhook')


    def _measure(self, event, operators_online):
        """Counted once per event (inside the inbox marker): the figures a support lead watches."""
        if self.metrics is None:
            return
        from aws_lambda_powertools.metrics import MetricUnit
        handoff = event.get('handoff') or {}
        name = {'handoff.requested': 'HandoffRequested', 'handoff.acknowledged': 'HandoffAcknowledged',
                'handoff.resolved': 'HandoffResolved', 'handoff.cancelled': 'HandoffCancelled'}.get(event['event'])
        if name:
            self.metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
        if name == 'HandoffRequested' and not operators_online:
            self.metrics.add_metric(name='HandoffRequestedWhileNobodyOnline', unit=MetricUnit.Count, value=1)
        if name == 'HandoffAcknowledged' and handoff.get('requested_at') and handoff.get('updated_at'):
            waited = _seconds_between(handoff['requested_at'], handoff['updated_at'])
            self.metrics.add_metric(name='TimeToAcknowledge', unit=MetricUnit.Seconds, value=waited)


def _seconds_between(start, end):
    from datetime import datetime
    parse = lambda t: datetime.fromisoformat(t.replace('Z', '+00:00'))  # noqa: E731
    return max(0.0, (parse(end) - parse(start)).total_seconds())


def consume_batch(event, context, consumer):
    """Powertools' partial batch response around NotificationConsumer.handle: the returned
    batchItemFailures name exactly the records to retry (ReportBatchItemFailures)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
    from aws_lambda_powertools.metrics import Metrics
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    consumer.metrics = Metrics(namespace='Handoff', service='handoff')
    try:
        return process_partial_response(event=event, record_handler=lambda record: consumer.handle(record.body),
                                        processor=processor, context=context)
    finally:
        if consumer.metrics.metric_set:       # one EMF line on stdout: CloudWatch turns it into metrics
            consumer.metrics.flush_metrics()
