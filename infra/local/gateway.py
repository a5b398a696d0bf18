"""A local API Gateway on one loopback port (aiohttp).

* ``/ws`` — the WebSocket API. Each client gets a URL-safe connection id; the
  ``$connect``, ``$default`` and ``$disconnect`` events go to the app's socket
  handlers in worker threads (a handler that posts back to a socket must not block
  the event loop that serves the post). Frames of one connection are handled one at
  a time, in order.
* ``/@connections/{id}`` (also under ``/{stage}/``) — the management API: POST sends,
  GET describes, DELETE closes; unknown ids get 410 ``GoneException``.
* everything else — the REST API: a REST proxy event for ``app(event, context)``.

Limits honoured: 128 KB per message both ways (bigger incoming frames close the
socket with 1009, bigger posts get 413 ``PayloadTooLargeException``), idle timeout
(10 min by default; only data frames from the client count as activity, as in API
Gateway) and maximum connection age (2 h by default), both closing with 1001.
"""
import asyncio
import base64
import datetime
import functools
import hmac
import json
import re
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional

from aiohttp import WSMsgType, web

from .logs import LOG, ms, short
from .rest import API_ID, REST_PAYLOAD_MAX, INTEGRATION_TIMEOUT, STAGE, RestGateway, lambda_context, \
    make_thread_safe, matches_binary, request_time

MAX_MESSAGE_BYTES = 128 * 1024
DEFAULT_IDLE_TIMEOUT = 600.0
DEFAULT_MAX_AGE = 7200.0
WS_PATH = '/ws'

CLOSE_GOING_AWAY = 1001
CLOSE_TOO_BIG = 1009


def new_connection_id():
    """16 URL-safe characters, shaped like API Gateway's ids but never containing '/' or '+'."""
    return base64.urlsafe_b64encode(os.urandom(12)).decode('ascii')


def _iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat().replace('+00:00', 'Z')


@dataclass
class Handlers:
    """The app's entry points. Any of them may be None (the route then does nothing)."""
    app: object = None                      # the Chalice app (REST)
    ws_connect: Optional[Callable] = None
    ws_message: Optional[Callable] = None
    ws_disconnect: Optional[Callable] = None
    app_name: str = 'app'


@dataclass
class Connection:
    id: str
    ws: web.WebSocketResponse
    source_ip: str
    user_agent: str
    connected_at: float
    last_active: float
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    open: bool = True
    close_code: Optional[int] = None
    close_reason: str = ''


def _json_error(status, error_type, message):
    return web.json_response({'message': message}, status=status, headers={'x-amzn-ErrorType': error_type})


class Gateway:
    def __init__(self, handlers, *, stage=STAGE, api_id=API_ID, ws_path=WS_PATH,
                 idle_timeout=DEFAULT_IDLE_TIMEOUT, max_age=DEFAULT_MAX_AGE,
                 max_message_bytes=MAX_MESSAGE_BYTES, max_workers=16, public_host=None,
                 management_access_key=None):
        self.handlers = handlers
        self.stage = stage
        self.api_id = api_id
        self.ws_path = ws_path
        self.idle_timeout = float(idle_timeout)
        self.max_age = float(max_age)
        self.max_message_bytes = int(max_message_bytes)
        self.public_host = public_host
        # Only requests signed with this access key id may use @connections (None: any SigV4 request).
        self.management_access_key = management_access_key
        self.connections = {}
        self.executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix='lambda')
        self.rest = None
        if handlers.app is not None:
            make_thread_safe(handlers.app)
            self.rest = RestGateway(handlers.app, app_name=handlers.app_name, stage=stage, api_id=api_id)
        self._runner = None
        self._sweeper = None
        self._socket_tasks = set()
        self.url = None

    # ------------------------------------------------------------------ lifecycle
    def make_app(self):
        app = web.Application(client_max_size=REST_PAYLOAD_MAX + 1)
        app.router.add_route('*', '/@connections/{id}', self.handle_management)
        app.router.add_route('*', '/{stage}/@connections/{id}', self.handle_management)
        app.router.add_route('GET', self.ws_path, self.handle_socket)
        for method, path, handler in getattr(self, 'extra_routes', ()):    # local-only pages (/_local/mail)
            app.router.add_route(method, path, handler)
        app.router.add_route('*', '/{tail:.*}', self.handle_rest)
        return app

    async def start(self, sock):
        """Serve on an already bound listening socket (so the port is known before the app is imported)."""
        self._runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False,
                                     shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.SockSite(self._runner, sock)
        await site.start()
        self._sweeper = asyncio.create_task(self._sweep())

    async def stop(self):
        if self._sweeper:
            self._sweeper.cancel()
            try:
                await self._sweeper
            except asyncio.CancelledError:
                pass
        for conn in list(self.connections.values()):
            await self._close(conn, CLOSE_GOING_AWAY, 'Going away')
        if self._socket_tasks:
            # Let each socket's pending frames and its $disconnect run (bounded).
            await asyncio.wait(list(self._socket_tasks), timeout=10)
        if self._runner:
            await self._runner.cleanup()
        self.executor.shutdown(wait=True, cancel_futures=True)

    async def _sweep(self):
        interval = max(0.05, min(1.0, self.idle_timeout / 4, self.max_age / 4))
        while True:
            await asyncio.sleep(interval)
            now = time.time()
            for conn in list(self.connections.values()):
                if now - conn.connected_at >= self.max_age:
                    LOG.info('ws    close        conn=%s  max connection age (%.0f s) reached', conn.id, self.max_age)
                    await self._close(conn, CLOSE_GOING_AWAY, 'Going away')
                elif now - conn.last_active >= self.idle_timeout:
                    LOG.info('ws    close        conn=%s  idle for %.0f s', conn.id, now - conn.last_active)
                    await self._close(conn, CLOSE_GOING_AWAY, 'Going away')

    async def _close(self, conn, code, reason):
        if not conn.open:
            return
        conn.open = False
        conn.close_code, conn.close_reason = code, reason
        self.connections.pop(conn.id, None)
        try:
            await asyncio.wait_for(conn.ws.close(code=code, message=reason.encode()), timeout=2)
        except Exception:
            pass

    # ------------------------------------------------------------------ invoking handlers
    async def _call(self, fn, event, context):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, event, context))

    def _ctx(self, fn):
        return lambda_context('%s-local-%s' % (self.handlers.app_name, getattr(fn, '__name__', 'handler')))

    def _domain(self, request):
        return self.public_host or request.host

    def _ws_request_context(self, conn_id, route_key, event_type, connected_at, request_host, extra=None):
        now = time.time()
        request_id = str(uuid.uuid4())
        ctx = {
            'routeKey': route_key,
            'eventType': event_type,
            'extendedRequestId': request_id,
            'requestTime': request_time(now),
            'messageDirection': 'IN',
            'stage': self.stage,
            'connectedAt': int(connected_at * 1000),
            'requestTimeEpoch': int(now * 1000),
            'requestId': request_id,
            'domainName': request_host,
            'connectionId': conn_id,
            'apiId': self.api_id,
        }
        ctx.update(extra or {})
        return ctx

    # ------------------------------------------------------------------ WebSocket API
    async def handle_socket(self, request):
        if request.headers.get('Upgrade', '').lower() != 'websocket':
            return web.Response(status=426, text='Upgrade Required: this is the WebSocket endpoint\n')
        task = asyncio.current_task()
        self._socket_tasks.add(task)
        try:
            return await self._socket(request)
        finally:
            self._socket_tasks.discard(task)

    async def _socket(self, request):
        conn_id = new_connection_id()
        connected_at = time.time()
        host = self._domain(request)
        source_ip = request.remote or '127.0.0.1'
        user_agent = request.headers.get('User-Agent', '')
        multi_headers = {}
        for k, v in request.headers.items():
            multi_headers.setdefault(k, []).append(v)
        multi_headers.setdefault('X-Forwarded-For', [source_ip])
        multi_headers.setdefault('X-Forwarded-Proto', [request.scheme])
        multi_headers.setdefault('X-Forwarded-Port', [str(request.url.port or '')])
        event = {
            'headers': {k: v[-1] for k, v in multi_headers.items()},
            'multiValueHeaders': multi_headers,
            'requestContext': self._ws_request_context(
                conn_id, '$connect', 'CONNECT', connected_at, host,
                {'identity': {'sourceIp': source_ip, 'userAgent': user_agent}}),
            'isBase64Encoded': False,
        }
        if request.query:
            mvq = {}
            for k, v in request.query.items():
                mvq.setdefault(k, []).append(v)
            event['queryStringParameters'] = {k: v[-1] for k, v in mvq.items()}
            event['multiValueQueryStringParameters'] = mvq

        status, protocols = 200, ()
        fn = self.handlers.ws_connect
        if fn is not None:
            t0 = time.perf_counter()
            try:
                result = await self._call(fn, event, self._ctx(fn))
                status = int((result or {}).get('statusCode', 200))
                hdrs = {k.lower(): v for k, v in ((result or {}).get('headers') or {}).items()}
                if 'sec-websocket-protocol' in hdrs:
                    protocols = (hdrs['sec-websocket-protocol'],)
            except Exception:
                LOG.exception('ws    $connect     conn=%s  handler raised', conn_id)
                status = 500
            LOG.info('ws    $connect     conn=%s  %d  %s  %s', conn_id, status, ms(time.perf_counter() - t0),
                     short(' '.join('%s=…' % k for k in request.query), 60))
        if not 200 <= status < 300:
            return web.json_response({'message': 'Forbidden' if status in (401, 403) else 'Connection refused'},
                                     status=status, headers={'x-amzn-ErrorType': 'ForbiddenException'})

        # aiohttp refuses messages of max_msg_size bytes and more; API Gateway takes 128 KB exactly.
        ws = web.WebSocketResponse(max_msg_size=self.max_message_bytes + 1, compress=False, autoping=True,
                                   protocols=protocols, heartbeat=None)
        conn = Connection(id=conn_id, ws=ws, source_ip=source_ip, user_agent=user_agent,
                          connected_at=connected_at, last_active=time.time())
        try:
            await ws.prepare(request)
        except Exception:
            # The client left while $connect ran: the app registered a connection, so it gets its $disconnect.
            conn.open, conn.close_code = False, 1006
            await self._disconnect(conn, host)
            return ws
        self.connections[conn_id] = conn
        worker = asyncio.create_task(self._frames(conn, host))
        try:
            while True:
                msg = await ws.receive()
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    conn.last_active = time.time()
                    conn.queue.put_nowait(msg)
                elif msg.type == WSMsgType.ERROR:
                    if ws.close_code == CLOSE_TOO_BIG:
                        LOG.info('ws    close        conn=%s  1009 frame over %d bytes', conn_id,
                                 self.max_message_bytes)
                    break
                else:        # CLOSE / CLOSING / CLOSED
                    break
        finally:
            if conn.open:
                conn.open = False
                conn.close_code = ws.close_code
                self.connections.pop(conn_id, None)
            if not ws.closed:
                await ws.close()
            conn.queue.put_nowait(None)
            try:
                await worker        # frames that already arrived are still handled, in order
            except asyncio.CancelledError:
                pass
            await self._disconnect(conn, host)
        return ws

    async def _frames(self, conn, host):
        """Handle one connection's frames in order until the reader puts None.

        Whatever one frame does (a handler that raises, JSON that cannot even be parsed for
        the log line, a failing error frame), the worker goes on with the next frame, so the
        socket keeps being served and its $disconnect still runs.
        """
        while True:
            msg = await conn.queue.get()
            if msg is None:
                return
            try:
                await self._frame(conn, host, msg)
            except asyncio.CancelledError:
                raise
            except Exception:
                LOG.exception('ws    $default     conn=%s  gateway error on a frame (the socket stays served)',
                              conn.id)

    async def _frame(self, conn, host, msg):
        fn = self.handlers.ws_message
        if fn is None:
            return
        if msg.type == WSMsgType.TEXT:
            body, b64 = msg.data, False
        else:
            body, b64 = base64.b64encode(msg.data).decode('ascii'), True
        event = {
            'requestContext': self._ws_request_context(
                conn.id, '$default', 'MESSAGE', conn.connected_at, host,
                {'messageId': new_connection_id(),
                 'identity': {'sourceIp': conn.source_ip, 'userAgent': conn.user_agent}}),
            'body': body,
            'isBase64Encoded': b64,
        }
        action = _frame_label(body, b64)
        t0 = time.perf_counter()
        try:
            await self._call(fn, event, self._ctx(fn))
            outcome = ''
        except Exception:
            LOG.exception('ws    $default     conn=%s  handler raised', conn.id)
            outcome = 'ERROR'
            # What API Gateway sends the client when the integration fails.
            await self._send(conn, json.dumps({'message': 'Internal server error', 'connectionId': conn.id,
                                               'requestId': event['requestContext']['requestId']}))
        elapsed = time.perf_counter() - t0
        LOG.info('ws    $default     conn=%s  %s  %s%s', conn.id, action, ms(elapsed),
                 '  ' + outcome if outcome else '')
        if elapsed > INTEGRATION_TIMEOUT:
            LOG.warning('ws    $default took %.1f s: API Gateway gives up after %.0f s', elapsed,
                        INTEGRATION_TIMEOUT)

    async def _disconnect(self, conn, host):
        fn = self.handlers.ws_disconnect
        if fn is None:
            return
        event = {
            'headers': {'Host': host, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': ''},
            'multiValueHeaders': {'Host': [host], 'x-api-key': [''], 'X-Forwarded-For': [''], 'x-restapi': ['']},
            'requestContext': self._ws_request_context(
                conn.id, '$disconnect', 'DISCONNECT', conn.connected_at, host,
                {'disconnectStatusCode': conn.close_code if conn.close_code is not None else 1006,
                 'disconnectReason': conn.close_reason or '',
                 'identity': {'sourceIp': conn.source_ip, 'userAgent': conn.user_agent}}),
            'isBase64Encoded': False,
        }
        t0 = time.perf_counter()
        try:
            await self._call(fn, event, self._ctx(fn))
            outcome = ''
        except Exception:
            LOG.exception('ws    $disconnect  conn=%s  handler raised', conn.id)
            outcome = '  ERROR'
        LOG.info('ws    $disconnect  conn=%s  code=%s  %s%s', conn.id, event['requestContext']['disconnectStatusCode'],
                 ms(time.perf_counter() - t0), outcome)

    async def _send(self, conn, data):
        if not conn.open or conn.ws.closed:
            return False
        try:
            async with conn.send_lock:
                if isinstance(data, str):
                    await conn.ws.send_str(data)
                else:
                    await conn.ws.send_bytes(data)
            return True
        except (ConnectionError, RuntimeError):
            return False

    # ------------------------------------------------------------------ management API
    async def handle_management(self, request):
        t0 = time.perf_counter()
        auth = request.headers.get('Authorization', '')
        if not auth.startswith('AWS4-HMAC-SHA256'):
            # Real API Gateway wants a SigV4 signature; requiring one also keeps browsers
            # (which cannot sign) from driving the local sockets cross-origin.
            return _json_error(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token')
        if self.management_access_key is not None and \
                not hmac.compare_digest(_credential_key_id(auth).encode(), self.management_access_key.encode()):
            # Signed, but not with this run's credentials (which only the app has): anyone else on
            # this machine, a page in a browser included, could otherwise post to the sockets.
            LOG.warning('ws    @connections %s refused: not signed with this run\'s credentials', request.method)
            return _json_error(403, 'InvalidSignatureException',
                               'The security token included in the request is invalid.')
        conn_id = request.match_info['id']
        conn = self.connections.get(conn_id)
        method = request.method
        if method == 'POST':
            data = await request.read()
            if len(data) > self.max_message_bytes:
                LOG.info('ws    → post       conn=%s  413 payload %d bytes > %d', conn_id, len(data),
                         self.max_message_bytes)
                return _json_error(413, 'PayloadTooLargeException', 'Message too long')
            if conn is None:
                LOG.info('ws    → post       conn=%s  410 gone', conn_id)
                return _json_error(410, 'GoneException', None)
            try:
                payload = data.decode('utf-8')
            except UnicodeDecodeError:
                payload = data
            if not await self._send(conn, payload):
                LOG.info('ws    → post       conn=%s  410 gone', conn_id)
                return _json_error(410, 'GoneException', None)
            LOG.info('ws    → post       conn=%s  %s  %d B  %s', conn_id, _event_type(data), len(data),
                     ms(time.perf_counter() - t0))
            return web.Response(status=200)
        if conn is None:
            return _json_error(410, 'GoneException', None)
        if method == 'GET':
            return web.json_response({
                'connectedAt': _iso(conn.connected_at),
                'identity': {'sourceIp': conn.source_ip, 'userAgent': conn.user_agent},
                'lastActiveAt': _iso(conn.last_active),
            })
        if method == 'DELETE':
            LOG.info('ws    close        conn=%s  deleted through @connections', conn_id)
            await self._close(conn, 1000, '')
            return web.Response(status=204)
        return _json_error(405, 'MethodNotAllowedException', 'Method not allowed')

    # ------------------------------------------------------------------ REST API
    async def handle_rest(self, request):
        t0 = time.perf_counter()
        if self.rest is None:
            return _json_error(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token')
        body = await request.read()
        headers = {}
        raw_headers = []
        for k, v in request.headers.items():
            headers[k.lower()] = v
            raw_headers.append((k, v))
        source_ip = request.remote or '127.0.0.1'
        for k, v in (('X-Forwarded-For', source_ip), ('X-Forwarded-Proto', request.scheme),
                     ('X-Forwarded-Port', str(request.url.port or ''))):
            if k.lower() not in headers:
                headers[k.lower()] = v
                raw_headers.append((k, v))
        call = functools.partial(self.rest.invoke, request.method, request.raw_path, headers, body or None,
                                 raw_headers=raw_headers, source_ip=source_ip, host=self._domain(request),
                                 protocol='HTTP/%d.%d' % request.version)
        try:
            loop = asyncio.get_running_loop()
            status, out_headers, data, was_b64 = await loop.run_in_executor(self.executor, call)
        except Exception:
            LOG.exception('http  %s %s  gateway error', request.method, request.path)
            return _json_error(502, 'InternalServerErrorException', 'Internal server error')
        elapsed = time.perf_counter() - t0
        LOG.info('http  %-6s %s  %d  %s', request.method, short(request.path_qs, 70), status, ms(elapsed))
        if was_b64:
            accept = request.headers.get('Accept', '').split(',')[0]
            if not matches_binary(accept, self.handlers.app.api.binary_types):
                LOG.warning('http  %s: base64 body, but the first Accept type %r is not a binary media type: '
                            'API Gateway would pass it on still base64-encoded', request.path, accept)
        if len(data) > REST_PAYLOAD_MAX:
            LOG.warning('http  %s: response of %d bytes is over API Gateway\'s 10 MB limit', request.path, len(data))
        response = web.Response(status=status, body=data)
        for k, v in out_headers:
            if k.lower() in ('content-length', 'transfer-encoding', 'connection'):
                continue
            if k.lower() == 'content-type':
                response.headers['Content-Type'] = v
            else:
                response.headers.add(k, v)
        return response


_CREDENTIAL = re.compile(r'Credential=([^/,\s]*)/')


def _credential_key_id(authorization):
    """The access key id of a SigV4 ``Authorization`` header ('' if there is none)."""
    match = _CREDENTIAL.search(authorization or '')
    return match.group(1) if match else ''


def _frame_label(body, b64):
    """What the log line says about an incoming frame. Never raises, whatever the frame holds."""
    if b64:
        return '(binary)'
    try:
        parsed = json.loads(body)
    except Exception:            # ValueError, but also RecursionError for deeply nested JSON
        return '(not JSON)'
    try:
        if isinstance(parsed, dict) and 'action' in parsed:
            return 'action=%s' % short(parsed['action'], 30)
    except Exception:
        return '(unprintable action)'
    return ''


def _event_type(data):
    try:
        parsed = json.loads(data)
        if isinstance(parsed, dict):
            return 'type=%s' % short(parsed.get('type', '?'), 20)
    except Exception:            # ValueError, RecursionError
        pass
    return 'raw'
