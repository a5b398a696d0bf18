"""A local stand-in for the Bedrock Runtime Converse API, for the local runtime and tests.

It answers `POST /model/{modelId}/converse` the way botocore expects (JSON body, errors named by
the `x-amzn-ErrorType` header), so chalicelib/adapters/llm.py runs unchanged against it: point
botocore at it with AWS_ENDPOINT_URL_BEDROCK_RUNTIME=<url> (or the adapter's endpoint_url).

It is no model. It recognises the adapter's two prompts and judges with the built-in code:
- responder (a system prompt with <entries>): the built-in knowledge-base responder picks the entry;
  the reply is that entry's answer, cited by its number, or null;
- detector (a system prompt listing the labels): the built-in trigger rules pick the label.
Anything else gets a plain-text echo of the last user message's length.

Faults, for trying the fallbacks: set `fault` ('throttle', 'timeout', 'invalid', 'denied', 'unknown_entry')
on the server, or write `[[bedrock:<fault>]]` in a visitor message. 'timeout' sleeps `slow_seconds`
before answering, longer than the adapter's read timeout.
"""
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from chalicelib.domain import triggers
from chalicelib.domain.bot import Entry, KnowledgeBaseResponder

_ENTRY = re.compile(r'^\[(\d+)\] Q: (.*)$')
_MESSAGE = re.compile(r'<visitor_message>\n?(.*?)\n?</visitor_message>', re.DOTALL)
_FAULT = re.compile(r'\[\[bedrock:(\w+)\]\]')
_CODES = {'visitor_request': 'human_request', 'complaint': 'complaint', 'billing': 'billing_dispute',
          'sales': 'sales', 'emotional': 'emotional', 'complex': 'complex'}
_ERRORS = {'throttle': (429, 'ThrottlingException', 'Too many requests, please wait before trying again.'),
           'denied': (403, 'AccessDeniedException', 'You don\'t have access to the model with the specified model ID.')}


def parse_entries(system):
    """[(number, question, answer)] from the responder's system prompt."""
    block = system.rsplit('<entries>', 1)[1].split('</entries>', 1)[0]   # the last one: the rules name the tags too
    entries, current = [], None
    for line in block.splitlines():
        m = _ENTRY.match(line)
        if m:
            current = [int(m.group(1)), m.group(2), '']
            entries.append(current)
        elif current is not None and line.strip().startswith('A: '):
            current[2] = line.strip()[3:]
    return [tuple(e) for e in entries]


def respond(system, user_text):
    """The model's text for one request: what the adapter's prompts ask for."""
    m = _MESSAGE.search(user_text)
    message = (m.group(1) if m else user_text).strip()
    if '<entries>' in system:
        numbered = parse_entries(system)
        entries = [Entry(str(n), q, a) for n, q, a in numbered]
        answer = KnowledgeBaseResponder().answer(message, entries)
        if answer.entry_id is None:
            return json.dumps({'answer': None, 'entry_ids': [], 'confidence': answer.confidence})
        return json.dumps({'answer': answer.text, 'entry_ids': [int(answer.entry_id)],
                           'confidence': min(1.0, round(0.5 + answer.confidence, 2))})
    if '- human_request:' in system:
        reason = triggers.detect(message, None, {})
        label = _CODES.get(reason.code, 'none') if reason else 'none'
        return json.dumps({'label': label, 'confidence': 0.9})
    return 'I received %d characters.' % len(message)


class BedrockFake:
    """`with BedrockFake() as url:` or start()/stop(). `requests` keeps what was asked (model id,
    body), for tests."""

    def __init__(self, host='127.0.0.1', port=0, slow_seconds=10.0):
        self.fault = None
        self.slow_seconds = slow_seconds
        self.requests = []
        self._stop = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                m = re.match(r'^/model/([^/]+)/converse$', self.path)
                if not m:
                    return self._send(404, {'message': 'unknown operation'}, 'UnknownOperationException')
                try:
                    request = json.loads(body or b'{}')
                except ValueError:
                    return self._send(400, {'message': 'malformed JSON'}, 'ValidationException')
                fake.requests.append({'model_id': unquote(m.group(1)), 'body': request})
                fake._answer(self, request)

            def _send(self, status, payload, error_type=None):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                if error_type:
                    self.send_header('x-amzn-ErrorType', error_type)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:         # the client gave up (read timeout): nothing to do
                    pass

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = None

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return 'http://%s:%d' % (host, port)

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, name='bedrock-fake', daemon=True)
        self._thread.start()
        return self.url

    def stop(self):
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _answer(self, handler, request):
        started = time.monotonic()
        try:
            system = ''.join(b.get('text', '') for b in request.get('system') or [])
            user = ''.join(c.get('text', '') for msg in request.get('messages') or [] if msg.get('role') == 'user'
                           for c in msg.get('content') or [])
        except AttributeError:
            return handler._send(400, {'message': 'malformed request'}, 'ValidationException')
        marker = _FAULT.search(user)
        fault = marker.group(1) if marker else self.fault
        if fault in _ERRORS:
            status, code, message = _ERRORS[fault]
            return handler._send(status, {'message': message}, code)
        if fault == 'timeout':
            self._stop.wait(self.slow_seconds)
        if fault == 'invalid':
            text = 'Sure! Shipping takes a few days.'
        elif fault == 'unknown_entry':
            text = json.dumps({'answer': 'Our privacy policy is strict.', 'entry_ids': [999], 'confidence': 0.99})
        else:
            text = respond(system, _FAULT.sub('', user))
        input_tokens, output_tokens = (len(system) + len(user)) // 4, len(text) // 4
        handler._send(200, {
            'output': {'message': {'role': 'assistant', 'content': [{'text': text}]}},
            'stopReason': 'end_turn',
            'usage': {'inputTokens': input_tokens, 'outputTokens': output_tokens,
                      'totalTokens': input_tokens + output_tokens},
            'metrics': {'latencyMs': int((time.monotonic() - started) * 1000)}})


if __name__ == '__main__':     # python -m infra.local.bedrock_fake: serve until interrupted
    fake = BedrockFake(port=8790)
    print('Bedrock Converse fake on %s (AWS_ENDPOINT_URL_BEDROCK_RUNTIME=%s)' % (fake.start(), fake.url), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()
