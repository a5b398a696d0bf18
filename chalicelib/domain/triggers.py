"""Handoff triggers: from a visitor message and what we know about the visitor, a reason or None.

Pure functions, no I/O. An agent can switch each trigger off in its settings (DEFAULT_TRIGGERS).

How a message is judged (all seven languages at once: EN, ES, FR, DE, PT, IT, NL; no language
detection, because visitor messages are short and often mixed):

1. Normalise: Unicode accents folded away, lower case, ß -> ss, curly apostrophes straightened,
   English "n't" kept as one word (don't -> dont), other elisions split (l'ordine -> l ordine).
2. Patterns are written over stems (word prefixes such as `desesper` for desesperado/desesperada/
   désespéré), over lemma lists, and over small grammatical frames: a request verb within a few
   words of a noun for a person ("talk ... to a real person", "mit einem Menschen sprechen"), a
   number followed by a product or people noun (quantity, company size), a charge verb followed by
   "twice", an amount and a contrast ("billed £45 when the checkout said £30").
3. Negation scope: a match is dropped when a negator (not, don't, no, sin, pas, kein, não, non,
   geen, ...) stands earlier in the same clause (clauses end at punctuation and at "but"/"pero"/
   "mais"/"aber"/...), or inside the match ("ich brauche keinen Menschen").
4. Policy questions are not disputes: "what is your refund policy" mentions refunds but claims
   nothing happened; a billing reason needs a claim (charged twice, still no refund, I want my
   money back, a charge I never authorised, an amount that differs from the price).
5. Order of urgency when several apply: an explicit request for a person, then emotional distress,
   a complex (multi-problem or repeated) case, a billing dispute, a complaint, a sales lead, a VIP.
   A request for a person that names the sales team is a sales lead.
6. When no rule fires, a small Naive Bayes model over character n-grams (detector_model.py, weights in
   detector_model.json, trained from the dev split by `python -m benchmarks.train_detector`) may still
   name a class, only when it is far more likely than "no handoff" (a margin chosen by cross-validation
   on dev to keep false handoffs under 1 %). It catches paraphrases the word lists do not know. It
   never hands off for a class the visitor negated ("I don't need a human" stays None).
7. Complex cases also look at `recent` (the visitor's previous messages): the same request rephrased
   again ("I'll ask again", or content words shared with two earlier messages), or a long thread of
   upset or repeating messages.
8. Near misses that look like a class: words someone else said, in quotes ("the chat said 'a human
   will contact you'"), do not count as the visitor's request; a hypothesis or "just asking" is not a
   billing dispute ("if I were charged twice, how would I get it back?"); someone else's or another
   shop's trouble is neither billing nor complaint; a past report ("ayer hablé con alguien y ya está
   resuelto") is not a request; a fear said laughing or about a size is not distress; asking whether a
   phone line or live chat exists is not asking for a person ("is your team available on Saturday?").
9. Indirect requests for a person are frames over "someone" (a colleague, one of your team, alguien,
   quelqu'un, jemand, alguém, qualcuno, iemand): someone asked to look at the case, to contact the
   visitor, to be available now, or someone who can decide; plus who-to-turn-to questions and callbacks
   in every person and tense.

Why stems over folded text rather than snowballstemmer or a lemmatiser: a stemmer needs the
message's language, and chat messages are short (one to twenty words) and often mixed, so language
identification is unreliable exactly where it matters; hand-chosen prefixes work for all seven
languages at once, need no data files, and cost one regular-expression pass per group. Measured on
benchmarks/data/detection (python -m benchmarks.detection_eval).
"""
import functools
import re
import unicodedata

from chalicelib.domain.handoff import Reason

DEFAULT_TRIGGERS = {
    'phrases': True,      # "talk to a human" and friends (reason visitor_request)
    'complaint': True,
    'billing': True,      # billing disputes, not questions about a policy
    'sales': True,        # quotes, bulk/corporate/wholesale orders, quantities, company size
    'vip': True,
    'bot_unable': True,   # the bot failed to answer twice in a row
    'emotional': True,    # distress, anxiety, grief, urgency about safety or money
    'complex': True,      # several problems in one message, repeated rephrasing, a long escalating thread
}

BOT_MISSES_BEFORE_HANDOFF = 2
RECENT_LIMIT = 5


# ---- normalisation -------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({'\u2019': "'", '\u2018': "'", '\u00b4': "'", '`': "'", '\u02bc': "'"})
_LIGATURES = str.maketrans({'ß': 'ss', 'œ': 'oe', 'æ': 'ae', 'ø': 'o', 'ł': 'l'})


def _fold(text):
    """Lower-case, accents removed, so 'Hablar con una persona' and 'parler à un humain' match."""
    decomposed = unicodedata.normalize('NFKD', text.lower().translate(_LIGATURES))
    return ''.join(c for c in decomposed if not unicodedata.combining(c))


_REPORTED = re.compile(
    r"(?<!\bi )(?<!\bI )\b(?:said|says|say|told me|wrote|writes|dijo|dice|decia|pone|ponia|a dit|dit|disait|ecrit|indique|sagte|sagt|stand|steht|schrieb|"
    r"disse|diz|dizia|escreveu|aparece|ha detto|dice|diceva|scritto|c era scritto|zei|zegt|stond|staat|schreef)\s*:?\s*"
    r"(?:'[^'\n]{2,120}'(?!\w)|\"[^\"\n]{2,120}\"|\u201c[^\u201d\n]{2,120}\u201d|\u00ab[^\u00bb\n]{2,120}\u00bb|\u201e[^\u201c\u201d\n]{2,120}[\u201c\u201d]|\u2018[^\u2019\n]{2,120}\u2019)")


def _unquote(text):
    """Words someone else said, quoted ("the chat said 'a human will contact you'", "mi hermana dice
    'pide un encargado'") are not the visitor's own request: blanked out for the request-for-a-person rules
    and the model (a quoted status such as "it says 'payment failed'" still counts for billing)."""
    return _REPORTED.sub(lambda m: m.group(0)[:m.group(0).index(m.group(0).lstrip()[0])] + ' (quote) ' if False else
                         text[m.start():m.start() + len(m.group(0)) - len(m.group(0).lstrip())] + _reported_verb(m.group(0)) + ' "…"', text)


def _reported_verb(s):
    return re.split(r'\s*:?\s*[\'"\u201c\u00ab\u201e\u2018]', s, maxsplit=1)[0]


def normalise(text):
    t = _fold((text or '').translate(_APOSTROPHES))
    t = re.sub(r"(\w)n't\b", r'\1nt', t)            # don't -> dont, can't -> cant (English negation stays one word)
    t = re.sub(r"(\w)'(\w)", r'\1 \2', t)            # l'ordine -> l ordine, n'ai -> n ai, i'm -> i m
    t = t.replace("'", ' ').replace('-', ' ')
    return re.sub(r'\s+', ' ', t).strip()


# ---- pattern helpers -----------------------------------------------------------------------------

def _gap(n):
    """Up to n words in between, inside one clause (no . , ; ! ? in between)."""
    return r'(?:[^\w.,;!?]+\w+){0,%d}?[^\w.,;!?]+' % n


def _gapc(n):
    """Up to n words in between, commas and full stops allowed (for frames that span a relative clause)."""
    return r'(?:\W+\w+){0,%d}?\W+' % n


def _alt(*words):
    return '(?:%s)' % '|'.join(words)


def _compile(patterns):
    return re.compile('|'.join('(?:%s)' % p for p in patterns))


class _Lazy:
    """A regular expression compiled on first use, not at import: it keeps the Lambda cold start short."""
    __slots__ = ('pattern', '_compiled')

    def __init__(self, pattern):
        self.pattern = pattern
        self._compiled = None

    def __getattr__(self, name):
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return getattr(self._compiled, name)


# ---- negation ------------------------------------------------------------------------------------

_NEGATORS = frozenset('''
not dont doesnt didnt isnt arent wasnt never no without nor neither nobody
nunca sin ni ningun ninguno ninguna nada tampoco
ne n pas jamais sans aucun aucune
nicht kein keine keinen keiner keinem keines nie niemals ohne
nao nem nenhum nenhuma sem
non mai senza nessun nessuno nessuna
niet geen nooit zonder hoef hoeft
'''.split())
_CLAUSE_BREAK = _Lazy(r'[.;!?,:()]|\b(?:but|pero|mais|aber|sondern|mas|ma|maar|just|solo|juste|nur|alleen|gewoon|so|only|sino)\b')


def _negated(t, start, end, window=5, after=0, inside=False):
    """A negator earlier in the same clause (at most `window` words back), inside the match, or
    (German/Dutch verb-second: "ich beschwere mich nicht") within `after` words after it."""
    before = t[:start]
    cut = 0
    for m in _CLAUSE_BREAK.finditer(before):
        cut = m.end()
    words = re.findall(r'\w+', before[cut:])[-window:]
    if inside:
        words += re.findall(r'\w+', t[start:end])
    if after:
        tail = _CLAUSE_BREAK.split(t[end:], maxsplit=1)[0]
        words += [w for w in re.findall(r'\w+', tail)[:after] if w in ('nicht', 'niet', 'pas', 'not')]
    return any(w in _NEGATORS or w.startswith('kein') for w in words)


def _first(regex, t, window=5, after=0, negation=True, inside=False):
    """First match of `regex` in t that is not negated, or None."""
    for m in regex.finditer(t):
        if not negation or not _negated(t, m.start(), m.end(), window, after, inside):
            return m
    return None


def _quote(m, limit=60):
    text = re.sub(r'\s+', ' ', m.group(0)).strip(' ,.;:')
    return text if len(text) <= limit else text[:limit - 1] + '…'


# ---- 1. asking for a person ----------------------------------------------------------------------

_REQ_VERB = _alt(
    r'talk\w*', r'speak\w*', r'chat(?:ting)? (?:with|to)', r'connect\w*', r'transfer\w*', r'put me (?:through|in touch)', r'put through',
    r'pass me', r'escalat\w*', r'escalad(?:er|ez)', r'(?:have|had) a (?:quick )?word', r'contact', r'reach', r'get in touch', r'hand (?:me |this |it )?over',
    r'contatt\w*', r'kontaktier\w*', r'contacter', r'contatar',
    r'habl\w+', r'comunica\w*', r'pas(?:a|e|ar|ame|as|en|ad|adme)', r'pon(?:me|es|ga|gan|er|gas)', r'atien\w+',
    r'atend\w+', r'transfier\w*', r'transfer\w*', r'contactar',
    r'parl\w+', r'pass(?:er|ez|e)', r'mett\w+ en (?:relation|contact)', r'mett\w+', r'joindre', r'servie?s?',
    r'sprech\w*', r'red(?:en|e)', r'verbind\w*', r'verbunden', r'weiterleit\w*', r'weiterverbinden', r'bedient',
    r'fal(?:ar|a|o|e)', r'passa\w*', r'transfere', r'transfira',
    r'parla\w*', r'passami', r'passi', r'geben sie mir', r'gib mir', r'passarmi', r'pu[oò] passare', r'mettimi', r'mettermi', r'seguit[oa]',
    r'spre(?:ken|ek|ekt)', r'prat(?:en|e)', r'praat', r'doorverbind\w*', r'doorverbonden', r'zet me door',
    r'geholpen', r'verbind',
    # being helped/advised by (a person); fetching someone
    r'conseill(?:e|ee|es|er)', r'asesorad[oa]', r'beraten', r'beratung', r'aconselhad[oa]', r'consigliat[oa]', r'advies',
    r'discuss\w*', r'explain (?:this|it|my \w+)', r'chate\w*', r'chatt\w*', r'raise (?:this|it)', r'regel(?:en|t)', r'chiarir\w*', r'clarify', r'coment(?:ar|arlo|arla|arlos)', r'discut(?:er|ir|ere)', r'besprech\w*', r'bespreken', r'overleggen', r'conversar',
    r'hol', r'haal', r'chama', r'chiama\w*', r'llama', r'appelle\w*', r'fetch', r'call',
    r'erreichen', r'raggiungere', r'bereiken', r'get hold of', r'alcanzar',
    r'contacted', r'contactad[oa]', r'contacte\w*', r'kontaktiert', r'contatad[oa]', r'contattat[oa]', r'gecontacteerd')
_WANT_VERB = _alt(r'want\w*', r'wanna', r'need\w*', r'get', r'give me', r'prefer\w*', r'like', r'have', r'demand\w*',
                  r'aimerais', r'gustaria', r'gostaria', r'zou graag', r'faut', r'hace falta', r'bisogno',
                  r'gib mir', r'geef me', r'dame', r'donne moi', r'dammi', r'me da', r'me de', r'exijo', r'exige', r'verlange', r'pretendo', r'eis',
                  r'quiero', r'necesit\w+', r'prefier\w+', r'veux', r'voudrais', r'besoin', r'prefere\w*',
                  r'will', r'mochte\w*', r'brauch\w*', r'hatte gern', r'quer\w*', r'precis\w+', r'prefir\w+',
                  r'voglio', r'vorrei', r'serve', r'preferi\w+', r'wil', r'wens', r'nodig', r'graag')
_PERSON_STRONG = _alt(
    r'humans?', r'human beings?', r'humano', r'humain\w*', r'umano', r'mens', r'mensch(?:en)?',
    r'real (?:person|human|people|someone|agent)', r'actual (?:person|human|people|agent)', r'live (?:agents?|persons?|people|chat|support)',
    r'agent', r'agente', r'agents', r'operator', r'operador\w*', r'operatore', r'operatrice', r'operateur\w*',
    r'representative', r'rep', r'manager', r'supervisor', r'gerente', r'encargad[oa]', r'responsable',
    r'responsabile', r'vorgesetzt\w*', r'leidinggevende', r'(?<!\bme )(?<!\bm )(?<!\bnous )(?<!\bvous )(?<!\bte )conseill\w+', r'atendente', r'berater\w*',
    r'mitarbeiter\w*', r'medewerker', r'(?:persona|pessoa) (?:real|de verdad|de verdade)', r'persona vera',
    r'vraie personne', r'personne reelle', r'echt\w* (?:person|persoon|mens\w*)', r'in carne e ossa',
    r'(?:someone|somebody|anybody|anyone) real', r'quelqu un de reel', r'alguien (?:de verdad|real)', r'alguem de verdade',
    r'jemand echt\w*', r'qualcuno di reale', r'iemand echt', r'addett[oa]',
    r'(?:real|actual|vrai|vraie|vero|vera|echte?[nrs]?) (?:employee|staff member|employe|mitarbeiter\w*|angestellte\w*|dipendente|funcionario|medewerker|werknemer)',
    r'(?:empleado|funcionario|dipendente|employe|employee) (?:de verdad|de verdade|real|vero|en chair et en os)',
    r'advis[oe]rs?', r'asesor\w*', r'consultor\w*', r'consulente', r'adviseur\w*', r'ansprechpartner\w*',
    r'proper (?:person|human)', r'(?:your|tu|su|vuestro|vuestra|votre|vos|ihren?|eure?n?|seu|sua|pro seu|suo|vostro|uw|jullie) (?:colleague|companer[oa]|collegue|kollegin|kollegen?|colega|collega)s?', r'consulent[ei]', r'responsavel', r'verantwortlich\w*', r'zustandig\w*', r'verantwoordelijke', r'staff member', r'member of staff', r'boss', r'jefe', r'chef', r'chefe', r'capo', r'baas', r'superviseur', r'supervisore', r'superior',
    r'(?:operador|operateur|operatore|agente|agent|atendente) (?:humano|humain|umano|humana)',
    r'menschlich\w* \w+', r'menselijk\w* \w+', r'essere umano', r'ser humano', r'etre humain')
_PERSON_WEAK = _alt(
    r'person', r'people', r'persona', r'personne', r'pessoa', r'persoon', r'someone', r'somebody', r'anyone',
    r'alguien', r'alguem', r'quelqu un', r'jemand\w*', r'qualcuno', r'iemand', r'staff', r'team', r'equipo',
    r'equipe', r'employee\w*', r'(?:customer|client) (?:services?|support|care)', r'support', r'support team',
    r'atencion al cliente', r'servicio al cliente', r'service (?:client|clientele)', r'kundenservice',
    r'kundendienst', r'kundenbetreuung', r'atendimento', r'assistenza(?: clienti)?', r'servizio clienti',
    r'klantenservice', r'helpdesk', r'help desk', r'soporte',
    r'(?:billing|accounts|returns|finance|complaints|payments) (?:team|department|dept|desk)', r'service (?:facturation|comptabilite|retours|reclamations)',
    r'(?:equipo|departamento|area) de (?:facturacion|devoluciones|contabilidad|cobros)', r'buchhaltung', r'rechnungsabteilung', r'retourenabteilung',
    r'(?:setor|departamento|equipe) (?:de|do) (?:cobranca|faturamento|financeiro|devolucoes)', r'ufficio (?:fatturazione|amministrazione|resi|contabilita)',
    r'afdeling (?:facturatie|boekhouding|retouren|debiteuren)', r'complaints? (?:department|dept|team|desk)', r'departamento de reclamaciones',
    r'service (?:des )?reclamations', r'beschwerdeabteilung', r'beschwerdestelle', r'(?:setor|departamento) de reclamacoes', r'ufficio reclami', r'klachtenafdeling', r'klachtendienst')
_PLEASE = _alt(r'please', r'pls', r'plz', r'now', r'asap', r'maintenant', r'jetzt', r'sofort', r'agora', r'subito', r'por favor', r'porfa', r'svp', r's il vous plait', r's il te plait',
               r'bitte', r'per favore', r'graag', r'aub', r'alsjeblieft', r'alstublieft')
_MODAL = _alt(r'can', r'could', r'puede', r'podria', r'peut', r'pourrait', r'kann', r'konnte', r'pode', r'poderia', r'puo',
              r'potrebbe', r'kan', r'kunnen')
# Frames "A, then B at most N words later in the same clause". The word lists are matched once each and the
# distances checked in Python: one regex per list instead of every list repeated in every frame keeps the
# first-message compile short.
_HUMAN_TOKENS = {
    'req': r'\b%s\b' % _REQ_VERB,
    'req_final': r'\b(?:talk|speak|chat with|weiter|klaren|besprechen|regeln|sprechen|reden|verbinden|verbunden|weiterleiten|weiterverbinden|bedient|beraten|erreichen|'
                 r'spreken|praten|doorverbinden|doorverbonden|geholpen|bereiken|spreche|rede|spreek|praat|atendid[oa])\b', 'want': r'\b%s\b' % _WANT_VERB, 'please': r'\b%s\b' % _PLEASE,
    'person': r'\b%s\b' % _alt(_PERSON_STRONG, _PERSON_WEAK), 'strong': r'\b%s\b' % _PERSON_STRONG,
    'modal': r'\b%s\b' % _MODAL, 'help': r'\b(?:help|hilfe|ayuda|aide|ajuda|aiuto|hulp)\b', 'person_or_one': r'%s\b' % _alt(_PERSON_STRONG, _PERSON_WEAK, r'one', r'body'),
    'is_there': r'\b(?:is|are) there (?:(?:any|some|an|a)(?:one|body)?)\b',
    'there_is': r'\b(?:hay|il y a|gibt es|ist da|sind da|tem|ha|c e|ci sono|is er|zijn er)',
}
_SOMEONE = _alt(r'(?:a |one of )?(?:your )?colleagues?(?: of yours)?', r'(?:un )?companer[oa]s? (?:suy[oa]s?|vuestr[oa]s?|tuy[oa]s?)',
                r'(?:un de )?(?:vos |votre )?collegues?', r'(?:ein(?:e|er)? )?kolleg(?:e|in|en)(?: von (?:ihnen|euch))?', r'(?:um )?colega (?:seu|sua|de voces)',
                r'(?:un )?(?:suo |vostro )collega', r'(?:een )?collega (?:van u|van jullie)', r'someone', r'somebody', r'anyone', r'anybody', r'(?:a )?member of (?:your )?(?:staff|team)', r'staff member', r'(?:one|any) of your (?:team|staff|colleagues)',
                r'(?:a |an )?(?:actual |real )?(?:person|human)', r'alguien', r'una persona', r'quelqu un', r'une personne', r'jemand\w*', r'ein(?:e)? (?:mensch|person|mitarbeiter\w*)',
                r'alguem', r'uma pessoa', r'qualcuno', r'una persona', r'iemand', r'een (?:persoon|mens|medewerker)')
_LOOK_VERB = _alt(r'look\w*', r'check\w*', r'review\w*', r'handle', r'deal with', r'sort (?:it|this|me)', r'investigat\w*', r'examin\w*',
                  r'revis\w*', r'mir(?:e|en|ar|ara|ase|e usted)', r'echar? un vistazo', r'ech(?:e|en) un vistazo', r'ocup\w*', r'verific\w*', r'comprob\w*',
                  r'regard\w*', r'jet(?:er|te|tez) un (?:oeil|coup d oeil)', r'occup\w*', r'traiter',
                  r'anschau\w*', r'anseh\w*', r'ansieht', r'angucken', r'anguckt', r'pruf\w*', r'nachseh\w*', r'nachschau\w*', r'kummer\w*', r'kummert', r'drauf schau\w*',
                  r'olh\w*', r'dar uma olhada', r'analis\w*', r'esamin\w*', r'ver (?:isso|isto|o meu|meu|minha)', r'cuid\w*',
                  r'controll\w*', r'guard\w*', r'dare un occhiata', r'occup\w*',
                  r'kijk\w*', r'nakijk\w*', r'bekijk\w*', r'naar kijken', r'controleer\w*', r'uitzoek\w*')
_CONTACT_ME = _alt(r'get in touch', r'contact me', r'call me', r'ring me', r'phone me', r'e ?mail me(?! (?:the|a|an|your|my|our|some|it|this|that|them)\b)', r'reply to me', r'get back to me', r'write to me', r'message me',
                   r'me (?:contacte\w*|llam\w+|escrib\w+|respond\w+|conteste\w*)', r'contactarme', r'llamarme', r'escribirme', r'responderme',
                   r'me (?:re)?contact\w*', r'm (?:ecrire|ecrive|appeler|appelle|repondre|reponde)', r'me (?:rappeler|repondre)',
                   r'mich (?:\w+ )?(?:kontaktier\w*|anruf\w*|anschreib\w*|zuruckruf\w*)', r'mir (?:\w+ ){0,2}(?:antwort\w*|schreib\w*|zuruckschreib\w*)', r'(?:mich|mir) (?:\w+ ){0,2}melde\w*',
                   r'me (?:responder|responda|respondesse|contatar|contate|contatasse|ligar|ligasse|ligue|escrever|escreva|escrevesse|mandar (?:um )?e ?mail)', r'entr(?:e|asse|ar) em contato',
                   r'mi (?:contatt\w*|chiam\w*|richiam\w*|scriv\w*|rispond\w*)', r'rispondermi', r'contattarmi', r'scrivermi', r'chiamarmi',
                   r'(?:mij|me) (?:(?!de |het |een |die |dat )\w+ ){0,2}?(?:mailen|bellen|terugbellen|contacteren|antwoorden|mail|belt)', r'contact (?:met|op) (?:\w+ )?(?:mij|me)',
                   r'contact (?:met )?(?:mij|me) (?:\w+ )?op(?:nemen|neemt)?')
_AVAILABLE = _alt(r'available', r'around', r'online', r'free (?:to|right now)', r'disponibles?', r'dispo', r'disponivel', r'disponibile', r'beschikbaar',
                  r'erreichbar', r'da (?:der|die)', r'frei') + (   # "is your team available on Saturday?" asks for opening hours
    r'(?!\W+(?:\w+\W+){0,2}?(?:\w*days?|weekends?|sabados?|domingos?|samedi|dimanche|samstags?|sonntags?|wochenende|sabato|domenica|zaterdag|zondag|holidays?|'
    r'festivos|feries|feiertag\w*|feriados|festivi|feestdagen|evenings?|nights?|mornings?|tomorrow|manana|demain|morgen|amanha|domani|\d|lunes|martes|miercoles|jueves|viernes|'
    r'lundi|mardi|mercredi|jeudi|vendredi|montag|dienstag|mittwoch|donnerstag|freitag|segunda|terca|quarta|quinta|sexta|lunedi|martedi|mercoledi|giovedi|venerdi|'
    r'maandag|dinsdag|woensdag|donderdag|vrijdag|hours|horario|heures|uhr|horas|ore|uur)\b)')
_REPLY = _alt(r'contestar(?:me)?', r'responder(?:me)?', r'repondre', r'antworten', r'rispondere', r'rispondermi', r'antwoorden', r'reply', r'get back to me', r'answer me')
_TALK_CALL = _alt(r'call', r'phone', r'ring', r'talk', r'speak', r'chat', r'contact', r'llamar', r'hablar', r'appeler', r'parler', r'anrufen', r'sprechen',
                  r'reden', r'erreich\w*', r'ligar', r'falar', r'chiamare', r'parlare', r'bellen', r'spreken', r'praten')
_MODAL_ASK = _alt(_MODAL, r'grateful if', r'appreciate it if', r'agradeceria (?:que|se)', r'reconnaissant (?:qu|si)', r'dankbar,? wenn',
                  r'grat[oa] se', r'op prijs (?:stellen|stel) als', r'zou', r'zouden', r'wurde', r'wurdet', r'que', r'please', r'pls', r'bitte', r'por favor', r'porfa', r'svp', r'per favore', r'aub', r'would', r'will',
                  r'kunt', r'kun', r'kunnen', r'pourriez', r'pouvez', r'podeis', r'podrian', r'pueden', r'podem', r'possono', r'potete', r'konnt', r'konnen',
                  r'is', r'are', r'ist', r'hay', r'c e', r'is er', r'tem', r'il y a', r'gibt es', r'has', r'have')


def _someone_frames(t):
    """Indirect requests for a person: someone asked to look at the case, to contact the visitor, or to be
    available ("can someone from your team look at my order", "que alguien revise mi caso", "kann mich bitte
    jemand zurückrufen", "is er iemand van jullie team beschikbaar")."""
    return [_Span(t, m.start(), m.end()) for m in _SOMEONE_RX.finditer(t)]


_SOMEONE_RX = _Lazy(
    r'\b%s\W+(?:\w+\W+){0,2}?%s\b(?:\W+\w+){0,7}?\W+(?:%s|%s)\b' % (_MODAL_ASK, _SOMEONE, _LOOK_VERB, _CONTACT_ME) + '|' +
    r'\b%s\b(?:\W+\w+){0,5}?\W+(?:%s|pode|puo|peut|kann|kan|could|can|would)\b(?:\W+\w+){0,4}?\W+(?:%s|%s|%s)\b' % (_SOMEONE, _MODAL, _LOOK_VERB, _CONTACT_ME, _REPLY) + '|' +
    r'\b(?:gustaria|gostaria|vorrei|voudrais|aimerais|would like|d like|want|wil|mochte|hatte gern|quiero|quero|voglio|veux)\b (?:\w+ ){0,2}?(?:que |che |dass |dat |that |qu )?%s\b(?:\W+\w+){0,3}?\W+(?:%s)\b' % (_SOMEONE, _CONTACT_ME) + '|' +
    r'\b(?:is|are|ist|hay|c e|is er|tem|il y a|gibt es) (?:\w+ ){0,1}%s\b(?:\W+\w+){0,5}?\W+%s\b' % (_SOMEONE, _AVAILABLE) + '|' +
    r'\b%s\b(?:\W+\w+){0,5}?\W+%s\b(?:\W+\w+){0,3}?\W+%s\b' % (_SOMEONE, _AVAILABLE, _LOOK_VERB) + '|' +
    # a person to call, not only a number ("do you have a number I can call?" asks for information)
    r'\b(?:is there|are there|hay|il y a|gibt es|ist da|tem|c e|is er|have you got|do you have)\b (?:\w+ ){0,3}?%s\b'
    r'(?:\W+\w+){0,8}?\W+%s\b' % (_SOMEONE, _TALK_CALL) + '|' +
    r'\b(?:number|numero|nummer|telefon\w*|telefoon\w*|phone)\b(?:\W+\w+){0,6}?\W+%s\b(?:\W+\w+){0,3}?\W+%s\b' % (_TALK_CALL, _SOMEONE))


_HUMAN_FRAMES = (
    ('req', 'person', 5),            # "talk ... to a real person", "pásame con un agente"
    ('person', 'req_final', 4),      # verb-final: "mit einem Menschen sprechen"
    ('want', 'strong', 3),           # "I need a human"
    ('strong', 'want', 1),           # "geen medewerker nodig" (then negated)
    ('strong', 'please', 1), ('please', 'strong', 1), ('help', 'strong', 4),
    ('is_there', 'strong', 2), ('there_is', 'strong', 3),
    ('modal', 'strong', 4), ('strong', 'modal', 1),     # "can a real person look at my case", "une vraie personne peut"
)
_HUMAN = [
    r'^\W*(?:an? |un |una |um |uma |een |einen? |le |el |o )?%s(?:\W+(?:now|ya|nu|asap|right now|please|pls|por favor|porfa|svp|bitte|'
    r'per favore|graag|aub))?\W*$' % _PERSON_STRONG,   # the whole message: "operator", "un agente ya"
    # a call back
    r'\b(?:call|ring|phone) me(?: back)?\b(?! (?:crazy|old|a|an|what|whatever|paranoid|picky|silly|stupid|lazy|fussy|mad|names?)\b)', r'\bcall ?back\b(?! (?:feature|button|option|function|form|widget))', r'\b(?:me )?(?:llame|llamen|llameis|llamadme|llamarme)\b',
    r'\b(?:rappelez moi|me rappelle\w*|me rappeler)\b(?! (?:l|le|la|les|votre|vos|mon|ma|mes|ce|cette|comment|quand|si|que|ou|combien)\b)', r'\bruckruf\w*', r'\bzuruckruf\w*', r'\bruf\w* (?:mich|sie mich) an\b',
    r'\bme (?:ligue|liga|ligar|liguem)\b', r'\bligar (?:para|pra) mim\b', r'\brichiama\w*', r'\bchiamatemi\b',
    r'\bterug ?bel\w*', r'\bteruggebeld\b', r'\bbel me\b', r'\b(?:me|mij) (?:\w+ )?(?:belt|bellen|terugbelt)\b',
    r'\bmich\b(?: \w+){0,4} an(?:ruft|rufen|rufe)\b', r'\bzuruckrufen\b', r'\bmich (?:\w+ )?(?:anzurufen|zuruckzurufen)\b',
    r'\b(?:chiamarmi|richiamarmi)\b', r'\bcontact me\b(?! (?:by|via) (?:e ?mail|newsletter))', r'\b(?:m appelle|m appeler|mi chiam\w+|me chame\w*)\b',
    r'[?.!] (?:an? )?(?:real|actual) (?:person|human)\b',
    r'(?:^|[?.!,] ?)(?:an? |une |un |una |um |uma |een |eine |ein )?(?:person|personne|persona|pessoa|persoon|human|humano|humain|umano|mens|mensch)'
    r'\W+(?:please|pls|por favor|svp|s il vous plait|bitte|per favore|graag|aub|alsjeblieft)\b',
    r'^\W*(?:(?:hello|hi|hey|hola|allo|hallo|ola|oi|ciao|hoi)\W+)?(?:is (?:any|some)(?:one|body)|any(?:one|body)|hay alguien|il y a quelqu un|ist da (?:jemand|wer)|tem alguem|c e qualcuno|is (?:daar|er) iemand)'
    r'(?: real| de verdad| de reel| echtes| vero)?(?: (?:there|here|around|ahi|ai|la|da|daar|online))?\W*$',
    r'\b(?:transfer|connect|escalate|forward) (?:me|this|my (?:case|chat|ticket))\b(?! to (?:the|my|your) (?:page|site|link|website|form))',
    r'\btransferez moi\b', r'\bme transfer\w*\b', r'\btransfere\w* me\b', r'\btrasferiscimi\b', r'\bleite\w* mich (?:\w+ )?weiter\b',
    r'\bverbind me (?:\w+ )?door\b', r'\bescal(?:a|e)r? (?:esto|mi caso|isto|o meu caso|mon dossier|cela)\b',
    r'\b(?:rather|prefer\w*|prefiero|prefere|lieber|prefiro|preferisco|liever)\b.{0,30}\b(?:person|personne|persona|pessoa|persoon|human|humano|humain|umano|mensch\w*|mens|'
    r'someone|somebody|alguien|quelqu un|jemand\w*|alguem|qualcuno|iemand)\b',
    r'\b(?:please|pls|por favor|svp|bitte|per favore|graag|aub)\W+(?:an? )?(?:human|humano|humain|umano|mens|mensch)\b',
    r'\b(?:stop|enough|no more) (?:the |this )?(?:chat ?)?bot\b', r'\bbasta (?:de |con el |col )?(?:bot|robot)\b', r'\bassez (?:de|du) robot\b',
    r'\bschluss mit (?:dem )?bot\b', r'\bchega de robo\b', r'\bgenoeg (?:van die |met die )?bot\b',
    r'\bwho (?:can|could|do|should) i (?:\w+ )?(?:talk|speak|chat)(?: to| with)?\b', r'\bmit wem kann ich (?:\w+ )?(?:reden|sprechen)\b', r'\bmet wie kan ik (?:\w+ )?(?:praten|spreken)\b',
    r'\b(?:humans?|humanos|humains?|menschen|umani|mensen|real people|echte menschen)\b(?:\W+\w+){0,3}?\W+(?:working|trabajando|travaillent|travaille|arbeiten|arbeitet|trabalhando|al lavoro|lavorano|werken|werkt|online)\b',
    r'\b(?:arbeiten|werken|travaillent|lavorano)\b(?:\W+\w+){0,3}?\W+(?:menschen|mensen|humains|umani)\b',
    r'\b(?:retornar|retorne|retornem|retornasse) (?:a |minha )?ligacao\b', r'\bcon quien (?:puedo|podria) hablar\b', r'\ba qui (?:je peux|puis je|pourrais je) parler\b',
    r'\bmit wem kann ich (?:reden|sprechen)\b', r'\bcom quem (?:posso|eu posso|poderia) falar\b', r'\bcon chi posso parlare\b',
    r'\bmet wie kan ik (?:praten|spreken)\b',
    # who to turn to: "who do I contact", "a qui m'adresser", "an wen wende ich mich", "bij wie kan ik terecht"
    r'\bwho (?:do|can|should|could|would) i (?:contact|call|ring|phone|write to|e ?mail|reach|turn to|go to)\b',
    r'\ba quien (?:puedo |debo |tengo que |le )?(?:escribo|escribir|llamo|llamar|contacto|contactar|me dirijo|dirigirme|acudo|acudir|pregunto)\b',
    r'\ba qui (?:je peux |je dois |puis je |dois je |est ce que je peux |est ce que je dois )?(?:m adresser|je m adresse|ecrire|j ecris|contacter|appeler|je dois m adresser)\b',
    r'\ban wen (?:kann|soll|muss) ich mich\b', r'\ban wen (?:wende|richte) ich mich\b', r'\bwen (?:kann|soll) ich (?:anrufen|kontaktieren|anschreiben)\b',
    r'\bcom quem (?:eu )?(?:falo|posso falar|devo falar|entro em contato|posso entrar em contato)\b', r'\ba quem (?:eu )?(?:recorro|posso recorrer|me dirijo)\b',
    r'\ba chi (?:mi (?:posso |devo )?rivolg\w*|posso rivolgermi|devo rivolgermi|scrivo|posso scrivere|chiedo)\b',
    r'\bbij wie (?:kan|moet) ik (?:\w+ ){0,6}?(?:terecht|aankloppen)\b', r'\bwie (?:kan|moet) ik (?:contacteren|bellen|mailen)\b',
    # a callback in every person and tense: "je veux être rappelé", "que me devuelvan la llamada", "que me ligassem"
    r'\betre rappele\w*\b', r'\b(?:devuelvan|devolvais|devuelvas|devolver|devuelva) (?:\w+ )?la llamada\b', r'\bllamada de vuelta\b',
    r'\bme (?:llamara|llamaran|llamase|llamasen|llameis|llamaseis)\b', r'\bme (?:ligassem|ligasse|ligue de volta|liguem de volta|retornem|retorne a ligacao)\b',
    r'\bmi (?:richiamate|richiamiate|richiamasse|richiamassero)\b', r'\bcall(?:ed)? back\b',
    # pass it on / hand over to the team
    r'\bhand (?:me|this|it) (?:over|off)\b',
    r'\b(?:put|get) me in (?:contact|touch) with\b',
    r'\b(?:person|human|someone|persona|personne|mensch\w*|pessoa|persoon|mens)\b.{0,20}\b(?:rather than|instead of|en vez de|en lugar de|plutot qu\w*|statt|anstatt|em vez de|invece di|in plaats van)\b.{0,20}'
    r'\b(?:forms?|bots?|chat ?bots?|robots?|robo|formulario|formulaire|formular|modulo|formulier|assistant|machine|automat\w*)\b',
    r'\bto be (?:contacted|called|phoned|rung|called back)\b', r'\bser (?:contactad[oa]|llamad[oa]|contatad[oa]|chamad[oa])\b', r'\betre contacte\w*\b',
    r'\b(?:kontaktiert|angerufen|zuruckgerufen) (?:zu )?werden\b', r'\bessere (?:contattat[oa]|chiamat[oa]|richiamat[oa])\b', r'\b(?:gebeld|gecontacteerd|teruggebeld) (?:te )?worden\b',
    r'\b(?:live (?:support|chat|agents?|help)|(?:soporte|atencion|asistencia|chat) en (?:directo|vivo)|support en (?:direct|live)|(?:suporte|atendimento|chat) ao vivo|'
    r'(?:supporto|assistenza|chat) (?:live|dal vivo)|live ?(?:support|chat|hulp))\b.{0,40}\b(?:need|necesit\w*|lo necesito|besoin|brauch\w*|preciso|mi serve|nodig|now|ya|jetzt|agora|adesso|subito|maintenant|asap|urgent\w*)\b', r'\bpon(?:edme|ganme|game|me|gasme) en contacto\b', r'\bme (?:coloca|coloque|coloquem|ponha|poe|ponham) em contato\b',
    r'\bmett(?:ez|etemi|imi|ete) (?:moi |mi )?en (?:contact|relation)\b', r'\bbreng (?:me|mij) in (?:contact|verbinding)\b', r'\bstell\w* mich (?:\w+ ){0,5}durch\b',
    r'\b(?:whoever|the person|someone who) (?:is in charge|handles|deals with|is responsible)\b',
    r'\b(?:someone|somebody|a person|alguien|alguem|quelqu un|jemand\w*|qualcuno|iemand|una persona|uma pessoa|une personne) (?:who|que|qui|der|die|che|dat) (?:\w+ ){0,2}?'
    r'(?:decide|make (?:a |the )?decision|decid\w*|entscheid\w*|beslis\w*|authori[sz]\w*|autoriz\w*)\b', r'\bpass (?:this|it|me|my \w+) (?:on )?to (?:your |the |a |an )?(?:customer service|support|team|staff|someone|human|person|manager|colleague)',
]


# ---- 2. emotional: distress, anxiety, grief, urgency about safety or money -----------------------------

_MINE = (r'\b(?:my|our|mis|nuestr[oa]s?|mon|ma|mes|notre|nos|mein\w*|unser\w*|meu|minha|meus|minhas|nosso|nossa|mio|mia|miei|'
         r'mie|nostr[oaie]|mijn|onze|ons|father|mother|dad|mum|mom|husband|wife|son|daughter|brother|sister|grand\w+|uncle|aunt|'
         r'friend|partner|padre|madre|papa|mama|marido|esposa|hij[oa]|herman[oa]|abuel[oa]|pere|mere|mari|femme|fils|fille|frere|'
         r'soeur|vater|vaters|mutter|mann|frau|sohn|tochter|bruder|schwester|oma|opa|pai|mae|filh[oa]|irmao|irma|avo|marito|'
         r'moglie|figli[oa]|fratello|sorella|nonn[oa]|vader|moeder|vrouw|zoon|dochter|broer|zus)\b')
_EMOTIONAL = [
    # distress, despair, panic, tears (stems cover gender/number/tense)
    r'\bdesperat\w*\b(?! (?:for|to (?:get|buy|find|have|try|see)))', r'\bdesesper\w*', r'\bdisperat\w*', r'\bverzweif\w*', r'\bwanhop\w*',
    r'\bpanic\w*', r'\bpani(?:c|k|que|quer|quei|quee)\w*', r'\bpanico\b', r'\bpanik\w*', r'\bpaniek\w*',
    r'\banxi\w*\b(?! (?:to (?:get|see|try|receive)|for (?:my|the) (?:order|parcel|jacket)))', r'\bansi\w*\b(?! (?:pra|para|por|de (?:ver|receber|recibir|estrenar)))', r'\bangoiss\w*', r'\bangustia\w*', r'\bangst(?:attacke|zustand|zustande|aanval)\w*', r'\bangstig\b', r'\bangoscia\w*',
    r'\bterrified\b', r'\bfrightened\b', r'\bscared\b', r'\bafraid\b(?! (?:that|the|it|of the|so|not|we|i|you))',
    r'\b(?:tengo|tenemos|da|me da) (?:mucho |tanto |muchisimo )?miedo\b(?! (?:de que|que|a que))', r'\bestoy asustad\w*',
    r'\bj ai (?:tres |si |tellement |trop |vraiment )?peur\b(?! (?:que|de|d))', r'\bhabe? (?:solche |grosse |so |richtig |total )?angst\b(?!,? (?:dass|das|vor))',
    r'\b(?:estou|to|tou) com (?:muito |tanto )?medo\b(?! (?:de que|que|do|da))', r'\bho (?:tanta |molta )?paura\b(?! (?:che|di|del|della))',
    r'\bik ben (?:zo |heel )?bang\b(?! (?:dat|voor))', r'\bangst\w* (?:attack|aanval)',
    r'\bin tears\b', r'\bcrying\b', r'\bcry\b', r'\bllor\w+', r'\blagrimas\b', r'\ben larmes\b', r'\bpleur\w*',
    r'\bweine\b', r'\bweinen\w*', r'\bweinend\b', r'\btranen\b', r'\bchor\w+', r'\bpiang\w*', r'\blacrime\b', r'\bhuil\w*',
    r'\bdevastat\w*', r'\bheartbroken\b', r'\bbroken ?hearted\b', r'\bdestrozad\w*', r'\bdevaste\w*',
    r'\bam boden zerstort\b', r'\barrasad\w*', r'\bdistrutt\w*', r'\bkapot van\b',
    r'\bshaking\b', r'\btrembl\w*', r'\btembl\w*', r'\btremble\w*', r'\bzitter\w*', r'\btremend\w*', r'\btremand\w*',
    r'\bik tril\b', r'\bbegging\b', r'\bi beg you\b', r'\bsuplic\w*', r'\b(?:je )?(?:vous |t )?en supplie\b', r'\bsuppli(?:e|ons|ez)\b', r'\bflehe\w*', r'\bimplor\w*',
    r'\b(?:vi|ti) prego\b(?=.{0,25}\baiut)', r'\bsmeek\w*',
    r'\bchemo\w*', r'\bchemio\w*', r'\bquimio\w*', r'\bchimio\w*', r'\bcancer\b', r'\bkrebs\w*', r'\bcancro\b', r'\bkanker\b',
    r'\b(?:in|im|en el|a l|no|in ospedale|in het) (?:hospital|hopital|krankenhaus|ospedale|ziekenhuis)\b', r'\bhospitali[sz]ed\b',
    r'\b(?:i feel|i m feeling|feeling|me siento|je me sens|ich fuhle mich|mir geht es|me sinto|mi sento|sto|ik voel me)'
    r' (?:so |really |very |completely |totally |utterly |muy |tres |so |richtig |muito |molto |zo |heel |gerade )?(?:terrible|awful|sick|horrible|fatal|'
    r'mal|schlecht|elend|mies|pessim\w*|malissimo|ellendig|rot|slecht|miserable|hopeless|helpless|desesperad\w*|perdid[oa])\b',
    r'\bsick with worry\b', r'\bau fond du trou\b', r'\b(?:account|cuenta|compte|konto|conta|conto|rekening)\b.{0,25}'
    r'\b(?:empty|vacia|a zero|leer|zerad[oa]|a zero|leeg)\b',
    r'\bbroken heart\b', r'\bcorazon roto\b', r'\bcoeur brise\b', r'\bbricht (?:mir )?das herz\b', r'\bcoracao partido\b',
    r'\bcuore spezzato\b', r'\bhart is gebroken\b', r'\bhomenaje\b', r'\ben memoire\b', r'\bgedenk\w*',
    r'\bhomenagem\b', r'\bcommemorazione\b', r'\bherdenking\b',
    r'\blost my job\b', r'\b(?:me quede|estoy) sin (?:trabajo|empleo)\b', r'\bperdi (?:mi|el|meu|o) (?:trabajo|empleo|emprego)\b',
    r'\bperdu mon (?:travail|emploi|boulot)\b', r'\b(?:job|arbeit|stelle) verloren\b', r'\barbeitslos\b', r'\bdesempregad\w*',
    r'\bperso il (?:lavoro|posto)\b', r'\blicenziat\w*', r'\bbaan kwijt\w*', r'\bontslagen\b', r'\bwerkloos\b',
    r'\b(?:pay|paying) (?:my |the )?rent\b', r'\bmy rent\b', r'\balquiler\b', r'\bloyer\b',
    r'\b(?:account|cuenta|compte|konto|conta|conto|rekening)\b.{0,30}\b(?:empty|vacia|vide|leer|zerad[oa]|zero|leeg\w*)\b',
    r'\b(?:wiped|emptied|drained|cleaned) (?:out )?(?:my )?(?:bank )?account\b', r'\b(?:vaciado|vacio) (?:mi|la) cuenta\b', r'\bdejado sin nada\b',
    r'\bvide mon compte\b', r'\bkonto geleert\b', r'\bzerou (?:minha|a) conta\b', r'\bsvuotat\w* il conto\b', r'\brekening leeggehaald\b',
    r'\b(?:really |so |im |i m )struggling\b(?! (?:to|with (?:the|your|this) (?:site|website|checkout|size|app))\b)',
    r'\blo estoy pasando (?:muy )?mal\b', r'\bperiode difficile\b', r'\bmir geht es (?:gar )?nicht gut\b',
    r'\bknow where i live\b', r'\bsaben donde vivo\b', r'\bsavent ou j habite\b', r'\bwissen,? wo ich wohne\b',
    r'\bsabem onde (?:eu )?moro\b', r'\bsanno dove abito\b', r'\bweten waar ik woon\b',
    r'\b(?:husband|wife|mum|mom|mother|dad|father|son|daughter|brother|sister|partner|grandma|grandmother|grandpa|grandfather|friend|dog|cat) (?:has |just |recently )*passed\b(?! (?:the|it|on|along|by|this|that|my|me|her|his|them|over|down)\b)',
    r'\b(?:acaba de|acabo de) morir\b', r'\bha muerto\b', r'\bvient de mourir\b', r'\b(?:e|sono) (?:appena |da poco )?mort[oaie]\b',
    r'\bend of my (?:rope|tether)\b', r'\bau bout du rouleau\b', r'\bno puedo mas\b',
    r'\btenho (?:muito )?medo\b(?! (?:de que|que|do|da|dos|das)\b)',
    r'\bpeur (?:de|d) (?:rentrer|sortir|ouvrir|aller|rester)\b', r'\bmiedo de (?:volver|salir|abrir|ir)\b', r'\bangst,? (?:nach hause|die tur|rauszugehen)\b',
    r'\bmedo de (?:voltar|sair|abrir|ir)\b', r'\bpaura (?:a|di) (?:tornare|uscire|aprire)\b', r'\bbang om (?:naar huis|de deur|naar buiten)\b',
    r'\bscared to (?:go|open|leave)\b',
    r'\bi (?:m|am) disabled\b', r'\bmy disability\b', r'\bwheelchair\b', r'\bangstlich\w*',
    r'\bexhausted\b', r'\b(?:estoy|me siento|y) agotad[oa]\b', r'\b(?:suis|et|me sens) epuise\w*', r'\berschopft\b', r'\bexaust[oa]\b', r'\bsfinit[oa]\b', r'\buitgeput\b',
    r'\bruin(?:ing|ed|s)? my (?:week|life|day|holiday)\b', r'\barruinando\b', r'\bme gache\b', r'\bruiniert mir\b', r'\bacabando com a minha\b',
    r'\brovinando\b', r'\bverpest\w* mijn\b',
    r'\bhumiliat\w*', r'\bhumillad\w*', r'\bhumilie\w*', r'\bgedemutigt\b', r'\bhumilhad\w*', r'\bumiliat\w*', r'\bvernederd\b',
    r'\bshouted at me\b', r'\byelled at me\b', r'\bme grito\b', r'\bcrie dessus\b', r'\bangeschrien\b', r'\bgritou comigo\b',
    r'\burlato contro\b', r'\bschreeuwde tegen\b',
    r'\b(?:child|kid|son|daughter|baby|hij[oa]|bebe|enfant|fils|fille|kind|sohn|tochter|filh[oa]|figli[oa]|bambin[oa]|zoon|dochter)'
    r' (?:is |esta |est |ist |esta |e |is )?(?:very |muy |tres |sehr |muito |molto |erg )?(?:sick|ill|enferm[oa]|malade|krank|doente|malat[oa]|ziek)\b',
    r'\b(?:in a|such a) (?:really |very )?dark (?:place|time)\b', r'\bgoing through a (?:really |very )?(?:rough|hard|difficult|tough|dark) (?:time|patch)\b',
    r'\b(?:momento|etapa|epoca|periodo) (?:muy |tan |muito |molto |bem )?(?:oscuro|dificil|buio|sombrio)\b', r'\b(?:moment|periode) (?:tres |si )?(?:sombre|difficile)\b',
    r'\b(?:geht es|gehts) (?:\w+ ){0,3}dunkel\b', r'\bschwere zeit\b', r'\bdonkere (?:periode|tijd)\b', r'\bmoeilijke (?:periode|tijd)\b',
    r'\blost everything\b', r'\b(?:lo )?he perdido todo\b', r'\bj ai tout perdu\b', r'\balles verloren\b', r'\bperdi tudo\b',
    r'\bho perso tutto\b', r'\balles kwijt\b', r'\b(?:flooded|burn(?:ed|t) down)\b', r'\binund\w+', r'\binonde\w*', r'\buberflutet\b',
    r'\balag(?:ou|ada|ado)\b', r'\ballagat[oa]\b', r'\boverstroomd\b', r'\bmugged\b', r'\brobbed\b', r'\bassaulted\b',
    r'\bdistraught\b', r'\bdisgustad[oa]\b', r'\bbouleverse\w*', r'\baufgewuhlt\b', r'\babalad[oa]\b', r'\bsconvolt[oa]\b', r'\boverstuur\b',
    r'\b(?:no paro|no puedo parar|n arrete pas|arrete pas|nicht aufhoren|nao paro|nao consigo parar|non smetto|non riesco a smettere|niet (?:kan )?stoppen|cant stop|can t stop|cannot stop)'
    r' (?:\w+ ){0,2}?(?:llorar|pleurer|weinen|chorar|piangere|huilen|crying)\b', r'\b(?:feel|feeling|me siento|sentindo|sinto|je ne me sens pas|fuhle mich nicht|non mi sento|voel me niet|voel ik me niet) (?:\w+ ){0,2}?(?:unsafe|insegur[oa]|en securite|sicher|al sicuro|veilig)\b',
    r'\bfollowed me\b', r'\bme (?:siguio|siguieron|seguiu|seguiram)\b', r'\bm a suivie?\b', r'\bmir (?:\w+ ){0,3}gefolgt\b', r'\bmi ha seguit[oa]\b', r'\bvolgde (?:me|mij)\b',
    r'\bam limit\b', r'\bno (?:meu )?limite\b', r'\bop mijn tandvlees\b', r'\bheul\w*', r'\bpalliat\w*', r'\bpaliativ\w*', r'\bhospices?\b', r'\bhospiz\b', r'\bassedi\w*', r'\bvalt (?:me|mij) lastig\b', r'\blastig ?gevallen\b',
    r'\b(?:so|total|extrem|echt|sehr) nervos\b', r'\b(?:dass|das|so) mir (?:ganz |total )?(?:schlecht|ubel) (?:ist|wird)\b', r'\bterror\b', r'\bterrore\b', r'\bterreur\b',
    r'\b(?:huis|woning|wohnung|haus|appartement) (?:\w+ )?(?:kwijtraak\w*|kwijt te raken|verlies\w*|verliere\w*|zu verlieren)\b',
    r'\b(?:lose|losing|lost|perder|perdre|verlier\w*|perdere|kwijt\w*|verliezen) (?:\w+ ){0,2}?(?:flat|home|house|apartment|piso|casa|vivienda|logement|maison|appartement|wohnung|haus|apartamento|huis|woning)\b', r'\bbarely (?:holding|keeping) (?:it|myself|things) together\b', r'\b(?:my |i m |i am )(?:life is )?falling apart\b',
    r'\b(?:partner|husband|wife|boyfriend|girlfriend) (?:just )?left(?: me)?\b(?! (?:a|the|it|this|his|her|a review|feedback))', r'\bbeside myself\b', r'\bfix und fertig\b', r'\b(?:vollig |total |ganz )?aufgelost\b', r'\beffondre\w*', r'\bin (?:a )?(?:state of )?shock\b',
    r'\ben (?:etat de )?choc\b', r'\bsotto shock\b', r'\bin stato di shock\b', r'\ben shock\b', r'\bem choque\b', r'\bunter schock\b', r'\bin shock\b', r'\btraumati\w*',
    r'\b(?:trau|traue) mich nicht\b', r'\bdurf (?:\w+ ){0,4}niet\b', r'\bik durf niet\b', r'\bdont dare\b', r'\bno me atrevo\b', r'\bje n ose (?:pas|plus)\b', r'\bnao tenho coragem\b', r'\bnon oso\b',
    r'\b(?:so|really|very|incredibly|muy|tan|tres|si|vraiment|sehr|so|total|muito|tao|molto|cosi|davvero|zo|heel|erg|echt) (?:sad|triste|traurig|verdrietig)\b',
    r'\b(?:until|till|til|hasta|jusqu a|bis (?:zum|zur)?|ate|fino (?:a|allo|al)?|tot) (?:\w+ )?(?:payday|pay day|my (?:next )?pay(?:check)?|cobrar|la paie|le salaire|mon salaire|gehalt|lohn|monatsende|o pagamento|o salario|lo stipendio|stipendio|mijn salaris|salaris|loon|het salaris)\b',
    r'\bcant (?:cope|deal) with (?:another|one more|any more|anything else)\b', r'\bya no puedo con\b', r'\bne peux plus gerer\b', r'\bschaffe (?:\w+ )?nicht noch\b',
    r'\bnao dou conta\b', r'\bnon riesco (?:piu )?a gestire\b', r'\bkan er (?:echt |gewoon )?geen \w+ meer bij hebben\b',
    r'\bbreaking point\b', r'\bcant (?:cope|take (?:it|this|any ?more)|handle (?:this|it)|deal with (?:this|it)|sleep|breathe)\b',
    r'\bat my wits end\b', r'\boverwhelm\w*', r'\bfreaking out\b', r'\bbreak(?:ing)? down\b', r'\bmental health\b',
    r'\b(?:so|really|very|extremely|super) (?:stressed|worried|anxious)\b', r'\bworried sick\b',
    r'\bstressed out\b', r'\bi m (?:so )?stressed\b', r'\bdepress\w*', r'\bsuicid\w*', r'\bkill myself\b',
    r'\bno puedo (?:mas|con esto|dormir|respirar)\b', r'\bal limite\b', r'\bagobiad\w*', r'\bmuy (?:preocupad|estresad|nervios)\w*',
    r'\bestresad\w*', r'\bdeprimid\w*',
    r'\bje n en peux plus\b', r'\bn en peux plus\b', r'\ba bout\b', r'\bstresse\w*', r'\bdeprim\w*',
    r'\bje n y arrive (?:pas|plus)\b', r'\bn arrive plus a dormir\b', r'\bje ne dors plus\b',
    r'\bkann nicht mehr\b', r'\bnicht (?:mehr )?schlafen\b', r'\bam ende\b', r'\bschaffe das nicht\b',
    r'\bnerven (?:am ende|fertig)\b', r'\bgestresst\b', r'\bdepressiv\w*', r'\bweiss nicht (?:mehr )?weiter\b',
    r'\bnao aguento mais\b', r'\bnao consigo (?:dormir|lidar|respirar)\b', r'\bnao estou conseguindo lidar\b',
    r'\bestressad\w*', r'\bdeprimid\w*',
    r'\bnon ce la faccio\b', r'\bnon riesco (?:a|piu a) dormire\b', r'\bstressat\w*', r'\bdepress\w*',
    r'\bik kan niet meer\b', r'\bkan er niet (?:meer )?van slapen\b', r'\bkan niet (?:meer )?slapen\b',
    r'\bik trek (?:dit|het) niet\b', r'\bten einde raad\b', r'\bgestrest\b', r'\bdepressief\b',
    r'\bdon t know what to do\b', r'\bdont know what to do\b', r'\bno se (?:que|lo que) hacer\b',
    r'\bne sais (?:pas|plus) quoi faire\b', r'\bnao sei o que fazer\b', r'\bnon so (?:cosa|che) fare\b',
    r'\bweet niet (?:meer )?wat ik moet doen\b',
    # grief
    r'\bpassed away\b', r'\b(?:grief|grieving|bereave\w*|condolence\w*)\b', r'\bmy late \w+',
    r'%s.{0,40}\b(?:died|death|funeral|memorial|mur(?:io|ieron)|funeral|entierro|velatorio|enterrement|obseques|deces|'
    r'beerdigung|beisetzung|trauerfeier|todesfall|enterro|velorio|funerale|begrafenis|uitvaart)\b' % _MINE,
    r'\b(?:died|death|funeral|memorial|funeral|entierro|velatorio|enterrement|obseques|deces|beerdigung|beisetzung|trauerfeier|'
    r'enterro|velorio|funerale|begrafenis|uitvaart)\b.{0,40}%s' % _MINE,
    r'\bmur(?:io|ieron)\b', r'\bfalleci\w*', r'\bluto\b', r'\bdifunt\w*',
    r'\bdecede\w*', r'\b(?:est|sont) morte?s?\b', r'\bdeuil\b',
    r'\bgestorben\b', r'\bverstorb\w*', r'\btrauer\b', r'\btrauere\b',
    r'\bmorreu\b', r'\bfalec\w*',
    r'\b(?:e|sono) mort[oaie]\b', r'\bdecedut\w*', r'\blutto\b',
    r'\b(?:marito|moglie|madre|padre|mamma|papa|nonn[oa]|figli[oa]|fratello|sorella) (?:e )?scompars[oa]\b',
    r'\bche e scompars[oa]\b', r'\boverled\w*', r'\bgestorven\b', r'\brouw\w*',
    # safety
    r'\bthreat\w*', r'\bunsafe\b', r'\bin danger\b', r'\bharass\w*', r'\bstalk\w*', r'\bamenaz\w*', r'\bacos\w*',
    r'\bmenac\w*', r'\bharcel\w*', r'\bbedroh\w*', r'\bbelastig\w*', r'\bamea[cç]\w*', r'\bminacc\w*',
    r'\bmolest\w*', r'\bbedreig\w*', r'\bintimid\w*',
    r'\bemergenc\w*', r'\bemergencia\b', r'\burgence\b', r'\bnotfall\b', r'\bemergencia\b', r'\bemergenza\b',
    r'\bnoodgeval\b', r'\bnoodsituatie\b',
    # money the visitor cannot lose
    r'\boverdrawn\b', r'\bin(?:to)? the red\b', r'\bnumeros rojos\b', r'\ba decouvert\b', r'\b(?:ins|im) minus\b', r'\bin den miesen\b',
    r'\b(?:no|ficar no|entrar no) (?:negativo|vermelho)\b', r'\b(?:vado|andare|andro|finire|sono) in rosso\b', r'\b(?:sta|sta ik|staan|kom ik|in het) rood\b',
    r'\b(?:maak|maken) me (?:echt |heel |erg |enorm |grote |ernstige |zo n |zoveel |veel )+zorgen\b', r'\bmache mir (?:echt |riesige |grosse |solche |so |total |richtig )+sorgen\b',
    r'\b(?:tres|vraiment|super|trop|tellement|si) inquiet\w*', r'\b(?:muito|tao|super) preocupad\w*', r'\b(?:molto|cosi|tanto|davvero) preoccupat\w*', r'\bpreoccupatissim\w*',
    r'\b(?:my )?last (?:money|penny|pound|euro|dollar)\b', r'\brent money\b', r'\ball my savings\b',
    r'\bcant (?:afford|pay (?:my )?rent|feed)\b', r'\bcannot afford\b',
    r'\bultimo dinero\b', r'\bdinero del alquiler\b', r'\btodos mis ahorros\b', r'\bno puedo pagar el alquiler\b',
    r'\bdernier argent\b', r'\bmon loyer\b', r'\btoutes mes economies\b', r'\bletztes geld\b', r'\bmiete\b',
    r'\bganzes erspartes\b', r'\bultimo dinheiro\b', r'\baluguel\b', r'\btodas as minhas economias\b',
    r'\bultimi soldi\b', r'\baffitto\b', r'\btutti i miei risparmi\b', r'\blaatste geld\b', r'\bhuur\b',
    r'\bal mijn spaargeld\b',
]


# ---- 3. complex: several problems, repetition ---------------------------------------------------------

_PROBLEM = [
    # English
    r'\bwrong\b', r'\bincorrect\w*', r'\bbroken?\b', r'\bdamaged\b', r'\bmissing\b', r'\bnever (?:came|arrived|sent|shipped|received|got)\b',
    r'\b(?:not|never|hasnt|hasn t|didnt|did not) (?:arrive\w*|here|working|work|shipped|sent|come|came|received)\b',
    r'\bdoesnt work\b', r'\bisnt working\b', r'\bfailed\b', r'\blocked\b', r'\bexpired\b', r'\blost\b',
    r'\bcancel+ed\b', r'\bclosed\b', r'\bcharged\b', r'\bbilled\b', r'\brefunded only\b', r'\bonly (?:refunded )?half\b',
    r'\blate\b', r'\bstill (?:no|not|waiting|have no|havent|hasnt)\b', r'\b(?:arrived|came) without\b',
    r'\btarde\b', r'\b(?:todavia|aun) no\b', r'\bllego sin\b', r'\btoujours pas\b', r'\barrive\w* sans\b',
    r'\bzu spat\b', r'\bimmer noch (?:keine?n?|nicht)\b', r'\bkam ohne\b', r'\batrasou\b', r'\bveio sem\b',
    r'\btardi\b', r'\bnon ho ancora\b', r'\bancora non\b', r'\barrivat\w* senza\b', r'\bnog steeds (?:geen|niet)\b',
    r'\bkwam zonder\b',
    r'\bdisappear\w*', r'\bvanished\b', r'\bdesaparec\w*', r'\bdisparu\w*', r'\bverschwunden\b', r'\bsparit\w*', r'\bverdwenen\b',
    r'\b(?:pay|paying|charge|charged|pagar|payer|zahlen|pagare|betalen) (?:\w+ )?again\b', r'\bde nuevo\b.{0,20}\bpag\w*',
    r'\b(?:twice|deux fois|zweimal|dos veces|duas vezes|due volte|twee keer|2x)\b', r'\bdeleted\b', r'\bborr(?:o|ado|aron)\b', r'\bsupprim\w*',
    r'\bgeloscht\b', r'\bapag(?:ou|ado|aram)\b', r'\bcancellat\w*', r'\bgewist\b', r'\bverwijderd\b',
    r'\b(?:no refund|sin reembolso|sans remboursement|keine erstattung|sem reembolso|nessun rimborso|geen terugbetaling)\b',
    r'\b(?:talla|taille|tamanho|taglia|maat) (?:mal|incorrect\w*|errad\w*|sbagliat\w*|verkeerd)\b',
    r'\bsmell\w*', r'\bhuele\b', r'\bsent (?:la|le|mauvais)\b', r'\briecht\b', r'\bcheira\b', r'\bpuzza\b', r'\bruikt\b',
    r'\bdifferent (?:lengths|sizes|colou?rs)\b', r'\bdistint[oa] (?:largo|talla|color)\b', r'\bpas la meme (?:longueur|taille|couleur)\b',
    r'\bunterschiedlich\w*\b', r'\b(?:tamanhos|cores) diferentes\b', r'\b(?:lunghezza|taglia|colore) divers[oa]\b', r'\bongelijk\b',
    r'\b(?:vino|llego) sin\b', r'\bsin poder (?:entrar|acceder)\b', r'\bno (?:llegan|llega)\b', r'\bn arrive (?:toujours |plus )?pas a (?:me connecter|acceder)\b',
    r'\barrive\w* jamais\b', r'\bsem conseguir (?:entrar|acessar)\b', r'\bnunca (?:chegam|chega)\b', r'\bsum(?:iram)\b',
    r'\bnon riesco (?:ancora |piu )?ad? accedere\b', r'\bnon arriva\w*', r'\bnooit aan\b', r'\bkomme? (?:\w+ ){0,2}nicht rein\b',
    r'\b(?:error|erreur|erro|errore)\b', r'\b\w*fehler\b', r'\b\w*fout\b', r'\bduplicate\w*', r'\bduplicad[oa]\b', r'\ben double\b',
    r'\bdoppelte?\b', r'\bduplicato\b', r'\bdubbele?\b', r'\bcancelar?on\b', r'\bcancelaram\b', r'\bannulee?s?\b',
    r'\bsold out\b', r'\bcant (?:log|access|sign|login)\w*', r'\bonly (?:refunded |paid back )?(?:half|part)\b', r'\bno (?:invoice|receipt|confirmation)\b',
    r'\bwent to (?:my|the) (?:old|wrong)\b', r'\bdidnt (?:pick|choose|order)\b',
    r'\b(?:nobody|no one|noone|nadie|personne|niemand|ninguem|nessuno) (?:\w+ ){0,2}(?:replied|answered|responded|contesto|respondio|a repondu|repond|geantwortet|antwortet|respondeu|responde|ha risposto|risponde|reageert|antwoordt|reageerde)\b',
    r'\b(?:ordered|pedi|commande|bestellt|ordinat\w*|besteld) (?:\d+|two|three|four|dos|tres|deux|trois|zwei|drei|duas|tre|drie) (?:\w+ )?.{0,15}\b(?:got|received|arrived|llegaron|recu\w*|gekommen|angekommen|chegaram|arrivat\w*|gekregen|ontvangen) (?:only )?(?:\d+|one|two|una|uno|dos|un|une|deux|eins|zwei|uma|duas|due|een|twee)\b',
    r'\b(?:\d+|two|three|dos|tres|deux|trois|zwei|drei|duas|tres|due|tre|twee|drie) (?:\w+ ){0,2}(?:ordered|pedid\w*|commandes?|bestellt|ordinat\w*|besteld)\W+(?:\d+|one|two|una|dos|un|deux|zwei|duas|due|twee) (?:got|received|arrived|llegaron|recu\w*|gekommen|angekommen|chegaram|arrivat\w*|gekregen)\b',
    r'\btoo (?:small|big|tight|short|long|large)\b', r'\bfaltaba\w*', r'\bfaltan\b', r'\b(?:otra|otro) (?:talla|color)\b',
    r'\b(?:not the right|no es la|pas (?:a )?la bonne|nicht die richtige|nao e o|non e la|niet de juiste) (?:size|colou?r|talla|taille|couleur|grosse|farbe|tamanho|cor|taglia|colore|maat|kleur)\b', r'\bcant (?:see|find|access|open)\b',
    r'\b(?:no|sin|sans|keine|sem|senza|zonder|without|never got an?) (?:\w+ ){0,3}?(?:tracking|seguimiento|suivi|sendungsnummer|rastreio|tracciamento|trackingnummer|track)\w*', r'\b(?:changed|cambi[oa]|change|geandert|mudou|cambiat[oa]|veranderd) (?:by itself|on its own|sol[oa]|tout seul|von selbst|sozinh[oa]|da sol[oa]|vanzelf)\b',
    r'\bvon selbst geandert\b', r'\bvanzelf veranderd\b', r'\b(?:someone else s|otra persona|quelqu un d autre|jemand anderem|outra pessoa|di un altro|iemand anders)\b', r'\breject\w*', r'\brechaz\w*', r'\brefus\w*', r'\babgelehnt\b', r'\blehnt (?:\w+ ){0,3}ab\b', r'\brecus\w*',
    r'\brifiut\w*', r'\bweiger\w*', r'\bgeweigerd\b', r'\bdidnt (?:print|load|work|arrive|come)\b', r'\bno record\b', r'\bout of stock\b', r'\b(?:talla|color|tamano|taille|couleur|size|colou?r) (?:mal|wrong|errad[oa]|fausse?)\b', r'\bcolgad[oa]\b', r'\btim(?:es|ing) out\b', r'\bripped\b', r'\btorn\b', r'\brasgad\w*', r'\bdechire\w*', r'\bzerrissen\b', r'\bstrappat\w*', r'\bgescheurd\b',
    r'\b(?:doesnt|does not|dont) exist\b', r'\bno existe\b', r'\bn existe (?:pas|plus)\b', r'\bexistiert nicht\b', r'\bnao existe\b', r'\bnon esiste\b', r'\bbestaat niet\b',
    r'\bstill nothing\b', r'\btoujours rien\b', r'\bimmer noch nichts\b', r'\bainda nada\b', r'\bancora niente\b', r'\bnog steeds (?:niks|niets)\b', r'\bsigo sin nada\b',
    r'\bcrush\w*', r'\baplastad\w*', r'\becrase\w*', r'\bzerdruckt\b', r'\bamassad\w*', r'\bschiacciat\w*', r'\bgeplet\b', r'\bdented\b', r'\bdeuk\w*',
    r'\b(?:didnt|did not|wasnt|was not|not) (?:get )?appl(?:y|ied)\b', r'\bno se (?:aplico|ha aplicado)\b', r'\bpas (?:ete )?appliquee?\b', r'\bnicht (?:abgezogen|angewendet|berucksichtigt)\b',
    r'\bnao (?:entrou|foi aplicad[oa])\b', r'\bnon (?:e stato |e stata )?applicat[oa]\b', r'\bniet (?:verrekend|toegepast)\b',
    r'\bwont (?:let me|work|open|load|accept)\b', r'\bnever (?:comes|arrives|shows up|loads)\b', r'\bstuck\b', r'\bscratch\w*', r'\brayad\w*', r'\braye\w*',
    r'\bzerkratzt\b', r'\briscad\w*', r'\bgraffiat\w*', r'\bbekrast\b', r'\b(?:no hay|sin) factura\b', r'\bsans facture\b', r'\bohne rechnung\b',
    r'\bsenza fattura\b', r'\bzonder factuur\b', r'\bsigue (?:en|atascad\w*|parad\w*|bloquead\w*)\b', r'\bkomm\w* nicht (?:in|rein|mehr rein)\b',
    r'\bkommt (?:\w+ )?nicht(?! in frage)\b', r'\bhangt\b', r'\bnao chega\b', r'\b(?:ta|esta|fica|ficou) parad[oa]\b', r'\b(?:e|resta|rimane) ferm[oa]\b',
    r'\bkomt (?:\w+ )?niet\b', r'\bblijft (?:op|hangen|staan)\b', r'\breste bloque\w*',
    # Spanish
    r'\bequivocad\w*', r'\bincorrect[oa]\b', r'\broto\b', r'\brota\b', r'\bdanad\w*', r'\bfalta\b',
    r'\bno (?:ha )?(?:llego|llegado|funciona|funciono)\b', r'\bno puedo (?:entrar|acceder)\b', r'\bnunca (?:llego|se envio)\b',
    r'\bfallo\b', r'\bbloquead\w*', r'\bcaduc\w*', r'\bperdid\w*', r'\bcancelad\w*', r'\bcerr\w+ la incidencia\b',
    r'\bme cobr\w*', r'\bse cobro\b', r'\bagotad\w*', r'\bsigue sin\b', r'\bsin enviar\b', r'\bno pedi\b',
    r'\bmal el nombre\b', r'\b(?:esta|estan) mal\b', r'\bmi antigua direccion\b', r'\bla mitad\b',
    # French
    r'\bmauvais\w*', r'\bfau(?:x|sse)\b', r'\bincorrecte?\b', r'\bcass\w*', r'\babime\w*', r'\bendommag\w*', r'\bmanqu\w*',
    r'\b(?:pas|jamais) (?:arrive\w*|recu\w*|parti|marche|fonctionne)\b', r'\bne marche pas\b', r'\bechou\w*',
    r'\bbloque\w*', r'\bexpir\w*', r'\bperdue?s?\b', r'\bperdi(?:o|eron)\b', r'\bannul\w*', r'\bfermez\b', r'\bferme mon\b', r'\ben retard\b',
    r'\bfactur\w*', r'\bm (?:avez|a) (?:debite|preleve|facture)\b', r'\bepuise\w*', r'\bn arrive pas a me connecter\b',
    r'\bpas de facture\b', r'\bmon ancienne adresse\b', r'\bn ai pas choisi\w*', r'\bque la moitie\b',
    # German
    r'\bfalsch\w*', r'\bstimmt(?: \w+)? nicht\b', r'\bkaputt\w*', r'\bbeschadigt\w*', r'\bfehlt\b', r'\bnie (?:an|angekommen)\b',
    r'\bnicht (?:an|angekommen|verschickt|funktioniert)\b', r'\bfunktioniert(?: \w+){0,3} nicht\b', r'\bfehlgeschlagen\b',
    r'\bgesperrt\b', r'\babgelaufen\b', r'\bverloren\b', r'\bstorniert\b', r'\bschliesst ihr\b', r'\bverspat\w*',
    r'\bberechnet\b', r'\babgebucht\b', r'\bausverkauft\b', r'\bkeine rechnung\b', r'\bimmer noch nicht\b',
    r'\bkann mich nicht (?:einloggen|anmelden)\b', r'\bmeine alte adresse\b', r'\bkam nie\b', r'\bnie (?:gekommen|bekommen|erhalten)\b', r'\bnur die halfte\b', r'\bnicht gewahlt\b',
    # Portuguese
    r'\berrad\w*', r'\bquebr\w*', r'\bdanificad\w*', r'\bnao (?:chegou|funciona|consigo entrar|escolhi)\b',
    r'\bnunca chegou\b', r'\bfalhou\b', r'\bbloquead\w*', r'\bvenceu\b', r'\bexpirou\b', r'\bsumiu\b',
    r'\bcancelad\w*', r'\bfecharam\b', r'\batrasad\w*', r'\bcobr(?:aram|ou)\b', r'\besgot\w*', r'\bsem nota\b',
    r'\bainda nao\b', r'\bendereco antigo\b', r'\bso metade\b', r'\bveio errad\w*',
    # Italian
    r'\bsbagliat\w*', r'\brott[oaie]\b', r'\bdanneggiat\w*', r'\bmanca\b', r'\bmancante\b',
    r'\bnon (?:e arrivat\w*|arriva|funziona|ha funzionato|riesco ad accedere)\b', r'\bmai arrivat\w*', r'\bfallit\w*',
    r'\bbloccat\w*', r'\bscadut\w*', r'\bpers[oa]\b', r'\bannullat\w*', r'\bchiudete\b', r'\bin ritardo\b', r'\baddebitat\w*',
    r'\besaurit\w*', r'\bniente fattura\b', r'\bvecchio indirizzo\b', r'\bsolo meta\b', r'\bnon ho scelto\b',
    r'\bnon e ancora\b',
    # Dutch
    r'\bverkeerd\w*', r'\bklopt(?: \w+)? niet\b', r'\bkapot\b', r'\bbeschadigd\b', r'\bontbreekt\b',
    r'\bniet (?:aangekomen|verzonden)\b', r'\bnooit aangekomen\b', r'\bwerk(?:t|te)(?: \w+){0,2} niet\b', r'\b(?:raakte|is|was) zoek\b', r'\bmislukt\w*',
    r'\bgeblokkeerd\b', r'\bverliep\b', r'\bverlopen\b', r'\bkwijt\b', r'\bgeannuleerd\b', r'\bsluiten jullie\b',
    r'\bte laat\b', r'\bafgeschreven\b', r'\bgerekend\b', r'\buitverkocht\b', r'\bgeen factuur\b',
    r'\bnog steeds niet\b', r'\blaten betalen\b', r'\bnooit (?:gekomen|ontvangen)\b', r'\bkan niet inloggen\b', r'\boude adres\b', r'\bmaar de helft\b',
]
_ADDITIVE = _Lazy(r'\btoo\W*$|\btoo[.,;!?]|\b(?:also|as well|besides|y otra cosa|et autre chose|und noch was|e outra coisa|e un altra cosa|en nog iets|neben|alem d\w+|oltre|naast|on top of (?:that|it)|plus|and now|then|additionally|moreover|besides|another thing|'
                       r'ademas|encima|tambien|y ahora|luego|despues|en plus|de plus|aussi|ensuite|puis|et maintenant|'
                       r'ausserdem|obendrein|zudem|auch noch|dann|und jetzt|alem disso|e ainda|tambem|depois|e agora|'
                       r'in piu|inoltre|anche|poi|e ora|bovendien|daarnaast|ook nog|toen|en nu)\b')
_SPLIT_PROBLEMS = _Lazy(r'[.;:!?,()+&/]|\b(?:and|y|e|et|und|en|but|pero|mais|aber|mas|ma|maar|also|then|luego|puis|'
                             r'dann|depois|poi|toen|ademas|encima|ausserdem|obendrein|bovendien|inoltre)\b|\d\)')
_SEVERAL = [
    r'\b(?:several|multiple|a few|two|three|four|2|3|4|some) (?:separate |different )?(?:problems|issues|things)\b',
    r'\b(?:algunos|alguns|quelques|einige|alcuni|een paar) (?:problemas|problemes|soucis|probleme|problemi|problemen)\b',
    r'\b(?:everything|it all) went wrong\b', r'\btodo (?:salio|ha salido|fue) mal\b', r'\btout a mal tourne\b', r'\balles ging (?:schief|mis)\b',
    r'\bdeu tudo errado\b', r'\b(?:e )?andato tutto storto\b',
    r'\bproblem (?:one|two|1|2)\b', r'\b(?:second|segundo|deuxieme|zweites|secondo|tweede) (?:problem|problema|probleme|probleem)\b',
    r'\b(?:varios|varias|dos|tres|cuatro|un par de|unas cuantas) (?:problemas|cosas)\b',
    r'\b(?:several|multiple|a few|varios|plusieurs|mehrere|varios|diversi|vari|meerdere) (?:points|puntos|pontos|punti|punkte|punten)\b', r'\b(?:a )?couple (?:of )?(?:things|issues|problems)\b',
    r'\b(?:plusieurs|quelques|deux|trois) trucs\b', r'\b(?:piu|alcune|un po di) (?:cose|problemi)\b', r'\b(?:een )?paar (?:dingen|problemen|dingetjes)\b',
    r'\b(?:umas|algumas|varias) (?:coisas|problemas)\b', r'\bein paar (?:sachen|dinge|probleme)\b', r'\b(?:plusieurs|deux|trois|quatre) (?:problemes|choses|soucis)\b',
    r'\b(?:mehrere|zwei|drei|vier) (?:probleme|sachen|dinge)\b', r'\b(?:varios|dois|tres|quatro) (?:problemas|coisas)\b',
    r'\b(?:diversi|vari|due|tre|quattro) (?:problemi|cose)\b', r'\b(?:meerdere|twee|drie|vier) (?:problemen|dingen)\b',
    r'\b1\)[^\n]*\b2\)', r'(?:^|\W)(?:1st|1o|1°|1e|1\.)\W*:?\s.{3,160}\W(?:2nd|2o|2°|2e|2\.)\W*:?\s', r'\b(?:first|firstly)\b.*\b(?:then|after that)\b', r'\bprimero\b.*\b(?:luego|despues)\b',
    r'\bd abord\b.*\b(?:ensuite|puis)\b', r'\berst\b.*\bdann\b', r'\bprimeiro\b.*\bdepois\b', r'\bprima\b.*\bpoi\b',
    r'\beerst\b.*\b(?:toen|daarna|dan)\b',
]
_REPEAT_STRONG = [
    r'\b(?:second|third|fourth|fifth|sixth|\d+(?:nd|rd|th)) time (?:i|that i|i ve|im|i m)\b',
    r'\b(?:for the|4 the) (?:second|third|fourth|fifth|\w+th|2nd|3rd|\d+th) time\b',
    r'\b(?:two|three|four|five|several|many|multiple|\d+) times (?:now|already|alr)\b',
    r'\b(?:already|allready|alr) (?:asked|told|explained|said|sent|wrote)\b', r'\b(?:asked|explained|told you) (?:this )?(?:two|three|four|\d+|many|several) times\b',
    r'\bi ve (?:explained|asked|said) (?:this|it|that) (?:two|three|four|\d+|many|several) times\b',
    r'\bas i (?:said|told you|explained|mentioned|wrote)\b', r'\bkeep (?:asking|telling|repeating)\b',
    r'\bpor (?:segunda|tercera|cuarta|enesima) vez\b', r'\bya (?:lo )?(?:he|te he|os he) (?:dicho|explicado|preguntado)\b',
    r'\b(?:tres|cuatro|varias) veces\b', r'\bcomo (?:ya )?(?:dije|he dicho)\b',
    r'\bpour la (?:deuxieme|troisieme|quatrieme|enieme|\w+ieme) fois\b', r'\bdeja (?:explique|demande|dit)\b',
    r'\b(?:trois|quatre|plusieurs) fois\b', r'\bcomme (?:je l ai|j ai) (?:dit|explique)\b',
    r'\bschon (?:zweimal|dreimal|viermal|mehrmals|mehrfach|x mal|oft|gesagt|gefragt|erklart)\b', r'\bzum (?:zweiten|dritten|vierten|x+ten) mal\b',
    r'\bwie (?:schon )?gesagt\b', r'\b(?:drei|vier)mal\b',
    r'\bpela (?:segunda|terceira|quarta|enesima) vez\b', r'\bja (?:expliquei|perguntei|falei|disse)\b', r'\b(?:tres|quatro|varias) vezes\b',
    r'\bper la (?:seconda|terza|quarta|ennesima) volta\b', r'\bgia (?:spiegato|chiesto|detto|scritto)\b',
    r'\b(?:tre|quattro|diverse|piu) volte\b',
    r'\bvoor de (?:tweede|derde|vierde|zoveelste) keer\b', r'\bal (?:twee|drie|vier|meerdere|zo vaak|\d+) keer\b',
    r'\bzoals ik (?:al )?(?:zei|zeg)\b',
]
_REPEAT = [
    r'\bsame (?:answer|reply|message|response)\b', r'\bkeep getting\b', r'\bmisma respuesta\b', r'\bmeme reponse\b',
    r'\bgleiche antwort\b', r'\bmesma resposta\b', r'\bstessa risposta\b', r'\bzelfde antwoord\b',
    r'\bagain\b', r'\bonce more\b', r'\bask(?:ing)? again\b', r'\botra vez\b', r'\bde nuevo\b', r'\bnuevamente\b',
    r'\bredemande\w*', r'\bencore une fois\b', r'\bde nouveau\b', r'\bnochmal\w*', r'\bnoch einmal\b', r'\berneut\b',
    r'\bde novo\b', r'\bnovamente\b', r'\bdi nuovo\b', r'\bancora una volta\b', r'\bnog een keer\b', r'\bopnieuw\b',
    r'\bnogmaals\b', r'\bstill nothing\b', r'\btoujours rien\b', r'\bimmer noch nichts\b', r'\bainda nada\b', r'\bancora niente\b', r'\bnog steeds (?:niks|niets)\b',
    r'\bsigo sin (?:nada|noticias|respuesta)\b', r'\bany (?:news|update)\b', r'^\W*(?:hello|hallo|hola|allo|ola|oi|ciao|hoi|hi)\W*\?{2,}',
]
_STOPWORDS = frozenset('''hello hallo hola bonjour salut ciao thanks thank please could would should there where which their
about what when still again anyone someone gracias porfavor favor merci danke bitte obrigado obrigada grazie bedankt
alguien quelqu jemand qualcuno iemand tienen teneis puede puedo pouvez kannst konnen konnt podem posso potete kunnen
jullie vosotros vous ihr voces hello alguna algun noticia novedades nouvelles neuigkeiten novidade novita nieuws
update waiting esperando attends warte aspetto wacht'''.split())


# ---- 4. billing disputes -------------------------------------------------------------------------

_CHARGE_V = _alt(r'charg\w*', r'pris', r'prise', r'eingezogen', r'preso', r'presi', r'bill(?:ed|ing)?', r'debit\w*', r'deducted', r'took', r'taken', r'taking', r'paid',
                 r'cobr\w+', r'cargad\w*', r'cargo', r'factur\w+', r'fattur\w+', r'prelev\w*', r'preleve\w*', r'abgebucht\w*',
                 r'abbuch\w*', r'bucht', r'buchen', r'berechn\w*', r'belast\w*', r'bezahlt', r'gezahlt',
                 r'abgezogen', r'addebit\w*', r'fatto pagare', r'pagat\w*', r'pagado', r'pague', r'paye\w*', r'paguei',
                 r'afgeschreven', r'afschrijv\w*', r'schrijven(?: \w+){0,3} af', r'gerekend', r'betaald',
                 r'carg(?:aron|asteis|aste|ais|an|ue|uen|ado|ada)', r'quit(?:aron|asteis|aste|ado)', r'tolt[oi]', r'tir(?:aram|ou|aron)', r'(?:af)?gehaald', r'genommen', r'ingehouden', r'(?:aan)?gerekend', r'rekend(?:e|en)', r'in rekening gebracht',
                 r'belastet', r'eingezogen', r'cobrad[oa]s?', r'cobra(?:ram|ste|stes|vam)', r'addebitat[oaie]', r'preso i soldi', r'prelevat[oaie]')
_CHARGE_N = _alt(r'charges?', r'payments?', r'transa(?:ction|ccion|cao|coes|zione|zioni|ktion|ktionen|ctie|cties)\w*', r'paiements?', r'pagos?', r'pagamentos?', r'transactions?', r'debits?', r'cargos?', r'cobros?', r'cobrancas?',
                 r'debitos?', r'prelevements?', r'abbuchung\w*', r'belastung\w*', r'zahlung\w*', r'addebit[oi]',
                 r'pagament[oi]', r'afschrijving\w*', r'betaling\w*', r'transacti\w*', r'transaccion\w*')
_TWICE = _alt(r'twice', r'dbl', r'em dobro', r'doppio', r'doble', r'two times', r'2 ?x', r'2 (?:times|veces|fois|mal|vezes|volte|keer)', r'double', r'dos veces', r'doble', r'deux fois', r'zweimal',
              r'doppelt', r'duas vezes', r'due volte', r'twee keer', r'dubbel',
              r'(?:three|3|tres|trois|drei|tre|drie|four|4|cuatro|quatre|vier|quatro|quattro) (?:times|veces|fois|mal|vezes|volte|keer)', r'thrice', r'dreimal', r'viermal')
_REFUND = _alt(r'(?:shipping|delivery|postage) (?:charge|cost|fee)s? back', r'(?:versandkosten|verzendkosten|frete|envio|frais de port|spedizione) (?:\w+ )?(?:zuruck|terug|de volta|de vuelta|indietro)',
               r'devolv\w* (?:el|los gastos de) envio', r'refund\w*', r'estorn\w*', r'(?:the |la |die |a |het )?(?:difference|diferencia|differenz|diferenca|differenza|verschil)', r'money back', r'my money', r'reembols\w*', r'mi dinero', r'(?:el|mi) dinero de vuelta',
               r'devolv\w+ el dinero', r'rembours\w*', r'mon argent', r'r?uckerstattung\w*', r'erstattung\w*', r'erstattet',
               r'mein geld', r'geld zuruck', r'estorno', r'reembolso', r'meu dinheiro', r'dinheiro de volta',
               r'rimbors\w*', r'i miei soldi', r'miei soldi', r'soldi indietro', r'terugbetaal\w*', r'terugbetaling\w*',
               r'terugbetaald', r'mijn geld', r'geld terug', r'teruggestort')
_CLAIM_BEFORE_REFUND = _alt(
    r'stil', r'sigo sin', r'sigue sin', r'continuo sem', r'continua sem', r'ancora nessun', r'ancora niente', r'nog geen', r'toujours pas de', r'immer noch kein\w*',
    r'want\w*', r'wanna', r'need', r'demand(?:s|ed|ing)?', r'expect\w*', r'give me', r'get', r'like', r'still', r'never', r'no',
    r'yet to', r'havent', r'hasnt', r'didnt', r'where s', r'wheres', r'where is', r'waiting (?:for|on)',
    r'quiero', r'exijo', r'necesito', r'todavia', r'aun', r'sigo esperando', r'nunca', r'donde esta', r'devolvais',
    r'devuelvan', r'veux', r'voudrais', r'exige', r'toujours', r'jamais', r'attends', r'ou est',
    r'will', r'mochte', r'fordere', r'verlange', r'immer noch', r'noch immer', r'warte', r'wo ist', r'keine', r'nie',
    r'quero', r'exijo', r'ainda', r'nada do', r'cade', r'esperando', r'nunca',
    r'voglio', r'rivoglio', r'esigo', r'ancora', r'nessun', r'aspettando', r'aspetto', r'dov e',
    r'wil', r'eis', r'nog steeds', r'nog altijd', r'wacht', r'waar is', r'geen')
_BILLING = [
    r'\b%s%s%s\b' % (_CHARGE_V, _gap(3), _TWICE),
    r'\b%s%s%s\b' % (_TWICE, _gap(4), _alt(_CHARGE_V, _CHARGE_N)),
    r'\b(?:double|duplicate|doppelt\w*|duplicad\w*|doppio|doble|dubbele) (?:charge|payment|cobro|cargo|cobranca|prelevement|debit|abbuchung|addebito|afschrijving|betaling)\w*',
    r'\b(?:unauthori[sz]ed|unrecogni[sz]ed|fraudulent|unknown) (?:charge|payment|transaction|debit)s?\b',
    r'\b%s (?:\w+ ){0,2}(?:duplicad[oa]s?|duplicate[sd]?|en double|dupliziert|doppelt|em duplicidade|duplicat[oi]|dubbel)\b' % _CHARGE_N,
    r'\b%s\b.{0,50}\b(?:die|dat|que|che|qui|which|that) (?:ik|ich|je|yo|eu|io|i) (?:\w+ )?(?:niet|nicht|ne|no|nao|non|dont|do not)\b (?:\w+ )?(?:ken|kenne|herken|erkenne|reconnais|reconozco|reconheco|riconosco|recogni[sz]e)\b' % _CHARGE_N,
    r'\b%s%s(?:i |yo |je |ich |eu |io |ik |que |die |das |che |dat |que eu )?%s%s(?:authori|recogni|reconoz|reconozc|reconhe|reconnai|kenne|erkenne|autorisiert|herken|goedgekeurd|autoriz|autoris|riconosc|make|made|order|agree|ken\b)\w*' % (
        _CHARGE_N, _gapc(8), _alt(r'never', r'not', r'didnt', r'dont', r'did not', r'no', r'ne', r'n', r'nicht', r'nao', r'non', r'niet'), _gapc(3)),
    r'\bchargebacks?\b', r'\bcharge back\b', r'\bdispute (?:the|this|a|my)? ?(?:charge|payment|transaction)\b',
    r'\bbilling (?:issue|problem|error|dispute|mistake)\b', r'\bovercharg\w*', r'\bwrong amount\b',
    r'\bcharged (?:me )?(?:the )?wrong\b', r'\bunauthori[sz]ed\b.*\b(?:card|account|statement)\b',
    r'\bcancel my subscription\b', r'\b(?:billed|charged|charging|billing) (?:me )?(?:\w+ ){0,2}?(?:again|every month|after i cancel\w*)\b',
    r'\bnever (?:signed up|subscribed|ordered)\b.*\b(?:charg|bill|taking|money)\w*',
    r'\b(?:never (?:signed|subscribed)|nunca me suscribi|jamais abonne|nie ein abo|nunca assinei|mai abbonat\w*|nooit ingeschreven|ne me suis jamais abonne)\b.*\b(?:billed|charged|cobr\w+|prelev\w*|bucht|abbuch\w*|cobram|addebit\w*|afschrijv\w*|schrijven(?: \w+){0,3} af)',
    r'\b(?:took|taken|take) (?:my )?(?:payment|money)\b.*\b(?:cancel+ed|but)\b',
    r'\bwhere s my money\b', r'\bwhere(?: \w+)? is my (?:refund|money)\b', r'\b(?:ou est|est ou|il est ou) (?:mon|le) (?:remboursement|argent)\b',
    r'\bwo (?:bleibt|ist) (?:meine|die|mein) (?:r?uckerstattung|erstattung|geld)\b', r'\bwaar (?:blijft|is) (?:mijn|de) (?:terugbetaling|geld)\b', r'\bmoney (?:is )?gone\b',
    r'\bdinero (?:no ha vuelto|no ha llegado|no aparece|no esta|ha desaparecido)\b', r'\bdonde esta mi dinero\b',
    r'\b(?:jamais|pas) (?:recupere|revu|recu) (?:mon|l) argent\b', r'\bargent (?:a )?disparu\b',
    r'\bgeld (?:ist )?(?:weg|verschwunden)\b', r'\bgeld habe ich nie\b', r'\bnie zuruck(?:bekommen|erhalten)\b',
    r'\bdinheiro (?:sumiu|nunca voltou|nao voltou)\b', r'\bsoldi (?:sono )?(?:spariti|non sono (?:mai )?tornati)\b',
    r'\bgeld is (?:weg|nooit teruggekomen)\b',
    r'\b%s%s(?:hasnt|has not|never|not yet|still|todavia no|aun no|toujours pas|immer noch nicht|ainda nao|ancora non|nog steeds niet|'
    r'nunca|jamais|nie|nooit|mai|no (?:me )?ha (?:llegado|vuelto)|n est (?:jamais|toujours pas) (?:arrive|revenu)|ist nie|nao (?:caiu|chegou|voltou)|non (?:e|mi e) (?:mai )?(?:arrivato|tornato)|is nooit)\b' % (_REFUND, _gap(3)),
    r'\b(?:never|nunca|jamais|nie|nooit|mai|nao|non) (?:\w+ ){0,2}(?:got|received|recibi|recebi|recu|erhalten|bekommen|ontvangen|gekregen|ricevuto|riavut[oi]|reavido|recuperad[oa]|recupere)\b.{0,20}\b(?:%s|money|dinero|argent|geld|dinheiro|soldi)\b' % _REFUND,
    r'\brefund me\b', r'\breembolsadme\b', r'\bremboursez moi\b', r'\bdevolvedme el dinero\b',
    r'\bno (?:me )?(?:habeis|han|has) (?:reembolsado|devuelto)\b', r'\bnao (?:me )?(?:reembolsaram|devolveram)\b',
    r'\bm avez (?:debite|preleve)\b.*\bdeux fois\b',
]
_MONEY = r'(?:money|dinero|argent|geld|dinheiro|soldi|payment|pago|paiement|zahlung|pagamento|betaling)'
_BILLING += [
    # the same amount again, a charge the visitor disputes, paying on for something ended
    r'\b(?:same|mismo|meme|derselbe|dieselbe|gleiche|mesmo|stesso|hetzelfde|zelfde) (?:amount|importe|montant|betrag|valor|importo|bedrag|sum|suma|somme|summe|soma|somma)\b.{0,50}'
    r'\b(?:twice|two days|in a row|seguidos|de suite|hintereinander|di fila|achter elkaar|again|otra vez|de nuevo|deux fois|zweimal|duas vezes|due volte|twee keer|2 ?x)\b',
    r'\b(?:dispute|contest|challenge|reclamar|reclamo|conteste|contester|contesto|widersprech\w*|widerspreche|beanstand\w*|reklamier\w*|contestar|contestare|betwist\w*|aanvechten) (?:\w+ ){0,3}?%s\b' % _CHARGE_N,
    r'^(?=.*\b(?:ended|cancel\w*|di de baja|baja|arrete\w*|resili\w*|beendet|gekundigt|encerr\w*|chius[oa]|disdett\w*|stopgezet|opgezegd|closed|quit|stopped)\b).*'
    r'(?:\b(?:still|sigo|sigue|encore|immer noch|continuo|continua|ancora|nog steeds)\b (?:\w+ ){0,2}?(?:paying|pagando|paie|payer|paye|zahle|zahlen|pagare|betaal|betalen|charged|charging|cobrando|preleve\w*|abgebucht)\b|'
    r'\b(?:paying|pagando|paie|zahle|pago|betaal) (?:\w+ )?(?:still|encore|immer noch|noch immer|ancora|nog steeds|nog altijd|todavia|ainda)\b)',
    r'\bout of pocket\b', r'\byou owe me\b', r'\bme deb(?:eis|en|e|es)\b', r'\b(?:vous me devez|tu me dois)\b', r'\b(?:ihr schuldet|sie schulden) mir\b',
    r'\b(?:voces|voce) me dev(?:em|e)\b', r'\bmi dov(?:ete|ete ancora)\b', r'\b(?:jullie|u) (?:bent|zijn) (?:me|mij) (?:\w+ ){0,3}schuldig\b',
    # money that left twice, a charge the visitor cannot place, shipping charged on a pick-up order
    r'\b%s (?:\w+ ){0,2}?(?:came out|went out|gone out|left|taken|sal(?:io|ido)|salieron|parti|sorti|abgegangen|weg|raus|saiu|sairam|uscit[oi]|andat[oi] via|afgegaan|eraf)%s%s\b' % (_MONEY, _gap(2), _TWICE),
    r'\b(?:sal(?:io|ieron)|parti|sorti|abgegangen|saiu|sairam|uscit[oi]|afgegaan|came out|went out|left) (?:\w+ ){0,2}?%s%s%s\b' % (_MONEY, _gap(2), _TWICE),
    r'\b%s%s%s%s(?:abgegangen|abgebucht|weg|raus|afgegaan|eraf|gone|out)\b' % (_MONEY, _gap(1), _TWICE, _gap(1)),
    r'^(?=.*\b(?:click (?:and|&|n) collect|collect\w*|pick ?up|recogida|recoger|retrait|abhol\w*|retirada|retirar|ritiro|afhal\w*)\b)'
    r'(?=.*\b(?:shipping|delivery|postage|envio|livraison|frais de port|versand\w*|frete|spedizione|verzend\w*|bezorg\w*)\b).*\b%s\b' % _CHARGE_V,
    r'\b%s\b.{0,50}\b(?:no idea|ni idea|aucune idee|pas idee|keine ahnung|nao (?:faco|tenho) (?:a menor )?ideia|non so (?:cosa|che cosa|cos)|geen idee|dont know what|no se (?:que|de que)|'
    r'sais pas (?:ce que|a quoi)|weiss nicht (?:wofur|was)|nao sei (?:o que|de que)|weet niet (?:waarvoor|wat))\b' % _CHARGE_N,
    r'\b%s\b.{0,25}\b(?:shipping|delivery|postage|envio|gastos de envio|livraison|frais de port|versand\w*|frete|spedizione|verzend\w*|bezorg\w*)\b.{0,40}'
    r'\b(?:click (?:and|&|n) collect|collect\w*|pick ?up|recogida|recoger|retrait|abhol\w*|retirada|retirar|ritiro|afhal\w*)\b' % _CHARGE_V,
    # another identical charge
    r'\b(?:two|2|dos|deux|zwei|duas|dois|due|twee) (?:identical |same |iguales |identicos |identiques |identische[n]? |gleiche[n]? |iguais |identici |identieke |dezelfde )%s' % _CHARGE_N,
    r'\b(?:second|another|extra|segund[oa]|otro|deuxieme|second|autre|zweite|weitere|outr[oa]|secondo|altro|tweede|extra) %s%s(?:same|mism[oa]|meme|dieselbe|selbe|gleiche|mesm[oa]|stess[oa]|dezelfde|zelfde)\b' % (_CHARGE_N, _gap(4)),
    # own money the visitor wants back
    r'\b(?:refund|reembolsad|rembourse[zr]?|erstatte[tn]?|reembolse\w*|rimborsat\w*|terugbetal\w*) (?:me|moi|mir|mij)\b',
    r'\b(?:refund|give me back|return) my money\b', r'\bdevolv\w* (?:el|mi|o|meu) (?:dinero|dinheiro)\b',
    r'\bridate\w* i soldi\b', r'\brestituite\w* i (?:miei )?soldi\b', r'\bgeef (?:me )?(?:mijn )?geld terug\b',
    r'\bgib\w* mir (?:mein )?geld zuruck\b', r'\brendez moi (?:mon argent|l argent)\b',
    r'\b(?:my money back|mijn geld terug|mein geld zuruck|mi dinero de vuelta|meu dinheiro de volta|i miei soldi indietro)\b',
    # paid more than the price, a discount not applied
    r'\b%s%s%s%s(?:more than|too much|extra|de mas|mas de lo|de plus|mehr|a mais|in piu|meer)\b' % (_CHARGE_V, _gap(3), r'(?:[$£€]\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?(?:[$£€]|eur\w*|euro|reais|dollars?|pounds?))', r'\W+'),
    r'\b(?:cobrado|cobro|cobrad\w*) de mas\b', r'\btrop (?:paye|facture)\b', r'\b(?:facture|preleve|debite|paye|fait payer) trop\b', r'\bzu viel (?:berechnet|bezahlt|abgebucht)\b',
    r'\bcobrad\w* a mais\b', r'\bpagato troppo\b', r'\bte veel (?:betaald|gerekend|afgeschreven)\b',
    r'\b(?:discount|coupon|promo code|descuento|cupon|reduction|remise|code promo|rabatt\w*|gutschein|desconto|cupom|sconto|coupon|korting\w*)%s(?:not|wasnt|isnt|wasn t|no|pas|nicht|nao|non|niet)\b%s(?:appl\w*|aplicad\w*|abgezogen|angewendet|berucksichtigt|applicat\w*|toegepast|verrekend)' % (_gap(4), _gap(2)),
    r'\b(?:difference|diferencia|difference|differenz|diferenca|differenza|verschil) (?:back|de vuelta|zuruck|de volta|terug|indietro)\b',
    r'(?:[$£€]\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?(?:[$£€]|eur\w*|euro|reais|dollars?|pounds?)) (?:more|extra|de mas|mas|de plus|mehr|a mais|in piu|meer)%s%s' % (_gap(2), _CHARGE_V),
    # charged after a return or cancellation
    r'\b%s%s(?:after|despues de|apres|nach|depois de|dopo|na)%s(?:return\w*|cancel\w*|unsubscrib\w*|baja|desinscri\w*|abmeld\w*|abgemeldet|descadastr\w*|disiscri\w*|afgemeld|uitgeschreven|devol\w*|renvo\w*|annul\w*|ruck\w*|storn\w*|restitu\w*|retour\w*)' % (_CHARGE_V, _gap(3), _gap(3)),
]
_BILLING_CONTEXT = _Lazy(   # what makes a charge a dispute
    r'\b(?:never (?:\w+ )?(?:sent|arrived|received|shipped|delivered|came|got)|out of stock|not (?:received|delivered|sent|shipped)|cancel+ed|'
    r'storniert\w*|annulee?s?|cancelad[oa]s?|annullat[oaie]|geannuleerde?|'
    r'no reason|without (?:a )?reason|partial\w*|kept|only (?:part|half)|returned|'
    r'didnt (?:choose|select|pick|ask for|order)|no (?:elegi|pedi|seleccione)|pas choisi\w*|nicht (?:gewahlt|bestellt)|'
    r'only (?:\w+ )?(?:arrived|came)|solo llego|seul est arrive|nur (?:\w+ )?kam|so chegou|arrivato solo|kwam er maar|'
    r'unpaid|impagado|no pagado|non paye|unbezahlt|nao pago|non pagato|onbetaald|'
    r'nao (?:escolhi|pedi)|non ho (?:scelto|chiesto)|niet (?:gekozen|besteld)|'
    r'sin motivo|parcial\w*|nunca (?:se envio|llego|recibi)|agotad[oa]|cancel\w*|quedasteis|devolvi|'
    r'ho reso|'
    r'sans raison|partiel\w*|garde|jamais (?:ete )?(?:envoye|arrive|recu)\w*|rupture|resili\w*|annul\w*|renvoye\w*|'
    r'ohne grund|teilweise|behalten|nie (?:verschickt|angekommen|erhalten)|ausverkauft|gekundigt|storniert|zuruckgeschickt|'
    r'sem motivo|ficaram com|nunca (?:foi enviado|chegou|recebi)|esgotad[oa]|devolvi|'
    r'senza motivo|parzial\w*|trattenut\w*|mai (?:stato )?(?:spedit|arrivat|ricevut)\w*|esaurit\w*|disdett\w*|annullat\w*|restituit\w*|'
    r'zonder reden|gedeeltelijk|hielden|gehouden|nooit (?:\w+ )?(?:verzonden|aangekomen|ontvangen)|uitverkocht|opgezegd|geannuleerd|teruggestuurd)\b')
_BILLING_TERM = _Lazy(r'\b(?:%s|%s|%s|subscription|suscripcion|abonnement|abo|assinatura|abbonamento|'
                      r'(?:money|dinero|argent|geld|dinheiro|soldi) (?:\w+ ){0,2}?(?:left|came out|went out|salio|sorti|parti|abgegangen|saiu|uscit[oi]|afgegaan))\b' % (_CHARGE_V, _CHARGE_N, _REFUND))
_HOW_TO_PAY = _Lazy(r'\b(?:how|como|comment|wie|come|hoe) (?:do i |can i |puedo |posso |kann ich |je |kan ik |eu )?(?:pay|pago|pagar|payer|paie|zahle|zahlen|pagare|betaal|betalen)\b')
_HYPOTHETICAL = _Lazy(
    r'^(?:\W*(?:hi|hello|hey|hola|bonjour|salut|hallo|ola|oi|ciao|hoi|ok|so)\W+)?(?:if|si|se|wenn|falls|als|when|cuando|quand|wann|quando|'
    r'wanneer|will|would|do you|does|can|could|how|what|como|comment|wie|come|hoe|que|est ce que|qual|quel\w*|was|wat|cosa|o que|'
    r'cual|welche\w*|quale|welk\w*|is|are|do|does|any|hay|y a t il|gibt es|tem|ci sono|zijn er|is er)\b|\b(?:policy|politica|politique|richtlinie\w*|bedingungen|beleid|voorwaarden)\b')
_BILLING += [
    r'\b(?:amount|total|sum|importe|montant|betrag|valor|importo|bedrag)\b.{0,50}\b(?:doesnt match|does not match|dont match|is wrong|'
    r'no coincide|ne correspond pas|stimmt nicht|nao bate|non corrisponde|klopt niet)',
    r'\b(?:free (?:shipping|delivery)|envio gratis|livraison gratuite|kostenlos\w* (?:versand|lieferung)|frete gratis|'
    r'spedizione gratuita|gratis (?:verzending|levering))\b.{0,60}\b(?:%s|pay|paid|pagar|payer|zahlen|pagare|betalen|moest)\b' % _CHARGE_V,
    r'\b(?:didnt|did not|never) (?:make|made|place|placed|order|ordered|authori[sz]e|authori[sz]ed) (?:this|these|that|the|those) (?:purchase|order|payment|transaction)s?\b',
    r'\bno (?:he )?hice (?:esta|esa|estas|esas) compras?\b', r'\b(?:n ai )?pas fait (?:cet|cette|ces) (?:achat|commande)s?\b',
    r'\b(?:kauf|bestellung|zahlung)\b.{0,25}\bnicht (?:getatigt|gemacht|bestellt|autorisiert)\b', r'\bnao fiz (?:essa|esta|essas|estas) compras?\b',
    r'\bnon ho fatto (?:io )?(?:questo|quest|questi) (?:acquist|ordin)\w*', r'\b(?:aankoop|bestelling|betaling)\b.{0,25}\bniet (?:gedaan|besteld|geautoriseerd)\b',
    r'\b(?:renew\w*|renov\w*|renouvel\w*|verlanger\w*|verlangert|rinnov\w*|verleng\w*)\b.{0,50}\b(?:without|sin|sans|ohne|sem|senza|zonder)\b',
    r'\b(?:without|sin|sans|ohne|sem|senza|zonder) (?:\w+ ){0,3}(?:renew\w*|renov\w*|renouvel\w*|verlanger\w*|verlangert|rinnov\w*|verleng\w*)\b',
    r'\b(?:call|contact|calling|contacting|phone) (?:my|the) bank\b', r'\b(?:llamar|llamo|contactar|hablar con|hablare con) (?:a )?mi banco\b',
    r'\bcontact\w* ma banque\b', r'\bmeine bank (?:kontaktieren|anrufen|einschalten)\b', r'\b(?:ligar|ligo|falar) (?:pro|para o|com o) banco\b',
    r'\bcontatt\w* la mia banca\b', r'\bmijn bank (?:bellen|contacteren|inschakelen)\b',
    r'\bcontestar (?:este|el|esta|la|essa|esse|a|o) (?:cargo|cobro|cobranca|pago|pagamento|debito)\b',
    r'\bcontester (?:ce|le|cette|la) (?:prelevement|paiement|debit|achat|facture)\b', r'\bcontestare (?:questo|l|il|la) (?:addebito|pagamento)\b',
    r'\b(?:zuruckholen|zuruckbuchen|ruckbuchung|lastschrift zuruck\w*|widerspruch einlegen)\b', r'\b(?:terugboeken|terugdraaien|storneren)\b',
    r'\b(?:still|sigo sin|todavia sin|toujours pas d|immer noch kein|ate agora nada do|ainda nada do|ancora niente|nog steeds geen) ?(?:no )?(?:el |l )?(?:money|dinero|argent|geld|dinheiro|soldi)\b',
    r'\b(?:refund (?:it|this|that)|(?<!vous )remboursez (?:moi|le|la|les)|rembourser moi|bitte (?:erstatten|zuruckzahlen)|erstattet (?:mir|es|das)|estornem|estorne|'
    r'rimborsatemi|stort \w+ (?:\w+ )?terug|devuelvanme|reembolsem|reembolsenme)\b',
]
_BILLING += [
    r'\b(?:took|taken|take|kept) (?:the |my |your )?(?:money|payment)\b.*\b(?:still|never|havent|not|no)\b',
    r'\b(?:rimborsat\w*|reembolsa(?:do|ron|steis|ste|ram)\w*|rembourse\w*|erstattet|terugbetaald|refunded|estornad\w*) (?:\w+ )?(?:solo|only|nur|so|apenas|maar|seulement)\b',
    r'\b(?:solo|only|nur|apenas|maar) (?:\w+ ){0,2}(?:rimborsat|reembols|rembours|erstattet|terugbetaald|refunded|estorn)\w*',
    r'\bn (?:avez|a) rembourse que\b',
]
_PRICE_N = r'(?:price|prices|precio|prix|preis|abopreis|preco|prezzo|prijs|abonnementsprijs|tarif\w*)'
_RAISED = r'(?:went up|gone up|increased|raised|subi\w+|augment\w*|erhoh\w*|aument\w*|verhoog\w*|gestiegen)'
_BILLING += [
    r'\b(?:why|por que|porque|pourquoi|warum|perche|waarom)\b(?! (?:do|does|would|will|is|are|should)\b).{0,60}\b(?:%s|paying|pagando|payer|zahle|pagare|betaal)\b' % _CHARGE_V,
    r'\b(?:importe|monto) equivocado\b', r'\bmauvais montant\b', r'\bfalsche\w* betrag\b', r'\bvalor errado\b', r'\bimporto sbagliato\b',
    r'\bverkeerde? bedrag\b',
]
_BILLING_SOFT = [     # disputes only when not asked as a question or a hypothesis ("are there hidden fees?")
    r'\b%s\b.{0,60}\b(?:even though|although|though|while|aunque|alors que|alors qu|bien que|obwohl|mesmo|apesar|anche se|sebbene|terwijl)\b'
    r'.{0,40}\b(?:free|gratis|gratuit\w*|kostenlos\w*|gratuit[aoie]|gratuite?s)\b' % _CHARGE_V,
    r'^(?=.*\b(?:without|sin|sans|ohne|sem|senza|zonder)\b).*\b(?:%s\b.{0,40}\b%s|%s\b.{0,40}\b%s)\b' % (_PRICE_N, _RAISED, _RAISED, _PRICE_N),
    r'\b%s\b.{0,30}\b(?:full price|precio completo|prix fort|plein tarif|voll\w* preis|preco cheio|prezzo pieno|volle prijs)\b' % _CHARGE_V,
    r'\b%s\b.{0,30}\b(?:old|closed|wrong|cancel+ed|expired|antigua|cerrada|ancienne|alte|antigo|vecchia|oude)\b.{0,12}'
    r'\b(?:card|account|tarjeta|cuenta|carte|compte|karte|konto|cartao|conta|carta|conto|kaart|rekening)\b' % _REFUND,
    r'\b(?:hidden|unexpected|surprise|extra|additional) (?:fees?|charges?|costs?)\b', r'\b(?:cargos?|costes?|comisi\w+) ocult\w*',
    r'\bfrais (?:caches|supplementaires|imprevus)\b', r'\bversteckte\w* (?:gebuhr|kosten)\w*', r'\b(?:taxas?|custos?) escondid\w*',
    r'\bcost[oi] nascost[oi]\b', r'\bverborgen kosten\b',
    r'\b(?:failed|fallo|echoue|fehlgeschlagen|falhou|fallit\w*|mislukt)\b.{0,60}\b(?:money|dinero|argent|geld|dinheiro|soldi|taken|'
    r'abgebucht|preleve\w*|descont\w*|prelevat\w*|afgeschreven|saiu|cobrad\w*|charged|debited)\b',
    r'\b(?:promised|prometieron|prometido|promis|promesso|prometeram|versprochen|beloofd)\b.{0,30}\b%s' % _REFUND,
    r'\b%s\b.{0,20}\b(?:versprochen|beloofd|promis|promesso|prometido|promised|confirmed|confirmad[oa]|confirme|bestatigt|confirmad[oa]|confermat[oa]|bevestigd)\b' % _REFUND,
    r'\b%s\b.{0,50}\b(?:never went through|didnt go through|did not go through|never (?:got )?(?:placed|processed)|no se (?:realizo|proceso|completo)|'
    r'n (?:a|est) (?:jamais|pas) (?:ete )?(?:passee?|validee?)|nicht (?:durchgegangen|abgeschlossen)|nao foi (?:concluid[oa]|finalizad[oa])|'
    r'non (?:e )?(?:andat[oa] a buon fine|stat[oa] complet\w*)|niet (?:doorgegaan|gelukt|voltooid))\b' % _CHARGE_V,
    # charged for something that was (supposed to be) free: shipping, a trial
    r'\b%s\b.{0,60}\b(?:was|were|is|era|eran|es|etait|est|war|ist|estava|e|era|was|is|should be|supposed to be|meant to be|deveria ser|doveva essere|devait etre|sollte|zou)\b'
    r'.{0,20}\b(?:free|gratis|gratuit\w*|kostenlos\w*|gratuita|gratuito)\b' % _CHARGE_V,
    r'\b(?:free|gratis|gratuit\w*|kostenlos\w*|gratuita|gratuito)\b.{0,40}\b(?:but|pero|mais|aber|mas|ma|maar|yet|and|y|et|und|e|en)\b.{0,40}\b%s\b' % _CHARGE_V,
    # the price shown differs from what was taken
    r'\b%s\b.{0,50}\b(?:different|differs?|another|other than|not the same|distint[oa]|otro|diferente|pas (?:le meme|celui)|pas celui|autre|ander\w*|nicht (?:der|die|das) gleiche|divers[oa]|diferente|anders)\b.{0,50}\b%s\b' % (_PRICE_N, _CHARGE_V),
    r'\b(?:money|dinero|argent|geld|dinheiro|soldi)\b.{0,25}\b(?:hasnt|has not|not|no|pas|nicht|nao|non|niet)\b.{0,15}'
    r'\b(?:returned|refunded|back|devuelto|vuelto|rembourse|revenu|zuruck\w*|voltou|devolvido|restituit\w*|tornat\w*|terug\w*)\b',
    r'\b(?:%s|invoice|bill|factura|facture|rechnung|fatura|nota|fattura|factuur)\b.{0,60}\b(?:instead of|en vez de|au lieu de|statt|em vez de|invece di|in plaats van)\b' % _CHARGE_V,
    r'\b(?:%s|devolv\w+|devuelt\w+|estorn\w+|erstatte\w*|rimborsat\w*|terugbetaald|restitui\w*|rembourse\w*)\b.{0,20}\d+(?:[.,]\d+)? (?:\w+ )?(?:instead of|en vez de|en lugar de|au lieu de|statt|anstatt|em vez de|invece di|in plaats van)\b' % _REFUND,
    r'\b\d+(?:[.,]\d+)? (?:instead of|en vez de|en lugar de|au lieu de|statt|anstatt|em vez de|invece di|in plaats van) (?:\w+ ){0,2}\d+(?:[.,]\d+)?\b.{0,20}\b(?:%s|%s|erstattet|estornaram|devolvi\w+|rimborsat\w*|terugbetaald)\b' % (_REFUND, _CHARGE_V),
    r'\b\d+(?:[.,]\d+)? (?:\w+ ){1,2}(?:instead of|en vez de|en lugar de|au lieu de|statt|anstatt|em vez de|invece di|in plaats van) (?:\w+ ){0,2}\d+(?:[.,]\d+)?\b',
    r'\b(?:two|2|dos|deux|zwei|duas|dois|due|twee) (?:\w+ )?(?:subscriptions|memberships|suscripciones|abonnements|abos|assinaturas|abbonamenti|abonnementen)\b',
    r'\b(?:money|dinero|argent|geld|dinheiro|soldi)\b (?:\w+ ){0,3}?(?:sigue sin|todavia no|aun no|toujours pas|(?:ist )?immer noch nicht|noch nicht|ainda nao|nao voltou|'
    r'ancora non|non (?:e )?(?:ancora )?tornat\w*|(?:is )?nog steeds niet|is nog niet|still (?:not|hasnt|hasn t|isnt))\b',
    r'\b%s\b(?! (?:\w+ )?(?:came|arrived|received|landed|went through|llego|ha llegado|arrive|recu|angekommen|kam|ist da|caiu|chegou|arrivato|e arrivato|binnen|ontvangen))[^,;!?]{0,80}'
    r'\b(?:still|todavia|toujours pas|immer noch|noch nicht|ate agora|ainda|ancora|non e ancora|nog steeds|nog niet|not yet|yet to)\b' % _REFUND,
    r'\b(?:2|two|dos|deux|zwei|duas|dois|due|twee) %s\b.{0,60}\b(?:only|solo|seule?|une seule|qu une?|nur|so|apenas|un solo|maar|slechts)\b' % _CHARGE_N,
    r'\b(?:auto ?enrol+\w*|signed me up|enrolled me|subscribed me|me (?:suscribi\w*|inscribi\w*|apunt\w*)|m a inscrit\w*|mich (?:\w+ )?angemeldet|me inscrev\w*|'
    r'mi ha(?:nno)? iscritt\w*|(?:me|mij) (?:\w+ )?(?:aangemeld|ingeschreven))\b.{0,60}\b(?:%s|\d+(?:[.,]\d+)? (?:a|per|every|each|al|por|par|pro|im|per) (?:month|mes|mois|monat|mese|maand))' % _CHARGE_V,
    r'\b%s\b.{0,20}\b(?:jump\w*|went up|changed|rose|subio|cambio|augmente|gestiegen|geandert|mudou|subiu|cambiato|aumentato|veranderd|gestegen)\b.{0,50}'
    r'\b(?:basket|cart|checkout|payment|cesta|carrito|pago|panier|paiement|warenkorb|kasse|zahlung|carrinho|pagamento|carrello|winkelmand\w*|betaling|afrekenen)\b' % _PRICE_N,
    r'\b%s\b.{0,30}\b(?:full price|full whack|full amount|precio (?:entero|completo|normal|total)|prix (?:fort|plein|normal)|plein (?:pot|tarif)|voll\w* (?:preis|betrag)|preco (?:cheio|inteiro|normal)|prezzo (?:pieno|intero)|volle (?:prijs|bedrag))\b' % _CHARGE_V,
    r'\b%s (?:\w+ ){0,3}?(?:\d+|two|three|four|dos|tres|deux|trois|zwei|drei|duas|tre|twee|drie) (?:items|articulos|articles|artikel|artikelen|itens|articoli|pieces|things|prendas|pecas|pezzi|stuks|stuck|teile)\b'
    r'.{0,60}\b(?:only|solo|que|nur|so|maar|seulement|apenas)\b' % _CHARGE_V,
    r'\b(?:\d+|two|three|four|drei|zwei|twee|drie) (?:artikel|artikelen|items|teile|stuck|stuks) (?:\w+ )?%s\b.{0,60}\b(?:only|nur|maar)\b' % _CHARGE_V,
    r'\b(?:still|anyway|aun asi|aun y asi|igualmente|quand meme|tout de meme|trotzdem|dennoch|mesmo assim|ainda assim|comunque|lo stesso|toch|alsnog)\b.{0,40}\b%s\b' % _CHARGE_V,
    r'\b%s\b.{0,30}\b(?:anyway|quand meme|trotzdem|mesmo assim|lo stesso|comunque|alsnog)\b' % _CHARGE_V,
    r'(?:\bextra |\b)\d+(?:[.,]\d+)? ?(?:extra|de mas|en plus|a mais|in piu|mehr|meer)?\b.{0,25}\b(?:on|in|en|sur|auf|na|sull|sul|op) (?:my |mi |el |mon |le |dem |meinem |a |o |minha |l |mijn |het )?(?:bank )?(?:statement|extracto|releve|kontoauszug|fatura|estratto|afschrift)\b',
    r'\b(?:cover|covered|cubr\w*|couvrir|couvert|abdecken|abgedeckt|cobrir|coprire|copert\w*|dekken|gedekt)\b.{0,40}\b(?:but|pero|mais|aber|mas|ma|maar)\b.{0,40}\b%s\b' % _CHARGE_V,
    r'^(?=.*\b(?:%s|deducted|descont\w*)\b)(?=.*\b(?:customs|dut(?:y|ies)|tax(?:es)?|vat|impuestos|aduanas?|droits|douane|zoll\w*|impostos|taxas?|dazi|dogana|invoerrechten|btw|iva|mwst)\b).*'
    r'\b(?:included|incluid\w*|inclus\w*|inklusive|inkl|inbegriffen|inclusos|inclusi|compres\w*|inclusief|inbegrepen)\b' % _CHARGE_V,
    r'\b(?:money|dinero|argent|geld|dinheiro|soldi)\b.{0,30}\b(?:on hold|held|retenid\w*|bloque\w*|blockiert|gesperrt|bloquead\w*|bloccat\w*|vast|geblokkeerd)\b',
    r'^(?=.*\b(?:invoice|bill|factura|facture|rechnung|fatura|fattura|factuur|%s|%s)\b).*\b(?:order|pedido|commande|bestellung|ordine|bestelling|purchase|compra|achat|acquisto|aankoop)\b'
    r' (?:\w+ ){0,4}?(?:never|nunca|jamais|nie|mai|nooit)\b (?:\w+ ){0,2}?(?:placed|made|ordered|hice|realice|passee?|fait|gemacht|getatigt|bestellt|fiz|feito|fatto|geplaatst|gedaan|besteld)\b' % (_CHARGE_N, _CHARGE_V),
    r'\b%s\b.{0,40}\b(?:since|desde que|depuis que|seit|da quando|sinds)\b.{0,30}\b(?:closed|cancel\w*|cerre|ferme|resilie|geschlossen|gekundigt|fechei|cancelei|chius[oa]|disdett[oa]|opgezegd|gesloten|annul\w*)\b' % _CHARGE_V,
    r'\b(?:voll\w* (?:preis|betrag)|volle (?:prijs|bedrag))\b.{0,20}\b%s\b' % _CHARGE_V,
    r'\b%s\b.{0,20}\b(?:more than|mas que|mas de lo|plus que|mehr als|mais do que|mais que|piu del|piu di|meer dan)\b.{0,30}\b(?:price|precio|prix|preis|preco|prezzo|prijs|shown|listed|advertised)\b' % _CHARGE_V,
    r'\b%s\b.{0,30}\b(?:more than|mas que|plus que|mehr als|mais do que|piu del|meer dan)\b' % _PRICE_N,
    r'\b(?:mehr|meer) (?:\w+ )?%s (?:als|dan)\b' % _CHARGE_V,
    r'\b%s\b.{0,60}\b(?:payment failed|failed|fallid[oa]|fallo|echoue|fehlgeschlagen|falhou|non riuscit[oa]|mislukt)\b' % _CHARGE_V,
    r'^(?=.*\b(?:basket|cart|cesta|carrito|panier|warenkorb|carrinho|carrello|winkelmand\w*)\b)(?=.*\b(?:payment|paying|pay|checkout|pagar|pago|paiement|bezahlen|kasse|pagamento|pagare|betalen|afrekenen)\b).*'
    r'\b(?:ignored|not applied|gone|weg|sumiu|disappeared|desaparec\w*|no (?:lo |la )?aplic\w*|pas au paiement|pas (?:a la caisse|applique\w*)|niet meer|non (?:applicat\w*|c era)|al pagamento no|nicht mehr|n etait plus)\b',
    r'\b(?:pricing|price) error\b', r'\berror (?:de|en el) precio\b', r'\berreur de prix\b', r'\bpreisfehler\b', r'\berro de preco\b', r'\berrore (?:di|nel) prezzo\b', r'\bprijsfout\b',
    r'\b(?:fee|charge|cargo|frais|gebuhr|taxa|commissione|kosten)\b.{0,40}\b(?:waived|waive|exempt|eximid\w*|exonere\w*|erlassen|isent\w*|esent\w*|kwijtgescholden|kwijtgescholden)\b',
    r'\b%s\b.{0,40}\b(?:completed|completad[oa]|termine|abgeschlossen|conclu[ií]d[oa]|completat[oa]|voltooid|processed|procesad[oa]|traite|bearbeitet|processad[oa]|elaborat[oa]|verwerkt|done|sent|enviad[oa]|envoye)\b'
    r'.{0,40}\b(?:but|pero|mais|aber|mas|ma|maar)\b.{0,40}\b(?:nothing|nada|rien|nichts|niente|niks|niets|no hay|not there|pas recu|nicht da|nao tem)\b' % _REFUND,
    r'\b(?:extra|additional|de mas|en plus|a mais|in piu|mehr|meer)\b.{0,12}\d+.{0,20}\b(?:on|in|en|sur|auf|na|sull|op) (?:my |mi |mon |ma |meine[mr]? |minha |mia |mijn |the |la |le |el |de |die |der |a |o )?'
    r'(?:bill|invoice|statement|receipt|factura|facture|rechnung|fatura|fattura|factuur|bon)\b',
    r'\b(?:coupon|cupon|discount|descuento|codigo|remise|reduc\w*|rabatt\w*|gutschein|cupom|desconto|sconto|korting\w*)\b.{0,40}\b(?:but|pero|mais|aber|mas|ma|maar)\b.{0,40}\b%s\b' % _CHARGE_V,
    r'\bwrong currency\b', r'\bmoneda equivocada\b', r'\bmauvaise devise\b', r'\bfalsche\w* wahrung\b', r'\bmoeda errada\b',
    r'\bvaluta sbagliata\b', r'\bverkeerde valuta\b',
]
_BILLING_CLAIM = [       # "I want a refund": a claim that a negation cancels ("I don't want a refund, just an exchange")
    r'\b%s%s%s' % (_CLAIM_BEFORE_REFUND, _gap(3), _REFUND),
]
_AMOUNT = r'(?:[$£€]\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?(?:[$£€]|eur\w*|euro|reais|real|dollars?|pounds?|usd|gbp|chf))'
_PRICE_CONTRAST = _Lazy(
    r'\b(?:when|but|while|although|though|instead of|whereas|si|cuando|pero|alors que|au lieu|mais|obwohl|wenn|statt|aber|'
    r'quando|se|mas|mentre|invece|terwijl|als|maar)\b')
_PRICE_WORDS = _Lazy(r'\b(?:price|priced|checkout|site|website|page|said|says|listed|precio|ponia|web|prix|affich\w*|preis|'
                          r'seite|stand|preco|estava|prezzo|scritto|sito|prijs|stond)\b')


# ---- 5. complaints -------------------------------------------------------------------------------

_COMPLAINT = [
    # English
    r'\b(?:terrible|awful|horrible|horrendous|worst(?! case)|unacceptable|ridiculous|disgusting|useless|pathetic|'
    r'furious|angry|livid|outrag\w*|appalling|shocking|disgrace\w*|shameful|rubbish|garbage|crap|crappy|shit\w*|'
    r'incompetent|rude|disappoint\w*|unprofessional|joke|infuriat\w*|frustrat\w*)\b',
    r'\bscam\w*\b(?!\?)', r'\blet down\b', r'\b(?:poor|bad|lousy|crap|awful) (?:\w+ )?(?:quality|service|support|experience|communication|handling|treatment)\b',
    r'\bmauvaise (?:communication|experience|gestion)\b', r'\b(?:est|etait) (?:vraiment |tres |super |franchement )?mauvais\w*\b',
    r'\bnot happy\b', r'\bunhappy\b', r'\bnot (?:satisfied|acceptable|ok)\b', r'\bdissatisf\w*',
    r'\bfed up\b', r'\bsick (?:of|and tired)\b', r'\bnever again\b', r'\brip ?off\b', r'\bcomplain\w*', r'\bcomplaint\w*',
    r'\b(?:falling|coming|fell|came) apart\b', r'\b(?:very|so|really|extremely|pretty) poor\b', r'\bwaste of (?:money|time)\b', r'\bwhat the (?:hell|heck|f\w*)\b', r'\bwtf\b',
    r'\bhow hard (?:can|is) it\b', r'\b(?:nobody|no one|noone) (?:ever )?(?:replies|answers|responds|gets back|has (?:replied|answered|responded)|answered|replied|responded|cares)\b',
    r'\bno (?:reply|replies|response|answer)\b', r'\bignor(?:ed|ing) (?:me|my)\b',
    r'\b(?:been )?waiting (?:for )?(?:over |more than |almost |nearly )?(?:\d+|two|three|four|five|six|several|many) (?:days|weeks|months)\b',
    r'\bnot (?:good enough|what i (?:ordered|paid for))\b', r'\b(?:is|its|it s) (?:trash|garbage|rubbish)\b', r'\bso bad\b',
    r'\b(?:\d+|two|three|four) (?:days|weeks|months) and (?:still )?(?:nothing|no \w+)\b', r'\basco\b', r'\bmies\w*', r'\bwaardelo\w*', r'\bnightmare\b', r'\bpesadilla\b', r'\bcauchemar\w*', r'\balbtraum\w*',
    r'\bpesadelo\b', r'\bincubo\b', r'\bnachtmerrie\b', r'\bschande\b',
    r'\bnothing but (?:problems|trouble|issues)\b', r'\bno he tenido mas que problemas\b', r'\b(?:n )?(?:ai |a |avons )?(?:eu )?que des (?:problemes|soucis|ennuis)\b',
    r'\bnur (?:arger|probleme|arger und probleme)\b', r'\bso tive problemas?\b', r'\bsolo problemi\b', r'\balleen maar problemen\b', r'\bnot impressed\b', r'\bunimpressed\b', r'\bgone downhill\b',
    r'\b(?:annoyed|irritated|pissed|upset|infuriated)\b', r'\bexpected (?:much |a lot |way )?(?:better|more)\b',
    r'\bnot worth (?:the|its|it s) (?:price|money)\b', r'\b(?:nobody|no one) (?:is )?(?:reading|listening|helping)\b',
    r'\b(?:is a|what a|such a|un|una|ein|een|uma|um) (?:mess|caos|chaos|bagunca|bazar)\b',
    r'\bestoy (?:muy )?molest[oa]\b', r'\bno estoy (?:nada |muy )?(?:content|satisfech)\w*', r'\besperaba (?:mucho |bastante )?(?:mas|mejor)\b',
    r'\bmala calidad\b', r'\bno vale (?:lo que cuesta|el precio|su precio|lo que pague)\b',
    r'\b(?:ne (?:suis|sommes) )?pas (?:du tout |tres )?(?:content|satisfait)\w*', r'\bm attendais a (?:beaucoup |bien )?mieux\b', r'\bmauvaise qualite\b',
    r'\bmediocre\b', r'\b(?:ne |n )?vaut pas (?:le prix|son prix|l argent)\b', r'\bagace\w*', r'\bhorrible\w*',
    r'\b(?:gar |uberhaupt )?nicht zufrieden\b', r'\b(?:viel |deutlich )?(?:mehr|besser) erwartet\b', r'\bmangelhaft\w*',
    r'\bden preis nicht wert\b', r'\bfurchtbar\w*', r'\b(?:never (?:been )?)?treated (?:so |this |that )?badly\b', r'\bbeschamend\w*', r'\bvergonhos\w*', r'\bgrauen\w*', r'\b(?:getting |so |sick and )tired of (?:this|it|you|your)\b', r'\bschrecklich\w*', r'\bgrauenhaft\w*', r'\bverargert\b', r'\bgenervt\b',
    r'\bnao (?:estou|fiquei|fico|to|tou)(?: nada| nem um pouco)? (?:satisfeit|content|feliz)\w*', r'\besperava (?:bem |muito )?(?:mais|melhor)\b',
    r'\bqualidade (?:fraca|ruim|pessima|baixa)\b', r'\bnao vale o (?:que custa|preco)\b', r'\birritad\w*', r'\bchatead\w*',
    r'\bper niente soddisfatt\w*', r'\bmi aspettavo (?:molto |ben )?(?:di piu|meglio)\b', r'\bqualita (?:mediocre|bassa|scarsa)\b',
    r'\bnon vale il prezzo\b', r'\borribil\w*', r'\bseccat\w*', r'\binfastidit\w*',
    r'\b(?:veel |heel wat )?(?:meer|beter) verwacht\b', r'\bmatige kwaliteit\b', r'\bniet de prijs waard\b', r'\bvreselijk\w*',
    r'\bverschrikkelijk\w*', r'\bafschuwelijk\w*', r'\bgeirriteerd\b', r'\bgeergerd\b',
    # sarcasm about a simple job done wrong, all languages
    r'\b(?:not that hard|no es tan dificil|no es tan complicado|(?:c est )?pas (?:si |tres )?(?:complique|difficile) pourtant|'
    r'so schwer kann das (?:doch )?nicht sein|nao e tao dificil|non e (?:cosi|poi cosi|tanto) difficile|zo moeilijk is het (?:toch )?niet)\b',
    r'\b(?:cheap )?(?:junk|tat)\b', r'\bcamelote\b', r'\bpacotille\b', r'\bschrott\b', r'\bramsch\b', r'\brobaccia\b', r'\bschifezza\b', r'\bporcheria\b',
    r'\btroep\b', r'\brommel\b', r'\bprul\w*', r'\bpenos[oa]\b', r'\bnunca (?:contest\w*|respond\w*|atiend\w*|me (?:contest|respond)\w*)',
    r'\bjamais de reponse\b', r'\bes un chiste\b', r'\bc est une blague\b', r'\be uma piada\b', r'\be una barzelletta\b', r'\b(?:is|s) a joke\b', r'\bdescontent\w*', r'\bmecontent\w*', r'\bscontent\w*', r'\bpoor show\b', r'\bhasta las narices\b', r'\bras le bol\b', r'\bschnauze (?:gestrichen )?voll\b', r'\b(?:ben|zijn|is) het (?:\w+ )?zat\b', r'\bhad enough\b', r'\bne repond(?:ez|ent)? jamais\b', r'\bantwortet (?:nie|niemand)\b', r'\bnunca respondem\b', r'\bnon rispond\w* mai\b',
    r'\breageren (?:jullie )?nooit\b',
    r'\b(?:wont|will not|never) (?:be )?(?:buy|order|shop)\w* (?:\w+ ){0,3}?again\b', r'\bdone with (?:this|your) (?:brand|shop|store|company)\b',
    r'\bno (?:vuelvo|volvere|vuelvo a) (?:a )?comprar\b', r'\bje ne (?:rachete|racheterai|commanderai) (?:plus|jamais)\b', r'\bich kauf\w* (?:hier |bei euch )?(?:nicht mehr|nie wieder)\b',
    r'\bnao compro (?:mais|nunca mais)\b', r'\bnon (?:compro|comprero|ordino) piu\b', r'\bik (?:koop|bestel) (?:hier |bij jullie )?(?:niet meer|nooit meer)\b',
    r'\b(?:quality|calidad|qualite|qualitat|qualidade|qualita|kwaliteit)\b.{0,25}\b(?:gone down|got worse|worse|empeorado|baja\w*|baisse|schlechter|nachgelassen|caiu|piorou|peggiorat\w*|calata|achteruit|slechter)\b',
    # Spanish
    r'\bverguenza\b', r'\bvergonzos\w*', r'\bpesim\w*', r'\bfatal\b', r'\bdesastr\w*', r'\binaceptable\b', r'\bridicul\w*',
    r'\bhart[oa]s?\b', r'\bnunca mas\b', r'\bestafa\w*', r'\btimo\b', r'\btomadura de pelo\b', r'\bdecepcion\w*',
    r'\bqueja\w*', r'\bquej(?:o|arme|arse|amos)\b', r'\breclamacion\b', r'\b(?:la|el) peor\b', r'\bmal servicio\b',
    r'\bmuy mal\b', r'\bmaleducad\w*', r'\bnadie (?:me )?(?:contesta|responde|atiende)\b', r'\bindignad\w*',
    r'\bcabread\w*', r'\blamentable\b', r'\bbasura\b', r'\bmierda\b', r'\bporqueria\b', r'\bno estoy (?:content|satisfech)\w*',
    r'\b(?:servicio|atencion) (?:tan )?malo\b', r'\bllevo (?:\d+|dos|tres|cuatro|varias) (?:dias|semanas|meses) esperando\b',
    # French
    r'\bscandal\w*', r'\binadmissible\b', r'\binacceptable\b', r'\bnul(?:le|s)?\b', r'\blamentable\b', r'\bhont\w*',
    r'\bcatastroph\w*', r'\bdecu\w*', r'\bdeception\b', r'\bmarre\b', r'\bplus jamais\b', r'\barnaque\w*',
    r'\b(?:la|le) pire\b', r'\bfoutage\b', r'\bfoutez\b', r'\bplainte\b', r'\bplaind\w*', r'\bplains\b', r'\breclamation\b',
    r'\bimpoli\w*', r'\bpersonne ne (?:me )?(?:repond|rappelle)\w*', r'\bn importe quoi\b', r'\bfurieu\w*', r'\benerv\w*',
    r'\bminable\b', r'\bpas (?:content|satisfait)\w*', r'\bdegout\w*', r'\bdeplorable\b', r'\binsupportable\b',
    r'\bj attends depuis (?:\d+|deux|trois|quatre|plusieurs) (?:jours|semaines|mois)\b',
    # German
    r'\bfrechheit\b', r'\bunverschamt\w*', r'\bmiserabel\w*', r'\bkatastroph\w*', r'\bschlecht\w*', r'\bschlimmst\w*',
    r'\benttausch\w*', r'\b(?:ein|ist ja ein|das ist ein) witz\b', r'\bnase voll\b', r'\bnie wieder\b', r'\bbetrug\b',
    r'\babzocke\w*', r'\bbeschwer\w*', r'\bunhoflich\w*', r'\bniemand (?:antwortet|reagiert|meldet sich)\b',
    r'\bunmoglich(?:er|e|es)?\b(?! (?:zu|mich|sich))', r'\binakzeptabel\b', r'\bsauer\b', r'\bwutend\b', r'\bargerlich\b',
    r'\bsauerei\b', r'\bzumutung\b', r'\bunzufrieden\b', r'\bnicht zufrieden\b', r'\bso schwer kann\b', r'\bdreist\w*',
    r'\bwarte seit (?:\d+|zwei|drei|vier|mehreren) (?:tagen|wochen|monaten)\b',
    # Portuguese
    r'\babsurd\w*', r'\bpessim\w*', r'\bhorrivel\b', r'\bvergonha\b', r'\bdecepc\w*', r'\bsaco cheio\b', r'\bnunca mais\b',
    r'\bgolpe\w*', r'\bpiada\b', r'\b(?:a|o) pior\b', r'\breclam\w*', r'\bmal educad\w*', r'\bgrosseir\w*',
    r'\bfoi (?:muito )?grosso\b', r'\bninguem (?:me )?(?:responde|atende)\b', r'\bruim\b', r'\blixo\b', r'\binaceitavel\b',
    r'\brevoltad\w*', r'\bpalhacada\b', r'\bdescaso\b', r'\binsatisfeit\w*', r'\bporcaria\b',
    r'\b(?:faz|ha) (?:\d+|duas|tres|quatro) (?:dias|semanas|meses) que (?:espero|estou esperando)\b',
    r'\bestou esperando ha (?:\d+|duas|tres|quatro) (?:dias|semanas|meses)\b',
    # Italian
    r'\bvergogn\w*', r'\bscadent\w*', r'\bdisastr\w*', r'\bdelus\w*', r'\bstuf[oa]\b', r'\bmai piu\b', r'\btruff\w*',
    r'\bpresa in giro\b', r'\b(?:il|la) peggior\w*', r'\blamentar\w*', r'\bmi lamento\b', r'\bscortes\w*',
    r'\bmaleducat\w*', r'\bnessuno (?:mi )?risponde\b', r'\binaccettabil\w*', r'\bschif\w*', r'\barrabbiat\w*',
    r'\bindecent\w*', r'\binsoddisfatt\w*', r'\bnon sono (?:per niente |affatto |molto )?(?:soddisfatt|content)\w*', r'\breclamo\b',
    r'\baspetto da (?:\d+|due|tre|quattro) (?:giorni|settimane|mesi)\b',
    # Dutch
    r'\bschandalig\w*', r'\bwaardeloo\w*', r'\bbelachelijk\w*', r'\bslecht\w*', r'\bteleurstell\w*', r'\bteleurgesteld\b',
    r'\bspuugzat\b', r'\bnooit meer\b', r'\boplicht\w*', r'\b(?:een|is een) grap\b', r'\bklacht\w*', r'\bklag\w*',
    r'\bonbeleefd\b', r'\bniemand (?:reageert|antwoordt|beantwoordt)\b', r'\bramp\b', r'\bonacceptabel\b', r'\bwoedend\b',
    r'\bboos\b', r'\bbagger\b', r'\bniet tevreden\b', r'\bontevreden\b',
    r'\bwacht al (?:\d+|twee|drie|vier) (?:dagen|weken|maanden)\b',
]


# ---- 6. sales ------------------------------------------------------------------------------------

_SALES = [
    # bulk, wholesale, volume
    r'\b(?:wholesale\w*|bulk|in bulk|volume (?:discount|pricing|order)|quantity discount|large quantit\w*)\b',
    r'\b(?:al por mayor|mayorista\w*|descuentos? por (?:volumen|cantidad)|grandes cantidades)\b',
    r'\b(?:en gros|prix de gros|grossiste\w*|remises? (?:sur|de) (?:volume|quantite)|grandes quantites)\b',
    r'\b(?:grosshandel\w*|grosshandler\w*|grossbestellung\w*|grosse (?:menge\w*|bestellung)|mengenrabatt\w*|staffelpreis\w*)\b',
    r'\b(?:atacad\w*|descontos? (?:por|de) (?:quantidade|volume)|grandes quantidades)\b',
    r'\b(?:ingrosso|grossist\w*|scont[oi] (?:sulla |per )?(?:quantita|volume)|grandi quantita)\b',
    r'\b(?:groothandel\w*|staffelkorting|kwantumkorting|grote (?:bestelling|hoeveelhe\w*|order))\b',
    r'\b(?:large|big|huge|sizable|sizeable|bulk|corporate|business|company|wholesale|group|team|volume) (?:order|purchase|quote|account)s?\b',
    r'\b(?:pedido|encargo) (?:grande|corporativo|de empresa|empresarial|al por mayor|importante)\b', r'\bgran pedido\b',
    r'\b(?:grosse|grande) commande\b', r'\bcommande (?:importante|d entreprise|professionnelle|groupee)\b',
    r'\b(?:pedido|compra) (?:grande|corporativ\w*|da empresa|empresarial)\b', r'\bgrande pedido\b',
    r'\b(?:ordine|ordinazione) (?:grande|aziendale|importante|all ingrosso)\b', r'\b(?:grande|grosso) ordine\b',
    r'\bzakelijk\w*\b', r'\bbedrijfsbestelling\w*', r'\bfirmen(?:bestellung|kunde\w*|auftrag)\w*', r'\bgeschaftskunde\w*',
    r'\b(?:b2b|enterprise|procurement|corporate|corporativ[oa]s?|empresarial|aziendal[ei])\b',
    r'\bcuentas? (?:de empresa|empresariales?|corporativas?|de negocio|profesional\w*)\b', r'\bcomptes? (?:pro|professionnels?|entreprise|d entreprise|societe)\b',
    r'\b(?:firmenkont\w*|geschaftskont\w*|firmenkundenkont\w*)\b', r'\bcontas? (?:empresaria\w*|corporativas?|pj|de empresa|juridica)\b',
    r'\b(?:account|conti|conto) (?:aziendal\w*|business|per aziende)\b',
    # quotes
    r'\bquot(?:e|es|ation|ations)\b(?! (?:from|of) (?:my|your|the) (?:message|email))', r'\bpricing for (?:my|our|a) (?:team|company|group|club|school|staff)\b',
    r'\bcustom (?:quote|pricing)\b', r'\b(?:un|el|nos|me|hacer|hacernos|pedir|enviar|mandar|solicitar|para) presupuesto\b',
    r'\bpresupuesto (?:para|de) (?:un|una|\d+)\b', r'\bcotizacion\w*', r'\bdevis\b',
    r'\b(?:ein|ihr|euer|unverbindliches|individuelles) angebot\b(?! (?:im|ist))', r'\bangebot (?:fur|machen|erstellen|schicken|senden)\b',
    r'\bkostenvoranschlag\b', r'\b(?:um|o|fazer|pedir|mandar|enviar|podem fazer um) orcamento\b', r'\borcamento (?:para|de)\b',
    r'\bcotacao\b', r'\bpreventiv[oi]\b', r'\bofferte\w*\b',
    # the sales team
    # the sales team (not "what sales do you have?", "ventas privadas")
    r'\b(?:talk\w*|speak\w*|chat\w*|contact\w*|reach\w*|email\w*|call\w*|connect\w*|transfer\w*|put me through|hablar|'
    r'contactar|parler|contacter|joindre|sprechen|reden|kontaktieren|falar|contatar|parlare|contattare|praten|spreken)'
    r' (?:\w+ ){0,3}(?:sales|ventas|vendas|vendite|verkoop|vertrieb|commercial|comercial|commerciale)\b',
    r'\bsales (?:team|department|dept|reps?|representative|person|manager|office|contact|people|staff|enquiry|inquiry|question)s?\b',
    r'\bin sales\b', r'\bsales ?@', r'\b(?:departamento|equipo|area) (?:de ventas|comercial)\b',
    r'\b(?:service|equipe|departement) commercia\w*', r'\bun commercial\b',
    r'\bvertrieb\w*', r'\bverkaufsabteilung\b', r'\b(?:setor|equipe|departamento|time) (?:de vendas|comercial)\b',
    r'\bufficio (?:vendite|commerciale)\b', r'\b(?:il|un|vostro) commerciale\b', r'\bverkoopafdeling\b', r'\bafdeling verkoop\b',
    r'\bverkoopteam\b', r'\b(?:time|equipe) (?:de vendas|comercial)\b',
    r'\b(?:book|request|schedule) a demo\b',
    # resellers, distribution, contracts, uniforms
    r'\bresell\w*', r'\bdistribu(?:tor|tors|tion|teur|teurs|tore|tori|idor|idores|idora|idoras)\b', r'\bstockists?\b',
    r'\b(?:stock|carry|sell|vender|distribuir|vendre|distribuer|fuhren|vertreiben|verkaufen|vender|vendere|distribuire|verkopen|voeren) (?:\w+ ){0,2}?(?:your|vuestr\w*|sus|vos|votre|eure?n?|ihre|de voces|vostr\w*|jullie) (?:\w+ ){0,2}?'
    r'(?:brand|line|products|range|collection|jackets|marca|linea|productos|coleccion|marque|gamme|produits|collection|marke|\w*linie|produkte|sortiment|kollektion|linha|produtos|colecao|marchio|prodotti|collezione|merk|\w*lijn|producten|assortiment|collectie)\b', r'\brevend\w*', r'\brevend(?:er|ere|edor\w*)\b',
    r'\b(?:eure?n?|ihre|jullie) (?:\w+ ){0,2}?(?:marke|\w*linie|produkte|sortiment|kollektion|merk|\w*lijn|producten|assortiment|collectie)\b (?:\w+ ){0,2}?(?:fuhren|vertreiben|verkaufen|verkopen|voeren)\b',
    r'\brivend\w*', r'\bwiederverkauf\w*', r'\bhandler (?:werden|fuhren)\b', r'\bals handler\b', r'\bvertriebspartner\w*',
    r'\bwederverkop\w*', r'\bdealer\w*', r'\bpartnership\w*', r'\bpartenariat\b', r'\bpartnerschaft\b', r'\bparceria\b',
    r'\bsupply (?:contract|agreement)\b', r'\b(?:yearly|annual|framework|long term|multi year) (?:contract|agreement|supply)\b',
    r'\bcontrat\w* (?:de (?:suministro|fornecimento|fourniture)|anual|annuel|cadre)\b', r'\bcontrato de (?:suministro|fornecimento)\b',
    r'\b(?:rahmen|liefer|jahresliefer|jahres)vertrag\w*', r'\bcontratt\w* (?:di fornitura|annual\w*|quadro)\b',
    r'\b(?:jaar|levering\w*|raam)contract\w*', r'\btender\b', r'\brfp\b', r'\blicitac\w*', r'\bappel d offres\b',
    r'\bausschreibung\b', r'\bgara d appalto\b', r'\baanbesteding\b',
    r'\buniform\w*', r'\bworkwear\b', r'\bdivise (?:aziendali|da lavoro|personalizzate|per)\b', r'\b(?:delle|le|nuove) divise\b', r'\bbedrijfskleding\b', r'\barbeitskleidung\b', r'\bvestuario\b',
    r'\b(?:buyer|purchasing manager|procurement manager|purchaser)\b', r'\bcompr(?:ador|adora) (?:de|para)\b',
    r'\bacheteu(?:r|se)\b', r'\beinkaufer\w*', r'\binkoper\b',
    r'\b(?:chain|group) of (?:\d+ )?(?:shops|stores|hotels|restaurants|gyms|schools)\b', r'\bhotel (?:group|chain)\b',
    r'\bcadena de (?:tiendas|hoteles)\b', r'\bchaine de (?:magasins|boutiques|hotels)\b', r'\b(?:hotel|laden)kette\b',
    r'\brede de (?:lojas|hoteis)\b', r'\bcatena di (?:negozi|hotel)\b', r'\b(?:hotel|winkel)keten\b',
    r'\b(?:several|multiple|\d+) (?:shops|stores|outlets|branches)\b', r'\bmehrere filialen\b', r'\bplusieurs magasins\b',
    r'\bvarias tiendas\b', r'\bvarias lojas\b', r'\bdiversi negozi\b', r'\b(?:meerdere|een paar) winkels\b',
    r'\b(?:in|en|dans|im|in unserem|na|nel|no|in onze) (?:our|nuestra|notre|unserem|nossa|nostro|onze|la nostra|a nossa)? ?(?:store|shop|boutique|tienda|magasin|laden|geschaft|loja|negozio|winkel)s?\b.{0,40}\b(?:sell|vender|vendre|verkaufen|vendere|verkopen)\b',
    r'\b(?:sell|vender|vendre|verkaufen|vendere|verkopen)\b.{0,40}\b(?:in|en|dans|im|na|nel|no|in) (?:our|nuestra|notre|unserem|nossa|nostro|onze|la nostra|a nossa) (?:store|shop|boutique|tienda|magasin|laden|geschaft|loja|negozio|winkel)s?\b',
    r'\b(?:manage|handle|in charge of|responsible for|run|do|llevo|gestiono|me encargo de|gere|g[eè]re|m occupe des|cuido|fa[cç]o|mi occupo|gestisco|doe|beheer|regel)\w*(?: \w+){0,2} (?:procurement|purchasing|buying|compras|achats|einkauf|acquisti|inkoop)\b',
    r'\b(?:zustandig|verantwortlich) fur den einkauf\b', r'\bfur den einkauf\b.{0,30}\bzustandig\b', r'\beinkauf\w* (?:einer|eines|fur|bei)\b',
    r'\b(?:for|para|pour|fur|per|voor) (?:my|our|mis|nuestros|nuestras|mes|nos|meine|unsere|meus|minhas|nossos|nossas|i miei|i nostri|le mie|le nostre|mijn|onze) (?:\d{2,})\b',
    r'\b(?:trade|business|wholesale|corporate) (?:account|price|pricing|discount|terms)s?\b', r'\bfor businesses\b',
    r'\bcuenta (?:de empresa|empresarial|profesional)\b', r'\bcompte (?:pro|professionnel|entreprise)\b', r'\b(?:geschafts|handler|firmen)konto\b',
    r'\bconta (?:empresarial|pj|corporativa)\b', r'\baccount aziendale\b', r'\bcolaboracion comercial\b', r'\bcollaborazione commerciale\b',
    r'\bsamenwerking\b', r'\bcooperation commerciale\b', r'\bkooperation\b',
    # customisation for a group
    r'\b(?:with|con|avec|mit|com|met) (?:the |our |el |nuestro |le |notre |unserem |dem |o |nosso |il |nostro |ons |het |la )?(?:club |team |company |school )?logo\b',
    r'\b(?:vereins|firmen|club|team)logo\b', r'\blogo (?:del|de la|du|do|da|della|van) (?:club|equipo|time|squadra|team|empresa|entreprise|azienda|bedrijf)\b',
    r'\b(?:branded|embroidered|custom printed|personali[sz]ed with)\b',
    # a whole organisation as the buyer
    r'\bfor (?:all )?(?:of )?(?:our|my) (?:staff|employees|workers|team|crew|company|club|members|colleagues|workforce|drivers|volunteers|students)\b',
    r'\bfor (?:the|our) (?:whole|entire) (?:team|staff|company|club|school)\b',
    r'\b(?:we are|we re|were|i run|i own|i manage) an? (?:company|firm|business|school|hotel|club|startup|agency|organi[sz]ation|team)\b',
    r'\b(?:para|a) (?:todo el|toda la) (?:personal|plantilla|equipo|empresa)\b', r'\bsomos una (?:empresa|escuela|asociacion)\b',
    r'\b(?:tout|pour tout) (?:le|notre) personnel\b', r'\bnous sommes une (?:entreprise|societe|association|ecole)\b',
    r'\bwir sind (?:ein|eine) (?:unternehmen|firma|verein|schule|betrieb)\b', r'\b(?:ganze|gesamte) belegschaft\b',
    r'\bsomos uma (?:empresa|escola|associacao)\b', r'\bpara (?:toda a|todos os) (?:equipe|funcionarios|empresa)\b',
    r'\bsiamo (?:un|una) (?:azienda|societa|scuola|associazione)\b', r'\bper tutto il personale\b',
    r'\bwe zijn een (?:bedrijf|organisatie|school|vereniging)\b', r'\bvoor (?:al )?ons personeel\b',
    r'\b(?:our|my|nuestra|mi|notre|ma|unsere?|meine?|nossa|minha|la nostra|mia|ons|mijn) (?:company|firm|empresa|entreprise|societe|unternehmen|firma|azienda|bedrijf)\b.*\b(?:buy|purchase|jackets|coats|comprar|chaquetas|acheter|vestes|kaufen|jacken|jaquetas|acquist\w*|giacche|kopen|jassen)\b',
    r'\b(?:i|we) represent (?:a|an|our)\b', r'\brepresento (?:a|uma?|una?) \w+', r'\bje represente (?:une?|notre)\b', r'\bich vertrete (?:eine?n?|unser\w*)\b',
    r'\brappresento (?:una?|la nostra|il nostro)\b', r'\bik vertegenwoordig\b',
    r'\b(?:official|exclusive) (?:outfitter|supplier|partner)\b', r'\bproveedor oficial\b', r'\bfournisseur officiel\b', r'\boffizielle[rn]? (?:ausstatter|lieferant)\b',
    r'\bfornecedor oficial\b', r'\bfornitore ufficiale\b', r'\bofficiele (?:leverancier|kledingsponsor)\b',
    r'\b(?:supply|equip|outfit|kit out) (?:schools|clubs|companies|teams|hotels|businesses)\b',
    r'\b(?:looking for|need|seeking|buscamos|busco|cherchons|cherche|suchen|procuramos|procuro|cerchiamo|cerco|zoeken|zoek)'
    r' (?:a |un |une |einen |um |uno |een )?(?:new )?(?:supplier|proveedor|fournisseur|lieferant\w*|fornecedor|fornitore|leverancier)\b',
]
_QTY_NOUN = r'\w*' + _alt(
    r'jackets?', r'coats?', r'parkas?', r'fleeces?', r'softshells?', r'units?', r'pieces?', r'pcs', r'items?', r'shirts?',
    r'hoodies?', r'vests?', r'uniforms?', r'licen[cs]es?', r'seats?', r'pairs?', r'sets?',
    r'chaquetas?', r'abrigos?', r'unidades', r'piezas?', r'prendas?', r'camisetas?', r'sudaderas?', r'chalecos?',
    r'vestes?', r'manteaux?', r'unites?', r'pieces?', r'articles?', r'blousons?', r'polaires?',
    r'jacken', r'jacke', r'mantel', r'stuck', r'teile', r'parkas', r'westen', r'shirts',
    r'jaquetas?', r'casacos?', r'pecas?', r'moletons?', r'coletes?',
    r'giacch[ei]', r'giacca', r'giubbott[oi]', r'cappott[oi]', r'pezzi', r'capi', r'felpe',
    r'jassen', r'jas', r'stuks', r'jacks', r'truien', r'vesten')
_PEOPLE_NOUN = _alt(
    r'people', r'persons', r'person (?:firm|company|business|team|office|organi[sz]ation|charity|school)', r'staff', r'employees?', r'workers?', r'members?', r'colleagues?', r'drivers?', r'volunteers?',
    r'students?', r'pupils?', r'alunni', r'players?', r'instructors?', r'teachers?', r'coaches', r'nurses?', r'guides?',
    r'monitores', r'profesores', r'moniteurs', r'enseignants', r'lehrer\w*', r'trainer\w*', r'professores', r'istruttori',
    r'insegnanti', r'docenten', r'instructeurs', r'guests?', r'personas', r'empleados?', r'trabajadores', r'miembros', r'socios', r'alumnos',
    r'personnes', r'salaries', r'employes', r'collaborateurs', r'membres', r'eleves', r'personen', r'mitarbeiter\w*',
    r'angestellte\w*', r'beschaftigte\w*', r'leute', r'mitglieder\w*', r'schuler\w*', r'pessoas', r'funcionarios',
    r'colaboradores', r'membros', r'alunos', r'persone', r'dipendenti', r'collaboratori', r'membri', r'studenti',
    r'medewerkers', r'werknemers', r'mensen', r'leden', r'leerlingen', r'personeelsleden')
_QTY = _Lazy(r'(?<![#\w.,/-])(\d{1,3}(?:[.,]\d{3})+|\d+)(?!\s?(?:[$£€%%]|eur|euro|reais|dollars?|pounds?|usd|km|kg|cm|days?|weeks?|dias|jours|tage|giorni|dagen))'
                  r'(?:\+)?\s+(?:\w+\s+){0,2}?(%s|%s)\b' % (_QTY_NOUN, _PEOPLE_NOUN))
_QTY_WORDS = _Lazy(r'\b(?:hundreds|thousands|dozens|cientos|cientas|miles|docenas|centaines|milliers|dizaines|hunderte|tausende|dutzende|'
                        r'centenas|milhares|dezenas|centinaia|migliaia|decine|honderden|duizenden|tientallen)\b')
_QTY_VERB = _Lazy(   # "buy 500 of these", "bestellen 40", "comprar 300"
    r'\b(?:buy|purchase|need|comprar|pedir|encargar|acheter|commander|kaufen|bestellen|brauchen|comprar|encomendar|'
    r'comprare|ordinare|kopen|bestellen)\w* (?:about |around |some |over |at least |unos |environ |etwa |uns |circa |ongeveer )?'
    r'(\d{1,3}(?:[.,]\d{3})+|\d+)\b(?! ?(?:[$£€%%]|eur|euro|reais|dollars?|pounds?|usd|days?|weeks?|dias|jours|tage|giorni|dagen|#))'
    r'(?: of (?:these|those|them|this|that|it|the|your)\b)?')
_ORDER_NUMBER = _Lazy(r'\b(?:order|number|no|nr|n|pedido|numero|commande|bestellung|bestellnummer|ordine|bestelling|bestelnummer|ticket|invoice)\W*$')
SALES_MIN_ITEMS = 20
SALES_MIN_PEOPLE = 10


_GROUPS = {'human': _HUMAN, 'emotional': _EMOTIONAL, 'problem': _PROBLEM, 'several': _SEVERAL,
           'repeat_strong': _REPEAT_STRONG, 'repeat': _REPEAT, 'billing': _BILLING, 'billing_soft': _BILLING_SOFT, 'billing_claim': _BILLING_CLAIM, 'complaint': _COMPLAINT,
           'sales': _SALES}


@functools.lru_cache(maxsize=None)
def _regex(name):
    """Compiled on first use, not at import: it keeps the Lambda cold start short."""
    return _compile(_GROUPS[name])


# ---- the rules -----------------------------------------------------------------------------------

class _Span:
    """What a frame matched, shaped like a re.Match for the callers (group, start, end)."""
    __slots__ = ('text', 'a', 'b')

    def __init__(self, text, a, b):
        self.text, self.a, self.b = text, a, b

    def group(self, index=0):
        return self.text[self.a:self.b]

    def start(self):
        return self.a

    def end(self):
        return self.b


@functools.lru_cache(maxsize=None)
def _token_rx(name):
    return re.compile(_HUMAN_TOKENS[name])


@functools.lru_cache(maxsize=None)
def _gap_rx(n):
    return re.compile(r'(?:[^\w.,;!?]+\w+){0,%d}[^\w.,;!?]+' % n)


def _frames(t, frames):
    found = {}
    spans = []
    for left, right, n in frames:
        for name in (left, right):
            if name not in found:
                found[name] = [(m.start(), m.end()) for m in _token_rx(name).finditer(t)]
        gap = _gap_rx(n)
        for la, lb in found[left]:
            for ra, rb in found[right]:
                if ra >= lb and ra - lb <= 12 * (n + 1) and gap.fullmatch(t, lb, ra):
                    spans.append(_Span(t, la, rb))
    return spans


_HEADCOUNT = _Lazy(r'\d+\W*$')
_OUR_PEOPLE = _Lazy(r'\b(?:our|unsere\w*|nuestr\w*|nos|notre|nossos|nossas|nostri|nostre|onze|ons) \w+$')   # our staff: buyers, not a request
_ASK_LIVE = _Lazy(r'\b(?:do you|have you|habt ihr|teneis|tienen|avez vous|vous avez|voces tem|avete|hebben jullie|is there|gibt es|hay|y a t il|c e)\b[^.?!]{0,20}\blive\b(?!.*\b(?:need|necesit\w*|besoin|brauch\w*|preciso|serve|nodig|now|ya|jetzt|agora|adesso|maintenant)\b)')
_CURIOUS = _Lazy(r'\b(?:just (?:curious|wondering|asking)|out of curiosity|por curiosidad|par curiosite|aus neugier|reine neugier|so por curiosidade|per curiosita|uit nieuwsgierigheid)\b')
_PAST_TALK = _Lazy(r'\b(?:hable|hablado|parle|parlato|gesprochen|geredet|falei|falado|gesproken|gepraat|spoke|spoken|talked)\b')
_PAST_MARK = _Lazy(r'\b(?:j ai|ho|habe|hab|heb|i|i ve|ive|ya|ayer|yesterday|hier|gestern|ontem|ieri|gisteren|eu|already|deja|schon|gia|al|he|hemos)\W*(?:\w+\W+){0,2}$')
_ENDS_PERSON = _Lazy(r'\b(?:%s)$' % _alt(_PERSON_STRONG, _PERSON_WEAK))
_BOT_MENTION = _Lazy(r'\b(?:chat ?bot|bot|robot|robo|machine|maschine|automat\w*|ia|ki|ai)\b')


def _human_request(t):
    """The first request for a person that is not negated. Frames with a modal ("can a real person ...")
    are a second tier: "Can I talk to a human?" quotes "talk to a human". A person noun right after a
    number is a headcount ("250 Mitarbeitern und möchten Jacken"), not a request."""
    first = _frames(t, _HUMAN_FRAMES[:-2]) + [_Span(t, m.start(), m.end()) for m in _regex('human').finditer(t)] + _someone_frames(t)
    if _BOT_MENTION.search(t):       # "I need a person to sort this out, not a chatbot"
        first += _frames(t, (('want', 'person', 3), ('person', 'want', 1)))
    for tier in (first, _frames(t, _HUMAN_FRAMES[-2:])):
        for m in sorted(tier, key=lambda m: (m.a, m.b)):
            if 'live' in m.group(0) and _ASK_LIVE.search(t):
                continue
            if _CURIOUS.search(t):          # "is there a human working here or is it all AI? just curious"
                continue
            if _PAST_TALK.search(t, m.a, m.b) and _PAST_MARK.search(t, max(0, m.a - 30), m.a):   # "ayer hablé con alguien y ya está resuelto"
                continue
            if _HEADCOUNT.search(t, 0, m.a) or _OUR_PEOPLE.search(t, m.a, m.b) or _negated(t, m.a, m.b, 6, 1, True) \
                    or (re.match(r' s (?!il|ils|elle)', t[m.b:m.b + 6]) and _ENDS_PERSON.search(t, m.a, m.b)):   # "the manager's special"
                continue
            return m
    return None


def _said_no(t):
    """Classes the visitor explicitly negated ("I don't need a human", "I'm not complaining"): the
    fallback model must not hand off for those, however much the wording looks like them."""
    negated = set()
    spans = _frames(t, _HUMAN_FRAMES) + [_Span(t, m.start(), m.end()) for m in _regex('human').finditer(t)] + _someone_frames(t)
    if spans:
        negated.add('human_request')
    for label, name, window, after in (('complaint', 'complaint', 3, 2), ('emotional', 'emotional', 4, 0),
                                       ('billing_dispute', 'billing_claim', 3, 0)):
        if any(_negated(t, m.start(), m.end(), window, after) for m in _regex(name).finditer(t)):
            negated.add(label)
    return negated


def _sales_department(t):
    return re.search(r'\b(?:sales|ventas|commercia\w*|vertrieb\w*|verkauf\w*|vendas|vendite|verkoop\w*)\b', t)


_LIGHT = _Lazy(r'\b(?:lol|lmao|rofl|haha\w*|hehe\w*|jaja\w*|jeje\w*|kkk+|rs+|mdr|ptdr|ahah\w*|hihi\w*|xd)\b|:\)|:d\b|;\)')
_FEAR_WORD = _Lazy(r'^(?:scared|afraid|frightened|terrified|anxi\w*|ansi\w*|panic\w*|pani\w*|nervous|worried|overwhelm\w*|agobi\w*|stress\w*|miedo|peur|angst|medo|paura|bang|'
                   r'tengo|tenemos|da|me da|j ai|hab|habe|estou|to|tou|ho|ik ben|estoy|tenho)\b')
_TRIVIAL_CHOICE = _Lazy(r'^.{0,40}\b(?:size|sizes|talla|taille|grosse|tamanho|taglia|maat|colou?r|pick\w*|choos\w*|equivoc\w*|tromper|falsch\w*|errar|sbagliar\w*|verkeerde?)\b')


def _emotional(t):
    """Distress, not a figure of speech: "I'm scared of picking the wrong size lol" and "tengo miedo de
    equivocarme de talla" are a size question; a fear word said laughing is not distress."""
    for m in _regex('emotional').finditer(t):
        if _negated(t, m.start(), m.end(), 4):
            continue
        if _FEAR_WORD.match(m.group(0)) and (_LIGHT.search(t) or _TRIVIAL_CHOICE.match(t, m.end())):
            continue
        return m
    return None


def _problem_clauses(t):
    """One problem phrase per clause that has one (clauses: punctuation, "and", "then", "also", ...)."""
    cuts = [m.start() for m in _SPLIT_PROBLEMS.finditer(t)]
    found = {}
    for m in _regex('problem').finditer(t):
        clause = sum(1 for c in cuts if c <= m.start())
        found.setdefault(clause, m.group(0))
    return [found[c] for c in sorted(found)]


def _content_stems(t):
    return {w[:5] for w in re.findall(r'[a-z]{5,}', t) if w not in _STOPWORDS}


_REQUEST_TOPICS = (
    ('return', _Lazy(r'\b(?:return\w*|send (?:it |one |them )?back|devolv\w*|devolucion|retourn\w*|renvoy\w*|renvoi\w*|'
                          r'zuruck(?:schick|send|geb)\w*|rucksend\w*|devolv\w*|restitu\w*|rendere|reso|terugstur\w*|retourner\w*)\b')),
    ('exchange', _Lazy(r'\b(?:exchang\w*|swap\w*|cambi\w*|echang\w*|umtausch\w*|tausch\w*|troc\w*|ruil\w*|omruil\w*)\b')),
    ('cancel', _Lazy(r'\b(?:cancel\w*|anul\w*|annul\w*|stornier\w*|cancel\w*|annull\w*|annuleer\w*)\b')),
)


def _request_topics(t):
    """Distinct service requests (return, exchange, cancel) in different clauses."""
    cuts = [m.start() for m in _SPLIT_PROBLEMS.finditer(t)]
    seen = {}
    for name, rx in _REQUEST_TOPICS:
        m = rx.search(t)
        if m:
            clause = sum(1 for c in cuts if c <= m.start())
            seen.setdefault(clause, name)
    return list(seen.values())


def _complex(t, recent):
    m = _regex('several').search(t)
    if m and (_problem_clauses(t) or 'problem' in m.group(0) or 'issue' in m.group(0) or 'proble' in m.group(0)):
        return 'several problems: "%s"' % _quote(m)
    problems = _problem_clauses(t)
    if len(problems) >= 3 or (len(problems) >= 2 and _ADDITIVE.search(t) and len(set(problems)) >= 2):
        return 'several problems: %s' % ', '.join('"%s"' % p for p in problems[:4])
    if problems:
        topics = _request_topics(t)
        if len(topics) >= 2:
            return 'several requests and a problem: %s, "%s"' % (', '.join(topics), problems[0])
    m = _regex('repeat_strong').search(t)
    if m:
        charged = _CHARGED_N_TIMES.search(t)        # "charged three times" is a billing dispute, not a repetition
        if not (charged and charged.start() <= m.start() < charged.end()):
            return 'repeated: "%s"' % _quote(m)
    recent = [normalise(r) for r in (recent or ())][-RECENT_LIMIT:]
    if recent:
        m = _regex('repeat').search(t)
        if m:
            return 'repeated: "%s" after %d earlier messages' % (_quote(m), len(recent))
        stems = _content_stems(t)
        same = [r for r in recent if stems & _content_stems(r)]
        if len(same) >= 2 and (problems or '?' in t):
            return 'rephrased the same request %d times' % (len(same) + 1)
        upset = sum(1 for r in recent if _regex('complaint').search(r) or _problem_clauses(r))
        repeated = sum(1 for r in recent if _regex('repeat_strong').search(r))
        if len(recent) >= 3 and (repeated or upset >= 2) and (_problem_clauses(t) or _regex('complaint').search(t) or '?' in t):
            return 'long escalating thread: %d messages, %d upset, %d repeating' % (len(recent) + 1, upset, repeated)
        if len(recent) >= 4 and upset >= 3:
            return 'long escalating thread: %d messages, %d upset' % (len(recent) + 1, upset)
    return None


def _price_mismatch(t):
    amounts = re.findall(_AMOUNT, t) or []
    numbers = re.findall(r'\b\d+(?:[.,]\d+)?\b', t)
    if not re.search(r'\b(?:%s|pay|pagar|payer|zahlen|pagare|betalen)\b' % _CHARGE_V, t):
        return None
    if (len(amounts) >= 2 or (amounts and len(numbers) >= 2)) and (_PRICE_CONTRAST.search(t) or _PRICE_WORDS.search(t)):
        return 'amount differs from the price: %s' % ', '.join(a.strip() for a in amounts[:2])
    return None


_JUST_ASKING = _Lazy(   # "if I were charged twice, how would I get it back? just asking": a question, not a dispute
    r'^(?:\W*(?:hi|hello|hey|hola|bonjour|salut|hallo|ola|oi|ciao|hoi|ok|so|quick question)\W+)?(?:if|si|se|wenn|falls|als|in case|en caso de|au cas ou|caso|nel caso)\b.*\?|'
    r'\b(?:just (?:asking|curious|wondering)|asking for (?:future reference|a friend)|for future reference|es por saberlo|por (?:saberlo|curiosidad)|'
    r'juste pour savoir|par curiosite|nur interessehalber|aus neugier|so pra saber|so por curiosidade|solo per sapere|per curiosita|'
    r'puur uit interesse|uit nieuwsgierigheid)\b')
_CHARGED_N_TIMES = _Lazy(r'\b%s%s%s\b|\b%s%s%s\b' % (_CHARGE_V, _gap(3), _TWICE, _TWICE, _gap(4), _CHARGE_V))


_WANT_NOT = _Lazy(r'^(?:no|not|dont|ne|nicht|nao|non|niet)\b(?:\W+\w+)?\W+(?:want\w*|need\w*|quiero|necesito|veux|voudrais|will|mochte|brauch\w*|quero|preciso|voglio|wil|hoef)\b|'
                  r'^(?:want\w*|need\w*|quiero|necesito|veux|voudrais|will|mochte|brauch\w*|quero|preciso|voglio|wil)\b(?:\W+\w+)?\W+(?:no|keine?n?|geen|nenhum|nessun|pas|aucun)\b')


_CLAIM_NEGATIVE = _Lazy(r'(?:still|stil|todavia|aun|toujours|immer|noch|ainda|ancora|nog|never|nunca|jamais|nie|nooit|mai|yet|havent|hasnt|didnt)\b')


def _claim(t):
    for m in _regex('billing_claim').finditer(t):
        # "je n'ai toujours pas été remboursé": the claim word already carries the negation
        if not _CLAIM_NEGATIVE.match(m.group(0)) and _negated(t, m.start(), m.end(), 3):
            continue
        before = t[:m.start()].split()[-1:] if m.start() else []
        if _WANT_NOT.search(' '.join(before + [m.group(0)])) or _WANT_NOT.search(m.group(0)):
            continue
        if re.match(r'will (?:i|you|we|it|they|he|she|the|my|this|that)\b', m.group(0)):    # English "when will I see the refund", not German "will"
            continue
        return m
    return None


_ELSEWHERE = _Lazy(   # someone else's trouble, or another shop's: "my friend was charged twice at another shop"
    r'\b(?:another|other|different) (?:shop|store|site|website|retailer|brand|company)\b|\b(?:otra|otro) (?:tienda|web|sitio|marca)\b|\bautre (?:boutique|magasin|site|marque)\b|'
    r'\bander(?:en|er|e|s)? (?:laden|shop|geschaft|webseite|seite|marke|winkel|webshop|site|merk)\b|\boutr[ao] (?:loja|site|marca)\b|\baltr[oa] (?:negozio|sito|marca)\b|'
    r'\b(?:my |mi |mon |ma |meine? |minha |meu |mia |mio |mijn |a mi |alla mia |al mio |bij mijn |meiner )(?:friend|sister|brother|colleague|neighbou?r|amig[oa]|amie?|freundin|freund|'
    r'kollegin|kollege|schwester|bruder|nachbar\w*|amica|amico|vriendin|vriend|collega|zus|broer|buurvrouw|buurman|hermana|hermano|soeur|frere|irma|irmao|sorella|fratello|vizinh[oa]|vecin[oa]|voisine?|vicin[oa])\b'
    r'(?!.*\b(?:my|mi|mon|ma|mein\w*|meu|minha|mio|mia|mijn) (?:card|tarjeta|carte|karte|cartao|carta|kaart|account|cuenta|compte|konto|conta|conto|rekening)\b)')


def _billing(t):
    if _JUST_ASKING.search(t) or _ELSEWHERE.search(t):
        return None
    m = _regex('billing').search(t) or _claim(t)
    if m:
        return 'matched "%s"' % _quote(m)
    if not _HYPOTHETICAL.search(t):
        m = _regex('billing_soft').search(t)
        if m:
            return 'matched "%s"' % _quote(m)
        context = not _HOW_TO_PAY.search(t) and _BILLING_CONTEXT.search(t)
        # the charge word must stand apart from the context ("sale como no pagado, cómo pago?" is a question)
        term = context and _BILLING_TERM.search(t[:context.start()] + ' ' * (context.end() - context.start()) + t[context.end():])
        if context and term:
            return 'charge disputed: "%s" + "%s"' % (term.group(0), context.group(0))
    return _price_mismatch(t)


def _billing_story(t):
    """A billing dispute told with its back story ("out of stock, cancelled, and the money is still not back"):
    no problem is left once the cancellation, the charge and "still not (back)" are taken out, so it is one billing problem."""
    if not _billing(t):
        return False
    if _regex('several').search(t):
        return False
    others = [p for p in _problem_clauses(t) if not (_BACKSTORY.search(p) or _BILLING_TERM.search(p))]
    return not others


_BACKSTORY = _Lazy(r'\b(?:cancel(?:l?ed|lation|ad[oa]|aron|ou|aram|ei|e)|anul\w*|annul\w*|storn\w*|geannuleerd|out of stock|sold out|agotad\w*|ausverkauft|esgotad\w*|esaurit\w*|uitverkocht|'
                   r'rupture|epuise\w*|still|sigue sin|todavia|aun|toujours pas|immer noch|noch nicht|ainda|ancora|nog steeds|nog niet)\b')


_PROCEDURE = _Lazy(r'^(?:\W*(?:hi|hello|hey|hola|bonjour|hallo|ola|oi|ciao|hoi)\W+)?(?:how|where|what|como|donde|comment|ou|wie|wo|'
                   r'onde|come|dove|hoe|waar)\b.{0,40}\b(?:complain\w*|complaint|queja\w*|quejar\w*|reclama\w*|plainte|plaindre|'
                   r'beschwer\w*|reclamo|lamentar\w*|klacht\w*|klagen)\b')


def _complaint(t):
    if _ELSEWHERE.search(t):
        return None
    if _PROCEDURE.search(t):       # "how do I make a complaint if I ever need to?"
        m = _first(_regex('complaint'), t, window=3, after=2)
        if m and not re.fullmatch(r'complain\w*|complaint|queja\w*|quejar\w*|reclama\w*|plainte|plaindre|beschwer\w*|reclamo|lamentar\w*|klacht\w*|klagen', m.group(0)):
            return m
        return None
    return _first(_regex('complaint'), t, window=3, after=2)


def _quantity(t):
    for m in _QTY.finditer(t):
        if _ORDER_NUMBER.search(t[:m.start()]):
            continue
        n = int(re.sub(r'[.,]', '', m.group(1)))
        noun = m.group(2)
        people = re.fullmatch(_PEOPLE_NOUN, noun) is not None
        if n >= (SALES_MIN_PEOPLE if people else SALES_MIN_ITEMS) and n < 1000000:
            return 'quantity: %s %s' % (m.group(1), noun)
    for m in _QTY_VERB.finditer(t):
        if int(re.sub(r'[.,]', '', m.group(1))) >= SALES_MIN_ITEMS:
            return 'quantity: %s' % _quote(m)
    m = _QTY_WORDS.search(t)
    if m and re.search(r'\b%s\b' % _alt(_QTY_NOUN, _PEOPLE_NOUN), t[m.end():m.end() + 40]):
        return 'quantity: "%s"' % _quote(re.match(r'.{0,40}', t[m.start():]))
    return None


def _sales(t):
    quantity = _quantity(t)
    if quantity:
        return quantity
    m = _regex('sales').search(t)     # no negation scope: Portuguese 'no' is 'in the'
    if m:
        return 'matched "%s"' % _quote(m)
    return None


_MODEL_SWITCH = {'human_request': 'phrases', 'complaint': 'complaint', 'billing_dispute': 'billing', 'sales': 'sales',
                 'emotional': 'emotional', 'complex': 'complex'}
_MODEL_CODE = {'human_request': 'visitor_request', 'billing_dispute': 'billing'}


def _model_guess(text):
    from chalicelib.domain import detector_model     # imported on first use: most messages never need it
    try:
        return detector_model.predict(text)
    except Exception:                                # a damaged weights file must not stop the chat
        return None


def _shouting(text):
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.8 and '!' in text


def enabled(settings_triggers):
    merged = dict(DEFAULT_TRIGGERS)
    merged.update(settings_triggers or {})
    return merged


def detect(text, visitor, triggers, previous_handoffs=0, recent=()):
    """The reason this message should go to a person, or None. Checked in order of urgency.

    text: the visitor's new message. visitor: the visitor's attributes (a `vip` flag). triggers: the
    agent's trigger switches (None or {} for the defaults). previous_handoffs: handoffs this
    conversation had before (a VIP goes to a person once). recent: the visitor's previous messages
    in this conversation, oldest first (texts; only the last RECENT_LIMIT=5 are read), used to see
    a request rephrased again and again or a long escalating thread; () when unknown.

    Reason codes: visitor_request, emotional, complex, billing, complaint, sales, vip. The detail
    says in words what matched, e.g. 'asked: "talk to a person"', 'quantity: 300 people'.
    """
    on = enabled(triggers)
    t = normalise(text)
    quoted = _REPORTED.search(text or '')
    th = normalise(_unquote(text)) if quoted else t     # someone else's quoted words are not the visitor's request
    human = _human_request(th) if on['phrases'] else None
    if human:
        if on['sales'] and _sales_department(t):
            return Reason('sales', 'asked for the sales team: "%s"' % _quote(human))
        sales = on['sales'] and _sales(t)
        if sales and not re.search(_PERSON_STRONG, human.group(0)):
            return Reason('sales', sales)
        return Reason('visitor_request', 'asked: "%s"' % _quote(human))
    if on['emotional']:
        m = _emotional(t)
        if m:
            return Reason('emotional', 'distress: "%s"' % _quote(m))
    if on['complex']:
        detail = _complex(t, recent)
        if detail and not (detail.startswith('several problems') and on['billing'] and _billing_story(t)):
            return Reason('complex', detail)
    if on['billing']:
        detail = _billing(t)
        if detail:
            return Reason('billing', detail)
    if on['complaint'] and _shouting(text):
        return Reason('complaint', 'message in capitals')
    if on['complaint']:
        m = _complaint(t)
        if m:
            return Reason('complaint', 'matched "%s"' % _quote(m))
    if on['sales']:
        detail = _sales(t)
        if detail:
            return Reason('sales', detail)
    guess = _model_guess(_unquote(text) if quoted else text)
    if guess and on[_MODEL_SWITCH[guess[0]]] and guess[0] not in _said_no(th):
        return Reason(_MODEL_CODE.get(guess[0], guess[0]),
                      'worded like earlier %s messages (model, margin %.0f)' % (guess[0].replace('_', ' '), guess[1]))
    # A VIP goes to a person once; after that handoff closes, the bot may serve them again.
    if on['vip'] and (visitor or {}).get('vip') and previous_handoffs == 0:
        return Reason('vip', 'visitor marked VIP by the site')
    return None


def after_bot_miss(consecutive_misses, triggers):
    """Reason to hand off after the bot failed to answer `consecutive_misses` times in a row."""
    if enabled(triggers)['bot_unable'] and consecutive_misses >= BOT_MISSES_BEFORE_HANDOFF:
        return Reason('bot_unable', 'the bot could not answer %d times in a row' % consecutive_misses)
    return None
