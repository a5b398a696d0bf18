"""The wire of analytics and CSAT: the range query of GET /agents/{id}/analytics, its CSV, the `csat` frame."""
import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

from chalicelib.domain.analytics import MAX_DAYS
from chalicelib.domain.csat import MAX_COMMENT
from chalicelib.protocol.fields import ProtocolError, id_field, text_field

RANGES = ('today', '7d', '30d')
_DATE = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}')


def parse_range(params):
    """`range=today|7d|30d` (default 7d), or `from=YYYY-MM-DD&to=YYYY-MM-DD` (local dates, at most MAX_DAYS
    days) → ('range', name) or ('dates', first, last); `format=json|csv`."""
    params = params or {}
    unknown = sorted(set(params) - {'range', 'from', 'to', 'format'})
    if unknown:
        raise ProtocolError('invalid_field', 'unknown query parameter(s); expected range, from, to, format',
                            'analytics')
    fmt = params.get('format', 'json')
    if fmt not in ('json', 'csv'):
        raise ProtocolError('invalid_field', 'format must be json or csv', 'analytics')
    if 'from' in params or 'to' in params:
        if 'range' in params:
            raise ProtocolError('invalid_field', 'give either range or from and to, not both', 'analytics')
        first, last = _date(params.get('from'), 'from'), _date(params.get('to'), 'to')
        span = (date.fromisoformat(last) - date.fromisoformat(first)).days + 1
        if not 1 <= span <= MAX_DAYS:
            raise ProtocolError('invalid_range', 'from must be on or before to, at most %d days apart' % MAX_DAYS,
                                'analytics')
        return ('dates', first, last), fmt
    name = params.get('range', '7d')
    if name not in RANGES:
        raise ProtocolError('invalid_field', 'range must be one of %s' % ', '.join(RANGES), 'analytics')
    return ('range', name), fmt


def _date(value, name):
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ProtocolError('invalid_field', '%s must be a date YYYY-MM-DD' % name, 'analytics')
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ProtocolError('invalid_field', '%s must be a date YYYY-MM-DD' % name, 'analytics')
    return value


def to_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\r\n')
    for row in rows:
        # A cell starting with = + - @ would be a formula to a spreadsheet (names come from operators).
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in ('=', '+', '-', '@') else c for c in row])
    return out.getvalue()


@dataclass(frozen=True)
class CsatFields:
    handoff_id: Optional[str] = None
    score: int = 0
    comment: Optional[str] = None


def parse_csat(data, action='csat'):
    """{handoff_id, score 1-5, comment?} → CsatFields."""
    handoff_id = id_field(data, 'handoff_id', action)
    score = data.get('score')
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ProtocolError('invalid_field', 'score must be an integer from 1 to 5', action)
    comment = data.get('comment')
    if comment is not None and isinstance(comment, str) and not comment.strip():
        comment = None
    comment = text_field({'comment': comment}, 'comment', action, required=False, limit=MAX_COMMENT)
    return CsatFields(handoff_id, score, comment.strip() if comment else None)

