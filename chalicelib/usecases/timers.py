"""Timed work (contract C1): the consumer of the timers queue and the table of what each timer does.

`ctx.scheduler.schedule(kind, delay_seconds, **payload)` (adapters/scheduler.py) sends a message that
comes back here at `due_at`; `HANDLERS[kind](ctx, **payload)` then re-reads the state and acts only if it
is still due. Delivery is at least once and unordered, so every handler is idempotent: a duplicate, a late
or an out-of-order timer changes nothing that a previous one already did.
"""
import json
import logging

from chalicelib.domain.escalation import epoch
from chalicelib.usecases import assignment, escalation, inactivity

logger = logging.getLogger(__name__)
EARLY_TOLERANCE = 1.0       # seconds: SQS delays are whole seconds


HANDLERS = {
    'escalation': escalation.on_timer,
    'inactivity': inactivity.on_timer,
    'pending_gone': inactivity.on_pending_timer,
    'offer_expired': assignment.offer_expired,      # auto-assignment: an offer nobody took moves on
}


def schedule(ctx, kind, delay_seconds, **payload):
    """Schedule if this deployment has a scheduler (contract C1: code that schedules tolerates none)."""
    scheduler = getattr(ctx, 'scheduler', None)
    if scheduler is not None:
        scheduler.schedule(kind, delay_seconds, **payload)


def handle(ctx, body):
    """One timer message. Early (a delay longer than SQS's 15 minutes): back on the queue for the rest."""
    timer = json.loads(body)
    kind, due_at, payload = timer.get('kind'), float(timer.get('due_at') or 0), timer.get('payload') or {}
    handler = HANDLERS.get(kind)
    if handler is None:
        logger.warning('unknown timer kind %r dropped', kind)
        return
    remaining = due_at - epoch(ctx.now())
    if remaining > EARLY_TOLERANCE and getattr(ctx, 'scheduler', None) is not None:
        ctx.scheduler.send(body, remaining)
        return
    handler(ctx, **payload)


def consume_batch(event, context, ctx):
    """Powertools' partial batch response: only the records that raised come back (ReportBatchItemFailures)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event, record_handler=lambda record: handle(ctx, record.body),
                                    processor=processor, context=context)
