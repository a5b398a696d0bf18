"""Analytics arithmetic: buckets, percentiles from buckets, what events add, day boundaries in a time zone,
merging days into one report, CSAT rules, the range query."""
import pytest

from chalicelib.domain import analytics as a
from chalicelib.domain import csat
from chalicelib.domain.conversation import Conversation
from chalicelib.domain.handoff import Handoff, HandoffError, Reason, Status
from chalicelib.protocol import ProtocolError
from chalicelib.protocol.analytics import parse_csat, parse_range, to_csv

UTC = a.zone('UTC')


def test_buckets_have_inclusive_upper_bounds_and_an_open_last_one():
    assert a.bucket(0) == 0 and a.bucket(10) == 0 and a.bucket(10.5) == 1
    assert a.bucket(60) == 2 and a.bucket(61) == 3
    assert a.bucket(86400) == len(a.BUCKETS) - 1 and a.bucket(10 ** 7) == len(a.BUCKETS)


def counts(**by_bucket):
    out = [0] * (len(a.BUCKETS) + 1)
    for i, n in by_bucket.items():
        out[int(i[1:])] = n
    return out


def test_percentiles_are_read_from_the_buckets():
    assert a.percentile(counts(), 0.5) is None
    # 10 latencies in (30, 60]: the median is half way through that bucket, p90 at 90 %.
    assert a.percentile(counts(b2=10), 0.5) == 45.0
    assert a.percentile(counts(b2=10), 0.9) == 57.0
    # 9 fast (≤ 10 s) and 1 slow (in (3600, 7200]): the median stays fast, p90 at the top of the fast bucket.
    c = counts(b0=9, b9=1)
    assert a.percentile(c, 0.5) == pytest.approx(5.0 * 10 / 9)
    assert a.percentile(c, 0.9) == 10.0
    assert a.percentile(c, 1.0) == 7200.0
    assert a.percentile(counts(b13=4), 0.5) == 86400.0      # beyond the last bound: its lower bound


def ev(name, at, requested='2026-12-01T09:00:00.000Z', owner=None, reason='billing', csat_score=None):
    h = {'id': 'h1', 'status': name.split('.')[1], 'reason': {'code': reason, 'detail': ''},
         'owner': {'id': owner, 'name': owner.title()} if owner else None, 'requested_at': requested,
         'updated_at': at}
    if csat_score:
        h['csat'] = {'score': csat_score}
    return {'event_id': 'h1:x', 'event': name, 'agent_id': 'shop', 'conversation_id': 'shop.v', 'handoff': h,
            'at': at}


def test_what_each_event_adds():
    [req] = a.event_increments(ev('handoff.requested', '2026-12-01T09:00:00.000Z'), UTC)
    assert (req.day, req.part, req.counters) == ('2026-12-01', '', {'handoffs': 1, 'reason.billing': 1,
                                                                     'hour.09': 1})
    day, op = a.event_increments(ev('handoff.acknowledged', '2026-12-01T09:00:45.000Z', owner='alice'), UTC)
    assert day.counters == {'acknowledged': 1, 'tta.2': 1}
    assert (op.part, op.counters, op.labels) == ('OP#alice', {'acknowledged': 1, 'tta.2': 1}, {'name': 'Alice'})
    day, op = a.event_increments(ev('handoff.csat', '2026-12-01T10:00:00.000Z', owner='alice', csat_score=4), UTC)
    assert day.counters == {'csat.4': 1, 'csat_sum': 4}
    assert a.event_increments(ev('handoff.transferred', '2026-12-01T10:00:00.000Z'), UTC) == []
    # A reason code is data: anything unexpected is counted as "other", never as a new attribute name.
    [req] = a.event_increments(ev('handoff.requested', '2026-12-01T09:00:00.000Z', reason='X" OR 1=1'), UTC)
    assert 'reason.other' in req.counters


def test_day_and_hour_boundaries_are_the_agent_time_zone():
    ny, tokyo = a.zone('America/New_York'), a.zone('Asia/Tokyo')
    assert a.local('2026-12-02T03:30:00.000Z', UTC) == ('2026-12-02', 3)
    assert a.local('2026-12-02T03:30:00.000Z', ny) == ('2026-12-01', 22)
    assert a.local('2026-12-01T15:00:00.000Z', tokyo) == ('2026-12-02', 0)
    assert a.zone('Not/AZone') is UTC and a.time_zone_of({}) == 'UTC'
    assert a.time_zone_of({'hours': {'time_zone': 'Europe/Paris'}}) == 'Europe/Paris'
    assert a.range_for('7d', '2026-12-02T03:30:00.000Z', ny) == ('2026-11-25', '2026-12-01')
    assert a.range_for('today', '2026-12-02T03:30:00.000Z', UTC) == ('2026-12-02', '2026-12-02')


def test_the_bot_side_of_a_turn():
    msgs = [{'role': 'visitor', 'meta': None}, {'role': 'bot', 'meta': {'confidence': 0.9, 'entry_id': 'kb1'}},
            {'role': 'bot', 'meta': {'confidence': 0.2, 'entry_id': None}}]
    inc = a.turn_increment(msgs, True, False, 0.35, '2026-12-01T23:59:59.000Z', UTC)
    assert inc.part == 'BOT' and inc.counters == {'conversations': 1, 'conv_hour.23': 1, 'bot_answered': 1,
                                                   'bot_missed': 1}
    assert a.turn_increment([{'role': 'visitor'}], False, False, 0.35, '2026-12-01T10:00:00Z', UTC) is None


def test_report_merges_days_and_operators():
    items = [
        a.Increment('2026-12-01', '', {'handoffs': 2, 'reason.billing': 2, 'hour.09': 2, 'tta.2': 1, 'acknowledged': 1}),
        a.Increment('2026-12-02', '', {'handoffs': 1, 'reason.angry': 1, 'hour.09': 1, 'tta.2': 1, 'acknowledged': 1,
                                       'csat.5': 1, 'csat.3': 1, 'csat_sum': 8}),
        a.Increment('2026-12-01', 'BOT', {'conversations': 6, 'handed_off': 2, 'bot_answered': 3, 'bot_missed': 1}),
        a.Increment('2026-12-01', 'OP#bob', {'resolved': 1, 'ttr.4': 1}, {'name': 'Bob'}),
        a.Increment('2026-12-02', 'OP#bob', {'resolved': 2, 'ttr.4': 2}, {'name': 'Bob'}),
        a.Increment('2026-11-30', '', {'handoffs': 99}),        # outside the range: ignored
    ]
    rep = a.report(items, '2026-12-01', '2026-12-03', 'UTC')
    t = rep['totals']
    assert (t['conversations'], t['bot_only'], t['handoff_rate'], t['handoffs'], t['bot_answer_rate']) == \
        (6, 4, 0.333, 3, 0.75)
    assert rep['by_reason'] == {'billing': 2, 'angry': 1}
    assert [d['handoffs'] for d in rep['by_day']] == [2, 1, 0]
    assert rep['by_hour'][9]['handoffs'] == 3
    assert rep['time_to_acknowledge']['count'] == 2 and rep['time_to_acknowledge']['median'] == 45.0
    assert rep['csat'] == {'count': 2, 'average': 4.0, 'distribution': {'1': 0, '2': 0, '3': 1, '4': 0, '5': 1}}
    [bob] = rep['operators']
    assert (bob['name'], bob['handled'], bob['ttr_median'], bob['csat']['average']) == ('Bob', 3, 210.0, None)
    rows = a.csv_rows(rep)
    assert rows[0] == ('section', 'key', 'metric', 'value') and ('by_reason', 'billing', 'handoffs', 2) in rows
    assert to_csv([('operator', '=HYPERLINK("x")', 'handled', 1)]).startswith("operator,\"'=HYPERLINK")


def conv_with(status, csat_given=None):
    h = Handoff('h1', Status(status), Reason('billing'), '2026-12-01T09:00:00Z', '2026-12-01T09:10:00Z', 'alice',
                'Alice', csat=csat_given)
    return Conversation('shop.v', 'shop', 'v', seq=7, handoff=h)


def test_csat_once_on_the_latest_resolved_handoff():
    change = csat.rate(conv_with('resolved'), 'h1', 5, 'great', '2026-12-01T09:11:00Z')
    assert change.updates['handoff'].csat == {'score': 5, 'comment': 'great', 'at': '2026-12-01T09:11:00Z'}
    assert change.messages[0]['seq'] == 8 and change.messages[0]['meta']['event'] == 'handoff.csat'
    assert Handoff.from_dict(change.updates['handoff'].to_dict()).csat['score'] == 5
    with pytest.raises(HandoffError) as err:
        csat.rate(conv_with('resolved', {'score': 2}), 'h1', 5, None, 'now')
    assert err.value.code == 'csat_already_given'
    for conv, hid in ((conv_with('acknowledged'), 'h1'), (conv_with('resolved'), 'h0')):
        with pytest.raises(HandoffError) as err:
            csat.rate(conv, hid, 5, None, 'now')
        assert err.value.code == 'csat_not_open'
    assert 'csat' not in conv_with('resolved').handoff.to_dict()      # optional: absent until given


def test_range_and_csat_parsing():
    assert parse_range({}) == (('range', '7d'), 'json')
    assert parse_range({'from': '2026-12-01', 'to': '2026-12-01', 'format': 'csv'}) == \
        (('dates', '2026-12-01', '2026-12-01'), 'csv')
    for bad in ({'range': 'all'}, {'from': '2026-02-30', 'to': '2026-03-01'}, {'from': '2026-12-01'},
                {'from': '2026-01-01', 'to': '2026-06-01'}):
        with pytest.raises(ProtocolError):
            parse_range(bad)
    assert parse_csat({'handoff_id': 'h1', 'score': 3, 'comment': '  '}).comment is None
    with pytest.raises(ProtocolError):
        parse_csat({'handoff_id': 'h1', 'score': True})
