"""CSAT: the visitor's "How did we do?" after a handoff is resolved. One answer per handoff, stored on it.

Pure: returns a Change for the unit of work. The conversation's seq condition makes the "once" hold under
a race: the second writer re-reads, finds the rating and is refused with `csat_already_given`.
"""
from dataclasses import replace

from chalicelib.domain.conversation import Change, message, preview
from chalicelib.domain.handoff import HandoffError, Status

EVENT = 'handoff.csat'
MAX_COMMENT = 1000


def rate(conv, handoff_id, score, comment, now) -> Change:
    """The rating of the conversation's latest handoff, which must be `handoff_id` and resolved; a system
    message in the transcript shows it to the operators (and thanks the visitor)."""
    h = conv.handoff
    if h is None or h.id != handoff_id or h.status != Status.RESOLVED:
        raise HandoffError('csat_not_open', 'only the latest resolved handoff of this conversation can be rated')
    if h.csat:
        raise HandoffError('csat_already_given', 'this handoff was already rated', csat=dict(h.csat))
    csat = {'score': score, 'at': now}
    if comment:
        csat['comment'] = comment
    rated = replace(h, csat=csat)
    meta = {'event': EVENT, 'handoff_id': h.id, 'score': score}
    if comment:
        meta['comment'] = comment
    msg = message(conv.seq + 1, 'system', 'Thanks for your feedback: %d/5.' % score, now, meta=meta)
    return Change((msg,), {'handoff': rated, 'last_message': preview(msg), 'updated_at': now}, previous=h)
