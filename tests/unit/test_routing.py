"""Team inbox rules: presence, round robin, capacity, offer expiry, transfer legality, counter moves."""
import pytest

from chalicelib.domain import routing
from chalicelib.domain.conversation import Conversation
from chalicelib.domain.handoff import Actor, HandoffError, Reason, Status, apply, open_handoff
from chalicelib.domain.routing import Assignment, Counter, Member
from chalicelib.domain import routing_changes
from chalicelib.protocol.fields import ProtocolError
from chalicelib.protocol.team_routing import check_assignment

T0, T1, T2 = '2026-12-03T10:00:00.000Z', '2026-12-03T10:01:00.000Z', '2026-12-03T10:02:00.000Z'
ALICE = Actor('operator', 'op_a', 'Alice')


def member(id_, presence='online', open_=0, capacity=3, last=''):
    return Member(id_, id_.upper(), presence, open_, capacity, last)


def pending():
    return open_handoff(None, 'h_1', Reason('visitor_request'), T0)


def test_presence_from_sockets_and_toggle():
    assert routing.presence(0, False) == 'offline' and routing.presence(0, True) == 'offline'
    assert routing.presence(2, False) == 'online' and routing.presence(1, True) == 'away'


def test_round_robin_takes_the_longest_without_an_offer_and_skips_full_away_offline():
    team = [member('a', last=T1), member('b', last=T0), member('c'), member('d', open_=3),
            member('e', presence='away'), member('f', presence='offline')]
    assert routing.choose(team).id == 'c'                       # never offered goes first
    assert routing.choose(team, exclude=('c',)).id == 'b'
    assert routing.choose(team, exclude=('c', 'b')).id == 'a'
    assert routing.choose(team, exclude=('a', 'b', 'c')) is None   # d full, e away, f offline


def test_round_robin_spreads_in_turn():
    team, order = [member('a'), member('b'), member('c')], []
    for i in range(6):
        m = routing.choose(team)
        order.append(m.id)
        team = [Member(x.id, x.name, x.presence, x.open, x.capacity, 'T%02d' % i) if x.id == m.id else x
                for x in team]
    assert order == ['a', 'b', 'c', 'a', 'b', 'c']


def test_capacity_and_per_operator_override():
    a = Assignment.of({'assignment': {'mode': 'auto', 'capacity': 2, 'per_operator': {'op_b': 5}}})
    assert a.auto and a.capacity_of('op_a') == 2 and a.capacity_of('op_b') == 5
    assert Assignment.of({}).mode == 'manual' and Assignment.of({}).capacity == 3
    assert not member('a', open_=2, capacity=2).free and member('a', open_=1, capacity=2).free


def test_counter_moves_follow_the_holder():
    h = pending()
    offered = routing.offer(h, member('op_a'), T1)
    assert routing.load_moves('shop', h, offered, limit=3, stamp=T1) == (Counter('shop', 'op_a', 1, 3, T1),)
    acked = apply(offered, 'acknowledge', ALICE, T2)                 # the offered one acknowledges: no move
    assert routing.load_moves('shop', offered, acked) == ()
    taken = apply(offered, 'acknowledge', Actor('operator', 'op_b', 'B'), T2)   # a colleague takes it
    assert routing.load_moves('shop', offered, taken) == (Counter('shop', 'op_a', -1), Counter('shop', 'op_b', 1))
    resolved = apply(acked, 'resolve', ALICE, T2)
    assert routing.load_moves('shop', acked, resolved) == (Counter('shop', 'op_a', -1),)


def test_offer_expiry_acts_only_on_that_very_offer():
    offered = routing.offer(pending(), member('op_a'), T1)
    assert routing.offer_expired(offered, 'h_1', 'op_a', T1)
    assert not routing.offer_expired(offered, 'h_1', 'op_a', T0)           # a newer offer to the same operator
    assert not routing.offer_expired(offered, 'h_1', 'op_b')
    assert not routing.offer_expired(offered, 'h_2', 'op_a')
    assert not routing.offer_expired(apply(offered, 'acknowledge', ALICE, T2), 'h_1', 'op_a')


def test_others_may_take_unless_the_agent_says_no():
    offered = routing.offer(pending(), member('op_a'), T1)
    routing.check_take(offered, 'op_b', Assignment(others_may_take=True))
    routing.check_take(offered, 'op_a', Assignment(others_may_take=False))
    with pytest.raises(HandoffError) as info:
        routing.check_take(offered, 'op_b', Assignment(others_may_take=False))
    assert info.value.code == 'offered_to_colleague' and info.value.status == 403


def test_transfer_legality():
    acked = apply(pending(), 'acknowledge', ALICE, T1)
    for h, actor, target, code in [
            (pending(), ALICE, member('op_b'), 'illegal_transition'),
            (apply(acked, 'resolve', ALICE, T2), ALICE, member('op_b'), 'no_open_handoff'),
            (acked, Actor('operator', 'op_b', 'B'), member('op_c'), 'not_owner'),
            (acked, ALICE, member('op_b', presence='away'), 'operator_unavailable'),
            (acked, ALICE, member('op_b', presence='offline'), 'operator_unavailable'),
            (acked, ALICE, member('op_a'), 'invalid_transfer')]:
        with pytest.raises(HandoffError) as info:
            routing.transfer(h, actor, target, T2)
        assert info.value.code == code
    moved = routing.transfer(acked, ALICE, member('op_b'), T2)
    assert moved.status == Status.ACKNOWLEDGED and moved.owner_id == 'op_b'
    queued = routing.transfer(acked, ALICE, None, T2)
    assert queued.status == Status.PENDING and queued.owner_id is None and queued.requested_at == T0


def test_transfer_change_keeps_the_note_from_the_visitor():
    conv = Conversation('shop.v1', 'shop', 'v1', seq=3, handoff=apply(pending(), 'acknowledge', ALICE, T1))
    change = routing_changes.transfer(conv, ALICE, member('op_b'), 'VIP, was promised a refund', T2)
    msg = change.messages[0]
    assert msg['text'] == 'OP_B joined the conversation.' and 'refund' not in str(msg)
    assert change.transition['reason']['note'] == 'VIP, was promised a refund'
    assert change.counters == (Counter('shop', 'op_a', -1), Counter('shop', 'op_b', 1))
    conv.apply(change)
    assert conv.status_event(change.event)['event_id'] != conv.status_event('handoff.acknowledged')['event_id']


def test_assignment_setting_validation():
    check_assignment({'mode': 'auto', 'capacity': 5, 'offer_timeout_seconds': 60, 'others_may_take': False,
                      'per_operator': {'op-1': 2}})
    for bad in ({'mode': 'roundrobin'}, {'capacity': 0}, {'capacity': True}, {'offer_timeout_seconds': 1},
                {'others_may_take': 'yes'}, {'per_operator': {'op-1': 99}}, {'per_operator': {'bad id!': 2}},
                {'extra': 1}, []):
        with pytest.raises(ProtocolError):
            check_assignment(bad)
