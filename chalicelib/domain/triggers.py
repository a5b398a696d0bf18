"""Handoff triggers: from a visitor message and what we know about the visitor, a reason or None.

Pure functions. Phrase lists are deliberately small and readable; an agent can switch each
trigger off in its settings.
"""
import functools
import re
import unicodedata

from chalicelib.domain.handoff import Reason

DEFAULT_TRIGGERS = {
    'phrases': True,      # "talk to a human" and friends
    'complaint': True,
    'billing': True,
    'sales': True,
    'vip': True,
    'bot_unable': True,   # the bot failed to answer twice in a row
}

BOT_MISSES_BEFORE_HANDOFF = 2

_HUMAN_PHRASES = [
    # English
    r'\b(talk|speak|chat)\s+(to|with)\s+(a|an|some)?\s*(human|person|people|agent|representative|rep|someone|somebody|operator|staff)\b',
    r'\breal\s+(person|human|people)\b', r'\bhuman\s+(agent|being|please)\b', r'\b(agent|human|operator)\s+please\b',
    r'\bcustomer\s+(service|support)\s+(agent|representative)\b', r'\bconnect\s+me\s+(to|with)\b',
    r'\b(want|need)\s+(a|an)\s+(human|person|agent)\b',
    # Spanish, French, German, Portuguese, Italian, Dutch
    r'\bhablar\s+con\s+(una\s+persona|un\s+humano|un\s+agente|alguien)\b', r'\bpersona\s+real\b',
    r'\bparler\s+(a|avec)\s+(un|une)\s+(humain|personne|agent|conseiller)\b', r'\bvraie\s+personne\b',
    r'\b(mit\s+)?(einem|einer)\s+(menschen|mitarbeiter|mitarbeiterin|person)\s+sprechen\b', r'\becht(en|er)?\s+mensch',
    r'\bfalar\s+com\s+(um|uma)\s+(humano|pessoa|atendente|agente)\b',
    r'\bparlare\s+con\s+(un|una)\s+(persona|operatore|umano)\b',
    r'\b(spreken|praten)\s+met\s+een\s+(mens|medewerker)\b', r'\bmet\s+een\s+(mens|medewerker)\s+(spreken|praten)\b',
    r'\bechte\s+persoon\b',
]
_COMPLAINT = [
    r'\b(terrible|awful|horrible|worst|unacceptable|ridiculous|disgusting|useless|pathetic|scam|furious|angry)\b',
    r'\b(complain|complaint|fed up|sick of|never again|rip[- ]?off)\b', r'\bwhat\s+the\s+hell\b',
]
_BILLING = [
    r'\b(refunds?|chargeback|charge\s*back|overcharged|double\s+charged|charged\s+twice|billing\s+(issue|problem|error|dispute))\b',
    r'\b(dispute|wrong\s+amount|money\s+back|cancel\s+my\s+subscription|unauthori[sz]ed\s+charge)\b',
]
_SALES = [
    r'\b(enterprise|bulk\s+order|wholesale|volume\s+discount|custom\s+quote|quotation|procurement)\b',
    r'\b(request|book|schedule)\s+a\s+demo\b', r'\bpricing\s+for\s+(my|our)\s+(team|company)\b',
    r'\b(buy|purchase|order\s+of)\s+(\d{3,}|hundreds|thousands)\b(?!\s*(#|number))', r'\b\d{3,}\s+(units|licen[cs]es|seats|pieces)\b',
]


_PATTERNS = {'phrases': _HUMAN_PHRASES, 'complaint': _COMPLAINT, 'billing': _BILLING, 'sales': _SALES}


@functools.lru_cache(maxsize=None)
def _regex(name):
    """Compiled on first use, not at import: it keeps the Lambda cold start short."""
    return re.compile('|'.join('(?:%s)' % p for p in _PATTERNS[name]), re.IGNORECASE)


def _fold(text):
    """Lower-case, accents removed, so 'Hablar con una persona' and 'parler à un humain' match."""
    decomposed = unicodedata.normalize('NFKD', text)
    return ''.join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _shouting(text):
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.8 and '!' in text


def enabled(settings_triggers):
    merged = dict(DEFAULT_TRIGGERS)
    merged.update(settings_triggers or {})
    return merged


def detect(text, visitor, triggers, previous_handoffs=0):
    """The reason this message should go to a person, or None. Checked in order of urgency."""
    on = enabled(triggers)
    folded = _fold(text)
    match = on['phrases'] and _regex('phrases').search(folded)
    if match:
        return Reason('visitor_request', 'asked: "%s"' % match.group(0))
    for code in ('billing', 'complaint', 'sales'):
        match = on[code] and _regex(code).search(folded)
        if match:
            return Reason(code, 'matched "%s"' % match.group(0))
    if on['complaint'] and _shouting(text):
        return Reason('complaint', 'message in capitals')
    # A VIP goes to a person once; after that handoff closes, the bot may serve them again.
    if on['vip'] and (visitor or {}).get('vip') and previous_handoffs == 0:
        return Reason('vip', 'visitor marked VIP by the site')
    return None


def after_bot_miss(consecutive_misses, triggers):
    """Reason to hand off after the bot failed to answer `consecutive_misses` times in a row."""
    if enabled(triggers)['bot_unable'] and consecutive_misses >= BOT_MISSES_BEFORE_HANDOFF:
        return Reason('bot_unable', 'the bot could not answer %d times in a row' % consecutive_misses)
    return None
