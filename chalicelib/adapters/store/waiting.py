"""What a waiting visitor is told: their place in the agent's queue and the agent's recent waits."""
from datetime import timedelta

from chalicelib.adapters.store.models import ConversationItem, WaitBucketItem, inbox_pk, key

BUCKET_TTL = timedelta(days=30)
RECENT_BUCKETS = 3          # the newest hours with any acknowledge


class Waiting:
    def position(self, agent_id, requested_at):
        """1 + how many Pending conversations of the agent were requested before this one: a COUNT query on
        the keys-only inbox index, reading only the entries ahead (never a Scan)."""
        return ConversationItem.inbox.count(inbox_pk(agent_id, 'pending'),
                                            range_key_condition=ConversationItem.gsi1sk <= requested_at)

    def record_wait(self, agent_id, hour, seconds):
        """One UpdateItem per acknowledge: ADD keeps concurrent acknowledges exact without a read."""
        item = WaitBucketItem(key('WAITS', agent_id), hour)
        item.update(actions=[WaitBucketItem.kind.set(WaitBucketItem), WaitBucketItem.total.add(seconds),
                             WaitBucketItem.count.add(1), WaitBucketItem.expires_at.set(BUCKET_TTL)])

    def recent(self, agent_id):
        """(total seconds, count) over the newest few hourly buckets: one Query of at most 3 small items."""
        total, count = 0.0, 0
        for item in WaitBucketItem.query(key('WAITS', agent_id), scan_index_forward=False, limit=RECENT_BUCKETS):
            total += float(item.total or 0)
            count += int(item.count or 0)
        return total, count
