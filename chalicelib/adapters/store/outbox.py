"""The outbox: every event to deliver is written in the SAME transaction as the change it reports.

A status event rides on the transition record the transaction writes anyway (CONV#/HANDOFF#...): its
`outbox` attribute holds the event and gsi1pk = OUTBOX, gsi1sk = when, put it in the (sparse) `inbox`
index under one partition of its own. Other events (a reply to email) get an OUTBOX# item of their own.
The consumer clears the pointer once every channel has the event (one UpdateItem); the
sweeper queries what is still there after a grace period and delivers it itself: an event that SQS
never received (publish failed after the commit) or that kept failing is not lost.
"""
from pynamodb.exceptions import UpdateError

from chalicelib.adapters.store.models import Entity, HandoffEventItem, OutboxItem, condition_failed, key

PARTITION = 'OUTBOX'
MAX_TRIES = 20            # then the event is dropped from the outbox (logged by the sweeper)


def transition_attrs(event, now):
    """Extra attributes of a transition record that carries `event`."""
    return {'outbox': event, 'gsi1pk': PARTITION, 'gsi1sk': now}


def extra_item(pk, event, now, keep):
    return OutboxItem(pk, 'OUTBOX#' + event['event_id'], event=event, gsi1pk=PARTITION, gsi1sk=now, **keep)


class Outbox:
    def due(self, cutoff, limit=50):
        """Events written (or last retried) before `cutoff`, oldest first: [(conversation_id, pointer, event, tries)]."""
        keys = [(i.pk, i.sk) for i in Entity.inbox.query(PARTITION, Entity.gsi1sk < cutoff, limit=limit)]
        if not keys:
            return []
        out = []
        for item in Entity.batch_get(keys, consistent_read=True):
            event = getattr(item, 'outbox', None) if isinstance(item, HandoffEventItem) else getattr(item, 'event', None)
            if event and getattr(item, 'gsi1pk', None) == PARTITION:
                out.append((item.pk.split('#', 1)[1], item.sk, dict(event), int(item.outbox_tries or 0)))
        return sorted(out, key=lambda e: e[2].get('at') or '')

    def done(self, conversation_id, pointer):
        """Delivered everywhere: out of the outbox (the item stays, as history or until its retention ends).
        Gone already (erased, expired): fine."""
        model = OutboxItem if pointer.startswith('OUTBOX#') else HandoffEventItem
        payload = model.event if model is OutboxItem else model.outbox
        try:
            model(key('CONV', conversation_id), pointer).update(
                actions=[payload.remove(), model.gsi1pk.remove(), model.gsi1sk.remove(), model.outbox_tries.remove()],
                condition=model.pk.exists())
        except UpdateError as exc:
            if not condition_failed(exc):
                raise

    def retry_later(self, conversation_id, pointer, now, tries):
        """Back of the line (gsi1sk = now), one more try counted; past MAX_TRIES it leaves the outbox."""
        if tries + 1 >= MAX_TRIES:
            self.done(conversation_id, pointer)
            return False
        model = OutboxItem if pointer.startswith('OUTBOX#') else HandoffEventItem
        try:
            model(key('CONV', conversation_id), pointer).update(
                actions=[model.gsi1sk.set(now), model.outbox_tries.set(tries + 1)], condition=model.pk.exists())
        except UpdateError as exc:
            if not condition_failed(exc):
                raise
        return True
