"""Figure 12: reading analytics is a bounded number of key reads, flat in history size.

The demo agent's counters are filled through the recording code (domain `turn_increment` and
`event_increments`, written by `Stats.record_once`): first a small history (100 conversations over 30 days),
then a large one (100,000 conversations over the same 30 days, 5 operators). The GET /agents/{id}/analytics
route is measured for 7 and 30 days at each size: its DynamoDB requests (one GetItem for the agent's time
zone, ONE Query on the counter items) and the read units, computed from the bytes read (benchmarks.capacity;
moto answers ReturnConsumedCapacity with a constant). More conversations only make the counters' numbers
longer (a few bytes), never add items: the items read are days × (2 + operators active that day).

To keep the run short, the increments of each day are merged before writing (one transaction per day
instead of one per event): the stored items are the same as if each event had been recorded on its own.
"""
import random
from datetime import datetime, timedelta, timezone

from benchmarks import harness  # noqa: F401  (environment before the app is imported)
from benchmarks import hooks
from benchmarks.capacity import CapacityMeter
from benchmarks.common import emit, fmt, row

SMALL, LARGE = 100, 100_000
DAYS = 30
OPERATORS = [('op_%d' % i, 'Operator %d' % i) for i in range(5)]


def increments(agent_id, conversations, now, rng):
    """Every counter a history of `conversations` adds, merged per (day, part)."""
    from chalicelib.domain import analytics
    merged = {}

    def add(inc):
        into = merged.setdefault((inc.day, inc.part), analytics.Increment(inc.day, inc.part, {}, dict(inc.labels)))
        for k, v in inc.counters.items():
            into.counters[k] = into.counters.get(k, 0) + v

    reasons = ('visitor_request', 'billing', 'complaint', 'bot_unable', 'sales', 'vip')
    for n in range(conversations):
        start = now - timedelta(seconds=rng.randrange((DAYS - 1) * 86400))     # inside the 30-day range
        handed = rng.random() < 0.3
        bot = [{'role': 'bot', 'meta': {'confidence': rng.random(), 'entry_id': 'kb'}} for _ in range(rng.randint(1, 4))]
        add(analytics.turn_increment(bot, True, handed, 0.35, _iso(start), timezone.utc))
        if handed:
            op = OPERATORS[rng.randrange(len(OPERATORS))]
            owner = {'id': op[0], 'name': op[1]}
            base = {'id': 'h%d' % n, 'reason': {'code': rng.choice(reasons)}, 'requested_at': _iso(start)}
            for status, later, who in (('requested', 0, None), ('acknowledged', rng.randint(5, 900), owner),
                                       ('resolved', rng.randint(600, 7200), owner)):
                at = _iso(start + timedelta(seconds=later))
                for inc in analytics.event_increments({'event': 'handoff.' + status, 'at': at, 'handoff': dict(
                        base, status=status, owner=who, updated_at=at)}, timezone.utc):
                    add(inc)
            if rng.random() < 0.5:
                at = _iso(start + timedelta(seconds=7300))
                for inc in analytics.event_increments({'event': 'handoff.csat', 'at': at, 'handoff': dict(
                        base, status='resolved', owner=owner, updated_at=at, csat={'score': rng.randint(1, 5)})},
                        timezone.utc):
                    add(inc)
    return merged


def _iso(t):
    return t.isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def record(system, merged, tag):
    stats = system.services.ctx.stores.stats
    for day in sorted({d for d, _ in merged}):
        stats.record_once(system.agent_id, 'bench:%s:%s' % (tag, day),
                          [inc for (d, _), inc in sorted(merged.items()) if d == day])


def measure(recorder, system, rng_name):
    recorder.take()
    status, body = system.rest('GET', '/agents/%s/analytics?range=%s' % (system.agent_id, rng_name),
                               token=system.operators['Alice'])
    assert status == 200, body
    calls = [c for c in recorder.take() if c['service'] == 'dynamodb']
    query = [c for c in calls if c['operation'] == 'Query']
    assert len(query) == 1, [c['operation'] for c in calls]
    return {'requests': len(calls), 'ops': sorted(c['operation'] for c in calls),
            'rru': sum(c['rru'] for c in calls), 'query_rru': query[0]['rru'], 'items': query[0]['parsed']['Count'],
            'bytes': query[0].get('read_bytes'), 'conversations': body['totals']['conversations']}


def main():
    recorder = hooks.install(hooks.Recorder())
    recorder.observers.append(CapacityMeter(consumed_capacity=True))
    now = datetime.now(timezone.utc)
    results = {}
    with harness.System() as system:
        # A fresh agent: the demo's own seeded days would blur the sizes.
        from infra import admin
        admin.create_agent('bench-analytics', 'Analytics bench')
        system.agent_id = 'bench-analytics'
        _grant(system)
        recorder.enabled = False
        record(system, increments(system.agent_id, SMALL, now, random.Random(1)), 'small')
        recorder.enabled = True
        results['small'] = {r: measure(recorder, system, r) for r in ('7d', '30d')}
        recorder.enabled = False
        record(system, increments(system.agent_id, LARGE - SMALL, now, random.Random(2)), 'large')
        recorder.enabled = True
        results['large'] = {r: measure(recorder, system, r) for r in ('7d', '30d')}
    s30, l30, s7, l7 = (results['small']['30d'], results['large']['30d'], results['small']['7d'],
                        results['large']['7d'])
    assert l30['conversations'] == LARGE and s30['conversations'] == SMALL, (s30, l30)
    bound = DAYS * (2 + len(OPERATORS))          # items a 30-day read can ever touch for this team
    rows = [
        row('12a', 'Analytics read (30 days), %s vs %s conversations: DynamoDB requests' % (format(LARGE, ','), SMALL),
            '%d vs %d (%s)' % (l30['requests'], s30['requests'], ' + '.join(l30['ops'])), 'same',
            l30['requests'] == s30['requests'], l30['requests']),
        row('12b', 'Analytics read (30 days): counter items read, %s vs %s conversations; read units' % (
            format(LARGE, ','), SMALL),
            '%d vs %d items (bound %d = 30 days x (2 + %d operators)); %s vs %s RRU' % (
                l30['items'], s30['items'], bound, len(OPERATORS), fmt(l30['rru']), fmt(s30['rru'])),
            '<= %d items' % bound, l30['items'] <= bound and s30['items'] <= bound, l30['items']),
        row('12c', 'Analytics read units, 7 vs 30 days (%s conversations)' % format(LARGE, ','),
            '%s vs %s RRU (%d vs %d items)' % (fmt(l7['rru']), fmt(l30['rru']), l7['items'], l30['items']),
            'info', None),
    ]
    details = ['%s history, %s: %s (%s), Query read %d items, %s RRU for the query'
               % (size, r, ' + '.join(v['ops']), fmt(v['rru']) + ' RRU', v['items'], fmt(v['query_rru']))
               for size in ('small', 'large') for r, v in results[size].items()]
    details.append('read units computed from item sizes (4 KB units, eventually consistent = 0.5 per unit)')
    emit(rows, details)


def _grant(system):
    """Alice reads the bench agent's analytics (her token now names it among her agents)."""
    from chalicelib.adapters.store.models import OperatorItem, hash_token, key
    token_hash = hash_token(system.operators['Alice'])
    item = OperatorItem.get(key('TOKEN', token_hash), 'META')
    item.update(actions=[OperatorItem.agent_ids.set(list(item.agent_ids) + ['bench-analytics'])])


if __name__ == '__main__':
    main()
