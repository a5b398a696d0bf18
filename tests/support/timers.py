"""Moving time in tests without sleeping: a controllable clock and a scheduler that records timers
and runs those due up to the clock's time through the real consumer (usecases/timers.handle)."""
import json
from datetime import datetime, timedelta, timezone

from chalicelib.adapters.scheduler import body as timer_body
from chalicelib.domain.escalation import epoch


class Clock:
    """ctx.now: an ISO time that moves only when told."""

    def __init__(self, start='2026-03-02T10:00:00.000Z'):
        self.t = datetime.fromisoformat(start.replace('Z', '+00:00'))

    def __call__(self):
        return self.t.astimezone(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')

    def advance(self, seconds):
        self.t += timedelta(seconds=seconds)

    def epoch(self):
        return epoch(self())


class RecordingScheduler:
    """ctx.scheduler: schedule() records (due, body); run_due() delivers the due ones, oldest first, as the
    timers queue would (bodies that come back early are re-sent like the real consumer does)."""

    def __init__(self, clock):
        self.clock = clock
        self.pending = []           # [(visible_at, body)]
        self.delivered = []         # bodies handed to the consumer, in order

    def schedule(self, kind, delay_seconds, **payload):
        self.send(timer_body(kind, self.clock.epoch() + max(0.0, float(delay_seconds)), payload),
                  min(900, delay_seconds))

    def send(self, message_body, delay_seconds):
        self.pending.append((self.clock.epoch() + max(0.0, float(delay_seconds)), message_body))

    def kinds(self):
        return [json.loads(b)['kind'] for _, b in self.pending]

    def run_due(self, ctx):
        """Deliver every timer visible by now (and those they schedule that are due too)."""
        from chalicelib.usecases import timers
        ran = 0
        while True:
            due = sorted([p for p in self.pending if p[0] <= self.clock.epoch() + 1e-6], key=lambda p: p[0])
            if not due:
                return ran
            for item in due:
                self.pending.remove(item)
                self.delivered.append(item[1])
                timers.handle(ctx, item[1])
                ran += 1

    def advance(self, ctx, seconds, step=30):
        """Move the clock `seconds` forward in steps, running what falls due on the way."""
        left = seconds
        while left > 0:
            d = min(step, left)
            self.clock.advance(d)
            left -= d
            self.run_due(ctx)
