"""Email in the local runtime: moto's SES keeps what the app sends; a person trying it reads it at
/_local/mail (HTML) or /_local/mail.json, and the runtime logs one line per new message.

moto keeps sent messages in memory only (no moto-api route lists them), so the embedded AWS serves
them itself at SENT_PATH (a small WSGI wrapper around moto's app, see aws.py), and the gateway's page
fetches them from there.
"""
import html
import json
import threading
import urllib.request

from .logs import LOG

SENDER = 'handoff@example.test'         # verified at start: moto's SES, like SES, sends only from identities
SENT_PATH = '/_local/ses/sent'


def serve_sent(app):
    """WSGI: SENT_PATH answers moto's SES sent messages as JSON; everything else is moto."""
    def wrapped(environ, start_response):
        if environ.get('PATH_INFO') != SENT_PATH:
            return app(environ, start_response)
        from moto.ses.models import ses_backends
        out = []
        for account, regions in ses_backends.items():
            for region, backend in regions.items():
                for m in getattr(backend, 'sent_messages', []):
                    out.append({'id': m.id, 'from': m.source, 'to': list(m.destinations.get('ToAddresses', [])),
                                'subject': m.subject, 'body': m.body, 'region': region})
        body = json.dumps(out).encode()
        start_response('200 OK', [('Content-Type', 'application/json')])
        return [body]
    return wrapped


def verify_sender(session_client, address=SENDER):
    session_client.verify_email_identity(EmailAddress=address)


def sent(endpoint_url):
    with urllib.request.urlopen(endpoint_url + SENT_PATH, timeout=5) as resp:
        return json.loads(resp.read())


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Sent mail (local)</title>
<style>body{font:14px system-ui;margin:2em;max-width:60em}article{border:1px solid #ccc;border-radius:6px;
padding:1em;margin:1em 0}pre{white-space:pre-wrap}h2{font-size:1em;margin:0 0 .5em}</style></head><body>
<h1>Mail sent through the embedded SES</h1><p>%d message(s), newest first. Nothing leaves this machine.</p>
%s</body></html>"""


def page(messages):
    items = ''.join('<article><h2>%s</h2><div>From %s to %s</div><pre>%s</pre></article>' % (
        html.escape(m['subject']), html.escape(m['from']), html.escape(', '.join(m['to'])), html.escape(m['body']))
        for m in reversed(messages))
    return PAGE % (len(messages), items)


def routes(endpoint_url):
    """(method, path, aiohttp handler) for the gateway: /_local/mail and /_local/mail.json."""
    import asyncio

    from aiohttp import web

    async def mail_page(request):
        messages = await asyncio.to_thread(sent, endpoint_url)
        return web.Response(text=page(messages), content_type='text/html',
                            headers={'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'"})

    async def mail_json(request):
        return web.json_response(await asyncio.to_thread(sent, endpoint_url))
    return [('GET', '/_local/mail', mail_page), ('GET', '/_local/mail.json', mail_json)]


def scheduled_event(region):
    """What EventBridge sends a scheduled function (chalice's CloudWatchEvent reads every field)."""
    import time
    import uuid
    return {'version': '0', 'id': str(uuid.uuid4()), 'detail-type': 'Scheduled Event', 'source': 'aws.events',
            'account': '123456789012', 'time': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
            'region': region, 'resources': [], 'detail': {}}


class Every:
    """Call `fn` every `interval` seconds on a thread (the local stand-in for an EventBridge schedule)."""

    def __init__(self, interval, fn, name):
        self.interval, self.fn, self.name = interval, fn, name
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self.interval):
            try:
                self.fn()
            except Exception:
                LOG.exception('%s failed', self.name)

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None


class MailLog:
    """Logs one line per new message SES holds, so the terminal shows that mail went out."""

    def __init__(self, endpoint_url):
        self.endpoint_url = endpoint_url
        self.seen = 0

    def __call__(self):
        messages = sent(self.endpoint_url)
        for m in messages[self.seen:]:
            LOG.info('mail  to %s  "%s"  (read it at /_local/mail)', ', '.join(m['to']), m['subject'][:60])
        self.seen = len(messages)
