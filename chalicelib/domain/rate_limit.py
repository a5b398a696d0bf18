"""Abuse limits, as pure rules: a token bucket per visitor (kept on the conversation item, so checking it
costs no extra request: the visitor turn reads and conditionally writes that item anyway) and fixed
windows (one conditional counter update) for new sessions per source address and for the typing frames a
visitor socket may relay to operators.

A refusal is `RateLimited`: 429 `rate_limited` over REST, an `error` event on a socket, both with
`retry_after` (whole seconds, at least 1).
"""
import math
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from chalicelib.errors import AppError


class RateLimited(AppError):
    status = 429

    def __init__(self, retry_after, what='messages'):
        retry_after = max(1, int(math.ceil(retry_after)))
        super().__init__('rate_limited', 'too many %s; retry in %d s' % (what, retry_after), retry_after=retry_after)


@dataclass(frozen=True)
class TokenBucket:
    """`capacity` tokens, refilled at `per_second`; each action takes one. State: (tokens, at) or None (full)."""
    capacity: float
    per_second: float

    def level(self, state: Optional[Sequence[float]], now: float) -> float:
        if not state:
            return float(self.capacity)
        tokens, at = float(state[0]), float(state[1])
        return min(float(self.capacity), tokens + max(0.0, now - at) * self.per_second)

    def take(self, state: Optional[Sequence[float]], now: float, what='messages') -> Tuple[float, float]:
        """The new state after one action, or RateLimited with the seconds until a token is back."""
        tokens = self.level(state, now)
        if tokens < 1:
            raise RateLimited((1 - tokens) / self.per_second, what)
        return [round(tokens - 1, 3), round(now, 3)]


@dataclass(frozen=True)
class FixedWindow:
    """At most `limit` actions per `seconds`-long window (windows aligned on the epoch)."""
    limit: int
    seconds: int

    def window(self, now: float) -> int:
        return int(now // self.seconds)

    def retry_after(self, now: float) -> float:
        return (self.window(now) + 1) * self.seconds - now

    def expires(self, now: float) -> int:
        """When the window's counter may be deleted (TTL): a window later."""
        return (self.window(now) + 2) * self.seconds


@dataclass(frozen=True)
class Limits:
    """What one visitor and one source address may do. `None` switches a limit off."""
    messages: Optional[TokenBucket] = TokenBucket(capacity=20, per_second=0.5)     # 20 at once, then 30/min
    sessions_per_address: Optional[FixedWindow] = FixedWindow(limit=120, seconds=60)   # new visitors per IP
    typing: Optional[FixedWindow] = FixedWindow(limit=8, seconds=10)     # relayed typing frames per visitor socket

    @classmethod
    def from_env(cls, env):
        """RATE_LIMITS=off disables both; VISITOR_MESSAGE_BURST, VISITOR_MESSAGES_PER_MINUTE and
        NEW_SESSIONS_PER_MINUTE_PER_ADDRESS tune them (0 switches one off)."""
        if str(env.get('RATE_LIMITS', 'on')).lower() in ('off', '0', 'false', 'no'):
            return OFF
        burst = float(env.get('VISITOR_MESSAGE_BURST', 20))
        per_minute = float(env.get('VISITOR_MESSAGES_PER_MINUTE', 30))
        sessions = int(env.get('NEW_SESSIONS_PER_MINUTE_PER_ADDRESS', 120))
        return cls(TokenBucket(burst, per_minute / 60.0) if burst > 0 and per_minute > 0 else None,
                   FixedWindow(sessions, 60) if sessions > 0 else None)


OFF = Limits(None, None, None)
