"""A waiting visitor's place in the queue and expected wait, asked for by the widget (socket action `queue`).

Pull, not push: the widget asks when its request becomes Pending, on a slow cadence while it waits and after
a reconnect. A queue that moves costs nothing per change (no fan-out to every waiting visitor); each ask costs
one GetItem, two small Queries and one post, whatever the queue length (the COUNT reads only the keys ahead).
"""
import time

from chalicelib import protocol
from chalicelib.domain import queue_position as eta
from chalicelib.domain.escalation import seconds_between
from chalicelib.domain.rate_limit import RateLimited

# The widget asks twice a minute (and on reconnect): more than this per socket and minute, counted in the
# container's memory like typing frames, is refused before any read.
ASKS_PER_MINUTE = 12
_SOCKETS = 10000


def queue_event(ctx, conv):
    h = conv.handoff if conv else None
    if h is None or h.status.value != 'pending':
        return protocol.event('queue', conversation_id=conv.id if conv else None, position=None, eta_seconds=None,
                              eta_text=None, status=conv.status if conv else None)
    waiting = ctx.stores.waiting
    position = max(1, waiting.position(conv.agent_id, conv.status_since))
    total, count = waiting.recent(conv.agent_id)
    seconds = eta.eta_seconds(total, count, position, seconds_between(h.requested_at, ctx.now()))
    return protocol.event('queue', conversation_id=conv.id, position=position, eta_seconds=seconds,
                          eta_text=eta.eta_text(seconds), status='pending')


def ask(ctx, sock, cmd):
    """Visitor socket action `queue`: answered to the asking socket only."""
    _limit(ctx, sock.connection_id)
    conv = ctx.conversations.get(sock.conversation_id)
    ev = queue_event(ctx, conv)
    ev['request_id'] = cmd.request_id
    ctx.fanout.post(sock.connection_id, ev)


def record_wait(ctx, conv):
    """One write per acknowledge: this handoff's wait into the agent's hourly bucket."""
    h = conv.handoff
    waited = max(0.0, seconds_between(h.requested_at, h.updated_at))
    ctx.stores.waiting.record_wait(conv.agent_id, h.updated_at[:13], round(waited, 1))


def _limit(ctx, connection_id, now=None):
    minute = int((time.time() if now is None else now) // 60)
    counts = ctx.__dict__.setdefault('queue_asks', {})
    seen, count = counts.get(connection_id, (None, 0))
    count = count + 1 if seen == minute else 1
    if len(counts) >= _SOCKETS and connection_id not in counts:
        counts.clear()                        # bounded memory: forgetting only makes the limit laxer
    counts[connection_id] = (minute, count)
    if count > ASKS_PER_MINUTE:
        raise RateLimited(60 - (time.time() if now is None else now) % 60, 'queue asks')
