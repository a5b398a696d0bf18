"""Roles per agent (admin, operator) and the Team API / admin CLI (issue 14, item 3). The route-by-role
matrix is in test_isolation.py."""
from infra import admin


def me(h, token):
    return h.rest('GET', '/operator/me', token=token)[1]


def team(h, token=None):
    status, body = h.rest('GET', '/agents/shop/operators', token=token or h.alice)
    assert status == 200, body
    return {m['name']: m for m in body['operators']}


def test_operator_me_says_the_role_per_agent(h):
    assert me(h, h.alice)['agents'] == [{'id': 'shop', 'name': 'Acme Outfitters', 'role': 'admin'}]
    assert me(h, h.bob)['agents'][0]['role'] == 'operator'


def test_team_lists_members_with_roles(h):
    members = team(h)
    assert {n: m['role'] for n, m in members.items()} == {'Alice': 'admin', 'Bob': 'operator'}
    assert set(members['Bob']) == {'id', 'name', 'role', 'created_at'}      # never a token or its hash


def test_invite_shows_the_token_once_and_it_works_for_this_agent_only(h):
    status, body = h.rest('POST', '/agents/shop/operators', token=h.alice, body={'name': 'Carol', 'role': 'admin'})
    assert status == 201 and body['operator']['role'] == 'admin' and body['token'].startswith('op_')
    carol = body['token']
    assert me(h, carol)['agents'] == [{'id': 'shop', 'name': 'Acme Outfitters', 'role': 'admin'}]
    assert 'token' not in str(team(h)['Carol'])
    # Carol, an admin now, may save settings
    version = h.rest('GET', '/agents/shop/settings', token=carol)[1]['version']
    assert h.rest('PUT', '/agents/shop/settings', token=carol,
                  body={'settings': {'retention_days': 30}, 'version': version})[0] == 200


def test_invite_validates_its_body(h):
    for body in ({}, {'name': ''}, {'name': 'X', 'role': 'owner'}, {'name': 'X', 'agent_ids': ['other']},
                 {'name': 'X', 'expires_in_days': 0}, {'name': 'x' * 101}):
        status, answer = h.rest('POST', '/agents/shop/operators', token=h.alice, body=body)
        assert status in (400, 413) and answer['error']['code'] in ('invalid_field', 'text_too_long'), body
    assert set(team(h)) == {'Alice', 'Bob'}


def test_promote_and_demote(h):
    bob_id = me(h, h.bob)['operator']['id']
    status, body = h.rest('PUT', '/agents/shop/operators/' + bob_id, token=h.alice, body={'role': 'admin'})
    assert status == 200 and body['operator']['role'] == 'admin'
    assert me(h, h.bob)['agents'][0]['role'] == 'admin'
    assert h.rest('GET', '/agents/shop/operators', token=h.bob)[0] == 200
    # Bob demotes Alice; now Bob is the last admin and cannot demote himself
    alice_id = me(h, h.alice)['operator']['id']
    assert h.rest('PUT', '/agents/shop/operators/' + alice_id, token=h.bob, body={'role': 'operator'})[0] == 200
    status, body = h.rest('PUT', '/agents/shop/operators/' + bob_id, token=h.bob, body={'role': 'operator'})
    assert status == 409 and body['error']['code'] == 'last_admin'
    status, body = h.rest('DELETE', '/agents/shop/operators/' + bob_id, token=h.bob)
    assert status == 409 and body['error']['code'] == 'last_admin'
    assert h.rest('PUT', '/agents/shop/settings', token=h.alice, body={'settings': {}, 'version': 1})[0] == 403


def test_role_body_and_unknown_operator(h):
    bob_id = me(h, h.bob)['operator']['id']
    for body in ({}, {'role': 'root'}, {'role': 'admin', 'name': 'x'}):
        assert h.rest('PUT', '/agents/shop/operators/' + bob_id, token=h.alice, body=body)[0] == 400
    mallory_id = me(h, h.mallory)['operator']['id']
    for path in ('/agents/shop/operators/op-nobody', '/agents/shop/operators/' + mallory_id):
        status, body = h.rest('PUT', path, token=h.alice, body={'role': 'admin'})
        assert status == 404 and body['error']['code'] == 'not_found'
        assert h.rest('DELETE', path, token=h.alice)[0] == 404
    assert me(h, h.mallory)['agents'][0]['role'] == 'admin'        # the other tenant is untouched


def test_remove_revokes_access_and_drops_the_sockets(h):
    bob_id = me(h, h.bob)['operator']['id']
    assert h.connect('bob', token=h.bob) == 200
    assert h.rest('DELETE', '/agents/shop/operators/' + bob_id, token=h.alice)[0] == 204
    assert h.rest('GET', '/operator/me', token=h.bob)[0] == 401
    assert set(team(h)) == {'Alice'}
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    assert h.take('bob') == []                                       # no events reach the removed operator
    [err] = h.send('bob', {'action': 'ping'})
    assert err['code'] == 'unauthorized'
    assert h.connect('bob2', token=h.bob) == 401


def test_removing_one_agent_keeps_the_others(h):
    both_id, both = admin.create_operator('Dana', ['shop', 'other'], with_id=True)
    assert h.rest('DELETE', '/agents/shop/operators/' + both_id, token=h.alice)[0] == 204
    assert me(h, both)['agents'] == [{'id': 'other', 'name': 'Other Corp', 'role': 'operator'}]
    status, body = h.rest('GET', '/agents/other/operators', token=h.mallory)
    assert 'Dana' in {m['name'] for m in body['operators']}


def test_admin_cli_roles(h, capsys):
    assert admin.main(['create-operator', 'Erin', 'shop', '--role', 'admin']) == 0
    erin_id, erin = capsys.readouterr().out.split()
    assert me(h, erin)['agents'][0]['role'] == 'admin'
    assert admin.main(['set-role', erin_id, 'shop', 'operator']) == 0
    assert me(h, erin)['agents'][0]['role'] == 'operator'
    assert admin.main(['set-role', erin_id, 'other', 'admin']) == 2           # not an operator of that agent
    assert admin.main(['revoke-operator', erin_id]) == 0
    assert 'Erin' not in team(h) and h.rest('GET', '/operator/me', token=erin)[0] == 401


def test_an_operator_stored_before_roles_is_an_operator_until_promoted(h):
    """The migration path: a token item without roles and without a membership."""
    from chalicelib.adapters.store.models import MembershipItem, OperatorItem, hash_token, key
    old_id, old = admin.create_operator('Old', ['shop'], with_id=True, role='admin')
    MembershipItem(key('AGENTOP', 'shop'), key('OP', old_id)).delete()
    OperatorItem(key('TOKEN', hash_token(old)), 'META').update(actions=[OperatorItem.roles.remove()])
    assert me(h, old)['agents'][0]['role'] == 'operator' and 'Old' not in team(h)
    assert admin.main(['set-role', old_id, 'shop', 'admin']) == 0
    assert me(h, old)['agents'][0]['role'] == 'admin' and team(h)['Old']['role'] == 'admin'
