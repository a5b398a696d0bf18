"""Counters per source address for the abuse limits (domain.rate_limit.FixedWindow): one conditional
UpdateItem per counted request, no read. The address is stored only as a hash, and expires (TTL)."""
import hashlib
from datetime import datetime, timezone

from pynamodb.exceptions import UpdateError

from chalicelib.adapters.store.models import RateItem, condition_failed, key


def address_key(address):
    return key('RATE', hashlib.sha256(address.encode()).hexdigest()[:32])


class Rates:
    def hit(self, what, address, window, now):
        """Count one `what` from `address` in the current window; False (nothing counted) once it is full."""
        item = RateItem(address_key(address), '%s#%d' % (what, window.window(now)))
        expires = datetime.fromtimestamp(window.expires(now), tz=timezone.utc)
        try:
            item.update(actions=[RateItem.kind.set(RateItem), RateItem.count.add(1), RateItem.expires_at.set(expires)],
                        condition=RateItem.count.does_not_exist() | (RateItem.count < window.limit))
        except UpdateError as exc:
            if condition_failed(exc):
                return False
            raise
        return True
