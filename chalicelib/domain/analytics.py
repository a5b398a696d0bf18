"""Analytics as counters: what each event adds to an agent's per-day figures, and the report a date range
makes of them. Pure: no I/O, no clock of its own (times come in as ISO strings, the zone as a name).

Every figure is a counter that only grows by ADD, kept per agent and per LOCAL day (the agent's time zone),
in three parts of a day (see adapters/store/stats.py for the items):

  ''           handoffs: requested, by reason, by hour; acknowledged / resolved / cancelled; latency histograms
               (time to acknowledge, time to resolve); the CSAT distribution
  'BOT'        the bot's side: conversations started (and by hour), conversations handed off, bot answered / missed
  'OP#{id}'    one operator: acknowledged, resolved ("handled"), their latency histograms, their CSAT

Latencies go into fixed buckets (BUCKETS), so days add up by adding bucket counts, and a percentile is read
from the merged buckets (linear inside the bucket it falls in): exact to the bucket, cheap at any volume.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

# Upper bounds in seconds; a latency above the last one falls in one more, open-ended, bucket.
BUCKETS = (10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 86400)
SCORES = (1, 2, 3, 4, 5)
MAX_DAYS = 92                  # the widest range a report reads (a quarter)
_CODE = re.compile(r'[a-z0-9_]{1,40}')
BOT = 'BOT'


def bucket(seconds):
    """The index of the bucket holding `seconds` (upper bounds inclusive)."""
    for i, bound in enumerate(BUCKETS):
        if seconds <= bound:
            return i
    return len(BUCKETS)


def percentile(counts, q):
    """The q-quantile (0 < q <= 1) of the latencies counted in `counts` (a list, one count per bucket), read
    from the buckets: linear inside the bucket where the rank falls; the open last bucket answers its lower
    bound. None when nothing was counted."""
    total = sum(counts)
    if not total:
        return None
    rank, seen = q * total, 0
    for i, n in enumerate(counts):
        if n and seen + n >= rank:
            low = BUCKETS[i - 1] if i else 0
            if i >= len(BUCKETS):
                return float(low)
            return low + (BUCKETS[i] - low) * (rank - seen) / n
        seen += n
    return float(BUCKETS[-1])


def parse_time(iso):
    return datetime.fromisoformat(iso.replace('Z', '+00:00'))


def seconds_between(start, end):
    return max(0.0, (parse_time(end) - parse_time(start)).total_seconds())


def zone(name):
    """The agent's time zone (settings `hours.time_zone`); an unknown or missing name is UTC."""
    if not name or name == 'UTC':
        return timezone.utc
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo(name)
    except Exception:       # unknown zone, or no tz database on this host: count in UTC rather than fail
        return timezone.utc


def time_zone_of(settings):
    hours = (settings or {}).get('hours') or {}
    return hours.get('time_zone') if isinstance(hours, dict) and isinstance(hours.get('time_zone'), str) else 'UTC'


def local(iso, tz):
    """(local date 'YYYY-MM-DD', local hour 0-23) of an instant in zone `tz`."""
    t = parse_time(iso).astimezone(tz)
    return t.strftime('%Y-%m-%d'), t.hour


@dataclass
class Increment:
    """Counters to ADD to one part of one day (`labels` are SET: an operator's display name)."""
    day: str
    part: str
    counters: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)


def _code(value):
    value = (value or 'unknown').lower()
    return value if _CODE.fullmatch(value) else 'other'


def event_increments(event, tz):
    """What a status event adds (an empty list for events analytics does not count). `event` is the
    published shape: {event_id, event, agent_id, conversation_id, handoff, at}."""
    h = event.get('handoff') or {}
    name = event.get('event')
    owner = h.get('owner') or {}
    at = event.get('at') or h.get('updated_at')
    if not at or not h:
        return []
    day, hour = local(at, tz)
    if name == 'handoff.requested':
        return [Increment(day, '', {'handoffs': 1, 'reason.' + _code((h.get('reason') or {}).get('code')): 1,
                                    'hour.%02d' % hour: 1})]
    if name in ('handoff.acknowledged', 'handoff.resolved'):
        kind, short = ('acknowledged', 'tta') if name == 'handoff.acknowledged' else ('resolved', 'ttr')
        b = '%s.%d' % (short, bucket(seconds_between(h['requested_at'], at)))
        out = [Increment(day, '', {kind: 1, b: 1})]
        if owner.get('id'):
            out.append(Increment(day, 'OP#' + owner['id'], {kind: 1, b: 1}, {'name': owner.get('name') or ''}))
        return out
    if name == 'handoff.cancelled':
        return [Increment(day, '', {'cancelled': 1})]
    if name == 'handoff.csat':
        score = (h.get('csat') or {}).get('score')
        if score not in SCORES:
            return []
        counters = {'csat.%d' % score: 1, 'csat_sum': score}
        out = [Increment(day, '', dict(counters))]
        if owner.get('id'):
            out.append(Increment(day, 'OP#' + owner['id'], dict(counters), {'name': owner.get('name') or ''}))
        return out
    return []


def turn_increment(messages, first_turn, first_handoff, threshold, now, tz):
    """The bot's side of one freshly stored visitor turn (None when there is nothing to count): a conversation
    started (its first turn), handed off (its first handoff), and each bot answer, answered or not."""
    counters = {}
    day, hour = local(now, tz)
    if first_turn:
        counters.update({'conversations': 1, 'conv_hour.%02d' % hour: 1})
    if first_handoff:
        counters['handed_off'] = 1
    for m in messages:
        meta = m.get('meta') or {}
        if m.get('role') == 'bot' and 'confidence' in meta:
            understood = meta.get('entry_id') is not None and (meta.get('confidence') or 0) >= threshold
            name = 'bot_answered' if understood else 'bot_missed'
            counters[name] = counters.get(name, 0) + 1
    return Increment(day, BOT, counters) if counters else None


# ---- reading: items of a range → one report ---------------------------------------------------------

def days_between(first, last):
    """Every local date from `first` to `last` inclusive ('YYYY-MM-DD')."""
    d, end, out = datetime.strptime(first, '%Y-%m-%d'), datetime.strptime(last, '%Y-%m-%d'), []
    while d <= end:
        out.append(d.strftime('%Y-%m-%d'))
        d += timedelta(days=1)
    return out


def range_for(name, now, tz):
    """'today' | '7d' | '30d' → (first, last) local dates ending today in the agent's zone."""
    today = parse_time(now).astimezone(tz).date()
    span = {'today': 1, '7d': 7, '30d': 30}[name]
    return (today - timedelta(days=span - 1)).isoformat(), today.isoformat()


def _hist(counters, short):
    return [int(counters.get('%s.%d' % (short, i), 0)) for i in range(len(BUCKETS) + 1)]


def _latency(counts):
    return {'count': sum(counts), 'median': _round(percentile(counts, 0.5)), 'p90': _round(percentile(counts, 0.9)),
            'histogram': counts}


def _round(v):
    return None if v is None else round(v, 1)


def _csat(counters):
    dist = {str(s): int(counters.get('csat.%d' % s, 0)) for s in SCORES}
    n = sum(dist.values())
    return {'count': n, 'average': round(counters.get('csat_sum', 0) / n, 2) if n else None, 'distribution': dist}


def _add(into, counters):
    for k, v in counters.items():
        into[k] = into.get(k, 0) + v


def report(items, first, last, time_zone):
    """The figures of days first..last from stored Increments (any order, any parts); days without items are
    zeros. Rates are None when their denominator is 0."""
    days = days_between(first, last)
    per_day = {d: {'': {}, BOT: {}} for d in days}
    total, bot, ops, names = {}, {}, {}, {}
    for it in items:
        if it.day not in per_day:
            continue
        if it.part.startswith('OP#'):
            op = it.part[3:]
            _add(ops.setdefault(op, {}), it.counters)
            names[op] = it.labels.get('name') or names.get(op) or op
            continue
        _add(per_day[it.day].setdefault(it.part, {}), it.counters)
        _add(total if it.part == '' else bot, it.counters)
    conversations, handed_off = int(bot.get('conversations', 0)), int(bot.get('handed_off', 0))
    answered, missed = int(bot.get('bot_answered', 0)), int(bot.get('bot_missed', 0))
    reasons = {k.split('.', 1)[1]: int(v) for k, v in total.items() if k.startswith('reason.')}
    return {
        'range': {'from': first, 'to': last, 'time_zone': time_zone, 'days': len(days)},
        'totals': {
            'conversations': conversations, 'handed_off': handed_off,
            'bot_only': max(0, conversations - handed_off),
            'handoff_rate': round(handed_off / conversations, 3) if conversations else None,
            'handoffs': int(total.get('handoffs', 0)), 'acknowledged': int(total.get('acknowledged', 0)),
            'resolved': int(total.get('resolved', 0)), 'cancelled': int(total.get('cancelled', 0)),
            'bot_answered': answered, 'bot_missed': missed,
            'bot_answer_rate': round(answered / (answered + missed), 3) if answered + missed else None},
        'by_reason': dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        'by_hour': [{'hour': hh, 'handoffs': int(total.get('hour.%02d' % hh, 0)),
                     'conversations': int(bot.get('conv_hour.%02d' % hh, 0))} for hh in range(24)],
        'by_day': [{'date': d, 'conversations': int(per_day[d][BOT].get('conversations', 0)),
                    'handoffs': int(per_day[d][''].get('handoffs', 0)),
                    'resolved': int(per_day[d][''].get('resolved', 0))} for d in days],
        'time_to_acknowledge': _latency(_hist(total, 'tta')),
        'time_to_resolve': _latency(_hist(total, 'ttr')),
        'operators': sorted(({'id': op, 'name': names[op], 'acknowledged': int(c.get('acknowledged', 0)),
                              'handled': int(c.get('resolved', 0)),
                              'tta_median': _round(percentile(_hist(c, 'tta'), 0.5)),
                              'ttr_median': _round(percentile(_hist(c, 'ttr'), 0.5)),
                              'csat': _csat(c)} for op, c in ops.items()),
                             key=lambda o: (-o['handled'], o['name'])),
        'csat': _csat(total),
        'buckets': list(BUCKETS),
    }


def csv_rows(rep):
    """The same figures as CSV rows: section, key, metric, value (one header row first)."""
    rows = [('section', 'key', 'metric', 'value'),
            ('range', rep['range']['from'], 'to', rep['range']['to']),
            ('range', '', 'time_zone', rep['range']['time_zone'])]
    rows += [('totals', '', k, _cell(v)) for k, v in rep['totals'].items()]
    rows += [('by_reason', k, 'handoffs', v) for k, v in rep['by_reason'].items()]
    for h in rep['by_hour']:
        rows += [('by_hour', '%02d' % h['hour'], 'handoffs', h['handoffs']),
                 ('by_hour', '%02d' % h['hour'], 'conversations', h['conversations'])]
    for d in rep['by_day']:
        rows += [('by_day', d['date'], m, d[m]) for m in ('conversations', 'handoffs', 'resolved')]
    for name in ('time_to_acknowledge', 'time_to_resolve'):
        rows += [(name, '', m, _cell(rep[name][m])) for m in ('count', 'median', 'p90')]
    for o in rep['operators']:
        rows += [('operator', o['name'], m, _cell(o[m])) for m in ('acknowledged', 'handled', 'tta_median',
                                                                     'ttr_median')]
        rows += [('operator', o['name'], 'csat_count', o['csat']['count']),
                 ('operator', o['name'], 'csat_average', _cell(o['csat']['average']))]
    rows += [('csat', '', 'count', rep['csat']['count']), ('csat', '', 'average', _cell(rep['csat']['average']))]
    rows += [('csat', s, 'answers', n) for s, n in rep['csat']['distribution'].items()]
    return rows


def _cell(v):
    return '' if v is None else v
