"""Knowledge-gap suggestions: what visitors asked that the bot could not answer and a person then did.

Pure rules, no I/O:
  - `occurrence(...)`: from one resolved handoff's messages, the visitor's unanswered questions and the
    operator's answer (None when there is nothing to learn: no question, or no operator reply);
  - `match_group(...)`: which stored group asks the same thing, judged by the bot's own responder
    (chalicelib.domain.bot.KnowledgeBaseResponder): each group is read as a knowledge entry (its question,
    its other phrasings as alternates), so "the same question" means exactly what the bot would treat
    as the same question once the group is accepted;
  - `add(group, occ)`: the group with one more occurrence (bounded lists);
  - `asked_within(group, now, days)` and `ranked(...)`: "asked 7 times in the last 14 days", most first.

Which visitor messages count as questions: a visitor message the bot answered with a miss (no entry, or
a confidence under the agent's threshold), and a visitor message written while the handoff waited for a
person (before the first operator reply); never the message that asked for a person itself (reason
visitor_request/sales) unless the bot had missed it, and never a message with fewer than two content words
("hello?", "anyone there"). The draft answer is the operator's longest reply: the first one is often a
greeting ("Hi, let me check"), the longest is usually the answer.
"""
from datetime import datetime, timedelta

from chalicelib.domain.bot import Entry, KnowledgeBaseResponder, analyse, detect_language
from chalicelib.domain.language import DEFAULT as DEFAULT_LANG

MAX_QUESTIONS = 3          # questions kept from one handoff
QUESTION_CHARS = 300
ANSWER_CHARS = 2000
MAX_EXAMPLES = 5           # distinct phrasings kept on a group (become the entry's alternates)
MAX_TIMES = 50             # occurrence timestamps kept (the "asked N times" window reads them)
MAX_HANDOFFS = 50          # handoff ids kept: a redelivered event is recognised and counted once
MAX_LINKS = 5              # conversation links kept (newest first)
MATCH_THRESHOLD = 0.35     # the responder's own default threshold: "the bot would call this the same"
WINDOW_DAYS = 14
_ASK_REASONS = frozenset({'visitor_request', 'sales'})


def _content_words(text):
    lang = detect_language(text) or DEFAULT_LANG
    return len(analyse(text, lang))


def _missed(bot_message, threshold):
    meta = (bot_message or {}).get('meta') or {}
    if meta.get('event'):                 # a welcome, a declined-handoff notice: not an answer
        return False
    confidence = meta.get('confidence')
    return not meta.get('entry_id') or not isinstance(confidence, (int, float)) or confidence < threshold


def occurrence(messages, request_seq, threshold, reason_code=None):
    """{'questions': [...], 'answer': str} from the messages around one handoff (in seq order: from the
    end of the previous handoff to this one's resolution), or None when there is nothing to suggest.
    `request_seq` is the seq of the handoff's 'requested' notice."""
    questions = []
    first_reply = next((m['seq'] for m in messages if m['role'] == 'human' and m['seq'] > request_seq), None)
    if first_reply is None:
        return None
    by_seq = {m['seq']: m for m in messages}
    for m in messages:
        if m['role'] != 'visitor' or m['seq'] >= first_reply:
            continue
        text = (m.get('text') or '').strip()
        if not text or _content_words(text) < 2:
            continue
        if m['seq'] < request_seq:
            following = by_seq.get(m['seq'] + 1)
            bot_missed = following is not None and following['role'] == 'bot' and _missed(following, threshold)
            is_trigger = m['seq'] == request_seq - 1        # the message a detection trigger handed off
            if not bot_missed and not (is_trigger and reason_code not in _ASK_REASONS):
                continue
        questions.append(text[:QUESTION_CHARS])
    questions = _dedupe(questions)[:MAX_QUESTIONS]
    replies = [m['text'] for m in messages if m['role'] == 'human' and m['seq'] > request_seq and m.get('text')]
    if not questions or not replies:
        return None
    return {'questions': questions, 'answer': max(replies, key=len)[:ANSWER_CHARS]}


def _dedupe(texts):
    seen, out = set(), []
    for t in texts:
        k = ' '.join(''.join(c for c in t.lower() if c.isalnum() or c.isspace()).split())
        if k and k not in seen:
            seen.add(k)
            out.append(t)
    return out


def as_entry(group):
    """A group read as a knowledge entry: what the responder compares a new question with (the draft answer
    too, weighted low as the responder weighs answers: "collect my order from your shop" and "click and
    collect at the store" meet through the answer that names both)."""
    examples = [q for q in group.get('examples') or () if q != group['question']]
    return Entry(group['id'], group['question'], group.get('answer') or '', tuple(examples))


_RESPONDER = KnowledgeBaseResponder(threshold=MATCH_THRESHOLD)


def match_group(questions, groups, threshold=MATCH_THRESHOLD):
    """The id of the group asking the same thing as any of `questions` (the best scoring), or None."""
    if not groups:
        return None
    entries = [as_entry(g) for g in groups]
    best = (0.0, None)
    for q in questions:
        a = _RESPONDER.answer(q, entries, threshold)
        if a.entry_id and a.confidence >= threshold and a.confidence > best[0]:
            best = (a.confidence, a.entry_id)
    return best[1]


def new_group(group_id, occ, handoff_id, conversation_id, at):
    group = {'id': group_id, 'question': occ['questions'][0], 'answer': occ['answer'], 'examples': [],
             'times': [], 'handoffs': [], 'conversations': [], 'count': 0, 'first_at': at, 'last_at': at}
    return add(group, occ, handoff_id, conversation_id, at)


def add(group, occ, handoff_id, conversation_id, at):
    """The group with this handoff counted once more (a handoff already counted changes nothing)."""
    if handoff_id in (group.get('handoffs') or ()):
        return group
    g = dict(group)
    g['examples'] = _dedupe(list(g.get('examples') or []) + list(occ['questions']))[:MAX_EXAMPLES]
    g['times'] = (list(g.get('times') or []) + [at])[-MAX_TIMES:]
    g['handoffs'] = (list(g.get('handoffs') or []) + [handoff_id])[-MAX_HANDOFFS:]
    g['conversations'] = ([conversation_id] if conversation_id else [])[:1] + [
        c for c in g.get('conversations') or [] if c != conversation_id][:MAX_LINKS - 1]
    g['count'] = int(g.get('count') or 0) + 1
    g['answer'] = occ['answer']          # the newest operator answer: the freshest wording of the facts
    g['last_at'] = max(at, g.get('last_at') or at)
    return g


def _parse(ts):
    return datetime.fromisoformat(ts.replace('Z', '+00:00'))


def asked_within(group, now, days=WINDOW_DAYS):
    """How many of the group's (kept) occurrences fall in the last `days` days before `now`."""
    since = _parse(now) - timedelta(days=days)
    return sum(1 for t in group.get('times') or () if _parse(t) >= since)


def ranked(groups, now, days=WINDOW_DAYS):
    """Groups with `recent` (asked within the window), most asked first, then the most recently asked."""
    out = [dict(g, recent=asked_within(g, now, days)) for g in groups]
    out.sort(key=lambda g: g.get('last_at') or '', reverse=True)
    out.sort(key=lambda g: (g['recent'], g.get('count') or 0), reverse=True)
    return out
