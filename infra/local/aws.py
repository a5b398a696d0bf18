"""Embedded AWS: moto's threaded server on loopback, with the stack's table and queues.

The resources come from infra/template.json through infra/resources.py (the one
reader of the template shared with the tests); the runtime only names them and
shortens the queue's visibility timeout, so failed notifications come back in
seconds instead of minutes.
"""
import json
import logging
from dataclasses import dataclass

from infra import resources as stack_resources

DUMMY_CREDENTIALS = {'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing'}


def run_credentials():
    """Fake AWS credentials for one run of the runtime, with a random access key id.

    moto accepts any credentials; the local gateway's management API accepts only
    requests signed with this run's access key id, so only the app (which gets them
    through its environment) can post to the local sockets.
    """
    import secrets
    return {'AWS_ACCESS_KEY_ID': 'LOCAL' + secrets.token_hex(8).upper(),
            'AWS_SECRET_ACCESS_KEY': secrets.token_urlsafe(30)}


@dataclass
class Resources:
    region: str
    endpoint_url: str
    table_name: str
    queue_name: str
    queue_url: str
    queue_arn: str
    dlq_name: str
    dlq_url: str
    dlq_arn: str
    max_receive_count: int | None
    visibility_timeout: int
    timers_queue_name: str = ''       # timed work (escalation ladder, inactivity): SQS DelaySeconds, as in AWS
    timers_queue_url: str = ''
    timers_queue_arn: str = ''


def create_resources(clients, *, region, endpoint_url, prefix='handoff-local', visibility_timeout=None):
    """Create the table and both queues in the embedded AWS; return their names, URLs and ARNs."""
    dynamodb, sqs = clients
    table_name = prefix
    stack_resources.create_table(dynamodb, table_name)
    queue_name = prefix + '-notifications'
    queue_url, dlq_url = stack_resources.create_queues(sqs, queue_name, visibility_timeout=visibility_timeout)
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=['All'])['Attributes']
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    redrive = json.loads(attrs['RedrivePolicy']) if attrs.get('RedrivePolicy') else {}
    timers_url, _ = stack_resources.create_queues(sqs, prefix + '-timers', visibility_timeout=visibility_timeout,
                                                  logical_id='TimerQueue', dlq_logical_id='TimerDeadLetterQueue')
    timers_arn = sqs.get_queue_attributes(QueueUrl=timers_url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    return Resources(timers_queue_name=timers_arn.rsplit(':', 1)[1], timers_queue_url=timers_url,
                     timers_queue_arn=timers_arn,
                     region=region, endpoint_url=endpoint_url, table_name=table_name,
                     queue_name=attrs['QueueArn'].rsplit(':', 1)[1], queue_url=queue_url, queue_arn=attrs['QueueArn'],
                     dlq_name=dlq_arn.rsplit(':', 1)[1], dlq_url=dlq_url, dlq_arn=dlq_arn,
                     max_receive_count=int(redrive['maxReceiveCount']) if redrive else None,
                     visibility_timeout=int(attrs['VisibilityTimeout']))


class EmbeddedAWSProcess:
    """The embedded AWS (EmbeddedAWS) in a child process (infra/local/aws_process.py): moto's work
    then runs on another core than the gateway and the handlers. Same interface as EmbeddedAWS."""

    def __init__(self, host='127.0.0.1', port=0, *, credentials=None, flat=True, startup_timeout=60):
        self.host = host
        self.port = port
        self.credentials = credentials or dict(DUMMY_CREDENTIALS)
        self.flat = flat
        self.startup_timeout = startup_timeout
        self.proc = None
        self.pid = None
        self.endpoint_url = None

    def start(self):
        self.spawn()
        return self.wait_ready()

    def spawn(self):
        """Start the child; wait_ready() returns its endpoint (do other start-up work in between)."""
        import os
        import subprocess
        import sys
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        cmd = [sys.executable, '-m', 'infra.local.aws_process', '--host', self.host, '--port', str(self.port)]
        if not self.flat:
            cmd.append('--raw-moto')
        env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get('PYTHONPATH', ''))
        # stdin is a pipe nobody writes to: when this process ends, the child sees EOF and stops.
        self.proc = subprocess.Popen(cmd, cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def wait_ready(self):
        import threading
        line = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        if not line or not line[0]:
            self.stop()
            raise RuntimeError('the embedded AWS process did not start')
        info = json.loads(line[0])
        self.endpoint_url, self.pid = info['endpoint_url'], info['pid']
        self.port = int(self.endpoint_url.rsplit(':', 1)[1])
        return self.endpoint_url

    def stop(self, timeout=10):
        import subprocess
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except Exception:
                pass

    def clients(self, region):
        return EmbeddedAWS.clients(self, region)


class EmbeddedAWS:
    """moto's threaded server (DynamoDB, SQS, ...) inside this process, on loopback.

    With ``flat=True`` (the default) moto's DynamoDB is first made safe under concurrent
    requests, flat in table size and bounded in memory (infra/local/flat_dynamodb.py).
    """

    def __init__(self, host='127.0.0.1', port=0, *, credentials=None, flat=True):
        self.host = host
        self.port = port
        self.credentials = credentials or dict(DUMMY_CREDENTIALS)
        self.flat = flat
        self._server = None
        self.endpoint_url = None

    def start(self):
        logging.getLogger('werkzeug').setLevel(logging.ERROR)
        if self.flat:
            from . import flat_dynamodb
            flat_dynamodb.install()
            self._server = FastMotoServer(self.host, self.port)
        else:
            from moto.server import ThreadedMotoServer
            self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.port = port
        self.endpoint_url = 'http://%s:%d' % (host, port)
        return self.endpoint_url

    def stop(self):
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        wsgi = getattr(server, '_server', None)
        if wsgi is not None:
            wsgi.server_close()      # ThreadedMotoServer.stop() leaves the listening socket open

    def clients(self, region):
        import boto3
        session = boto3.session.Session(
            aws_access_key_id=self.credentials['AWS_ACCESS_KEY_ID'],
            aws_secret_access_key=self.credentials['AWS_SECRET_ACCESS_KEY'],
            region_name=region)
        return (session.client('dynamodb', endpoint_url=self.endpoint_url),
                session.client('sqs', endpoint_url=self.endpoint_url))


class FastMotoServer:
    """moto's server app (the one ThreadedMotoServer runs), served without its per-request overheads.

    * Keep-alive: werkzeug's dev server closes every connection after one response and then
      waits ~10 ms draining the socket, so every AWS call paid a TCP handshake, a new server
      thread and that wait. Here a minimal WSGI server on http.server keeps connections open
      (each request body is read in full first) and writes each response in one send.
    * moto's dispatcher looks a request's service up under one global lock, listing moto's
      package directory (``os.listdir`` + ``isdir`` on ~250 entries) and trying ~500 URL
      patterns for every request. The list and each host's answer are cached here.
    """

    def __init__(self, host, port):
        self.host = host
        self.port = port
        self._server = None
        self._thread = None

    def start(self):
        import threading

        from moto import backends
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        _cache_moto_lookups(backends, DomainDispatcherApplication)
        from .mail import serve_sent
        app = serve_sent(DomainDispatcherApplication(create_backend_app))     # + the sent mail, for /_local/mail
        self._server = _wsgi_server(self.host, self.port, app)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.2},
                                        name='embedded-aws', daemon=True)
        self._thread.start()

    def get_host_and_port(self):
        host, port = self._server.server_address[:2]
        return str(host), port

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = None


def _cache_moto_lookups(backends, dispatcher_class):
    if getattr(backends.list_of_moto_modules, '_cached', False):
        return
    modules = frozenset(backends.list_of_moto_modules())

    def list_of_moto_modules():
        return modules
    list_of_moto_modules._cached = True
    backends.list_of_moto_modules = list_of_moto_modules

    lookup = dispatcher_class.get_backend_for_host
    cache = {}

    def get_backend_for_host(self, host):
        try:
            return cache[host]
        except KeyError:
            backend = cache[host] = lookup(self, host)
            return backend
    dispatcher_class.get_backend_for_host = get_backend_for_host


def _wsgi_server(host, port, app):
    import http.server
    import io
    import socket
    import sys
    import urllib.parse

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'
        timeout = 300                       # an idle keep-alive connection's thread ends after this

        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format, *args):
            pass

        def handle_one_request(self):
            try:
                super().handle_one_request()
            except (ConnectionError, socket.timeout):
                self.close_connection = True

        def _serve(self):
            if self.headers.get('Transfer-Encoding', '').lower() == 'chunked':
                body, self.close_connection = self._read_chunked(), True
            else:
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length > 0 else b''
            path, _, query = self.path.partition('?')
            if '://' in path:                               # absolute-form request target
                path = urllib.parse.urlsplit(path).path or '/'
            environ = {
                'REQUEST_METHOD': self.command, 'SCRIPT_NAME': '',
                'PATH_INFO': urllib.parse.unquote(path, 'latin-1'), 'QUERY_STRING': query,
                'RAW_URI': self.path, 'REQUEST_URI': self.path,
                'SERVER_NAME': host, 'SERVER_PORT': str(self.server.server_address[1]),
                'SERVER_PROTOCOL': self.request_version,
                'REMOTE_ADDR': self.client_address[0], 'REMOTE_PORT': str(self.client_address[1]),
                'CONTENT_TYPE': self.headers.get('Content-Type', ''),
                'CONTENT_LENGTH': str(len(body)) if body else '',
                'wsgi.version': (1, 0), 'wsgi.url_scheme': 'http', 'wsgi.input': io.BytesIO(body),
                'wsgi.errors': sys.stderr, 'wsgi.multithread': True, 'wsgi.multiprocess': False,
                'wsgi.run_once': False, 'wsgi.input_terminated': True,
            }
            for name, value in self.headers.items():
                key = 'HTTP_' + name.upper().replace('-', '_')
                if key in ('HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH'):
                    continue
                environ[key] = environ[key] + ',' + value if key in environ else value
            started = []

            def start_response(status, headers, exc_info=None):
                started[:] = [status, headers]
                return lambda data: chunks.append(data)
            chunks = []
            result = app(environ, start_response)
            try:
                for chunk in result:
                    chunks.append(chunk)
            finally:
                if hasattr(result, 'close'):
                    result.close()
            data = b''.join(c if isinstance(c, bytes) else c.encode('latin-1') for c in chunks)
            status, headers = started
            lines = ['%s %s' % (self.protocol_version, status)]
            for name, value in headers:
                if name.lower() not in ('content-length', 'connection', 'transfer-encoding'):
                    lines.append('%s: %s' % (name, value))
            lines.append('Content-Length: %d' % len(data))
            if self.close_connection:
                lines.append('Connection: close')
            head = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
            self.wfile.write(head + (b'' if self.command == 'HEAD' else data))

        def _read_chunked(self):
            out = []
            while True:
                size = int(self.rfile.readline().split(b';', 1)[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    return b''.join(out)
                out.append(self.rfile.read(size))
                self.rfile.readline()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _serve

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 128

    return Server((host, port), Handler)
