"""Handoff triggers: which messages (and visitors) should reach a person, and which should not."""
import pytest

from chalicelib.domain.triggers import BOT_MISSES_BEFORE_HANDOFF, DEFAULT_TRIGGERS, after_bot_miss, detect

ALL_OFF = {name: False for name in DEFAULT_TRIGGERS}


def code(text, visitor=None, triggers=None, previous_handoffs=0):
    reason = detect(text, visitor, triggers if triggers is not None else {}, previous_handoffs)
    return reason.code if reason else None


HUMAN_PHRASES = [
    # English
    'Can I talk to a human?', 'I want to speak with someone', 'let me chat with an agent',
    'I need to talk to a real person', 'HUMAN PLEASE', 'agent please', 'Connect me to support',
    'I need a human', 'can I speak to a customer service representative',
    # Spanish
    'Quiero hablar con una persona', 'hablar con un agente, por favor', 'necesito una persona real',
    # French (accents are folded away)
    'Je voudrais parler à un humain', 'Puis-je parler avec un conseiller ?', 'une vraie personne svp',
    # German
    'Ich möchte mit einem Menschen sprechen', 'Kann ich mit einer Mitarbeiterin sprechen?', 'Bitte einen echten Menschen',
    # Portuguese
    'Quero falar com um atendente', 'posso falar com uma pessoa?',
    # Italian
    'Vorrei parlare con un operatore', 'posso parlare con una persona?',
    # Dutch
    'Kan ik praten met een mens?', 'Ik wil spreken met een medewerker', 'graag een echte persoon',
]

ORDINARY = [
    'how long does shipping take?', 'what are your opening hours', 'do you have this in blue',
    'Hi! Do you ship to Canada?', 'Which payment methods do you accept?', 'What size should I order?',
    'Can I buy 2 of these?', 'is this jacket waterproof', 'Do you have a store in Berlin?',
    'Thanks, that helps!', 'Where is my order?', 'do you sell gift cards',
    '¿Cuánto tarda el envío?', 'Wie lange dauert der Versand?',
]


@pytest.mark.parametrize('text', HUMAN_PHRASES)
def test_asking_for_a_person_in_any_supported_language(text):
    reason = detect(text, None, {})
    assert reason is not None and reason.code == 'visitor_request'
    assert reason.detail.startswith('asked: "')


@pytest.mark.parametrize('text', ORDINARY)
def test_ordinary_shop_questions_trigger_nothing(text):
    assert code(text) is None


@pytest.mark.parametrize('text', [
    'This is terrible service', 'worst shop ever', 'I am furious', 'I want to complain',
    'I have a complaint about my delivery', 'this is a rip-off', "I'm fed up with waiting", 'what the hell',
])
def test_complaint(text):
    assert code(text) == 'complaint'


@pytest.mark.parametrize('text', ['WHERE IS MY PARCEL, IT IS LATE!', 'WHY HAS NOBODY ANSWERED MY EMAIL!!'])
def test_shouting_is_a_complaint(text):
    reason = detect(text, None, {})
    assert reason.code == 'complaint' and reason.detail == 'message in capitals'


@pytest.mark.parametrize('text', [
    'WHERE IS MY PARCEL, IT IS LATE?',   # no exclamation mark
    'OK THANKS!',                        # too short to be shouting
    'Where Is My Parcel It Is Late!',    # mostly lower case
])
def test_not_shouting(text):
    assert code(text) is None


@pytest.mark.parametrize('text', [
    'I want a refund', 'You double charged me', 'I was charged twice for one order',
    'I have a billing issue', 'there is an unauthorized charge on my card', 'how do I get my money back',
    'please cancel my subscription', 'I will file a chargeback',
])
def test_billing(text):
    assert code(text) == 'billing'


@pytest.mark.parametrize('text', [
    'Do you offer wholesale prices?', 'We want to place a bulk order', 'Can I book a demo?',
    'pricing for our team of 40', 'I want to buy 500 of these', 'we need 1000 units by June',
    'Can you send a custom quote?', 'Is there a volume discount?',
])
def test_sales(text):
    assert code(text) == 'sales'


def test_order_of_urgency():
    assert code('this is terrible, let me talk to a human') == 'visitor_request'
    assert code('terrible! I want a refund') == 'billing'
    assert code('your wholesale terms are ridiculous') == 'complaint'


# ---- switching triggers off --------------------------------------------------------------

@pytest.mark.parametrize('name, text', [
    ('phrases', 'can I talk to a human'),
    ('complaint', 'this is terrible'),
    ('complaint', 'WHERE IS MY PARCEL, IT IS LATE!'),
    ('billing', 'I want a refund'),
    ('sales', 'do you sell wholesale'),
])
def test_each_trigger_can_be_switched_off(name, text):
    assert code(text) is not None
    assert code(text, triggers={name: False}) is None
    assert code(text, triggers=ALL_OFF) is None


def test_switching_one_trigger_off_leaves_the_next_one():
    text = 'let me talk to a human, I want a refund'
    assert code(text, triggers={'phrases': False}) == 'billing'
    assert code(text, triggers={'phrases': False, 'billing': False}) is None


def test_none_triggers_means_defaults():
    assert detect('I want a refund', None, None).code == 'billing'


# ---- VIP -----------------------------------------------------------------------------------

def test_vip_goes_to_a_person_on_first_contact():
    reason = detect('hello', {'vip': True}, {}, previous_handoffs=0)
    assert reason.code == 'vip'


@pytest.mark.parametrize('previous', [1, 3])
def test_vip_only_once(previous):
    assert code('hello', {'vip': True}, previous_handoffs=previous) is None


@pytest.mark.parametrize('visitor', [None, {}, {'vip': False}, {'name': 'Ada'}])
def test_non_vip(visitor):
    assert code('hello', visitor) is None


def test_vip_can_be_switched_off():
    assert code('hello', {'vip': True}, triggers={'vip': False}) is None


def test_text_trigger_wins_over_vip():
    assert code('I want a refund', {'vip': True}) == 'billing'


# ---- bot misses ------------------------------------------------------------------------------

def test_one_miss_is_not_enough():
    assert BOT_MISSES_BEFORE_HANDOFF == 2
    assert after_bot_miss(0, {}) is None
    assert after_bot_miss(1, {}) is None


@pytest.mark.parametrize('misses', [2, 3])
def test_two_misses_in_a_row_hand_off(misses):
    reason = after_bot_miss(misses, {})
    assert reason.code == 'bot_unable' and str(misses) in reason.detail


def test_bot_unable_can_be_switched_off():
    assert after_bot_miss(2, {'bot_unable': False}) is None
    assert after_bot_miss(5, ALL_OFF) is None


# ---- suspected defects -------------------------------------------------------------------

def test_order_number_is_not_a_sales_lead():
    assert code('Where is my order 12345?') is None


def test_dutch_verb_final_request_for_a_person():
    assert code('Ik wil graag met een medewerker spreken') == 'visitor_request'
