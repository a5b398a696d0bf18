"""Erasing one visitor: every item that holds their data, found by key (a Query of the conversation's
partition, then the keys it names), never by a scan.

What a visitor leaves in the table (models.py):
  CONV#{agent}.{visitor}  META / MSG# / CMID# / HANDOFF#   the conversation partition (one Query finds all)
  CONN#{socket}           META                            the visitor's sockets, named on the conversation item
  NOTIFY#{handoff}:{status}  inbox / webhook              delivery markers, named by the handoff ids in HANDOFF#
Rate counters (RATE#) are keyed by a hash of the source address, hold no visitor id, and expire in minutes.
"""
from chalicelib.adapters.store.models import (ConnectionItem, ConversationItem, Entity, HandoffEventItem, NotifiedItem,
                                              key)

STATUSES = ('requested', 'pending', 'acknowledged', 'resolved', 'cancelled')
CHANNELS = ('inbox', 'webhook', 'suggest')


class Privacy:
    def erase_conversation(self, conversation_id):
        """Delete everything of one conversation; returns how many keys were deleted. Safe to run again: the
        conversation item goes last, so an interrupted erase still finds the sockets and markers it names."""
        partition = list(Entity.query(key('CONV', conversation_id), consistent_read=True))
        meta = [i for i in partition if isinstance(i, ConversationItem)]
        sockets = sorted(meta[0].connections or ()) if meta else []
        handoff_ids = sorted({i.event.get('handoff_id') for i in partition
                              if isinstance(i, HandoffEventItem) and isinstance(i.event, dict)} - {None})
        keys = [(key('NOTIFY', '%s:%s' % (h, status)), channel)
                for h in handoff_ids for status in STATUSES for channel in CHANNELS]
        items = [NotifiedItem(pk, sk) for pk, sk in keys] + [ConnectionItem(key('CONN', c), 'META') for c in sockets]
        items += [i for i in partition if not isinstance(i, ConversationItem)]
        with Entity.batch_write() as batch:           # 25 keys a request
            for item in items:
                batch.delete(item)
        for item in meta:
            item.delete()
        return len(items) + len(meta)
