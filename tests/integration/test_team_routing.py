"""Team inbox under moto: presence, auto-assignment (round robin, capacity under concurrency, offers that
time out, the queue drained as capacity frees), transfer."""
import threading

from chalicelib.usecases import assignment
from infra import admin
from tests.integration.conftest import messages, types


def app_ctx():
    import app as app_module
    return app_module._services.ctx


def me(h, token):
    return h.rest('GET', '/operator/me', token=token)[1]['operator']['id']


def configure(h, **values):
    status, current = h.rest('GET', '/agents/shop/settings', token=h.alice)
    status, body = h.rest('PUT', '/agents/shop/settings', token=h.alice,
                          body={'settings': {'assignment': values}, 'version': current['version']})
    assert status == 200, body


def team(h):
    """The third operator, Carol, and everyone's socket."""
    h.carol = admin.create_operator('Carol', ['shop'])
    h.ids = {me(h, t): n for n, t in (('alice', h.alice), ('bob', h.bob), ('carol', h.carol))}
    h.tokens = {'alice': h.alice, 'bob': h.bob, 'carol': h.carol}
    for name, token in h.tokens.items():
        assert h.connect(name, token=token) == 200
        h.send(name, {'action': 'set_presence', 'agent_id': 'shop', 'status': 'online'})   # as the dashboard does
    for name in h.tokens:
        h.take(name)


def presence(h):
    return {h.ids[o['id']]: (o['presence'], o['open']) for o in
            h.rest('GET', '/agents/shop/presence', token=h.bob)[1]['operators']}


CIDS = {}


def visitor(h, conn):
    CIDS[conn] = h.visitor(conn)['conversation_id']
    return CIDS[conn]


def handoff(h, conn):
    visitor(h, conn)
    h.send(conn, {'action': 'request_human', 'client_message_id': 'ask-' + conn})
    return CIDS[conn]


def conv_of(h, conn):
    return h.rest('GET', '/conversations/' + (CIDS.get(conn) or conn), token=h.alice)


def test_presence_tabs_away_and_the_nobody_online_notice(h):
    alice_id = me(h, h.alice)
    h.connect('bob', token=h.bob)
    assert h.connect('alice-1', token=h.alice) == 200
    h.send('alice-1', {'action': 'set_presence', 'agent_id': 'shop', 'status': 'online'})   # the dashboard, once open
    assert [(e['type'], e['operator']['name'], e['status']) for e in h.take('bob')] == [('presence', 'Alice', 'online')]
    h.connect('alice-2', token=h.alice)                            # a second tab
    h.disconnect('alice-1')
    assert [e['status'] for e in h.take('bob') if e['type'] == 'presence'][-1] == 'online'   # one tab left
    ack = h.send('bob', {'action': 'set_presence', 'agent_id': 'shop', 'status': 'away', 'request_id': 7})[0]
    assert ack['type'] == 'ack' and ack['request_id'] == 7
    assert [e['status'] for e in h.take('alice-2') if e['type'] == 'presence'][-1] == 'away'
    got = {o['name']: o['presence'] for o in h.rest('GET', '/agents/shop/presence', token=h.bob)[1]['operators']}
    assert got == {'Alice': 'online', 'Bob': 'away'}
    h.disconnect('alice-2')
    assert [(e['operator']['id'], e['status']) for e in h.take('bob') if e['type'] == 'presence'] == \
        [(alice_id, 'offline')]
    # Bob's socket is open but he is away: the visitor is told nobody is online.
    visitor(h, 'v1')
    events = h.send('v1', {'action': 'request_human', 'client_message_id': 'ask'})
    assert 'Nobody from the team is online' in messages(events)[0][1]
    # Back online: a later request gets the ordinary notice.
    h.rest('PUT', '/agents/shop/presence', token=h.bob, body={'status': 'online'})
    visitor(h, 'v2')
    events = h.send('v2', {'action': 'request_human', 'client_message_id': 'ask'})
    assert 'A team member will join shortly' in messages(events)[0][1]
    for bad in ({'action': 'set_presence', 'agent_id': 'shop', 'status': 'offline'},
                {'action': 'set_presence', 'agent_id': 'other', 'status': 'away'}):
        assert h.send('bob', bad)[-1]['type'] == 'error'


def test_auto_assignment_spreads_offers_and_respects_others_may_take(h):
    team(h)
    configure(h, mode='auto', capacity=3, others_may_take=False)
    scheduled = []
    app_ctx().scheduler = type('S', (), {'schedule': lambda self, kind, delay, **p: kind == 'offer_expired' and scheduled.append((kind, delay, p))})()   # the ladder's timers are not the point here
    for conn in ('v1', 'v2', 'v3'):
        handoff(h, conn)
    assignees = [conv_of(h, c)[1]['handoff']['assignee']['name'] for c in ('v1', 'v2', 'v3')]
    assert sorted(assignees) == ['Alice', 'Bob', 'Carol']            # round robin: one each
    assert [s[0] for s in scheduled] == ['offer_expired'] * 3 and scheduled[0][1] == 120
    assert {v: o for v, (p, o) in presence(h).items()} == {'alice': 1, 'bob': 1, 'carol': 1}
    offered = conv_of(h, 'v1')[1]['handoff']['assignee']['name'].lower()
    other = next(n for n in h.tokens if n != offered)
    status, body = h.rest('POST', '/conversations/%s/acknowledge' % CIDS['v1'], token=h.tokens[other], body={})
    assert status == 403 and body['error']['code'] == 'offered_to_colleague'
    assert h.rest('POST', '/conversations/%s/acknowledge' % CIDS['v1'], token=h.tokens[offered], body={})[0] == 200
    assert presence(h)[offered] == ('online', 1)                      # offered then owned: counted once
    # the visitor never hears of offers
    assert all('assignee' not in str(e) for e in h.take('v1'))


def test_an_offer_that_times_out_moves_on_and_a_late_timer_does_nothing(h):
    team(h)
    configure(h, mode='auto')
    handoff(h, 'v1')
    first = conv_of(h, 'v1')[1]['handoff']
    ctx = app_ctx()
    moved = assignment.offer_expired(ctx, CIDS['v1'], first['id'], first['assignee']['id'], first['offered_at'])
    second = conv_of(h, 'v1')[1]['handoff']
    assert moved is not None and second['assignee']['id'] not in (None, first['assignee']['id'])
    assert assignment.offer_expired(ctx, CIDS['v1'], first['id'], first['assignee']['id']) is None   # stale
    loads = presence(h)
    assert loads[h.ids[first['assignee']['id']]][1] == 0 and loads[h.ids[second['assignee']['id']]][1] == 1
    # acknowledged before its timer fires: the timer changes nothing
    h.rest('POST', '/conversations/%s/acknowledge' % CIDS['v1'], token=h.tokens[h.ids[second['assignee']['id']]],
           body={})
    assert assignment.offer_expired(ctx, CIDS['v1'], second['id'], second['assignee']['id']) is None
    assert conv_of(h, 'v1')[1]['handoff']['owner']['id'] == second['assignee']['id']


def test_transfer_moves_the_reply_box_and_keeps_the_note_from_the_visitor(h):
    team(h)
    cid = handoff(h, 'v1')
    assert h.rest('POST', '/conversations/%s/acknowledge' % cid, token=h.alice, body={})[0] == 200
    h.take('v1')
    for name in h.tokens:
        h.take(name)
    bob_id = next(i for i, n in h.ids.items() if n == 'bob')
    carol_id = next(i for i, n in h.ids.items() if n == 'carol')
    h.send('carol', {'action': 'set_presence', 'agent_id': 'shop', 'status': 'away'})
    status, body = h.rest('POST', '/conversations/%s/transfer' % cid, token=h.alice, body={'to': carol_id})
    assert status == 409 and body['error']['code'] == 'operator_unavailable'
    assert h.rest('POST', '/conversations/%s/transfer' % cid, token=h.bob, body={'to': carol_id})[1]['error'][
        'code'] == 'not_owner'
    for bad in ({}, {'to': 'x', 'extra': 1}, {'to': 5}, {'to': 'nobody-here'}):
        assert h.rest('POST', '/conversations/%s/transfer' % cid, token=h.alice, body=bad)[0] in (400, 404)
    h.take('alice')
    events = h.send('alice', {'action': 'transfer', 'conversation_id': cid, 'to': bob_id,
                              'note': 'SECRET: promised a refund', 'request_id': 'r1'})
    assert events[0]['type'] == 'ack' and events[0]['request_id'] == 'r1'
    transferred = [e for e in h.take('bob') if e['type'] == 'transferred']
    assert transferred[0]['note'] == 'SECRET: promised a refund' and transferred[0]['to']['name'] == 'Bob'
    seen = h.take('v1')
    assert messages(seen) == [('system', 'Bob joined the conversation.')] and 'SECRET' not in str(seen)
    assert h.rest('POST', '/conversations/%s/reply' % cid, token=h.alice,
                  body={'client_message_id': 'a1', 'text': 'still me?'})[1]['error']['code'] == 'not_owner'
    assert h.rest('POST', '/conversations/%s/reply' % cid, token=h.bob,
                  body={'client_message_id': 'b1', 'text': 'Hi, Bob here'})[0] == 200
    record = h.rest('GET', '/conversations/' + cid, token=h.alice)[1]['handoffs'][-1]
    assert record['status'] == 'transferred' and record['by']['name'] == 'Alice'
    assert record['reason']['to']['name'] == 'Bob' and record['at']
    loads = presence(h)
    assert loads['alice'][1] == 0 and loads['bob'][1] == 1
    # back to the queue: pending again, nobody holds it, the visitor is told
    h.send('bob', {'action': 'transfer', 'conversation_id': cid, 'to': None})
    conv = h.rest('GET', '/conversations/' + cid, token=h.alice)[1]
    assert conv['status'] == 'pending' and conv['handoff']['owner'] is None and presence(h)['bob'][1] == 0
    assert 'back in the queue' in messages(h.take('v1'))[-1][1]
    assert 'SECRET' not in str(h.rest('GET', '/conversations/%s/messages' % cid, token=h.alice)[1])


def test_twenty_handoffs_at_once_never_exceed_capacity_and_the_queue_drains_in_order(h):
    from infra.local import flat_dynamodb
    uninstall = flat_dynamodb.install()          # moto made atomic per request, as DynamoDB is (NOTES.md)
    try:
        team(h)
        configure(h, mode='auto', capacity=3)
        conns = ['v%02d' % i for i in range(20)]
        for c in conns:
            visitor(h, c)
        threads = [threading.Thread(target=h.send, args=(c, {'action': 'request_human', 'client_message_id': 'a'}))
                   for c in conns]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        loads = presence(h)
        assert sorted(o for _, o in loads.values()) == [3, 3, 3], loads
        inbox = h.rest('GET', '/agents/shop/inbox?status=pending', token=h.alice)[1]
        pending = inbox['conversations']
        assert len(pending) == 20 and inbox['counts']['pending'] == 20
        held = {}
        for c in pending:
            if c['handoff'].get('assignee'):
                held.setdefault(c['handoff']['assignee']['id'], []).append(c['id'])
        assert sorted(len(v) for v in held.values()) == [3, 3, 3]
        queued = [c['id'] for c in pending if not c['handoff'].get('assignee')]     # oldest first
        assert len(queued) == 11
        # Capacity frees one slot at a time: the oldest waiting conversation is offered next, to that operator.
        for op_id, cids in sorted(held.items()):
            token = h.tokens[h.ids[op_id]]
            for cid in cids[:2]:
                assert h.rest('POST', '/conversations/%s/acknowledge' % cid, token=token, body={})[0] == 200
                assert h.rest('POST', '/conversations/%s/resolve' % cid, token=token, body={})[0] == 200
                nxt = queued.pop(0)
                assert conv_of(h, nxt)[1]['handoff']['assignee']['id'] == op_id
        assert sorted(o for _, o in presence(h).values()) == [3, 3, 3]
    finally:
        uninstall()
