"""Visitor language detection: a code among en, es, fr, de, pt, it, nl, or None when unsure."""
import pytest

from chalicelib.domain.language import LANGUAGES, STOPWORDS, detect, name, names, scores, stem


@pytest.mark.parametrize('text, lang', [
    ('How long does shipping take to Canada?', 'en'),
    ("I'd like to know where my order is, please", 'en'),
    ('¿Cuánto tarda el envío a México?', 'es'),
    ('Hola, quiero devolver unas botas que compré la semana pasada', 'es'),
    ("Bonjour, je voudrais savoir où en est ma commande", 'fr'),
    ("Est-ce que vous livrez en Belgique ?", 'fr'),
    ('Wie lange dauert der Versand nach Österreich?', 'de'),
    ('Ich möchte meine Bestellung stornieren, geht das noch?', 'de'),
    ('Olá, quanto custa o frete para o Brasil?', 'pt'),
    ('Não recebi a minha encomenda, podem ajudar?', 'pt'),
    ('Ciao, quanto costa la spedizione in Italia?', 'it'),
    ('Vorrei restituire un prodotto, come devo fare?', 'it'),
    ('Hoe lang duurt de verzending naar België?', 'nl'),
    ('Ik wil mijn bestelling annuleren, kan dat nog?', 'nl'),
])
def test_sentences_in_each_language(text, lang):
    assert detect(text) == lang, scores(text)


@pytest.mark.parametrize('text', ['', '   ', '!!!', 'ok', 'PayPal?', '12345', 'Pulsar', 'asdf qwerty', 'hallo'])
def test_short_or_ambiguous_text_is_unsure(text):
    assert detect(text) is None, scores(text)


@pytest.mark.parametrize('text, lang', [
    ('¿dónde está mi pedido?', 'es'),      # one word and the inverted question mark
    ('où est mon colis ?', 'fr'),
    ('Waar is mijn pakket?', 'nl'),
    ('Wo ist mein Paket?', 'de'),
])
def test_short_questions_with_clear_evidence(text, lang):
    assert detect(text) == lang


def test_vocabulary_helps_content_words():
    assert detect('Passwort vergessen') is None
    assert detect('Passwort vergessen', vocab={'passwort': {'de'}, 'vergessen': {'de'}}) == 'de'


def test_scores_cover_every_language():
    assert set(scores('hello')) == set(LANGUAGES)


def test_stem_per_language_and_accents():
    assert stem('shipping', 'en') == stem('shipped', 'en') == stem('ships', 'en') == 'ship'
    assert stem('envíos', 'es') == stem('envios', 'es')
    assert stem('kündigen', 'de') == stem('kundigen', 'de')
    assert stem('shipping', 'xx') == 'ship'          # unknown code: English


def test_stop_words_exist_for_every_language():
    assert set(STOPWORDS) == set(LANGUAGES)
    assert 'the' in STOPWORDS['en'] and 'el' in STOPWORDS['es'] and 'der' in STOPWORDS['de']


def test_language_names():
    assert name('de', 'fr') == 'allemand'
    assert name('en', 'es') == 'inglés'
    assert names(['en', 'es'], 'de') == 'Englisch oder Spanisch'
    assert names(['en'], 'nl') == 'Engels'


def test_detection_is_fast():
    import time
    text = 'Hola, quiero devolver unas botas que compré la semana pasada'
    detect(text)
    t0 = time.perf_counter()
    for _ in range(200):
        detect(text)
    assert (time.perf_counter() - t0) / 200 < 0.002


def test_stemming_is_safe_from_several_threads():
    """The local runtime runs handlers in threads; a shared Snowball stemmer mixed their words up."""
    from concurrent.futures import ThreadPoolExecutor
    from chalicelib.domain import language
    words = ['shipping', 'refunds', 'deliveries', 'returned', 'payments', 'exchanges'] * 300
    expected = [language._stemmer('en').stemWord(w) for w in words]

    def stem_all(_):
        return [language._stemmer('en').stemWord(w) for w in words]
    import sys
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)          # switch threads often, as a busy runtime does
    try:
        with ThreadPoolExecutor(8) as pool:
            assert all(got == expected for got in pool.map(stem_all, range(8)))
    finally:
        sys.setswitchinterval(interval)
