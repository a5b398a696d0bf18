"""Pages: security headers (CSP allowing only what each page loads, nosniff, referrer policy); operator
sockets opened with a short-lived single-use ticket instead of the bearer token."""
import re

import pytest

from chalicelib import static_files
from chalicelib.adapters.store.models import TicketItem, hash_token, key
from chalicelib.web import content_security_policy


def get(h, path):
    response = h.client.http.get(path)
    return response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.body


def directives(policy):
    return {d.split()[0]: d.split()[1:] for d in policy.split('; ')}


@pytest.mark.parametrize('path', ['/', '/demo'])
def test_pages_carry_a_policy_that_allows_only_what_they_load(h, path):
    status, headers, body = get(h, path)
    assert status == 200
    assert headers['x-content-type-options'] == 'nosniff' and headers['referrer-policy'] == 'no-referrer'
    assert headers['x-frame-options'] == 'DENY'
    policy = directives(headers['content-security-policy'])
    assert policy['default-src'] == ["'none'"] and policy['frame-ancestors'] == ["'none'"]
    assert policy['object-src'] == ["'none'"] and policy['base-uri'] == ["'none'"]
    assert "'unsafe-inline'" not in headers['content-security-policy']
    assert "'unsafe-eval'" not in headers['content-security-policy']
    assert policy['script-src'][0] == "'self'" and all(s.startswith("'sha256-") for s in policy['script-src'][1:])
    # every inline script of the page is allowed by its hash, nothing else inline
    inline = re.findall(r'<script(?![^>]*\bsrc=)[^>]*>', body.decode() if isinstance(body, bytes) else body)
    assert len(policy['script-src']) - 1 == len(inline)
    assert policy['connect-src'][0] == "'self'"


def test_the_socket_origin_comes_from_the_public_websocket_url():
    policy = directives(content_security_policy('<p>hi</p>', 'wss://abc.execute-api.eu-west-1.amazonaws.com/api'))
    assert policy['connect-src'] == ["'self'", 'wss://abc.execute-api.eu-west-1.amazonaws.com']
    assert directives(content_security_policy('<p>hi</p>', 'ws://127.0.0.1:8001/ws'))['connect-src'] == [
        "'self'", 'ws://127.0.0.1:8001']
    assert directives(content_security_policy('<p>hi</p>'))['connect-src'] == ["'self'", 'ws:', 'wss:']


def test_inline_hashes_follow_the_file():
    a = content_security_policy('<script>one()</script>')
    b = content_security_policy('<script>two()</script>')
    assert a != b and "'sha256-" in a
    assert "'sha256-" not in directives(content_security_policy('<script src="x.js"></script>'))['script-src'][-1]


@pytest.mark.parametrize('path', ['/widget.js', '/static/widget/main.js', '/static/widget.css', '/static/lib/socket.js'])
def test_widget_files_stay_loadable_from_other_origins(h, path):
    status, headers, body = get(h, path)
    assert status == 200 and headers['access-control-allow-origin'] == '*'
    assert headers['x-content-type-options'] == 'nosniff'
    assert 'content-security-policy' not in headers            # a policy on a script would not apply anyway
    assert headers['content-type'].startswith(('text/javascript', 'text/css'))


def test_every_html_file_gets_a_policy():
    for name in ('dashboard.html', 'demo.html'):
        body, content_type = static_files.load(name)
        assert 'frame-ancestors' in content_security_policy(body)


# ---- socket tickets -------------------------------------------------------------------------------------------

def ticket(h, token):
    return h.rest('POST', '/operator/socket-ticket', token=token)


def test_a_ticket_opens_one_operator_socket(h):
    status, issued = ticket(h, h.alice)
    assert status == 200 and issued['expires_in'] == 60 and issued['ticket'].startswith('tk_')
    assert h.alice not in issued['ticket']
    assert h.connect('op1', ticket=issued['ticket']) == 200
    # the socket is Alice's: it receives her agent's inbox pushes
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    h.take('op1')
    h.deliver_notifications()
    assert [e['type'] for e in h.take('op1')] == ['inbox']
    # single use
    assert h.connect('op2', ticket=issued['ticket']) == 401


def test_tickets_are_stored_only_as_a_hash_and_expire(h):
    status, issued = ticket(h, h.alice)
    item = TicketItem.get(key('TICKET', hash_token(issued['ticket'])), 'META')
    assert item.token_hash == hash_token(h.alice) and h.alice not in str(item.attribute_values)
    assert issued['ticket'] not in str(item.attribute_values)
    # past its expiry (DynamoDB's TTL deletes late), a ticket is refused
    from datetime import datetime, timezone
    item.expires_at = datetime.fromtimestamp(1, timezone.utc)
    item.save()
    assert h.connect('late', ticket=issued['ticket']) == 401


@pytest.mark.parametrize('bad', ['', 'tk_unknown', 'x' * 500, 'tk_' + 'A' * 43])
def test_unknown_tickets_are_refused(h, bad):
    assert h.connect('op', ticket=bad) in (401,)


def test_a_ticket_needs_a_valid_token_and_a_revoked_operator_cannot_use_one(h):
    status, body = ticket(h, 'op_nope')
    assert status == 401 and body['error']['code'] == 'unauthorized'
    status, body = h.rest('POST', '/operator/socket-ticket')
    assert status == 401
    from infra import admin
    operator_id, token = admin.create_operator('Carol', ['shop'], with_id=True)
    status, issued = ticket(h, token)
    assert status == 200
    admin.revoke_operator(operator_id)
    assert h.connect('carol', ticket=issued['ticket']) == 401


def test_the_token_in_the_query_still_works_for_older_dashboards(h):
    assert h.connect('old', token=h.alice) == 200
