"""Business hours: is the team open at an instant, and when does it open next.

Pure rules (zoneinfo only; the Lambda zip ships `tzdata` so every IANA zone is known). The agent's
setting `hours`:

    {"time_zone": "Europe/Paris",
     "weekly": {"mon": [["09:00", "17:00"]], "sat": [["22:00", "02:00"]], ...},
     "holidays": ["2026-12-25"],
     "offline_when_nobody_online": false}

A day without ranges is closed. A range whose end is not after its start spans midnight (22:00-02:00
is open from 22:00 that day to 02:00 the next); "24:00" ends at midnight. Ranges are wall-clock times
in the zone: on a DST change day a range counts in local time (09:00-17:00 is open 09:00-17:00 local,
seven or nine real hours when the clocks jump inside it), and a local time the clocks skip is read as
the instant just after the jump. A holiday closes the ranges that START on that date (a range that
began the evening before still ends as planned). No `weekly` at all (null) means always open (`{}`: never open, e.g. "only leave a message"): today's
behaviour is the default.
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')
DAY_NAMES = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')
MAX_RANGES = 6
MAX_HOLIDAYS = 366
LOOKAHEAD_DAYS = 400          # next_opening looks this far: a year of holidays cannot hide the next opening

DEFAULT_HOURS = {'time_zone': 'UTC', 'weekly': None, 'holidays': [], 'offline_when_nobody_online': False}


class HoursError(ValueError):
    """The setting is malformed; the message says what to fix."""


def _clock(text, allow_24=False):
    if not isinstance(text, str) or len(text) != 5 or text[2] != ':' or not (text[:2] + text[3:]).isdigit():
        raise HoursError('times are "HH:MM" strings, got %r' % (str(text)[:10],))
    hh, mm = int(text[:2]), int(text[3:])
    if allow_24 and (hh, mm) == (24, 0):
        return None                     # midnight at the end of the day
    if hh > 23 or mm > 59:
        raise HoursError('%s is not a time of day' % text)
    return time(hh, mm)


def validate(hours):
    """The setting, checked and normalized (every key present), or HoursError."""
    if not isinstance(hours, dict):
        raise HoursError('hours must be an object')
    unknown = set(hours) - set(DEFAULT_HOURS)
    if unknown:
        raise HoursError('unknown hours field(s): %s' % ', '.join(sorted(k[:32] for k in unknown)[:5]))
    out = dict(DEFAULT_HOURS, **hours)
    zone = out['time_zone']
    if not isinstance(zone, str) or len(zone) > 64:
        raise HoursError('time_zone must be an IANA zone name such as "Europe/Paris"')
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursError('unknown time_zone %r' % zone[:64])
    weekly = out['weekly']
    if weekly is not None:
        if not isinstance(weekly, dict) or set(weekly) - set(DAYS):
            raise HoursError('weekly must map mon..sun to lists of ["HH:MM", "HH:MM"] ranges')
        for day, ranges in weekly.items():
            if not isinstance(ranges, list) or len(ranges) > MAX_RANGES:
                raise HoursError('weekly.%s must be a list of at most %d ranges' % (day, MAX_RANGES))
            for r in ranges:
                if not isinstance(r, list) or len(r) != 2:
                    raise HoursError('weekly.%s ranges are ["HH:MM", "HH:MM"] pairs' % day)
                start, end = _clock(r[0]), _clock(r[1], allow_24=True)
                if end is not None and end == start:
                    raise HoursError('weekly.%s: a range must not start and end at the same time' % day)
    holidays = out['holidays']
    if not isinstance(holidays, list) or len(holidays) > MAX_HOLIDAYS:
        raise HoursError('holidays must be a list of at most %d "YYYY-MM-DD" dates' % MAX_HOLIDAYS)
    for d in holidays:
        try:
            if not isinstance(d, str) or len(d) != 10:
                raise ValueError
            date.fromisoformat(d)
        except ValueError:
            raise HoursError('holidays are "YYYY-MM-DD" dates, got %r' % (str(d)[:12],))
    if not isinstance(out['offline_when_nobody_online'], bool):
        raise HoursError('offline_when_nobody_online must be true or false')
    return out


def _local(day, clock, zone):
    """The instant of wall-clock `clock` on `day` in `zone`; a skipped time (spring forward) maps past the gap."""
    naive = datetime.combine(day, clock)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first
    # Inside the gap: fold=1 reads it with the offset after the jump (an instant before the jump), fold=0 with
    # the one before (after the jump). The jump itself is the first second whose wall time is past `naive`.
    lo, hi = naive.replace(tzinfo=zone, fold=1).astimezone(timezone.utc), first
    while (hi - lo).total_seconds() > 1:
        mid = lo + timedelta(seconds=int((hi - lo).total_seconds() // 2))
        if mid.astimezone(zone).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid
    return hi


def _ranges_starting(hours, day, zone):
    """(start, end) UTC instants of the ranges that start on local date `day`."""
    if day.isoformat() in hours.get('holidays', ()):
        return []
    out = []
    for start_text, end_text in (hours['weekly'] or {}).get(DAYS[day.weekday()], ()):
        start, end = _clock(start_text), _clock(end_text, allow_24=True)
        end_day = day + timedelta(days=1) if end is None or end <= start else day
        out.append((_local(day, start, zone), _local(end_day, end or time(0, 0), zone)))
    return out


def _as_utc(at):
    return at.astimezone(timezone.utc) if at.tzinfo else at.replace(tzinfo=timezone.utc)


def is_open(hours, at):
    """True when `at` (an aware datetime; naive is read as UTC) falls in a range. No weekly hours: always open."""
    hours = dict(DEFAULT_HOURS, **(hours or {}))
    if hours['weekly'] is None:
        return True
    zone, at = ZoneInfo(hours['time_zone']), _as_utc(at)
    today = at.astimezone(zone).date()
    for day in (today - timedelta(days=1), today):          # yesterday's range may span midnight
        if any(start <= at < end for start, end in _ranges_starting(hours, day, zone)):
            return True
    return False


def next_opening(hours, at):
    """The first instant at or after `at` when the team is open (UTC), `at` itself when open now, None if never."""
    hours = dict(DEFAULT_HOURS, **(hours or {}))
    if is_open(hours, at):
        return _as_utc(at)
    zone, at = ZoneInfo(hours['time_zone']), _as_utc(at)
    day = at.astimezone(zone).date()
    for offset in range(LOOKAHEAD_DAYS):
        starts = sorted(s for s, _ in _ranges_starting(hours, day + timedelta(days=offset), zone) if s > at)
        if starts:
            return starts[0]
    return None


def back_text(hours, at):
    """When the team is back, in plain words with the zone: 'Monday 09:00 (Europe/Paris time)'."""
    hours = dict(DEFAULT_HOURS, **(hours or {}))
    when = next_opening(hours, at)
    if when is None:
        return None
    zone = ZoneInfo(hours['time_zone'])
    local, now_local = when.astimezone(zone), _as_utc(at).astimezone(zone)
    days = (local.date() - now_local.date()).days
    day = 'today' if days == 0 else 'tomorrow' if days == 1 else DAY_NAMES[local.weekday()] if days < 7 \
        else '%s %d %s' % (DAY_NAMES[local.weekday()], local.day, local.strftime('%B'))
    return '%s at %s (%s time)' % (day, local.strftime('%H:%M'), hours['time_zone'])


def closed(hours, at, operators_online):
    """Should a request for a person be answered "we are away" (and offered the email form)?
    `operators_online` is called only when the setting asks for it."""
    hours = dict(DEFAULT_HOURS, **(hours or {}))
    if not is_open(hours, at):
        return True
    return bool(hours['offline_when_nobody_online']) and not operators_online()
