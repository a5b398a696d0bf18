"""Visitor language: which of en, es, fr, de, pt, it, nl a message is written in, or None when unsure.

Pure and fast (a few microseconds per short message): no model file, no dependency. The evidence is
  - function and chat words (stop words) per language, a word shared by k languages counting 1/k;
  - characters and word shapes that only some of the languages use (ñ, ¿, ß, ã, "ij", -ção, -zione...),
    counted lower than words;
  - optionally the caller's own vocabulary (`vocab`: word -> languages), e.g. the knowledge-base
    responder's multilingual lexicon, so that "Versand?" or "Passwort vergessen" are recognised.
A language wins only with enough evidence and a clear margin over the runner-up; short or ambiguous
messages ("ok", "PayPal?", "hallo") give None, and callers fall back to their default.

The stop-word lists double as the responder's stop words (STOPWORDS), and `stem` wraps the
snowballstemmer algorithm of each language (pure Python, one small module per language).
"""
import functools
import re
import threading
import unicodedata

LANGUAGES = ('en', 'es', 'fr', 'de', 'pt', 'it', 'nl')
DEFAULT = 'en'
MAX_CHARS = 600          # the language of a long text is decided on its beginning

_SNOWBALL = {'en': 'english', 'es': 'spanish', 'fr': 'french', 'de': 'german', 'pt': 'portuguese',
             'it': 'italian', 'nl': 'dutch'}

# Function words plus the filler of chat messages ("hi", "please", "I want to know"). Lower case,
# accents as usually written; matching also tries the word without accents.
_STOP_TEXT = {
    'en': '''a an the and or but if of to in on at for from by with about as into than then so too very just
        also only even still yet is are was were be been being am do does did done doing have has had having i me
        my mine myself we us our ours you your yours it its they them their theirs he him his she her hers
        this that these those there here what which who whom
        whose how why where when whens when's what's whats there's it's i'm im i've ive i'd id i'll youre you're dont don't doesnt
        doesn't didnt didn't isnt isn't cant can't wont won't can could would should will shall may might must
        please pls plz hi hello hey hiya thanks thank thx cheers ok okay yes yeah no not any some all each every
        one get got getting want wanted wanna would like need needs know tell let question quick wondering
        wonder help anyone someone something anything guys sir madam dear possible really actually usually
        normally generally exactly maybe perhaps kind sort bit lot lots much many more most well just u ur
        im ya thing things way able s t d ll re ve m until till since already now today yesterday tomorrow
        again ever always last next look looking see go going say said same other else
        happen happens happened mean means give done sure fine per take takes taking took use using used still
        ago yet pair work works offer offers provide certain receive received good great there
        gives giving gave put puts keep keeps kept come comes came coming try tries tried ask asks asked
        think thought hope wish love hate seems seem looks tell told show shows shown easy easily simple
        available currently recently lately soon anyway though although however because while everyone
        anybody everybody nobody nothing everything stuff kinda sorta gonna gotta honestly basically
        literally seriously totally definitely probably certainly isn aren wasn weren don doesn didn hasn
        haven hadn won wouldn couldn shouldn mustn ain between before after within without during
        recommend recommended suggest''',
    'es': '''el la los las un una unos unas lo al del de a en y e o u ni que qué quien quién quienes como cómo
        cuando donde dónde cual cuál cuales cuáles cuanto cuánto cuanta cuánta cuantos cuántos cuantas cuántas
        por para con sin sobre entre hasta desde es son era eran ser estar está esta están estan estoy estás
        este esto estos estas ese esa eso esos esas aquel mi mis tu tus su sus nuestro nuestra nuestros
        nuestras vuestro me te se nos os le les ya muy más mas también tambien pero si sí no hay he ha han
        hemos puedo puede pueden podría podria quiero quisiera querría gustaría gustaria necesito saber
        hola gracias buenas buenos días dias tardes favor porfa usted ustedes vosotros yo tú tu él ella
        ellos tengo tiene tienen tienes hacer hago hace alguien algo algún alguna todo toda todos todas hacen hacer hago hacéis sé elegir escoger
        recibir recibiré recibo otro otra recomiendan recomiendas recomendar
        recomienda recibo recibe reciben recibí''',
    'fr': '''le la les un une des du de d l à a au aux en et ou où que qu qui quoi quel quelle quels quelles
        comment quand combien pourquoi prend prendre prennent faut vais va vont recevoir reçois puis autre
        autres contre choisir conseillez recommandez recommander trop est sont être suis es êtes sommes était c ce cet cette ces ça cela
        mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs je j tu il elle on nous vous ils elles
        me m te t se s lui y ne n pas plus très tres aussi mais si oui non avec sans pour par sur dans chez
        entre peux peut pouvez pourrais pourriez voudrais veux voulez souhaite aimerais besoin savoir
        bonjour salut bonsoir merci svp plaît plait stp madame monsieur avez ai as a avons ont faire fait
        connaître connaitre quelqu quelque chose tout toute tous toutes il y serai sera serez seront serais serait''',
    'de': '''der die das den dem des ein eine einen einem einer eines und oder aber wenn ob dass zu zum zur
        in im an am auf aus bei mit nach von vom für fur über uber unter um bis durch ohne gegen ist sind war
        waren bin bist seid sein wird werden wurde kann können konnen könnte koennte kannst muss müssen soll
        sollte möchte mochte möchten will wollen würde wurde ich du er sie es wir ihr mich mir dich dir uns
        euch ihnen ihm ihn mein meine meinen meinem meiner dein deine unser unsere euer eure ihre ihren
        nicht kein keine keinen auch noch schon nur sehr so wie was wo wann warum wer welche welcher welches
        wieso weshalb hallo guten tag hi danke bitte gerne gern ja nein doch mal hier da dort habe hast hat
        haben gibt es etwas jemand man denn eigentlich zurück zuruck vielen hoch bekomme bekommen
        erhalte erhalten soll sollen andere anderen empfehlen empfehlt habt hätte hätten hättet könnt
        wollt sollt müsst dürft darf darfst kriege kriegen bekommt gebt nehmen nehme nimmt ins ans aufs beim''',
    'pt': '''o a os as um uma uns umas do da dos das de em no na nos nas ao aos à às e ou que quem qual quais
        como quando onde quanto quanta quantos quantas por para com sem sobre entre até desde é são era ser
        estar está estão estou este esta isto estes estas esse essa isso meu minha meus minhas seu sua seus
        suas nosso nossa vosso vossa eu tu ele ela nós vós eles elas você vocês voce voces me te se lhe lhes
        nos já muito mais também tambem mas se sim não nao há tem têm tenho posso pode podem poderia quero
        queria gostaria preciso saber olá ola oi obrigado obrigada bom dia boa tarde favor alguém algo algum
        alguma tudo todo toda todos todas fazer faz valeu tô tá né''',
    'it': '''il lo la i gli le un uno una del dello della dei degli delle di a da in con su tra fra al
        allo alla ai agli alle dal dallo dalla dai nel nello nella nei negli nelle sul sulla sui l dell all e ed o che chi
        cosa come quando dove quanto quanta quanti quante quale quali perché perche è e' sono sei siamo siete
        era essere stato mio mia miei mie tuo tua suo sua nostro nostra nostri vostro vostra vostri io tu lui
        lei noi voi loro mi ti ci vi si ne non più piu molto anche ma se sì si no c' ho hai ha abbiamo avete
        hanno posso può puo potete potrei vorrei voglio devo bisogno sapere ciao salve buongiorno buonasera
        grazie prego per favore qualcuno qualcosa tutto tutti fare''',
    'nl': '''de het een en of maar als dan dat die dit deze van voor met naar aan op in uit bij door over tot
        om te zonder tegen is zijn was waren ben bent word wordt worden werd kan kunnen kun kunt zou zouden
        moet moeten mag mogen wil wilt willen ik jij je u hij zij ze wij we jullie mij me mijn jouw jou uw
        zijn haar ons onze hun hen niet geen ook nog al wel heel zeer zo hoe wat waar wanneer waarom wie welke
        welk er hier daar hallo hoi goedemorgen goedemiddag dag bedankt dank dankjewel alstublieft alsjeblieft
        graag ja nee heb hebt heeft hebben doe doet doen iets iemand even eigenlijk weten hoeveel per krijgen krijg krijgt''',
}
STOPWORDS = {lang: frozenset(text.split()) for lang, text in _STOP_TEXT.items()}
_UNIVERSAL = frozenset('ok okay hi hey app api email online web pdf csv'.split())   # stop words, but no evidence

# (pattern, weight) per language: characters and shapes of words. Kept low against whole words.
_CUES = {
    'en': [(r'\bth\w', 0.3), (r'\w(ing|ould|ough)\b', 0.4), (r"\w'(s|t|m|re|ve|ll)\b", 0.3), (r'\bwh\w', 0.3),
           (r'\w(ly|ness|ship)\b', 0.2)],
    'es': [(r'[ñ¿¡]', 1.0), (r'\w(ción|ciones|dad|dades)\b', 0.6), (r'\w(ado|ada|ido|ida)s?\b', 0.2),
           (r'\bll\w', 0.3), (r'[áéíóú]', 0.1)],
    'fr': [(r'\b(qu|[djnsmtc])\'', 0.6), (r"\bl'", 0.2), (r'[èêëôîûùœç]', 0.4), (r'\w(eau|eaux|aux|eux|euse|ette)\b', 0.4),
           (r'\w(ez|ais|ait|aient|ons)\b', 0.3), (r'é', 0.15)],
    'de': [(r'[ßäöü]', 0.8), (r'\w(ung|ungen|keit|heit|lich|chen|schaft)\b', 0.5), (r'sch', 0.2), (r'tz', 0.3),
           (r'\bge\w+t\b', 0.2)],
    'pt': [(r'[ãõ]', 1.0), (r'\w(ção|ções|ões|ãos)\b', 1.0), (r'\w(nh|lh)\w', 0.3), (r'\w(mente)\b', 0.1),
           (r'ç', 0.3)],
    'it': [(r'\w(zione|zioni|ità|mente)\b', 0.4), (r'\w(gli|cch|cci|ggi|zz)\w*', 0.3), (r'[òìù]\b', 0.6),
           (r"\b(dov|dell|all|un|nell|sull|c)'", 0.5), (r'\w(are|ere|ire|ato|uto|ito)\b', 0.15)],
    'nl': [(r'ij', 0.5), (r'\w(lijk|heid|tje|tjes)\b', 0.6), (r'(aa|oe|uu|ui|ou)', 0.15), (r'\bge\w+d\b', 0.2),
           (r'sch', 0.1)],
}
_CUE_RES = None
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|[^\W\d_]+", re.UNICODE)


@functools.lru_cache(maxsize=65536)
def strip_accents(word):
    if word.isascii():
        return word
    return ''.join(c for c in unicodedata.normalize('NFKD', word) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=None)
def _stop_index():
    """word -> languages that use it, accents kept and stripped."""
    index = {}
    for lang, words in STOPWORDS.items():
        for w in words:
            for form in {w, strip_accents(w)}:
                index.setdefault(form, set()).add(lang)
    return index


def _cues():
    global _CUE_RES
    if _CUE_RES is None:
        _CUE_RES = {lang: [(re.compile(p, re.UNICODE), w) for p, w in cues] for lang, cues in _CUES.items()}
    return _CUE_RES


def words(text):
    """Lower-case words, an apostrophe splitting them (l'article -> l, article)."""
    return re.findall(r"[^\W_]+", unicodedata.normalize('NFC', (text or '').lower()))


def scores(text, vocab=None):
    """Evidence per language (dict). `vocab` maps a lower-case word to the languages it belongs to."""
    text = unicodedata.normalize('NFC', (text or '')[:MAX_CHARS].lower())
    result = dict.fromkeys(LANGUAGES, 0.0)
    index = _stop_index()
    for word in re.findall(r"[^\W_]+", text):
        if word in _UNIVERSAL:
            continue
        langs = index.get(word) or index.get(strip_accents(word))
        if langs:
            for lang in langs:
                result[lang] += 1.0 / len(langs)
        if vocab:
            langs = vocab.get(word) or vocab.get(strip_accents(word))
            if langs:
                for lang in langs:
                    result[lang] += 0.8 / len(langs)
    for lang, cues in _cues().items():
        for regex, weight in cues:
            result[lang] += weight * min(len(regex.findall(text)), 3)
    return result


def detect(text, vocab=None, min_score=0.8, margin=0.4):
    """The language code of `text`, or None when the evidence is thin or two languages are close."""
    ranked = sorted(scores(text, vocab).items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < min_score or top - second < margin or top < 2 * second:
        return None
    return best


_STEMMERS = threading.local()


def _stemmer(lang):
    """One Snowball stemmer per language and thread: a stemmer keeps its word in its own state, so threads
    (the local runtime's handlers) sharing one corrupt each other's words. Lambda runs one at a time."""
    cache = getattr(_STEMMERS, 'by_lang', None)
    if cache is None:
        cache = _STEMMERS.by_lang = {}
    if lang not in cache:
        import snowballstemmer          # imported on first use: keeps the Lambda cold start short
        cache[lang] = snowballstemmer.stemmer(_SNOWBALL.get(lang, 'english'))
    return cache[lang]


@functools.lru_cache(maxsize=65536)
def stem(word, lang=DEFAULT):
    """Snowball stem of a lower-case word in `lang` (English for unknown codes), accents removed."""
    return strip_accents(_stemmer(lang if lang in _SNOWBALL else DEFAULT).stemWord(word))


NAMES = {   # NAMES[in_language][language]
    'en': {'en': 'English', 'es': 'Spanish', 'fr': 'French', 'de': 'German', 'pt': 'Portuguese', 'it': 'Italian',
           'nl': 'Dutch'},
    'es': {'en': 'inglés', 'es': 'español', 'fr': 'francés', 'de': 'alemán', 'pt': 'portugués', 'it': 'italiano',
           'nl': 'neerlandés'},
    'fr': {'en': 'anglais', 'es': 'espagnol', 'fr': 'français', 'de': 'allemand', 'pt': 'portugais',
           'it': 'italien', 'nl': 'néerlandais'},
    'de': {'en': 'Englisch', 'es': 'Spanisch', 'fr': 'Französisch', 'de': 'Deutsch', 'pt': 'Portugiesisch',
           'it': 'Italienisch', 'nl': 'Niederländisch'},
    'pt': {'en': 'inglês', 'es': 'espanhol', 'fr': 'francês', 'de': 'alemão', 'pt': 'português', 'it': 'italiano',
           'nl': 'holandês'},
    'it': {'en': 'inglese', 'es': 'spagnolo', 'fr': 'francese', 'de': 'tedesco', 'pt': 'portoghese',
           'it': 'italiano', 'nl': 'olandese'},
    'nl': {'en': 'Engels', 'es': 'Spaans', 'fr': 'Frans', 'de': 'Duits', 'pt': 'Portugees', 'it': 'Italiaans',
           'nl': 'Nederlands'},
}
_OR = {'en': 'or', 'es': 'o', 'fr': 'ou', 'de': 'oder', 'pt': 'ou', 'it': 'o', 'nl': 'of'}


def name(lang, in_language=DEFAULT):
    """The name of `lang` written in `in_language` ('de', 'fr' -> 'allemand')."""
    return NAMES.get(in_language, NAMES[DEFAULT]).get(lang, lang)


def names(langs, in_language=DEFAULT):
    """'English or Spanish' in `in_language`."""
    listed = [name(l, in_language) for l in langs]
    if len(listed) <= 1:
        return ''.join(listed)
    return '%s %s %s' % (', '.join(listed[:-1]), _OR.get(in_language, 'or'), listed[-1])
