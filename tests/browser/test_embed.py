"""The one-tag embed from README, on another site's origin, and how the static files are served
(module imports need a JavaScript type and, across origins, CORS)."""
import contextlib
import http.server
import json
import threading
import urllib.error
import urllib.parse
import urllib.request

from playwright.sync_api import expect

from .helpers import banner, expect_once, widget_message, widget_send

SHOP = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another shop</title></head>
<body><h1>Another shop</h1>
<script>window.handoffSettings = {attributes: {name: 'Cross Origin'}, user_id: 'shop-user-42'};</script>
<script src="%s/widget.js" data-agent-id="demo-shop" data-title="Help" async></script>
</body></html>"""


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@contextlib.contextmanager
def shop_site(html):
    """Another site on this machine (another port: another origin), serving one page."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header('Content-Type', 'text/html; charset=utf-8')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield 'http://localhost:%d/' % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_widget_embedded_on_another_origin(pages, stack):
    api = stack['http_url']
    with shop_site(SHOP % api) as shop:
        embedded_on_another_origin(pages, api, shop)


def embedded_on_another_origin(pages, api, shop):
    page = pages._page('shop visitor', {'width': 1100, 'height': 780})
    cross_origin, sessions = [], []
    page.on('request', lambda r: cross_origin.append(r.url) if r.url.startswith(api + '/static/') else None)
    page.on('request', lambda r: sessions.append(json.loads(r.post_data))
            if r.url == api + '/visitor/session' and r.method == 'POST' else None)
    page.goto(shop)
    # A page view that never opens the chat loads the bubble only: widget.js and widget.css.
    expect(page.get_by_role('button', name='Open chat')).to_be_visible()
    page.wait_for_timeout(500)
    assert [u for u in cross_origin if u.endswith('.js')] == [], cross_origin
    page.get_by_role('button', name='Open chat').click()
    expect(page.get_by_role('dialog', name='Help')).to_be_visible()
    widget_send(page, 'How long does shipping take?')
    expect(widget_message(page, 'business days', 'bot')).to_have_count(1)
    page.get_by_role('button', name='Talk to a person').click()
    expect(banner(page)).to_contain_text('Waiting for a team member')
    page.get_by_role('button', name='Cancel request').click()
    expect(banner(page)).to_contain_text('assistant is back')
    assert any(u.endswith('/static/widget/main.js') for u in cross_origin), cross_origin
    # The page's window.handoffSettings reach the session: attributes, and the site's user id.
    assert sessions and sessions[0]['attributes'] == {'name': 'Cross Origin'}, sessions
    assert sessions[0]['user_id'] == 'shop-user-42' and 'user_hash' not in sessions[0], sessions
    # A returning visitor (a session in localStorage) reconnects at once, before any click.
    cross_origin.clear()
    page.reload()
    expect(page.locator('#handoff-widget .hw-conn')).to_have_attribute('data-state', 'open')
    expect_once(widget_message(page, 'How long does shipping take?', 'visitor'))
    assert page.evaluate('() => window.HandoffWidget.base') == api + '/'


def test_static_files_types_caching_and_no_traversal(stack):
    api = stack['http_url']
    for path, kind in (('/widget.js', 'text/javascript'), ('/static/lib/socket.js', 'text/javascript'),
                       ('/static/dashboard/main.js', 'text/javascript'), ('/static/widget.css', 'text/css'),
                       ('/', 'text/html')):
        status, headers, body = get(api + path)
        assert status == 200 and body, path
        assert headers['Content-Type'].startswith(kind), (path, headers['Content-Type'])
        assert headers['Cache-Control'] == 'public, max-age=300', path
        assert headers['Access-Control-Allow-Origin'] == '*', path
    for path in ('/static/lib/nope.js', '/static/..%2Fapp.py', '/static/lib/..%2F..%2Fapp.py',
                 '/static/%2e%2e/app.py', '/static/lib%2Fsocket.js%00.js', '/static/a/b/c.js',
                 '/static/..%2F..%2Fchalicelib%2Fconfig.py'):
        status, _, body = get(api + path)
        assert status in (403, 404), (path, status)
        assert b'import ' not in body and b'def ' not in body, path
    status, _, body = get(api + '/static/nope.js')
    assert status == 404 and json.loads(body)['error']['code'] == 'not_found'
