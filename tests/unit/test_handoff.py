"""The handoff lifecycle (Pending → Acknowledged → Resolved, open → Cancelled) and the routing rule."""
import pytest

from chalicelib.domain.handoff import (
    Actor, Handoff, HandoffError, Reason, Route, Status, apply, check_can_reply,
    open_handoff, route)

T0, T1, T2 = '2026-11-23T21:00:00.000Z', '2026-11-23T21:01:00.000Z', '2026-11-23T21:02:00.000Z'
ALICE = Actor('operator', 'op_alice', 'Alice')
BOB = Actor('operator', 'op_bob', 'Bob')
VISITOR = Actor('visitor', 'v_1')
SYSTEM = Actor('system')
ASK = Reason('visitor_request', 'pressed "talk to a person"')


def pending():
    return open_handoff(None, 'h_1', ASK, T0)


def acknowledged(by=ALICE):
    return apply(pending(), 'acknowledge', by, T1)


def resolved():
    return apply(acknowledged(), 'resolve', ALICE, T2)


def cancelled():
    return apply(pending(), 'cancel', VISITOR, T1)


def raises(code, fn, *args):
    with pytest.raises(HandoffError) as info:
        fn(*args)
    assert info.value.code == code
    return info.value


# ---- legal transitions --------------------------------------------------------------------

def test_open_handoff_is_pending_without_owner():
    h = pending()
    assert (h.id, h.status, h.reason, h.requested_at, h.updated_at) == ('h_1', Status.PENDING, ASK, T0, T0)
    assert h.owner_id is None and h.owner_name is None
    assert h.is_open


@pytest.mark.parametrize('previous', [resolved, cancelled], ids=['after_resolved', 'after_cancelled'])
def test_a_new_handoff_may_open_once_the_previous_one_is_closed(previous):
    h = open_handoff(previous(), 'h_2', Reason('complaint'), T2)
    assert h.id == 'h_2' and h.status == Status.PENDING and h.owner_id is None


def test_acknowledge_sets_owner_and_timestamp():
    h = acknowledged()
    assert h.status == Status.ACKNOWLEDGED and h.is_open
    assert (h.owner_id, h.owner_name) == ('op_alice', 'Alice')
    assert h.updated_at == T1 and h.requested_at == T0
    assert h.id == 'h_1' and h.reason == ASK


def test_owner_resolves():
    h = resolved()
    assert h.status == Status.RESOLVED and not h.is_open
    assert h.owner_id == 'op_alice' and h.updated_at == T2


@pytest.mark.parametrize('start', [pending, acknowledged], ids=['pending', 'acknowledged'])
@pytest.mark.parametrize('actor', [VISITOR, ALICE, BOB, SYSTEM], ids=lambda a: a.kind + str(a.id))
def test_cancel_from_any_open_state_by_anyone(start, actor):
    before = start()
    if start is acknowledged and actor is BOB:
        pytest.skip('a colleague may not cancel an acknowledged handoff: see the next test')
    h = apply(before, 'cancel', actor, T2)
    assert h.status == Status.CANCELLED and not h.is_open and h.updated_at == T2
    assert h.owner_id == before.owner_id


def test_only_the_owner_or_the_visitor_cancels_an_acknowledged_handoff():
    err = raises('not_owner', apply, acknowledged(ALICE), 'cancel', BOB, T2)
    assert err.status == 403 and err.details['owner']['name'] == 'Alice'
    assert apply(acknowledged(ALICE), 'cancel', ALICE, T2).status == Status.CANCELLED
    assert apply(acknowledged(ALICE), 'cancel', VISITOR, T2).status == Status.CANCELLED
    assert apply(pending(), 'cancel', BOB, T2).status == Status.CANCELLED     # nobody owns it yet


def test_apply_does_not_mutate_the_input():
    h = pending()
    apply(h, 'acknowledge', ALICE, T1)
    assert h.status == Status.PENDING and h.owner_id is None


# ---- illegal transitions ------------------------------------------------------------------

def test_resolve_a_pending_handoff_is_illegal():
    err = raises('illegal_transition', apply, pending(), 'resolve', ALICE, T1)
    assert err.status == 409


def test_acknowledge_twice_says_who_owns_it():
    err = raises('already_acknowledged', apply, acknowledged(ALICE), 'acknowledge', BOB, T2)
    assert err.status == 409
    assert err.details['owner'] == {'id': 'op_alice', 'name': 'Alice'}
    assert err.to_dict()['owner'] == {'id': 'op_alice', 'name': 'Alice'}
    assert 'Alice' in err.message


def test_the_owner_acknowledging_again_is_also_refused():
    raises('already_acknowledged', apply, acknowledged(ALICE), 'acknowledge', ALICE, T2)


@pytest.mark.parametrize('closed', [resolved, cancelled], ids=['resolved', 'cancelled'])
def test_acknowledge_a_closed_handoff_is_illegal(closed):
    err = raises('no_open_handoff', apply, closed(), 'acknowledge', ALICE, T2)   # one code for 'nothing open'
    assert err.status == 409


def test_resolve_by_a_non_owner_is_forbidden():
    err = raises('not_owner', apply, acknowledged(ALICE), 'resolve', BOB, T2)
    assert err.status == 403
    assert 'Alice' in err.message


def test_resolve_by_the_visitor_is_forbidden():
    assert raises('not_owner', apply, acknowledged(), 'resolve', VISITOR, T2).status == 403


@pytest.mark.parametrize('action', ['resolve', 'cancel'])
@pytest.mark.parametrize('closed', [resolved, cancelled], ids=['resolved', 'cancelled'])
def test_resolve_or_cancel_a_closed_handoff(closed, action):
    raises('no_open_handoff', apply, closed(), action, ALICE, T2)


@pytest.mark.parametrize('action', ['acknowledge', 'resolve', 'cancel'])
def test_no_handoff_at_all(action):
    raises('no_open_handoff', apply, None, action, ALICE, T1)


@pytest.mark.parametrize('current', [pending, acknowledged], ids=['pending', 'acknowledged'])
def test_a_second_open_handoff_is_refused(current):
    existing = current()
    err = raises('handoff_already_open', open_handoff, existing, 'h_2', Reason('billing'), T2)
    assert err.status == 409
    assert err.details['handoff'] == existing.to_dict()


# ---- check_can_reply -----------------------------------------------------------------------

def test_owner_may_reply():
    assert check_can_reply(acknowledged(ALICE), 'op_alice') is None


def test_other_operator_may_not_reply_and_learns_the_owner():
    err = raises('not_owner', check_can_reply, acknowledged(ALICE), 'op_bob')
    assert err.details['owner'] == {'id': 'op_alice', 'name': 'Alice'}


def test_reply_to_pending_needs_acknowledge_first():
    raises('illegal_transition', check_can_reply, pending(), 'op_alice')


@pytest.mark.parametrize('current', [lambda: None, resolved, cancelled], ids=['none', 'resolved', 'cancelled'])
def test_reply_without_open_handoff(current):
    raises('no_open_handoff', check_can_reply, current(), 'op_alice')


# ---- routing ---------------------------------------------------------------------------------

DETECTED = Reason('complaint', 'matched "terrible"')


@pytest.mark.parametrize('current', [pending, acknowledged], ids=['pending', 'acknowledged'])
@pytest.mark.parametrize('toggle', [True, False])
@pytest.mark.parametrize('reason', [None, ASK, DETECTED], ids=['none', 'visitor_request', 'detected'])
def test_open_handoff_always_routes_to_human(current, toggle, reason):
    assert route(current(), toggle, reason) == Route.HUMAN


@pytest.mark.parametrize('current', [lambda: None, resolved, cancelled], ids=['none', 'resolved', 'cancelled'])
@pytest.mark.parametrize('toggle, reason, expected', [
    (True, None, Route.BOT),
    (False, None, Route.BOT),
    (True, ASK, Route.HANDOFF),
    (False, ASK, Route.DECLINE),
    (True, DETECTED, Route.HANDOFF),
    (False, DETECTED, Route.BOT),
], ids=['on-none', 'off-none', 'on-ask', 'off-ask', 'on-detected', 'off-detected'])
def test_route_without_open_handoff(current, toggle, reason, expected):
    assert route(current(), toggle, reason) == expected


@pytest.mark.parametrize('code', ['complaint', 'billing', 'sales', 'vip', 'bot_unable'])
def test_every_detection_reason_falls_back_to_bot_silently_when_toggle_off(code):
    assert route(None, False, Reason(code)) == Route.BOT
    assert route(None, True, Reason(code)) == Route.HANDOFF


# ---- serialisation ---------------------------------------------------------------------------

@pytest.mark.parametrize('make', [pending, acknowledged, resolved, cancelled])
def test_to_dict_from_dict_round_trip(make):
    h = make()
    assert Handoff.from_dict(h.to_dict()) == h


def test_to_dict_shape():
    assert acknowledged().to_dict() == {
        'id': 'h_1', 'status': 'acknowledged', 'reason': {'code': 'visitor_request', 'detail': ASK.detail},
        'owner': {'id': 'op_alice', 'name': 'Alice'}, 'requested_at': T0, 'updated_at': T1}
    assert pending().to_dict()['owner'] is None


@pytest.mark.parametrize('empty', [None, {}])
def test_from_dict_of_nothing_is_none(empty):
    assert Handoff.from_dict(empty) is None


def test_from_dict_tolerates_missing_reason_and_owner():
    h = Handoff.from_dict({'id': 'h_9', 'status': 'pending', 'requested_at': T0, 'updated_at': T0})
    assert h.reason == Reason('', '') and h.owner_id is None and h.status is Status.PENDING


def test_conversation_status():
    from chalicelib.domain.conversation import Conversation
    status = lambda h: Conversation('shop.v_1', 'shop', 'v_1', handoff=h).status   # noqa: E731
    assert status(None) == 'bot'
    assert status(pending()) == 'pending'
    assert status(resolved()) == 'resolved'
