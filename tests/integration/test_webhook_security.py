"""Webhooks: per-agent secrets (rotation with both signatures), URLs refused at save time in AWS mode, and
the safe sender against real sockets on loopback (pinned address, Host header, no redirects, timeouts,
capped reads, refused destinations not retried)."""
import dataclasses
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import app as app_module
from chalicelib.adapters.webhooks import WebhookError, WebhookRefused, post_webhook
from tests.integration.test_notifications import Hook

EVENT = {'event': 'handoff.requested', 'event_id': 'h1:pending'}


def strict(h):
    """AWS's rules: no http, no loopback (the fixture runs as the local runtime does)."""
    ctx = app_module._services.ctx
    ctx.config = dataclasses.replace(ctx.config, webhook_allow_loopback_http=False)


def save_url(h, url, token=None):
    status, current = h.rest('GET', '/agents/shop/settings', token=token or h.alice)
    return h.rest('PUT', '/agents/shop/settings', token=token or h.alice,
                  body={'settings': {'webhook_url': url}, 'version': current['version']})


def signatures(headers):
    return headers['X-Handoff-Signature'].split(',')


def sign(secret, headers, body):
    return 'sha256=' + hmac.new(secret, headers['X-Handoff-Timestamp'].encode() + b'.' + body,
                                hashlib.sha256).hexdigest()


@pytest.fixture
def hook(h):
    hook = Hook()
    status, _ = save_url(h, hook.url)
    assert status == 200
    yield hook
    hook.close()


@pytest.mark.parametrize('url', ['http://127.0.0.1:8080/hook', 'https://localhost/hook', 'https://2130706433/',
                                 'https://[::ffff:127.0.0.1]/', 'https://169.254.169.254/latest/meta-data/',
                                 'https://user@127.0.0.1/', 'https://0x7f000001/', 'https://10.0.0.1/',
                                 'http://hooks.example.com/hook'])
def test_forbidden_urls_are_refused_with_invalid_field_and_nothing_is_saved(h, url):
    strict(h)
    status, before = h.rest('GET', '/agents/shop/settings', token=h.alice)
    status, body = save_url(h, url)
    assert status == 400 and body['error']['code'] == 'invalid_field'
    status, after = h.rest('GET', '/agents/shop/settings', token=h.alice)
    assert after == before


def test_a_public_https_url_is_saved(h):
    strict(h)
    status, saved = save_url(h, 'https://hooks.example.com/handoff')
    assert status == 200 and saved['settings']['webhook_url'] == 'https://hooks.example.com/handoff'


def test_per_agent_secret_signs_and_the_payload_says_whether_the_visitor_is_verified(h, hook):
    status, issued = h.rest('POST', '/agents/shop/secrets/webhook', token=h.alice, body={})
    assert status == 201 and issued['secret'].startswith('whsec_')
    secret = issued['secret'].encode()
    s = h.visitor('v1', name='Ada', vip=True)
    h.send('v1', {'action': 'request_human'})
    assert h.deliver_notifications() == {'batchItemFailures': []}
    [(headers, body)] = hook.calls
    assert signatures(headers) == [sign(secret, headers, body)]
    assert sign(b'test-webhook-secret', headers, body) not in signatures(headers)     # not the shared one
    assert abs(int(headers['X-Handoff-Timestamp']) - time.time()) < 60
    payload = json.loads(body)
    assert payload['visitor'] == {'id': s['visitor_id'], 'name': 'Ada', 'claimed_vip': True, 'verified': False}


def test_agents_sign_with_different_secrets(h, hook):
    status, shop = h.rest('POST', '/agents/shop/secrets/webhook', token=h.alice, body={})
    status, other = h.rest('POST', '/agents/other/secrets/webhook', token=h.mallory, body={})
    assert shop['secret'] != other['secret']
    status, body = h.rest('POST', '/agents/other/secrets/webhook', token=h.alice, body={'rotate': True})
    assert status == 404                          # one tenant's admin cannot touch another's secrets


def test_rotation_sends_both_signatures_during_the_grace_period(h, hook):
    status, first = h.rest('POST', '/agents/shop/secrets/webhook', token=h.alice, body={})
    status, second = h.rest('POST', '/agents/shop/secrets/webhook', token=h.alice, body={'rotate': True})
    assert status == 201 and second['previous_valid_until']
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    h.deliver_notifications()
    [(headers, body)] = hook.calls
    assert signatures(headers) == [sign(second['secret'].encode(), headers, body),
                                   sign(first['secret'].encode(), headers, body)]
    status, third = h.rest('POST', '/agents/shop/secrets/webhook', token=h.alice,
                           body={'rotate': True, 'grace_hours': 0})
    h.visitor('v2')
    h.send('v2', {'action': 'request_human'})
    h.deliver_notifications()
    headers, body = hook.calls[-1]
    assert signatures(headers) == [sign(third['secret'].encode(), headers, body)]


def test_without_an_agent_secret_the_deployment_secret_signs(h, hook):
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    h.deliver_notifications()
    [(headers, body)] = hook.calls
    assert signatures(headers) == [sign(b'test-webhook-secret', headers, body)]


def test_a_stored_forbidden_url_is_never_called_and_not_retried(h, hook):
    """A URL saved before the rules (or under the local flag) is checked again at send time."""
    strict(h)
    h.visitor('v1')
    h.send('v1', {'action': 'request_human'})
    assert h.deliver_notifications() == {'batchItemFailures': []}       # dropped, not retried forever
    assert hook.calls == []


# ---- the sender against real sockets -------------------------------------------------------------------

class Server:
    """A loopback HTTP server whose answer is `behaviour(handler)`; records Host headers."""

    def __init__(self, behaviour):
        self.hosts = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def do_POST(self):
                self.rfile.read(int(self.headers['Content-Length']))
                server.hosts.append(self.headers['Host'])
                behaviour(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None     # a client that hung up is the point
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def answer(status, headers=(), body=b''):
    def behave(handler):
        handler.send_response(status)
        for k, v in headers:
            handler.send_header(k, v)
        handler.send_header('Content-Length', str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return behave


@pytest.fixture
def servers():
    made = []
    yield lambda behaviour: made.append(Server(behaviour)) or made[-1]
    for s in made:
        s.close()


def test_connects_to_the_checked_address_once_resolved_with_the_name_as_host(servers):
    server = servers(answer(204))
    asked = []

    def rebinding(host, port):          # a DNS server that would answer differently the second time
        asked.append(host)
        return ['127.0.0.1'] if len(asked) == 1 else ['10.0.0.1']
    assert post_webhook('http://localhost:%d/h' % server.port, EVENT, [b's'], allow_loopback_http=True,
                        resolve=rebinding) == 204
    assert asked == ['localhost'] and server.hosts == ['localhost:%d' % server.port]


def test_redirects_are_not_followed(servers):
    target = servers(answer(204))
    redirect = servers(answer(302, [('Location', 'http://127.0.0.1:%d/elsewhere' % target.port)]))
    with pytest.raises(WebhookError) as failed:
        post_webhook('http://127.0.0.1:%d/h' % redirect.port, EVENT, [b's'], allow_loopback_http=True)
    assert 'redirect' in str(failed.value) and target.hosts == []


def test_a_huge_or_endless_answer_is_read_only_up_to_the_cap(servers):
    def endless(handler):
        handler.send_response(200)
        handler.send_header('Content-Length', str(10 ** 9))
        handler.end_headers()
        handler.wfile.write(b'x' * 65536)
        time.sleep(3)
    server = servers(endless)
    started = time.monotonic()
    assert post_webhook('http://127.0.0.1:%d/h' % server.port, EVENT, [b's'], allow_loopback_http=True) == 200
    assert time.monotonic() - started < 2


def test_a_silent_server_times_out(servers):
    server = servers(lambda handler: time.sleep(3))
    started = time.monotonic()
    with pytest.raises(WebhookError) as failed:
        post_webhook('http://127.0.0.1:%d/h' % server.port, EVENT, [b's'], allow_loopback_http=True, timeout=0.5)
    assert not isinstance(failed.value, WebhookRefused) and time.monotonic() - started < 2.5


def test_a_closed_port_is_a_retryable_failure():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(WebhookError) as failed:
        post_webhook('http://127.0.0.1:%d/h' % port, EVENT, [b's'], allow_loopback_http=True)
    assert not isinstance(failed.value, WebhookRefused)


def test_without_the_local_flag_loopback_is_refused_before_any_connection(servers):
    server = servers(answer(204))
    for url in ('http://127.0.0.1:%d/h', 'https://127.0.0.1:%d/h', 'https://localhost:%d/h'):
        with pytest.raises(WebhookRefused):
            post_webhook(url % server.port, EVENT, [b's'], resolve=lambda host, port: ['127.0.0.1'])
    assert server.hosts == []


def test_a_trickling_server_is_cut_off_at_the_deadline(servers):
    def trickle(handler):
        handler.wfile.write(b'HTTP/1.1 200 OK\r\n')
        for _ in range(40):                      # one header byte every 0.2 s: no single read times out
            handler.wfile.write(b'X')
            handler.wfile.flush()
            time.sleep(0.2)
    server = servers(trickle)
    started = time.monotonic()
    with pytest.raises(WebhookError):
        post_webhook('http://127.0.0.1:%d/h' % server.port, EVENT, [b's'], allow_loopback_http=True, timeout=1,
                     deadline=1.0)
    assert time.monotonic() - started < 3
