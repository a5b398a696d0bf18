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


def allow_typing(ctx, connection_id, now=None):
    """Whether one more typing frame from this visitor socket may reach the operators (the widget sends one
    every 3 s at most; a flood beyond the window's count is dropped silently: no post at all)."""
    rule = of(ctx).typing
    if rule is None:
        return True
    return ctx.stores.rates.hit_socket(connection_id, rule, time.time() if now is None else now)
