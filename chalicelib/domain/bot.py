"""The bot: a small responder interface and the built-in knowledge-base responder.

The built-in responder is TF-IDF cosine similarity in plain Python: a knowledge base holds
tens to hundreds of entries, and numpy would add ~30 MB to every cold start for no gain here.
An LLM responder (e.g. Amazon Bedrock) implements the same `answer` method.
"""
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Optional, Protocol, Sequence

FALLBACK = "I'm not sure I can answer that. Could you rephrase it, or ask to talk to a person?"
DECLINED = ("Human support isn't available in this chat right now, but I'll keep helping you. "
            "Could you tell me a bit more about what you need?")
ERROR = "Sorry, something went wrong on my side. Please try again in a moment."

_STOP = frozenset('''a an the and or but if of to in on at for from by with about as is are was were be been
being do does did have has had i me my we our you your it its this that these those what which who whom how
when where why can could would should will shall may might must there here please hi hello hey thanks thank
any some not no so than then too very just also'''.split())


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    answer: str


@dataclass(frozen=True)
class BotAnswer:
    text: str
    confidence: float
    entry_id: Optional[str] = None

    def understood(self, threshold):
        return self.entry_id is not None and self.confidence >= threshold


class Responder(Protocol):
    def answer(self, text: str, entries: Sequence[Entry], threshold: Optional[float] = None,
               transcript: Sequence[dict] = ()) -> BotAnswer:
        """Answer `text`, or say it does not know below `threshold`. `transcript` (for an LLM)
        leaves out system notices, so a model is never told by the transcript to stay silent."""


def _stem(word):
    for suffix in ('ing', 'ed', 'es', 's'):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[:-len(suffix)]
    return word


def tokens(text):
    return [_stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP]


class KnowledgeBaseResponder:
    """Picks the entry whose question (and, weighted lower, answer) is closest to the message."""

    def __init__(self, threshold=0.35):
        self.threshold = threshold

    def answer(self, text, entries, threshold=None, transcript=()):
        threshold = self.threshold if threshold is None else threshold
        query = Counter(tokens(text))
        if not entries or not query:
            return BotAnswer(FALLBACK, 0.0)
        docs = [Counter(tokens(e.question)) + Counter(tokens(e.question)) + Counter(tokens(e.answer))
                for e in entries]
        n = len(docs)
        df = Counter(t for d in docs for t in set(d))
        idf = {t: math.log((n + 1) / (df[t] + 0.5)) + 1.0 for t in df}

        def vec(counts):
            return {t: c * idf.get(t, math.log(n + 1) + 1.0) for t, c in counts.items()}

        q = vec(query)
        q_norm = math.sqrt(sum(v * v for v in q.values()))
        best, best_score = None, 0.0
        for entry, doc in zip(entries, docs):
            d = vec(doc)
            dot = sum(q[t] * d[t] for t in q if t in d)
            if not dot:
                continue
            score = dot / (q_norm * math.sqrt(sum(v * v for v in d.values())))
            # Cosine against a long entry undersells an exact hit on its keywords: blend in the
            # share of the query's weight that the entry covers.
            coverage = sum(q[t] for t in q if t in d) / sum(q.values())
            score = 0.5 * score + 0.5 * coverage
            if score > best_score:
                best, best_score = entry, score
        if best is None or best_score < threshold:
            return BotAnswer(FALLBACK, round(best_score, 3))
        return BotAnswer(best.answer, round(best_score, 3), best.id)
