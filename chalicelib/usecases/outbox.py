"""The outbox sweeper (issue 12 item 7): what a status change stored but SQS never delivered.

Every event is written in the transaction of the change it reports (adapters/store/outbox.py) and
published to SQS right after; the consumer takes it out of the outbox once every channel has it. Once a
minute (EventBridge schedule; the local runtime's own timer) this sweeper queries the events still there
after GRACE seconds and hands each to the same consumer, so an event whose publish failed is delivered
anyway, and the consumer's claims keep it from being delivered twice. A failed one goes to the back of
the line; after MAX_TRIES it is dropped and logged.
"""
import json
import logging
import os
from datetime import datetime, timedelta, timezone

logger = logging.getLogger(__name__)
GRACE_SECONDS = 60          # the normal path (SQS → consumer) takes milliseconds; a record SQS retries, minutes
BATCH = 50


def _iso(at):
    return at.astimezone(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def sweep(ctx, consumer, grace=None, limit=BATCH):
    """Deliver what is due; returns {'delivered': n, 'failed': n}. One Query + one BatchGetItem per run."""
    grace = float(os.environ.get('OUTBOX_GRACE_SECONDS', GRACE_SECONDS)) if grace is None else grace
    now = ctx.now()
    cutoff = _iso(datetime.fromisoformat(now.replace('Z', '+00:00')) - timedelta(seconds=grace))
    store = ctx.stores.outbox
    done = failed = 0
    for conversation_id, pointer, event, tries in store.due(cutoff, limit):
        try:
            consumer.handle(json.dumps(dict(event, _outbox=pointer)))
            done += 1
        except Exception:
            failed += 1
            if store.retry_later(conversation_id, pointer, now, tries):
                logger.warning('outbox: %s not delivered yet (try %d); retried later', event.get('event_id'),
                               tries + 1)
            else:
                logger.error('outbox: %s given up after %d tries', event.get('event_id'), tries + 1)
    if done or failed:
        logger.info('outbox: %d delivered, %d failed', done, failed)
    return {'delivered': done, 'failed': failed}
