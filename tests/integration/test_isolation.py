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
          ('PUT', '/agents/shop/knowledge/kb_x'), ('DELETE', '/agents/shop/knowledge/kb_x')]


@pytest.mark.parametrize('method, path', ROUTES)
def test_every_operator_route_needs_a_valid_token(h, method, path):
    cid = open_handoff(h)
    for token in (None, 'op_not-a-real-token'):
        status, body = h.rest(method, path.format(cid=cid), token=token, body={})
        assert status == 401 and body['error']['code'] == 'unauthorized'


@pytest.mark.parametrize('method, path', [r for r in ROUTES if r[1] != '/operator/me'])
def test_operator_of_another_agent_sees_nothing(h, method, path):
    cid = open_handoff(h)
    status, body = h.rest(method, path.format(cid=cid), token=h.mallory,
                          body={'client_message_id': 'm', 'text': 'hi', 'question': 'q', 'answer': 'a',
                                'settings': {'allow_human_handoff': False}, 'version': 1})
    assert status == 404 and body['error']['code'] == 'not_found'
    # and nothing changed
    status, conv = h.rest('GET', '/conversations/' + cid, token=h.alice)
    assert conv['status'] == 'pending'
    assert h.rest('GET', '/agents/shop/settings', token=h.alice)[1]['settings']['allow_human_handoff'] is True


def test_operator_profile_lists_only_own_agents(h):
    assert h.rest('GET', '/operator/me', token=h.mallory)[1] == {
        'operator': {'id': h.rest('GET', '/operator/me', token=h.mallory)[1]['operator']['id'], 'name': 'Mallory'},
        'agents': [{'id': 'other', 'name': 'Other Corp'}]}


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
