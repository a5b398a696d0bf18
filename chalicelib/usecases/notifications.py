"""Handoff notifications: the queue consumer's work for each record (inbox push, signed webhook).

Each record is processed at least once. Per-channel markers (`inbox`, `webhook`) make a
redelivered record notify nobody twice, and let a failing webhook be retried without
pushing the inbox again. A webhook to a forbidden destination (adapters.webhooks: not public,
not https) is not retried: it is logged and dropped.

The webhook is signed with the agent's own webhook secret (both the new and the previous one during a
rotation's grace period); an agent that never created one gets the deployment-wide WEBHOOK_SECRET's
signature, as before per-agent secrets existed. The body is the status event plus the visitor as
operators see it, `verified` included.
"""
import json
import logging
import time

from chalicelib import protocol
from chalicelib.adapters.webhooks import WebhookRefused, post_webhook
from chalicelib.usecases import inbox
from chalicelib.usecases import suggestions

logger = logging.getLogger(__name__)


class NotificationConsumer:
    """What the SQS-triggered function does with one record."""

    def __init__(self, ctx, webhook_secret, post=post_webhook, metrics=None):
        self.ctx = ctx
        self.markers = ctx.stores.markers
        self.webhook_secret = webhook_secret        # the deployment-wide fallback (callable: read lazily)
        self.post = post
        self.metrics = metrics          # Powertools Metrics (CloudWatch EMF) or None

    def handle(self, body):
        event = json.loads(body)
        event_id, agent_id = event['event_id'], event['agent_id']
        summary = None
        if not self.markers.was_notified(event_id, 'inbox'):
            summary, counts = inbox.inbox_entry(self.ctx, agent_id, event['conversation_id'])
            push = {'type': 'inbox', 'agent_id': agent_id, 'event': event['event'],
                    'conversation': summary, 'counts': counts}
            connections = self.ctx.connections.operators_of(agent_id)
            self.ctx.fanout.to_operators(agent_id, [push], connections)
            self.markers.mark_notified(event_id, 'inbox')
            self._measure(event, operators_online=len(connections))
        agent = self.ctx.stores.agents.get(agent_id)
        url = agent and agent.settings.get('webhook_url')
        if url and not self.markers.was_notified(event_id, 'webhook'):
            if summary is None:
                conv = self.ctx.conversations.get(event['conversation_id'])
                summary = protocol.summary(conv) if conv else None
            payload = dict(event, visitor=summary['visitor'] if summary else None)
            try:
                self.post(url, payload, self._secrets(agent_id),
                          allow_loopback_http=self.ctx.config.webhook_allow_loopback_http)
            except WebhookRefused as refused:        # retrying cannot help; the admin must fix the URL
                logger.warning('webhook of agent %s not sent: %s', agent_id, refused)
            self.markers.mark_notified(event_id, 'webhook')
        suggestions.on_event(self.ctx, event)

    def _secrets(self, agent_id):
        """The agent's valid webhook secrets (current first), or the deployment-wide one."""
        own = self.ctx.stores.secrets.get(agent_id, 'webhook')
        if own is not None:
            return [s.encode() for s in own.valid(time.time())]
        return [self.webhook_secret()]

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
