"""Pure timing rules of the waiting features: the escalation ladder, inactivity, the queue's ETA."""
from dataclasses import replace

import pytest

from chalicelib.domain import escalation, inactivity, queue_position
from chalicelib.domain.conversation import Conversation
from chalicelib.domain.handoff import Actor, HandoffError, Reason, Status, apply, open_handoff
from chalicelib.protocol import ProtocolError, parse_settings

T0 = '2026-03-02T10:00:00.000Z'


def at(seconds):
    return escalation.iso(escalation.epoch(T0) + seconds)


def pending():
    return open_handoff(None, 'h_1', Reason('visitor_request'), T0)


def test_ladder_steps_are_due_from_the_request_and_only_while_pending():
    h, s = pending(), {}
    assert escalation.first_timer(s) == (1, 120)
    assert escalation.decide(h, 'h_1', 1, s, at(60)) == ('wait', 60)
    assert escalation.decide(h, 'h_1', 1, s, at(121)) == ('act', 'remind')
    assert escalation.decide(replace(h, escalation_step=1), 'h_1', 1, s, at(121)) == ('stop', None)   # done once
    assert escalation.decide(h, 'h_other', 1, s, at(121)) == ('stop', None)                          # replaced
    acked = apply(h, 'acknowledge', Actor('operator', 'op', 'Bob'), at(100))
    assert escalation.decide(acked, 'h_1', 1, s, at(121)) == ('stop', None)
    assert escalation.after(replace(h, escalation_step=1), 1, s, at(130)) == (2, 170)
    assert escalation.after(replace(h, escalation_step=3), 3, s, at(700)) is None


def test_a_step_set_to_zero_is_skipped():
    s = {'escalation': {'remind_after_seconds': 0, 'escalate_after_seconds': 0, 'tell_visitor_after_seconds': 60}}
    assert escalation.first_timer(s) == (3, 60)
    assert escalation.decide(pending(), 'h_1', 1, s, at(999)) == ('stop', None)
    assert escalation.first_timer({'escalation': dict.fromkeys(escalation.DEFAULTS, 0)}) is None


def test_the_last_step_tells_the_visitor_and_offers_the_contact_form():
    c = Conversation('c1', 'shop', 'v1', seq=4, handoff=pending())
    change = escalation.step_change(c, 3, 'tell_visitor', at(600))
    (msg,) = change.messages
    assert msg['seq'] == 5 and msg['role'] == 'system' and msg['meta']['offer_contact'] is True
    assert change.updates['handoff'].escalation_step == 3 and change.updates['handoff'].status == Status.PENDING
    assert change.transition['status'] == 'escalated' and change.transition['reason']['step'] == 3
    assert change.event is None
    ev = escalation.escalated_event(c, 2, at(300))
    assert ev['event_id'] == 'h_1:escalated:2' and ev['event'] == 'handoff.escalated'


def acknowledged(visitor_at=None, warned_at=None):
    h = apply(pending(), 'acknowledge', Actor('operator', 'op', 'Bob'), at(10))
    return Conversation('c1', 'shop', 'v1', seq=6, handoff=replace(h, warned_at=warned_at), visitor_at=visitor_at)


ON = {'inactivity': {'enabled': True, 'warn_after_seconds': 600, 'resolve_after_seconds': 300}}


def test_inactivity_counts_from_the_later_of_acknowledge_and_last_visitor_message():
    assert inactivity.decide_acknowledged(acknowledged(), 'h_1', {}, at(99999)) == ('stop', None)   # off by default
    assert inactivity.decide_acknowledged(acknowledged(), 'h_1', ON, at(310)) == ('wait', 300)
    assert inactivity.decide_acknowledged(acknowledged(), 'h_1', ON, at(610)) == ('warn', None)
    assert inactivity.decide_acknowledged(acknowledged(visitor_at=at(400)), 'h_1', ON, at(610)) == ('wait', 390)


def test_inactivity_resolves_after_the_warning_unless_the_visitor_wrote():
    warned = acknowledged(warned_at=at(610))
    assert inactivity.decide_acknowledged(warned, 'h_1', ON, at(800)) == ('wait', 110)
    assert inactivity.decide_acknowledged(warned, 'h_1', ON, at(910)) == ('resolve', None)
    answered = acknowledged(visitor_at=at(700), warned_at=at(610))
    assert inactivity.decide_acknowledged(answered, 'h_1', ON, at(910)) == ('wait', 390)   # a fresh 10 minutes


def test_the_system_may_resolve_and_its_reason_is_recorded():
    change = inactivity.close_change(acknowledged(), 'resolve', at(900), 'no message for 15 minutes')
    assert change.updates['handoff'].status == Status.RESOLVED
    assert change.transition['by']['kind'] == 'system' and change.transition['reason']['code'] == 'inactivity'
    with pytest.raises(HandoffError):       # an operator other than the owner still may not
        apply(acknowledged().handoff, 'resolve', Actor('operator', 'someone', 'Eve'), at(5))


def test_a_pending_visitor_who_left_is_cancelled_only_when_the_agent_says_so():
    gone = Conversation('c1', 'shop', 'v1', handoff=pending(), connections=frozenset())
    here = replace(gone, connections=frozenset({'sock'}))
    cancel = {'inactivity': {'pending_gone': 'cancel', 'pending_gone_after_seconds': 600}}
    assert inactivity.decide_pending(gone, 'h_1', {}, None, at(600)) == ('stop', None)
    assert inactivity.decide_pending(here, 'h_1', cancel, None, at(600)) == ('wait', 600, None)
    assert inactivity.decide_pending(gone, 'h_1', cancel, None, at(600)) == ('wait', 600, at(600))
    assert inactivity.decide_pending(gone, 'h_1', cancel, at(600), at(1200)) == ('cancel', None)


@pytest.mark.parametrize('seconds,text', [(None, None), (20, 'less than a minute'), (70, 'about 1 minute'),
                                          (170, 'about 3 minutes'), (13 * 60, 'about 15 minutes'),
                                          (47 * 60, 'about 50 minutes'), (150 * 60, 'about 3 hours')])
def test_eta_is_said_without_false_precision(seconds, text):
    assert queue_position.eta_text(seconds) == text


def test_eta_grows_with_position_and_shrinks_with_time_waited():
    assert queue_position.eta_seconds(0, 0, 1, 0) is None
    assert queue_position.eta_seconds(600, 5, 1, 0) == 120
    assert queue_position.eta_seconds(600, 5, 3, 60) == 300
    assert queue_position.eta_seconds(600, 5, 1, 500) == 0


@pytest.mark.parametrize('settings', [{'escalation': {'remind_after_seconds': -1}},
                                      {'escalation': {'remind_after_seconds': True}},
                                      {'escalation': {'later': 5}},
                                      {'inactivity': {'enabled': 'yes'}},
                                      {'inactivity': {'warn_after_seconds': 5}},
                                      {'inactivity': {'pending_gone': 'delete'}}])
def test_bad_waiting_settings_are_refused(settings):
    with pytest.raises(ProtocolError) as err:
        parse_settings({'settings': settings, 'version': 1}, set())
    assert err.value.code == 'invalid_field'


def test_good_waiting_settings_pass():
    s = {'escalation': {'remind_after_seconds': 0, 'escalate_after_seconds': 60},
         'inactivity': {'enabled': True, 'warn_after_seconds': 60, 'pending_gone': 'cancel'}}
    assert parse_settings({'settings': s, 'version': 1}, set())[0] == s
