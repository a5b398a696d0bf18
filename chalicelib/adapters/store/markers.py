"""Notification markers: a channel already notified of an event (per-channel idempotency)."""
from datetime import timedelta

from chalicelib.adapters.store.models import NotifiedItem, get, key

NOTIFY_TTL = 14 * 24 * 3600


class Markers:
    def was_notified(self, event_id, channel):
        return get(NotifiedItem, key('NOTIFY', event_id), channel) is not None

    def mark_notified(self, event_id, channel):
        NotifiedItem(key('NOTIFY', event_id), channel, expires_at=timedelta(seconds=NOTIFY_TTL)).save()
