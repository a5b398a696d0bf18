"""Tenant isolation and authentication on every REST route and both socket kinds."""
import pytest


def open_handoff(h):
    s = h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    return s['conversation_id']


ROUTES = [('GET', '/operator/me'), ('GET', '/agents/shop/inbox'), ('GET', '/conversations/{cid}'),
          ('GET', '/conversations/{cid}/messages'), ('POST', '/conversations/{cid}/acknowledge'),
          ('POST', '/conversations/{cid}/reply'), ('POST', '/conversations/{cid}/resolve'),
          ('POST', '/conversations/{cid}/cancel'), ('GET', '/agents/shop/settings'),
          ('PUT', '/agents/shop/settings'), ('GET', '/agents/shop/knowledge'), ('POST', '/agents/shop/knowledge'),
          ('PUT', '/agents/shop/knowledge/kb_x'), ('DELETE', '/agents/shop/knowledge/kb_x'),
          ('GET', '/agents/shop/operators'), ('POST', '/agents/shop/operators'),
          ('PUT', '/agents/shop/operators/{bob}'), ('DELETE', '/agents/shop/operators/{bob}'),
          ('GET', '/agents/shop/visitors/{vid}/export'), ('DELETE', '/agents/shop/visitors/{vid}'),
          ('GET', '/agents/shop/presence'), ('PUT', '/agents/shop/presence'), ('POST', '/conversations/{cid}/transfer')]
ROUTES += [('POST', '/conversations/{cid}/notes'), ('POST', '/conversations/{cid}/read'),     # team inbox
           ('GET', '/agents/shop/saved-replies'), ('POST', '/agents/shop/saved-replies'),
           ('PUT', '/agents/shop/saved-replies/sr_x'), ('DELETE', '/agents/shop/saved-replies/sr_x')]
ROUTES += [('GET', '/agents/shop/analytics')]
ROUTES += [('GET', '/agents/shop/suggestions'), ('POST', '/agents/shop/suggestions/g_0000000000000000/accept'),
           ('GET', '/conversations/{cid}/summary'), ('GET', '/conversations/{cid}/transcript')]


def fill(h, path, cid):
    bob = h.rest('GET', '/operator/me', token=h.bob)[1]['operator']['id']
    return path.format(cid=cid, bob=bob, vid=cid.split('.', 1)[1])


@pytest.mark.parametrize('method, path', ROUTES)
def test_every_operator_route_needs_a_valid_token(h, method, path):
    cid = open_handoff(h)
    for token in (None, 'op_not-a-real-token'):
        status, body = h.rest(method, fill(h, path, cid), token=token, body={})
        assert status == 401 and body['error']['code'] == 'unauthorized'


@pytest.mark.parametrize('method, path', [r for r in ROUTES if r[1] != '/operator/me'])
def test_operator_of_another_agent_sees_nothing(h, method, path):
    cid = open_handoff(h)
    status, body = h.rest(method, fill(h, path, cid), token=h.mallory,     # an admin, of another tenant
                          body={'client_message_id': 'm', 'text': 'hi', 'question': 'q', 'answer': 'a',
                                'settings': {'allow_human_handoff': False}, 'version': 1, 'name': 'M',
                                'role': 'admin'})
    assert status == 404 and body['error']['code'] == 'not_found'
    # and nothing changed
    status, conv = h.rest('GET', '/conversations/' + cid, token=h.alice)
    assert conv['status'] == 'pending'
    assert h.rest('GET', '/agents/shop/settings', token=h.alice)[1]['settings']['allow_human_handoff'] is True
    team = h.rest('GET', '/agents/shop/operators', token=h.alice)[1]['operators']
    assert sorted((m['name'], m['role']) for m in team) == [('Alice', 'admin'), ('Bob', 'operator')]


def test_operator_profile_lists_only_own_agents(h):
    assert h.rest('GET', '/operator/me', token=h.mallory)[1] == {
        'operator': {'id': h.rest('GET', '/operator/me', token=h.mallory)[1]['operator']['id'], 'name': 'Mallory'},
        'agents': [{'id': 'other', 'name': 'Other Corp', 'role': 'admin'}]}
    assert h.rest('GET', '/operator/me', token=h.bob)[1]['agents'] == [{'id': 'shop', 'name': 'Acme Outfitters',
                                                                       'role': 'operator'}]


def test_foreign_operator_socket_gets_errors_and_no_events(h):
    cid = open_handoff(h)
    h.connect('mallory', token=h.mallory)
    for action in ({'action': 'open', 'conversation_id': cid}, {'action': 'acknowledge', 'conversation_id': cid},
                   {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'm', 'text': 'hi'},
                   {'action': 'typing', 'conversation_id': cid, 'is_typing': True}):
        events = h.send('mallory', action)
        assert [e['type'] for e in events] == ['error'] and events[0]['code'] == 'not_found'
    h.send('v1', {'action': 'send', 'client_message_id': 'c', 'text': 'anyone?'})
    assert h.take('mallory') == []             # other tenants' operators are never fanned out to


def test_socket_connect_refuses_bad_credentials(h):
    s = h.visitor('v1')
    assert h.connect('x1') == 401
    assert h.connect('x2', token='op_bogus') == 401
    assert h.connect('x3', session='garbage') == 401
    payload, mac = s['session'].split('.')
    forged = payload[:-2] + ('AA' if payload[-2:] != 'AA' else 'BB') + '.' + mac
    assert h.connect('x4', session=forged) == 401


def test_visitor_only_ever_touches_their_own_conversation(h):
    a = h.visitor('va')
    b = h.visitor('vb')
    assert a['conversation_id'] != b['conversation_id']
    h.send('va', {'action': 'send', 'client_message_id': 'a1', 'text': 'secret of A'})
    events = h.send('vb', {'action': 'resume', 'after': 0})
    assert all('secret of A' not in m['text'] for m in events[0]['messages'])
    assert h.take('va') == []
    # visitors cannot use operator actions, even naming a conversation
    err = h.send('vb', {'action': 'acknowledge', 'conversation_id': a['conversation_id']})[0]
    assert err['code'] == 'unknown_action'
    # a session for another agent does not reopen this conversation
    status, other = h.rest('POST', '/visitor/session', body={'agent_id': 'other', 'session': a['session']})
    assert other['conversation_id'] != a['conversation_id'] and other['conversation_id'].startswith('other.')


def test_unknown_agent_for_a_session(h):
    status, body = h.rest('POST', '/visitor/session', body={'agent_id': 'nope'})
    assert status == 404 and body['error']['code'] == 'not_found'


# ---- the role matrix: every route x {admin, operator, admin of another tenant} -------------------------------

KB = {'question': 'Gift wrap?', 'answer': 'Yes, for 2 EUR.'}
# route -> (body, status for the admin Alice, for the operator Bob); another tenant's admin always gets 404.
MATRIX = {
    ('GET', '/operator/me'): (None, 200, 200),
    ('GET', '/agents/shop/inbox'): (None, 200, 200),
    ('GET', '/conversations/{cid}'): (None, 200, 200),
    ('GET', '/conversations/{cid}/messages'): (None, 200, 200),
    ('POST', '/conversations/{cid}/acknowledge'): ({}, 200, 200),
    ('POST', '/conversations/{cid}/reply'): ({'client_message_id': 'm1', 'text': 'hi'}, 409, 409),  # not acked yet
    ('POST', '/conversations/{cid}/resolve'): ({}, 409, 409),                                      # the same rule
    ('POST', '/conversations/{cid}/cancel'): ({}, 200, 200),
    ('GET', '/agents/shop/settings'): (None, 200, 200),
    ('PUT', '/agents/shop/settings'): ({'settings': {'allow_human_handoff': False}, 'version': 1}, 200, 403),
    ('GET', '/agents/shop/knowledge'): (None, 200, 200),
    ('POST', '/agents/shop/knowledge'): (KB, 201, 201),
    ('PUT', '/agents/shop/knowledge/{kb}'): (KB, 200, 200),
    ('DELETE', '/agents/shop/knowledge/{kb}'): (None, 204, 204),
    ('GET', '/agents/shop/operators'): (None, 200, 403),
    ('POST', '/agents/shop/operators'): ({'name': 'Carol'}, 201, 403),
    ('PUT', '/agents/shop/operators/{bob}'): ({'role': 'admin'}, 200, 403),
    ('DELETE', '/agents/shop/operators/{bob}'): (None, 204, 403),
    ('GET', '/agents/shop/visitors/{vid}/export'): (None, 200, 403),
    ('DELETE', '/agents/shop/visitors/{vid}'): (None, 204, 403),
    ('GET', '/agents/shop/secrets'): (None, 200, 403),
    ('POST', '/agents/shop/secrets/identity'): ({}, 201, 403),
    ('POST', '/operator/socket-ticket'): ({}, 200, 200),
    ('GET', '/agents/shop/presence'): (None, 200, 200),
    ('PUT', '/agents/shop/presence'): ({'status': 'away'}, 200, 200),
    ('POST', '/conversations/{cid}/transfer'): ({'to': None}, 409, 409),           # pending: nothing to transfer
    ('GET', '/agents/shop/analytics'): (None, 200, 200),           # every operator of the agent reads its figures
    ('GET', '/agents/shop/suggestions'): (None, 200, 200),
    ('POST', '/agents/shop/suggestions/g_0000000000000000/dismiss'): ({}, 404, 403),     # changes: admins only
    ('GET', '/conversations/{cid}/summary'): (None, 200, 200),
    ('GET', '/conversations/{cid}/transcript'): (None, 200, 200),
}
SAVED = {'title': 'Hi', 'shortcut': 'hi', 'text': 'Hi {visitor.name}'}
MATRIX.update({                                             # team inbox: notes and reads for all, replies admin-managed
    ('POST', '/conversations/{cid}/notes'): ({'client_message_id': 'n1', 'text': 'fyi'}, 200, 200),
    ('POST', '/conversations/{cid}/read'): ({'seq': 1}, 200, 200),
    ('GET', '/agents/shop/saved-replies'): (None, 200, 200),
    ('POST', '/agents/shop/saved-replies'): (SAVED, 201, 403),
    ('PUT', '/agents/shop/saved-replies/sr_x'): (SAVED, 404, 403),       # no such reply; the role is checked first
    ('DELETE', '/agents/shop/saved-replies/sr_x'): (None, 404, 403),
})


def test_the_matrix_covers_every_operator_route():
    import app as app_module
    routes = {(m, p) for p, entry in app_module.app.routes.items() for m in entry}
    public = {('POST', '/visitor/session'), ('GET', '/client-config')}
    operator_routes = {(m, p) for m, p in routes if p.startswith(('/agents', '/conversations', '/operator'))}
    named = {(m, p.replace('{cid}', '{conversation_id}').replace('{kb}', '{entry_id}')
              .replace('{bob}', '{operator_id}').replace('{vid}', '{visitor_id}')
              .replace('/secrets/identity', '/secrets/{kind}')
              .replace('/saved-replies/sr_x', '/saved-replies/{reply_id}')
              .replace('/g_0000000000000000/dismiss', '/{group_id}/{action}')) for m, p in MATRIX}
    named = {(m, p.replace('/agents/shop', '/agents/{agent_id}')) for m, p in named}
    assert operator_routes - public <= named, sorted(operator_routes - named)


@pytest.mark.parametrize('who', ['admin', 'operator', 'other tenant'])
@pytest.mark.parametrize('method, path', sorted(MATRIX))
def test_role_matrix(h, method, path, who):
    body, as_admin, as_operator = MATRIX[(method, path)]
    cid = open_handoff(h)
    kb = h.rest('GET', '/agents/shop/knowledge', token=h.alice)[1]['entries'][0]['id']
    bob = h.rest('GET', '/operator/me', token=h.bob)[1]['operator']['id']
    url = path.format(cid=cid, kb=kb, bob=bob, vid=cid.split('.', 1)[1])
    token, expected = {'admin': (h.alice, as_admin), 'operator': (h.bob, as_operator),
                       'other tenant': (h.mallory, as_admin if path.startswith('/operator/') else 404)}[who]
    before = snapshot(h, cid)
    status, answer = h.rest(method, url, token=token, body=body)
    assert status == expected, answer
    if status == 403:
        assert answer['error']['code'] == 'forbidden_role'
    if status in (403, 404):
        assert snapshot(h, cid) == before        # refused: nothing changed


def snapshot(h, cid):
    """What a refused request must leave untouched (read as the admin)."""
    return (h.rest('GET', '/agents/shop/settings', token=h.alice)[1],
            h.rest('GET', '/agents/shop/knowledge', token=h.alice)[1],
            h.rest('GET', '/agents/shop/operators', token=h.alice)[1],
            h.rest('GET', '/conversations/' + cid, token=h.alice)[1])


def test_an_operator_socket_may_do_every_operator_action(h):
    """Socket actions are conversation work: the operator role may do all of them; roles never reach
    another tenant (see test_foreign_operator_socket_gets_errors_and_no_events)."""
    cid = open_handoff(h)
    h.connect('bob', token=h.bob)
    for frame in ({'action': 'open', 'conversation_id': cid}, {'action': 'acknowledge', 'conversation_id': cid},
                  {'action': 'typing', 'conversation_id': cid, 'is_typing': True},
                  {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'b1', 'text': 'Bob here'},
                  {'action': 'resume', 'conversation_id': cid, 'after': 0},
                  {'action': 'resolve', 'conversation_id': cid}, {'action': 'ping'}):
        events = h.send('bob', frame)
        assert not [e for e in events if e['type'] == 'error'], (frame, events)
