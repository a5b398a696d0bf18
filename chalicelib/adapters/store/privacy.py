"""Erasing one visitor: every item that holds their data, found by key (a Query of the conversation's
partition, then the keys it names), never by a scan.

What a visitor leaves in the table (models.py):
  CONV#{agent}.{visitor}  META / MSG# / CMID# / HANDOFF#   the conversation partition (one Query finds all)
  CONN#{socket}           META                            the visitor's sockets, named on the conversation item
  NOTIFY#{handoff}:{status}:{seq}[...]  inbox / webhook    delivery markers, named by the transitions in HANDOFF#
                                                          (HANDOFF#{seq}#{handoff}: the seq the event carries);
                                                          an offer's marker (no transition) holds no visitor data
                                                          and expires with its TTL
  NOTIFY#{handoff}:{status}  inbox / webhook / email / slack   delivery markers, named by the handoff ids in HANDOFF#
  NOTIFY#mail:{conv}:{seq}   mail                         the emailed replies, named by the OUTBOX# items
  NOTIFY#{handoff}:{status}  inbox / webhook / analytics  delivery and counting markers, named by the handoff ids
                                                          in HANDOFF# (status `csat` too: the rating's event)
Rate counters (RATE#) are keyed by a hash of the source address, hold no visitor id, and expire in minutes.
"""
from chalicelib.adapters.store.models import (ConnectionItem, ConversationItem, Entity, HandoffEventItem, NotifiedItem,
                                              key)

STATUSES = ('requested', 'pending', 'acknowledged', 'resolved', 'cancelled', 'csat')
CHANNELS = ('inbox', 'webhook', 'email', 'slack', 'analytics', 'suggest')


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
        keys += [(key('NOTIFY', event_id), channel) for event_id in _event_ids(partition) for channel in CHANNELS]
        # a reply emailed to the visitor: its marker is named by the OUTBOX# item's event id (mail:{conv}:{seq})
        keys += [(key('NOTIFY', i.sk.split('#', 1)[1]), 'mail') for i in partition if i.sk.startswith('OUTBOX#')]
        keys = list(dict.fromkeys(keys))              # one key once (BatchWriteItem refuses duplicates)
        items = [NotifiedItem(pk, sk) for pk, sk in keys] + [ConnectionItem(key('CONN', c), 'META') for c in sockets]
        items += [i for i in partition if not isinstance(i, ConversationItem)]
        with Entity.batch_write() as batch:           # 25 keys a request
            for item in items:
                batch.delete(item)
        for item in meta:
            item.delete()
        return len(items) + len(meta)


def _event_ids(partition):
    """The status events' ids (Conversation.status_event) from the stored transitions: the seq is in the
    sort key, the status in the record; a transfer's id also names the event and its time."""
    out = []
    for i in partition:
        if not isinstance(i, HandoffEventItem) or not isinstance(i.event, dict):
            continue
        e, seq = i.event, int(i.sk.split('#')[1])
        status = {'requested': 'pending'}.get(e.get('status'), e.get('status'))
        if status == 'transferred':
            to = (e.get('reason') or {}).get('to')
            out.append('%s:%s:%s:transferred:%s' % (e.get('handoff_id'), 'acknowledged' if to else 'pending', seq,
                                                    e.get('at')))
        else:
            out.append('%s:%s:%s' % (e.get('handoff_id'), status, seq))
    return out
