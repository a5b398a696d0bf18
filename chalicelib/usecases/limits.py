"""Abuse limits at the edges: new sessions per source address; a visitor's messages are limited inside
their turn (domain.conversation.visitor_turn), at no extra request."""
import time

from chalicelib.domain.rate_limit import Limits, RateLimited

DEFAULT = Limits()


def of(ctx):
    """The limits built with the context (bootstrap.build), or the defaults."""
    return getattr(ctx, 'limits', None) or DEFAULT


def check_new_session(ctx, address, now=None):
    """One more new visitor from `address`, or 429 `rate_limited` (nothing else is written)."""
    rule = of(ctx).sessions_per_address
    if rule is None or not address:
        return
    now = time.time() if now is None else now
    if not ctx.stores.rates.hit('SESSION', address, rule, now):
        raise RateLimited(rule.retry_after(now), 'new sessions from this address')


# Typing frames counted in this container's memory, per visitor socket: a write per keystroke frame (the first
# design) cost more than the frames themselves. A flood spread over many containers is bounded by each container's
# window and by the API's stage throttle; one socket's frames mostly reach one warm container.
_TYPING_SOCKETS = 10000


def allow_typing(ctx, connection_id, now=None):
    """Whether one more typing frame from this visitor socket may reach the operators (the widget sends one
    every few seconds at most; a flood beyond the window's count is dropped silently: no post at all)."""
    rule = of(ctx).typing
    if rule is None:
        return True
    window = rule.window(time.time() if now is None else now)
    counts = ctx.__dict__.setdefault('typing_counts', {})       # lives as long as the container's services
    seen_window, count = counts.get(connection_id, (None, 0))
    count = count + 1 if seen_window == window else 1
    if len(counts) >= _TYPING_SOCKETS and connection_id not in counts:
        counts.clear()                        # bounded memory: forgetting only makes the limit laxer
    counts[connection_id] = (window, count)
    return count <= rule.limit
