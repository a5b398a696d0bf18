"""A visitor's data: export and erase (REST and admin CLI), and per-agent retention through TTL
(issue 14, item 5)."""
import json
import time

import pytest

from infra import admin
from tests.integration.test_limits import table_items


def busy_visitor(h, connection_id='v1', name='Ada Lovelace'):
    """A visitor with messages, idempotency records, a full handoff history, delivered notifications and a socket."""
    s = h.visitor(connection_id, name=name, email='ada@example.com')
    cid = s['conversation_id']
    h.connect('alice', token=h.alice)
    h.send(connection_id, {'action': 'send', 'client_message_id': 'c1', 'text': 'What is your return policy?'})
    h.send(connection_id, {'action': 'request_human', 'client_message_id': 'c2'})
    h.send('alice', {'action': 'acknowledge', 'conversation_id': cid})
    h.send('alice', {'action': 'reply', 'conversation_id': cid, 'client_message_id': 'o1', 'text': 'Hi Ada'})
    h.send('alice', {'action': 'resolve', 'conversation_id': cid})
    h.deliver_notifications()
    return s


def everything_of(visitor_id, handoff_ids):
    """Test-only full-table scan: every item that names the visitor or their handoffs anywhere."""
    return [i for i in table_items() if visitor_id in json.dumps(i) or any(hid in json.dumps(i) for hid in handoff_ids)]


def test_export_has_every_message_and_transition(h):
    s = busy_visitor(h)
    status, body = h.rest('GET', '/agents/shop/visitors/%s/export' % s['visitor_id'], token=h.alice)
    assert status == 200
    assert body['visitor_id'] == s['visitor_id'] and body['visitor']['name'] == 'Ada Lovelace'
    [conv] = body['conversations']
    assert [m['role'] for m in conv['messages']][:2] == ['visitor', 'bot'] and 'Hi Ada' in json.dumps(conv)
    assert [m['seq'] for m in conv['messages']] == list(range(1, conv['seq'] + 1))
    assert [t['status'] for t in conv['handoffs']] == ['requested', 'acknowledged', 'resolved']


def test_erase_leaves_nothing_of_the_visitor_and_everything_of_the_others(h):
    s = busy_visitor(h)
    other = busy_visitor(h, 'v2', name='Grace Hopper')
    handoffs = [t['handoff_id'] for t in h.rest('GET', '/conversations/' + s['conversation_id'],
                                                  token=h.alice)[1]['handoffs']]
    found = everything_of(s['visitor_id'], handoffs)
    kinds = {i['pk']['S'].split('#')[0] + '#' + i['sk']['S'].split('#')[0] for i in found}
    assert {'CONV#META', 'CONV#MSG', 'CONV#CMID', 'CONV#HANDOFF', 'CONN#META', 'NOTIFY#inbox'} <= kinds, kinds
    others_before = everything_of(other['visitor_id'], [])
    status, _ = h.rest('DELETE', '/agents/shop/visitors/' + s['visitor_id'], token=h.alice)
    assert status == 204
    assert everything_of(s['visitor_id'], handoffs) == []
    assert everything_of(other['visitor_id'], []) == others_before
    # gone for every reader, and a second erase says so
    assert h.rest('GET', '/conversations/' + s['conversation_id'], token=h.alice)[0] == 404
    assert h.rest('GET', '/agents/shop/visitors/%s/export' % s['visitor_id'], token=h.alice)[0] == 404
    assert h.rest('DELETE', '/agents/shop/visitors/' + s['visitor_id'], token=h.alice)[0] == 404
    # the erased visitor's open socket is no longer registered
    h.take('v1')
    [err] = h.send('v1', {'action': 'ping'})
    assert err['code'] == 'unauthorized'


@pytest.mark.parametrize('visitor_id', ['nobody', 'v_' + 'x' * 60, 'a.b', '..'])
def test_unknown_or_malformed_visitor(h, visitor_id):
    for method, path in (('GET', '/agents/shop/visitors/%s/export'), ('DELETE', '/agents/shop/visitors/%s')):
        status, body = h.rest(method, path % visitor_id, token=h.alice)
        assert status == 404 and body['error']['code'] == 'not_found'


def test_admin_cli_export_and_erase(h, capsys):
    s = busy_visitor(h)
    capsys.readouterr()                                   # the consumer's metrics line
    assert admin.main(['export-visitor', 'shop', s['visitor_id']]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported['conversations'][0]['id'] == s['conversation_id']
    assert admin.main(['erase-visitor', 'shop', s['visitor_id']]) == 0
    assert 'erased' in capsys.readouterr().out
    assert everything_of(s['visitor_id'], []) == []
    assert admin.main(['erase-visitor', 'shop', s['visitor_id']]) == 2


# ---- retention ---------------------------------------------------------------------------------------

def test_retention_sets_expiry_on_everything_written(h):
    status, saved = h.rest('PUT', '/agents/shop/settings', token=h.alice,
                           body={'settings': {'retention_days': 30}, 'version': 1})
    assert status == 200 and saved['settings']['retention_days'] == 30
    s = busy_visitor(h)
    now = time.time()
    items = [i for i in table_items() if i['pk']['S'] == 'CONV#' + s['conversation_id']]
    for item in items:
        kind = item['sk']['S'].split('#')[0]
        if kind == 'CMID':
            continue                                       # idempotency records keep their own 7 days
        assert abs(int(item['expires_at']['N']) - (now + 30 * 86400)) < 120, item
    assert {i['sk']['S'].split('#')[0] for i in items} >= {'META', 'MSG', 'HANDOFF'}


def test_the_default_retention_is_a_year(h):
    assert h.rest('GET', '/agents/shop/settings', token=h.bob)[1]['settings']['retention_days'] == 365
    s = h.visitor('v1')
    h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'hello'})
    [meta] = [i for i in table_items() if i['pk']['S'] == 'CONV#' + s['conversation_id'] and i['sk']['S'] == 'META']
    assert abs(int(meta['expires_at']['N']) - (time.time() + 365 * 86400)) < 120


@pytest.mark.parametrize('value', [0, 3651, True, '30', 1.5, None])
def test_retention_is_validated(h, value):
    status, body = h.rest('PUT', '/agents/shop/settings', token=h.alice,
                          body={'settings': {'retention_days': value}, 'version': 1})
    assert status == 400 and body['error']['code'] == 'invalid_field'


def test_admin_cli_finds_a_verified_visitor_by_user_id(h, capsys):
    from chalicelib.domain.keys import verified_visitor_id
    vid = verified_visitor_id('shop', 'user-42')
    h.rest('POST', '/visitor/session', body={'agent_id': 'shop'})      # someone else
    from chalicelib.adapters.store import Stores
    Stores().conversations.ensure('shop.' + vid, 'shop', vid, {'name': 'Verified Vera'}, '2026-01-01T00:00:00Z')
    capsys.readouterr()
    assert admin.main(['export-visitor', 'shop', '--user-id', 'user-42']) == 0
    assert json.loads(capsys.readouterr().out)['visitor']['name'] == 'Verified Vera'
    assert admin.main(['erase-visitor', 'shop', '--user-id', 'user-42']) == 0
    assert everything_of(vid, []) == []
    with pytest.raises(SystemExit):
        admin.main(['erase-visitor', 'shop'])


def test_a_changed_retention_applies_from_the_next_message(h):
    s = h.visitor('v1')
    version = h.rest('GET', '/agents/shop/settings', token=h.alice)[1]['version']
    assert h.rest('PUT', '/agents/shop/settings', token=h.alice,
                  body={'settings': {'retention_days': 7}, 'version': version})[0] == 200
    h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'hello'})
    items = [i for i in table_items() if i['pk']['S'] == 'CONV#' + s['conversation_id']
             and i['sk']['S'].split('#')[0] in ('META', 'MSG')]
    # the conversation and one message item (the question and the bot's answer are packed together)
    assert len(items) == 2 and all(abs(int(i['expires_at']['N']) - (time.time() + 7 * 86400)) < 120 for i in items)
