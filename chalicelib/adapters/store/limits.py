"""Counters per source address for the abuse limits (domain.rate_limit.FixedWindow): one conditional
UpdateItem per counted request, no read. The address is stored only as a hash, and expires (TTL)."""
import hashlib
from datetime import datetime, timezone

from pynamodb.exceptions import UpdateError

from chalicelib.adapters.store.models import ConnectionItem, RateItem, condition_failed, key


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

    def hit_socket(self, connection_id, window, now):
        """Count one typing frame on a socket's own record (small, and read anyway); False once the window is
        full or the socket is unknown. One UpdateItem, two on the first frame of a window."""
        item, w = ConnectionItem(key('CONN', connection_id), 'META'), window.window(now)
        c = ConnectionItem
        try:
            item.update(actions=[c.typing_n.add(1)],
                        condition=c.pk.exists() & (c.typing_w == w) & (c.typing_n < window.limit))
            return True
        except UpdateError as exc:
            if not condition_failed(exc):
                raise
        try:
            item.update(actions=[c.typing_w.set(w), c.typing_n.set(1)],
                        condition=c.pk.exists() & (c.typing_w.does_not_exist() | (c.typing_w != w)))
            return True
        except UpdateError as exc:
            if condition_failed(exc):
                return False
            raise
