"""Timed work on SQS: a follow-up is a message on the timers queue, delayed with DelaySeconds.

SQS delays a message by at most 15 minutes; the body carries the real `due_at`, and the consumer
(usecases/timers.py) puts a message that arrives early back on the queue for the remainder. No table, no
polling of our own, no EventBridge schedule to create and delete per handoff: one SendMessage per follow-up.
"""
import json
import logging
import math

from chalicelib.adapters.aws_clients import client

logger = logging.getLogger(__name__)
MAX_DELAY = 900             # SQS's limit for DelaySeconds


def body(kind, due_at, payload):
    return json.dumps({'kind': kind, 'due_at': due_at, 'payload': payload}, separators=(',', ':'))


class Scheduler:
    def __init__(self, queue_url, region, clock):
        self.queue_url = queue_url
        self.region = region
        self.clock = clock          # () -> epoch seconds now, the app's one clock (tests move it)

    def schedule(self, kind, delay_seconds, **payload):
        """Run HANDLERS[kind](ctx, **payload) in about `delay_seconds` (at least once: handlers re-check)."""
        due = self.clock() + max(0.0, float(delay_seconds))
        self.send(body(kind, due, payload), delay_seconds)

    def send(self, message_body, delay_seconds):
        if not self.queue_url:
            logger.warning('TIMERS_QUEUE_URL not set; timer dropped: %s', message_body[:200])
            return
        delay = min(MAX_DELAY, max(0, int(math.ceil(delay_seconds))))
        client('sqs', self.region).send_message(QueueUrl=self.queue_url, MessageBody=message_body,
                                                DelaySeconds=delay)
