"""Handoff notifications: the queue consumer's work for each record (inbox push, signed webhook).

Each record is processed at least once. Per-channel markers (`inbox`, `webhook`, `email`, `slack`,
`mail`), claimed conditionally before sending, make a redelivered or concurrently delivered record
notify nobody twice, and let a failing channel be retried without redoing the others. A webhook to a
forbidden destination (adapters.webhooks: not public, not https) is not retried: it is logged and dropped.

The webhook is signed with the agent's own webhook secret (both the new and the previous one during a
rotation's grace period); an agent that never created one gets the deployment-wide WEBHOOK_SECRET's
signature, as before per-agent secrets existed. The body is the status event plus the visitor as
operators see it, `verified` included.
"""
import json
import logging
import time

from chalicelib import protocol
from chalicelib.adapters.store.markers import BUSY, DONE
from chalicelib.adapters.webhooks import WebhookRefused, post_webhook
from chalicelib.usecases import analytics, channels, inbox, suggestions

logger = logging.getLogger(__name__)


class ChannelsFailed(Exception):
    """Some channel failed (or was busy): the record is retried; the channels that succeeded are not redone."""


class NotificationConsumer:
    """What the SQS-triggered function does with one record."""

    def __init__(self, ctx, webhook_secret, post=post_webhook, metrics=None):
        self.ctx = ctx
        self.markers = ctx.stores.markers
        self.webhook_secret = webhook_secret        # the deployment-wide fallback (callable: read lazily)
        self.post = post
        self.metrics = metrics          # Powertools Metrics (CloudWatch EMF) or None

    def handle(self, body):
        """One record (from SQS or from the outbox sweeper). Every channel is claimed before it sends
        (markers.claim: one of two concurrent deliveries sends); a failing channel blocks no other, and the
        record fails (is retried) only after every channel had its try. Delivered everywhere: the event
        leaves the outbox."""
        event = json.loads(body)
        pointer = event.pop('_outbox', None)
        self._summary = None
        if event.get('event') == 'message.email':
            work = {'mail': lambda: channels.send_visitor_reply(self.ctx, event)}
        else:
            work = self._channels(event)
        failed = self._deliver(event['event_id'], work)
        # (C6) per-event hooks idempotent on their own (analytics.record, suggestions.on_event) go here.
        analytics.record(self.ctx, event)   # counted once per event_id on its own (a marker in its transaction)
        suggestions.on_event(self.ctx, event)   # a resolved handoff's unanswered questions (once per event_id)
        if failed:
            raise ChannelsFailed('%s: %s' % (event['event_id'], ', '.join(failed)))
        if pointer:
            self.ctx.stores.outbox.done(event['conversation_id'], pointer)

    def _channels(self, event):
        """{channel: send()} for a status event, in order: inbox push, signed webhook, team email, Slack."""
        agent_id = event['agent_id']
        agent = self.ctx.stores.agents.get(agent_id)
        work = {'inbox': lambda: self._inbox(event)}
        url = agent and agent.settings.get('webhook_url')
        if url:
            work['webhook'] = lambda: self._webhook(event, agent_id, url)
        for name, config in channels.wanted(agent, event['event']).items():
            send = channels.send_team_email if name == 'email' else channels.send_slack
            work[name] = lambda send=send, config=config: send(self.ctx, agent, event, self._summary_of(event),
                                                               config)
        return work

    def _deliver(self, event_id, work):
        failed = []
        for channel, send in work.items():
            state = self.markers.claim(event_id, channel)
            if state == DONE:
                continue
            if state == BUSY:                    # another delivery is sending it now: retry this record later
                failed.append(channel)
                continue
            try:
                send()
            except WebhookRefused as refused:    # retrying cannot help; the admin must fix the URL
                logger.warning('%s of %s not sent: %s', channel, event_id, refused)
            except Exception:
                logger.exception('%s of %s failed; retried with the record', channel, event_id)
                self.markers.release(event_id, channel)
                failed.append(channel)
                continue
            self.markers.done(event_id, channel)
        return failed

    def _summary_of(self, event):
        if self._summary is None:
            conv = self.ctx.conversations.get(event['conversation_id'])
            self._summary = protocol.summary(conv) if conv else {}
        return self._summary

    def _inbox(self, event):
        agent_id = event['agent_id']
        summary, counts = inbox.inbox_entry(self.ctx, agent_id, event['conversation_id'])
        self._summary = summary or {}
        push = {'type': 'inbox', 'agent_id': agent_id, 'event': event['event'],
                'conversation': summary, 'counts': counts}
        connections = self.ctx.connections.operators_of(agent_id)
        self.ctx.fanout.to_operators(agent_id, [push], connections)
        self._measure(event, operators_online=len(connections))

    def _webhook(self, event, agent_id, url):
        summary = self._summary_of(event)
        payload = dict(event, visitor=summary['visitor'] if summary else None)
        self.post(url, payload, self._secrets(agent_id),
                  allow_loopback_http=self.ctx.config.webhook_allow_loopback_http)

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
