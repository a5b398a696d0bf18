"""The Conversation aggregate decides; it writes nothing and returns a Change."""
import pytest

from chalicelib.domain.bot import BotAnswer
from chalicelib.domain.conversation import Conversation
from chalicelib.domain.handoff import Actor, HandoffError, Route
from chalicelib.domain.settings import effective

NOW = '2026-12-01T10:00:00.000Z'
ALICE = Actor('operator', 'op_a', 'Alice')
BOB = Actor('operator', 'op_b', 'Bob')
SETTINGS = effective({'allow_human_handoff': True})


def conv(**kw):
    return Conversation('shop.v_1', 'shop', 'v_1', **kw)


def knows(text):
    return BotAnswer('Three to five days.', 0.9, 'kb_1')


def turn(c, text, explicit=False, online=True, answer=knows, settings=SETTINGS):
    return c.visitor_turn(text, 'c1' if text else None, explicit, settings, answer, lambda: online, NOW, 'h_1')


def test_a_bot_turn_stores_the_question_and_the_answer():
    change = turn(conv(), 'How long does shipping take?')
    assert change.route == Route.BOT and [m['role'] for m in change.messages] == ['visitor', 'bot']
    assert [m['seq'] for m in change.messages] == [1, 2] and change.event is None
    assert change.messages[1]['meta'] == {'confidence': 0.9, 'entry_id': 'kb_1'}
    assert change.updates['bot_misses'] == 0 and change.updates['last_message']['role'] == 'bot'


def test_asking_for_a_person_opens_a_handoff_and_says_when_nobody_is_online():
    change = turn(conv(seq=4), None, explicit=True, online=False)
    assert change.route == Route.HANDOFF and change.event == 'handoff.requested'
    [notice] = change.messages
    assert notice['seq'] == 5 and notice['role'] == 'system' and 'Nobody from the team is online' in notice['text']
    assert change.updates['handoff'].status.value == 'pending' and change.transition['status'] == 'requested'


def test_the_bot_is_silent_while_a_handoff_is_open():
    c = conv()
    c.apply(turn(c, None, explicit=True))
    change = turn(c, 'hello?', answer=lambda t: pytest.fail('the bot answered'))
    assert change.route == Route.HUMAN and [m['role'] for m in change.messages] == ['visitor']
    with pytest.raises(HandoffError) as info:
        turn(c, None, explicit=True)
    assert info.value.code == 'handoff_already_open'


def test_two_misses_in_a_row_hand_off():
    c = conv()
    miss = lambda t: BotAnswer('?', 0.0)     # noqa: E731
    c.apply(turn(c, 'Do you sell surfboards?', answer=miss))
    change = turn(c, 'What colour is the sky at noon?', answer=miss)
    assert change.route == Route.HANDOFF and change.updates['handoff'].reason.code == 'bot_unable'


def test_apply_moves_seq_and_state():
    c = conv()
    change = turn(c, None, explicit=True)
    c.apply(change)
    assert c.seq == 1 and c.status == 'pending' and c.status_since == NOW and c.handoff_count == 1
    event = c.status_event('handoff.requested')
    assert event['event_id'] == 'h_1:pending:1' and event['conversation_id'] == 'shop.v_1'


def test_transitions_and_replies_follow_ownership():
    c = conv()
    c.apply(turn(c, None, explicit=True))
    c.apply(c.transition('acknowledge', ALICE, NOW))
    assert c.transition('acknowledge', ALICE, NOW).noop                  # the owner clicking again
    with pytest.raises(HandoffError):
        c.reply('op_b', 'Bob', 'me too', 'r1', NOW)
    with pytest.raises(HandoffError):
        c.check_operator_may_type('op_b')
    change = c.reply('op_a', 'Alice', 'On it', 'r1', NOW)
    assert change.messages[0]['author'] == 'Alice' and change.messages[0]['seq'] == c.seq + 1
    with pytest.raises(HandoffError) as info:
        c.transition('cancel', BOB, NOW)
    assert info.value.code == 'not_owner'
    done = c.transition('resolve', ALICE, NOW, note=None)
    assert done.event == 'handoff.resolved' and 'Alice closed the conversation' in done.messages[0]['text']


def test_a_declined_request_is_answered_in_the_visitors_language():
    off = effective({'allow_human_handoff': False})
    change = turn(conv(), 'Quiero hablar con una persona, por favor', settings=off)
    assert change.route == Route.DECLINE
    [_, bot] = change.messages
    assert bot['meta']['event'] == 'handoff.declined' and bot['text'] != turn(conv(), None, True, settings=off).messages[0]['text']
