"""A few days of history for the demo agent, so the Analytics tab shows something real on first `make run`.

The figures go through the same recording code as live traffic: status events in the published shape become
counters by the domain's `event_increments`, each conversation's bot side by `turn_increment`, and they are
written by the adapter's once-only transaction (`Stats.record_once`, one per day: a re-seed adds nothing). Deterministic (a seeded random), so
tests can assert the numbers: `history()` returns what was recorded.
"""
import random
from datetime import datetime, timedelta, timezone

from chalicelib.domain import analytics

DAYS = 5                       # today and the four days before
REASONS = (('visitor_request', 5), ('billing', 3), ('complaint', 2), ('bot_unable', 3), ('sales', 1))
SCORES = (5, 5, 5, 4, 4, 4, 3, 2, 5, 4, 1)


def _iso(t):
    return t.astimezone(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def history(operators, now=None, seed=13):
    """(bot increments per day, status events) for `operators` [(id, name)]: deterministic for a seed."""
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    reasons = [code for code, weight in REASONS for _ in range(weight)]
    turns, events = [], []
    for back in range(DAYS - 1, -1, -1):
        day = (now - timedelta(days=back)).replace(hour=0, minute=0, second=0, microsecond=0)
        latest = now if back == 0 else day + timedelta(hours=23, minutes=59)
        for n in range(rng.randint(9, 16)):
            start = day + timedelta(hours=rng.choice((8, 9, 9, 10, 11, 11, 13, 14, 14, 15, 16, 17, 19, 21)),
                                    minutes=rng.randint(0, 59))
            if start >= latest:
                continue
            answered = rng.randint(0, 4)
            missed = rng.choice((0, 0, 0, 1, 1, 2))
            handed_off = rng.random() < 0.35
            messages = [{'role': 'bot', 'meta': {'confidence': 0.9, 'entry_id': 'kb'}}] * answered + \
                [{'role': 'bot', 'meta': {'confidence': 0.1, 'entry_id': None}}] * missed
            turns.append(analytics.turn_increment(messages, True, handed_off, 0.35, _iso(start), timezone.utc))
            if handed_off:
                events += _handoff(rng, 'h_demo_%d_%d' % (back, n), start, rng.choice(reasons),
                                   operators[rng.randrange(len(operators))], latest)
    return [t for t in turns if t is not None], events


def _handoff(rng, hid, start, reason, operator, latest):
    requested = start + timedelta(minutes=rng.randint(1, 6))
    acknowledged = requested + timedelta(seconds=rng.choice((15, 25, 40, 70, 95, 150, 240, 420, 900)))
    resolved = acknowledged + timedelta(seconds=rng.choice((120, 240, 300, 480, 600, 900, 1500, 2400)))
    base = {'id': hid, 'reason': {'code': reason, 'detail': ''}, 'requested_at': _iso(requested)}
    owner = {'id': operator[0], 'name': operator[1]}
    steps = [('requested', requested, None), ('acknowledged', acknowledged, owner), ('resolved', resolved, owner)]
    out = []
    for status, at, who in steps:
        if at > latest:
            break
        out.append(_event(hid, status, dict(base, status=status, owner=who, updated_at=_iso(at)), at))
    if len(out) == 3 and rng.random() < 0.7:
        at = resolved + timedelta(minutes=1)
        if at <= latest:
            h = dict(base, status='resolved', owner=owner, updated_at=_iso(resolved),
                     csat={'score': rng.choice(SCORES), 'at': _iso(at)})
            out.append(dict(_event(hid, 'csat', h, at), event='handoff.csat', event_id=hid + ':csat'))
    return out


def _event(hid, status, handoff, at):
    return {'event_id': '%s:%s' % (hid, status), 'event': 'handoff.' + status, 'agent_id': None,
            'conversation_id': None, 'handoff': handoff, 'at': _iso(at)}


def seed(agent_id, operator_tokens, now=None):
    """Record the history for `agent_id`; `operator_tokens` {name: token} (demo.seed's). Returns the `now` it
    used (ISO): `history(operators, now)` gives the same figures again, for tests to check."""
    now = now or datetime.now(timezone.utc)
    from chalicelib.adapters.store import Stores
    stores = Stores()
    operators = []
    for name, token in sorted(operator_tokens.items())[:2]:
        found = stores.operators.by_token(token)
        if found is not None:
            operators.append((found.id, found.name))
    turns, events = history(operators or [('op_demo', 'Alice')], now)
    # Merged per (day, part) before writing: the same counters as one write per turn or event, in a handful
    # of requests (a start-up cost of ~10 requests, not hundreds).
    merged = {}
    for inc in turns + [i for e in events for i in analytics.event_increments(
            dict(e, agent_id=agent_id, conversation_id='%s.demo' % agent_id), timezone.utc)]:
        into = merged.setdefault((inc.day, inc.part), analytics.Increment(inc.day, inc.part, {}, dict(inc.labels)))
        for k, v in inc.counters.items():
            into.counters[k] = into.counters.get(k, 0) + v
    for day in sorted({d for d, _ in merged}):
        stores.stats.record_once(agent_id, 'demo-history:%s:%s' % (agent_id, day),
                                 [inc for (d, _), inc in sorted(merged.items()) if d == day])
    return _iso(now)
