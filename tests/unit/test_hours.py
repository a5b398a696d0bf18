"""Business hours: DST changes, ranges across midnight, holidays, the next opening, plain words."""
from datetime import datetime, timezone

import pytest

from chalicelib.domain import hours
from chalicelib.domain.offline import valid_email

PARIS = {'time_zone': 'Europe/Paris', 'weekly': {d: [['09:00', '17:00']] for d in ('mon', 'tue', 'wed', 'thu', 'fri')},
         'holidays': ['2026-12-25']}


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_no_weekly_hours_is_always_open():
    assert hours.is_open(None, utc('2026-12-05T03:00'))
    assert hours.is_open({'time_zone': 'Asia/Tokyo'}, utc('2026-12-05T03:00'))
    assert hours.next_opening(None, utc('2026-12-05T03:00')) == utc('2026-12-05T03:00')


@pytest.mark.parametrize('at, open_', [
    ('2026-12-07T07:59', False), ('2026-12-07T08:00', True),     # Monday 09:00 Paris (UTC+1) opens
    ('2026-12-07T15:59', True), ('2026-12-07T16:00', False),     # 17:00 closes
    ('2026-12-05T10:00', False),                                 # Saturday
    ('2026-12-25T10:00', False), ('2026-12-24T10:00', True),     # holiday / the day before
])
def test_weekly_ranges_in_the_zone(at, open_):
    assert hours.is_open(PARIS, utc(at)) is open_


def test_summer_time_moves_the_utc_instant():
    assert hours.is_open(PARIS, utc('2026-07-06T07:00'))          # 09:00 CEST = 07:00 UTC
    assert not hours.is_open(PARIS, utc('2026-07-06T15:00'))      # 17:00 CEST


def test_spring_forward_inside_a_range_and_a_skipped_opening_time():
    # 29 March 2026: Paris jumps 02:00 → 03:00. A night shift 01:00-05:00 is 3 real hours long.
    night = {'time_zone': 'Europe/Paris', 'weekly': {'sun': [['01:00', '05:00']], 'sat': [['02:30', '03:00']]}}
    assert hours.is_open(night, utc('2026-03-29T00:00'))          # 01:00 CET
    assert hours.is_open(night, utc('2026-03-29T02:59'))          # 04:59 CEST
    assert not hours.is_open(night, utc('2026-03-29T03:00'))      # 05:00 CEST
    skipped = {'time_zone': 'Europe/Paris', 'weekly': {'sun': [['02:30', '04:00']]}}
    # 02:30 does not exist that night: the range opens right after the jump (03:00 CEST = 01:00 UTC)
    assert hours.next_opening(skipped, utc('2026-03-28T20:00')) == utc('2026-03-29T01:00')


def test_fall_back_keeps_local_times():
    # 25 October 2026: Paris goes 03:00 → 02:00. 09:00-17:00 that Sunday is 09:00 CET = 08:00 UTC.
    sunday = {'time_zone': 'Europe/Paris', 'weekly': {'sun': [['09:00', '17:00']]}}
    assert not hours.is_open(sunday, utc('2026-10-25T07:30'))
    assert hours.is_open(sunday, utc('2026-10-25T08:00'))
    assert hours.next_opening(sunday, utc('2026-10-24T12:00')) == utc('2026-10-25T08:00')


def test_ranges_across_midnight_and_until_24():
    late = {'time_zone': 'America/New_York', 'weekly': {'fri': [['22:00', '02:00']], 'sat': [['20:00', '24:00']]}}
    assert hours.is_open(late, utc('2026-12-05T03:30'))           # Fri 22:30 EST
    assert hours.is_open(late, utc('2026-12-05T06:59'))           # Sat 01:59 EST: Friday's range
    assert not hours.is_open(late, utc('2026-12-05T07:00'))       # Sat 02:00
    assert hours.is_open(late, utc('2026-12-06T04:59'))           # Sat 23:59
    assert not hours.is_open(late, utc('2026-12-06T05:00'))       # Sun 00:00
    assert hours.next_opening(late, utc('2026-12-05T07:00')) == utc('2026-12-06T01:00')


def test_a_holiday_closes_the_ranges_that_start_that_day_only():
    late = {'time_zone': 'UTC', 'weekly': {'thu': [['22:00', '02:00']], 'fri': [['09:00', '17:00']]},
            'holidays': ['2026-12-25']}                           # Friday
    assert hours.is_open(late, utc('2026-12-25T01:00'))           # Thursday's shift ends as planned
    assert not hours.is_open(late, utc('2026-12-25T10:00'))
    assert hours.next_opening(late, utc('2026-12-25T10:00')) == utc('2026-12-31T22:00')


def test_next_opening_and_plain_words():
    sat = utc('2026-12-05T10:00')
    assert hours.next_opening(PARIS, sat) == utc('2026-12-07T08:00')
    assert hours.back_text(PARIS, sat) == 'Monday at 09:00 (Europe/Paris time)'
    assert hours.back_text(PARIS, utc('2026-12-07T05:00')) == 'today at 09:00 (Europe/Paris time)'
    assert hours.back_text(PARIS, utc('2026-12-07T17:00')) == 'tomorrow at 09:00 (Europe/Paris time)'
    assert hours.back_text(PARIS, utc('2026-12-24T17:00')) == 'Monday at 09:00 (Europe/Paris time)'
    never = {'time_zone': 'UTC', 'weekly': {}}
    assert hours.next_opening(never, sat) is None and hours.back_text(never, sat) is None


def test_closed_asks_about_operators_only_when_told():
    asked = []

    def online():
        asked.append(1)
        return False
    assert not hours.closed(None, utc('2026-12-05T10:00'), online) and asked == []
    assert hours.closed({'offline_when_nobody_online': True}, utc('2026-12-05T10:00'), online) and asked == [1]
    assert hours.closed(PARIS, utc('2026-12-05T10:00'), online)


@pytest.mark.parametrize('bad', [
    {'time_zone': 'Nowhere/City'}, {'weekly': {'monday': []}}, {'weekly': {'mon': [['09:00']]}},
    {'weekly': {'mon': [['25:00', '26:00']]}}, {'weekly': {'mon': [['09:00', '09:00']]}},
    {'holidays': ['25/12/2026']}, {'offline_when_nobody_online': 'yes'}, {'colour': 'red'}, [],
])
def test_malformed_hours_are_refused(bad):
    with pytest.raises(hours.HoursError):
        hours.validate(bad)


def test_valid_hours_are_normalized():
    assert hours.validate({'weekly': {'mon': [['09:00', '24:00']]}}) == {
        'time_zone': 'UTC', 'weekly': {'mon': [['09:00', '24:00']]}, 'holidays': [],
        'offline_when_nobody_online': False}


def test_email_addresses():
    assert valid_email('ada@example.org') and valid_email('a.b+c@sub.example.co.uk')
    assert not any(valid_email(x) for x in ('ada', 'ada@', '@x.org', 'a b@x.org', 'ada@x', 'a@' + 'x' * 260 + '.org',
                                            None, 'ada@example.org\n'))
