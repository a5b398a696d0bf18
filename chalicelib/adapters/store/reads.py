"""Read positions: how far the visitor has read (on the conversation item) and each operator's position
(one small item per operator and conversation). Every write is one conditional UpdateItem that only lets
the position grow: no read first, no seq bump, no transaction with the messages."""
from datetime import timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.adapters.store.conversations import _domain
from chalicelib.adapters.store.models import ConversationItem, Entity, ReadItem, condition_failed, key

READ_KEYS_PER_BATCH = 100          # BatchGetItem's limit (PynamoDB splits larger lists itself)


def _grew(update):
    """Run a conditional update; False when its condition held it back (nothing new to store)."""
    try:
        update()
        return True
    except UpdateError as exc:
        if condition_failed(exc):
            return False
        raise


class Reads:
    def visitor_read(self, conversation_id, seq):
        """Store the visitor's read position if it grows and names a stored seq. Returns the conversation as
        stored afterwards (the update answers with the whole item: no read), or None when nothing changed."""
        item = ConversationItem(key('CONV', conversation_id), 'META')
        c = ConversationItem
        stored = _grew(lambda: item.update(
            actions=[c.visitor_read.set(seq)],
            condition=c.pk.exists() & (c.seq >= seq) & (c.visitor_read.does_not_exist() | (c.visitor_read < seq))))
        return _domain(item) if stored else None

    def operator_read(self, conversation_id, operator_id, seq, now, retention_days=None):
        """Store an operator's read position if it grows. True when stored."""
        item = ReadItem(key('CONV', conversation_id), key('READ', operator_id))
        r = ReadItem
        actions = [r.kind.set(ReadItem), r.seq.set(seq), r.at.set(now)]
        if retention_days:                 # it goes with the conversation it describes
            actions.append(r.expires_at.set(timedelta(days=retention_days)))
        return _grew(lambda: item.update(actions=actions,
                                         condition=r.seq.does_not_exist() | (r.seq < seq)))

    def positions(self, conversation_ids, operator_id):
        """{conversation_id: seq} for the ones this operator has read (BatchGetItem, 100 keys a request)."""
        keys = [(key('CONV', c), key('READ', operator_id)) for c in conversation_ids]
        if not keys:
            return {}
        return {i.pk.split('#', 1)[1]: int(i.seq) for i in Entity.batch_get(keys) if isinstance(i, ReadItem)}
