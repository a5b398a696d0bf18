"""The handoff summary an operator reads on top of a handed-off conversation.

A `Summariser` turns `Facts` (the handoff, the visitor, the messages around the request, the
conversation's handoff transitions) into a small dict. The built-in `ExtractiveSummariser` only picks and
orders what is there: no model, no network, the same output for the same input. An LLM summariser (e.g.
through adapters/llm.py) implements the same `summarise` and is chosen in bootstrap; its text must be
checked against the facts like any model output, so the extractive fields stay alongside.
"""
from dataclasses import dataclass, field
from typing import Optional, Protocol, Sequence

MAX_QUESTIONS = 5
MAX_ANSWERS = 5
MAX_EARLIER = 5
TEXT_CHARS = 200            # each quoted message, in the summary
OUTCOMES = ('resolved', 'cancelled', 'acknowledged', 'pending')


@dataclass(frozen=True)
class Facts:
    handoff: Optional[dict]                  # the current (latest) handoff, as Handoff.to_dict()
    visitor: dict                            # as operators see it (protocol.summary): id, name?, verified
    messages: Sequence[dict] = ()            # stored messages around the request, in seq order
    transitions: Sequence[dict] = ()         # every stored transition record of the conversation, oldest first
    threshold: float = 0.35                  # the agent's bot confidence threshold
    request_seq: Optional[int] = None        # the seq of the current handoff's request notice
    extra: dict = field(default_factory=dict)


class Summariser(Protocol):
    name: str

    def summarise(self, facts: Facts) -> dict:
        """{'why', 'questions', 'bot_answers', 'visitor', 'earlier_handoffs', 'text'} (see ExtractiveSummariser)."""


def _short(text, limit=TEXT_CHARS):
    text = ' '.join((text or '').split())
    return text if len(text) <= limit else text[:limit - 1] + '…'


def _key(text):
    return ' '.join(''.join(c for c in text.lower() if c.isalnum() or c.isspace()).split())


class ExtractiveSummariser:
    name = 'extractive'

    def summarise(self, facts: Facts) -> dict:
        handoff = facts.handoff or {}
        reason = handoff.get('reason') or {}
        why = {'code': reason.get('code') or None, 'detail': reason.get('detail') or ''} if handoff else None
        msgs = [m for m in facts.messages if m.get('role') in ('visitor', 'bot')]
        # What the visitor asked: their messages up to the first operator reply, each once.
        first_reply = next((m['seq'] for m in facts.messages if m.get('role') == 'human'
                            and (facts.request_seq is None or m['seq'] > facts.request_seq)), None)
        questions, seen = [], set()
        for m in msgs:
            if m['role'] != 'visitor' or (first_reply is not None and m['seq'] > first_reply):
                continue
            k = _key(m.get('text') or '')
            if k and k not in seen:
                seen.add(k)
                questions.append(_short(m['text']))
        # What the bot answered, and how sure it was (welcome and declined notices are not answers).
        answers, previous = [], None
        for m in msgs:
            if m['role'] == 'visitor':
                previous = m
                continue
            meta = m.get('meta') or {}
            if meta.get('event') or 'confidence' not in meta:
                continue
            confidence = meta.get('confidence')
            answers.append({'question': _short(previous['text']) if previous else None, 'answer': _short(m['text']),
                            'confidence': confidence, 'entry_id': meta.get('entry_id'),
                            'understood': bool(meta.get('entry_id')) and isinstance(confidence, (int, float))
                            and confidence >= facts.threshold})
        visitor = {k: facts.visitor.get(k) for k in ('id', 'name', 'email') if facts.visitor.get(k)}
        visitor['verified'] = facts.visitor.get('verified') is True
        earlier = _earlier(facts.transitions, handoff.get('id'))
        out = {'summariser': self.name, 'why': why, 'questions': questions[-MAX_QUESTIONS:],
               'bot_answers': answers[-MAX_ANSWERS:], 'visitor': visitor, 'earlier_handoffs': earlier}
        out['text'] = render(out)
        return out


def _earlier(transitions, current_id):
    """The visitor's other handoffs in this conversation, newest first: reason, how it ended, by whom."""
    by_id = {}
    for r in transitions:
        hid = r.get('handoff_id')
        if not hid or hid == current_id:
            continue
        h = by_id.setdefault(hid, {'id': hid, 'requested_at': None, 'reason': None, 'outcome': None, 'by': None,
                                   'ended_at': None})
        if r.get('status') == 'requested':
            h['requested_at'] = r.get('at')
            h['reason'] = {'code': (r.get('reason') or {}).get('code'), 'detail': (r.get('reason') or {}).get('detail')}
        elif r.get('status') in OUTCOMES:
            h['outcome'] = r['status']
            h['ended_at'] = r.get('at')
            by = r.get('by') or {}
            h['by'] = by.get('name') if by.get('kind') == 'operator' else by.get('kind')
        else:                                          # e.g. a transfer: the handoff went on
            h['outcome'] = h['outcome'] or r.get('status')
    found = sorted(by_id.values(), key=lambda h: h['requested_at'] or h['ended_at'] or '', reverse=True)
    return found[:MAX_EARLIER]


def render(s):
    """The summary as plain text lines (the dashboard shows it as text, never as HTML)."""
    lines = []
    if s.get('why'):
        why = s['why']
        lines.append('Why: %s%s' % (why['code'] or 'unknown', ' (%s)' % why['detail'] if why.get('detail') else ''))
    v = s.get('visitor') or {}
    who = v.get('name') or v.get('email') or v.get('id') or 'visitor'
    lines.append('Visitor: %s, %s' % (who, 'verified' if v.get('verified') else 'not verified'))
    if s.get('questions'):
        lines.append('Asked: ' + ' | '.join(s['questions']))
    for a in s.get('bot_answers') or ():
        conf = a['confidence'] if isinstance(a['confidence'], (int, float)) else 0
        lines.append('Bot %s (confidence %.2f): %s' % ('answered' if a['understood'] else 'missed', conf, a['answer']))
    earlier = s.get('earlier_handoffs') or []
    if earlier:
        lines.append('Earlier handoffs: ' + '; '.join(
            '%s %s%s' % ((h.get('requested_at') or '')[:10], (h.get('reason') or {}).get('code') or '?',
                         ' → %s' % h['outcome'] if h.get('outcome') else '') for h in earlier))
    else:
        lines.append('Earlier handoffs: none')
    return '\n'.join(lines)


DEFAULT = ExtractiveSummariser()
