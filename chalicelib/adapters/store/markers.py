"""Notification markers: a channel already notified of an event (per-channel idempotency).

A delivery first CLAIMS the (event, channel) marker with a conditional put carrying a short lease:
of two concurrent deliveries of one record (an SQS redelivery racing the sweeper, or two SQS
receives) only one sends; the other sees the live lease and is retried later. Success turns the
claim into a plain marker (no lease: delivered); a failure deletes the claim so a retry may send.
A claim whose holder died expires with its lease.
"""
import time
from datetime import timedelta

from pynamodb.exceptions import PutError

from chalicelib.adapters.store.models import NotifiedItem, condition_failed, get, key

NOTIFY_TTL = 14 * 24 * 3600
LEASE_SECONDS = 60          # longer than one channel's send (webhook deadline 10 s, SES a second)

CLAIMED, DONE, BUSY = 'claimed', 'done', 'busy'


class Markers:
    def was_notified(self, event_id, channel):
        found = get(NotifiedItem, key('NOTIFY', event_id), channel)
        return found is not None and found.lease_until is None

    def mark_notified(self, event_id, channel):
        NotifiedItem(key('NOTIFY', event_id), channel, expires_at=timedelta(seconds=NOTIFY_TTL)).save()

    def claim(self, event_id, channel, lease=LEASE_SECONDS, now=time.time):
        """CLAIMED (this delivery sends), DONE (already delivered) or BUSY (another delivery holds it).
        One conditional PutItem; a refused claim costs one more GetItem to tell DONE from BUSY."""
        at = now()
        item = NotifiedItem(key('NOTIFY', event_id), channel, lease_until=at + lease,
                            expires_at=timedelta(seconds=NOTIFY_TTL))
        try:
            item.save(condition=NotifiedItem.pk.does_not_exist() | (NotifiedItem.lease_until < at))
            return CLAIMED
        except PutError as exc:
            if not condition_failed(exc):
                raise
        found = get(NotifiedItem, key('NOTIFY', event_id), channel)
        if found is None:                       # released meanwhile: try once more later
            return BUSY
        return DONE if found.lease_until is None else BUSY

    def done(self, event_id, channel):
        """The claim becomes the delivered marker (the lease attribute goes)."""
        NotifiedItem(key('NOTIFY', event_id), channel, expires_at=timedelta(seconds=NOTIFY_TTL)).save()

    def release(self, event_id, channel):
        """Give a failed claim back at once: its lease ends now (only while it is still a claim, never a
        delivered marker). A put, not a delete: the role writes markers and never deletes them."""
        try:
            NotifiedItem(key('NOTIFY', event_id), channel, lease_until=0,
                         expires_at=timedelta(seconds=NOTIFY_TTL)).save(condition=NotifiedItem.lease_until.exists())
        except PutError:                        # the lease expires anyway
            pass
