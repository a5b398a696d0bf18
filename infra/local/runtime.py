"""Start and stop everything: embedded AWS, app import, demo data, gateway, queue poller."""
import argparse
import asyncio
import importlib
import json
import logging
import os
import random
import secrets
import signal
import socket
import sys
import time

from . import aws as local_aws
from . import mail as local_mail
from .gateway import DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_AGE, WS_PATH, Gateway, Handlers
from .logs import LOG, setup as setup_logging
from .poller import QueuePoller
from .rest import lambda_context

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REGION = 'us-east-1'

# Variables that could point the app's AWS clients at a real account: never inherited.
_UNSAFE_ENV = ('AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN',
               'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
               'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'WS_API_ID', 'SESSION_SECRET_PARAM', 'WEBHOOK_SECRET_PARAM')


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog='python -m infra.local',
                                description='Run the whole handoff system on this machine, without an AWS account.')
    p.add_argument('--host', default='127.0.0.1', help='address to listen on (default: 127.0.0.1)')
    p.add_argument('--port', type=int, default=8000, help='HTTP + WebSocket port; 0 picks a free one (default: 8000)')
    p.add_argument('--ready-file', help='write a JSON file with URLs and operator tokens once ready')
    p.add_argument('--idle-timeout', type=float, default=DEFAULT_IDLE_TIMEOUT,
                   help='close sockets idle for this many seconds, like API Gateway (default: 600)')
    p.add_argument('--max-connection-age', type=float, default=DEFAULT_MAX_AGE,
                   help='close sockets older than this many seconds, like API Gateway (default: 7200)')
    p.add_argument('--visibility-timeout', type=int, default=2,
                   help="notification queue visibility timeout in seconds, replacing the template's (default: 2)")
    p.add_argument('--no-seed', action='store_true', help='start without the demo agent and operators')
    p.add_argument('--demo-operators', type=int, default=None, metavar='N',
                   help='seed N demo operators (Alice, Bob, Operator3, ...; default: Alice and Bob)')
    p.add_argument('--app', default='app', help='module holding the Chalice app and handlers (default: app)')
    p.add_argument('--log-level', default='INFO', help='DEBUG, INFO (default) or WARNING')
    p.add_argument('--chaos-sqs-redeliver', type=float, default=0.0, metavar='P',
                   help='(fault runs) leave a handled notification on the queue with probability P: delivered again')
    p.add_argument('--chaos-sqs-crash', type=float, default=0.0, metavar='P',
                   help='(fault runs) with probability P the consumer dies mid-batch: the whole batch comes back')
    p.add_argument('--chaos-seed', type=int, default=None, metavar='N', help='(fault runs) seed of those draws')
    p.add_argument('--aws-in-process', action='store_true',
                   help='run the embedded AWS in this process (default: a process of its own, on another core)')
    p.add_argument('--raw-moto', action='store_true',
                   help="(for comparison only) moto's DynamoDB as shipped, without infra/local/flat_dynamodb.py: "
                        "loses writes under concurrency and slows down as the table grows")
    return p.parse_args(argv)


def bind(host, port):
    sock = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise SystemExit('cannot listen on %s:%d: %s (try --port 0 or another port)' % (host, port, e.strerror))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def configure_environment(env, resources, *, http_url, ws_url, management_url, credentials=None):
    """Point the app at the embedded AWS and the local gateway. Returns the values set.

    ``credentials``: this run's fake AWS keys (aws.run_credentials()); the local management
    API accepts only requests signed with that access key id.
    """
    credentials = credentials or local_aws.DUMMY_CREDENTIALS
    for name in _UNSAFE_ENV:
        env.pop(name, None)
    for name in [k for k in env if k.startswith('AWS_ENDPOINT_URL_')]:
        env.pop(name)
    values = {
        'AWS_DEFAULT_REGION': resources.region,
        'AWS_REGION': resources.region,
        'AWS_ACCESS_KEY_ID': credentials['AWS_ACCESS_KEY_ID'],
        'AWS_SECRET_ACCESS_KEY': credentials['AWS_SECRET_ACCESS_KEY'],
        'AWS_EC2_METADATA_DISABLED': 'true',
        'AWS_ENDPOINT_URL': resources.endpoint_url,
        # A management-API client built without an explicit endpoint still reaches the local gateway.
        'AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI': management_url,
        'TABLE_NAME': resources.table_name,
        'NOTIFY_QUEUE_URL': resources.queue_url,
        'NOTIFY_QUEUE_NAME': resources.queue_name,
        'WS_ENDPOINT_URL': management_url,
        'WS_PUBLIC_URL': ws_url,
        'PUBLIC_HTTP_URL': http_url,
        'SESSION_SECRET': env.get('SESSION_SECRET') or secrets.token_urlsafe(32),
        'WEBHOOK_SECRET': env.get('WEBHOOK_SECRET') or secrets.token_urlsafe(32),
        # A developer's webhook receiver on http://127.0.0.1 is allowed here, never in AWS.
        'WEBHOOK_ALLOW_LOOPBACK_HTTP': '1',
        'TIMERS_QUEUE_URL': resources.timers_queue_url,
        'TIMERS_QUEUE_NAME': resources.timers_queue_name,
        # Email through the embedded SES (read it at /_local/mail); the outbox sweeper looks sooner than in AWS.
        'MAIL_FROM': local_mail.SENDER,
        'OUTBOX_GRACE_SECONDS': env.get('OUTBOX_GRACE_SECONDS') or '10',
    }
    env.update(values)
    return values


def load_handlers(module_name):
    if REPO_ROOT not in sys.path:
        sys.path.insert(0, REPO_ROOT)
    module = importlib.import_module(module_name)
    app = getattr(module, 'app', None)
    if app is None:
        raise SystemExit('%s has no `app`' % module_name)
    handlers = Handlers(app=app, app_name=getattr(app, 'app_name', 'app'),
                        ws_connect=getattr(module, 'ws_connect', None),
                        ws_message=getattr(module, 'ws_message', None),
                        ws_disconnect=getattr(module, 'ws_disconnect', None))
    for name in ('ws_connect', 'ws_message', 'ws_disconnect', 'on_notification'):
        if getattr(module, name, None) is None:
            LOG.warning('%s has no %s: that part of the system will do nothing', module_name, name)
    return handlers, getattr(module, 'on_notification', None)


def write_ready_file(path, info):
    tmp = '%s.%d.tmp' % (path, os.getpid())
    with open(tmp, 'w') as f:
        json.dump(info, f, indent=2)
    os.replace(tmp, path)


def banner(info, resources, seeded):
    lines = [
        '',
        'Handoff is running on this machine (embedded AWS; no account involved).',
        '  Dashboard      %s/' % info['http_url'],
        '  Widget demo    %s/demo' % info['http_url'],
        '  Sent mail      %s/_local/mail  (the embedded SES: offline replies, team emails)' % info['http_url'],
        '  WebSocket      %s' % info['ws_url'],
        '  REST API       %s/  (same origin as the pages)' % info['http_url'],
        '  Embedded AWS   %s  table %s, queue %s (+ dead-letter queue)' % (
            resources.endpoint_url, resources.table_name, resources.queue_name),
    ]
    if seeded:
        lines.append('Operators of agent %s (paste a token into the dashboard):' % info['agent_id'])
        for name, token in info['operators'].items():
            lines.append('  %-6s %s' % (name, token))
    lines += ['Press Ctrl-C to stop.', '']
    print('\n'.join(lines), flush=True)


class LocalRuntime:
    def __init__(self, args):
        self.args = args
        self.credentials = local_aws.run_credentials()
        embedded = local_aws.EmbeddedAWS if args.aws_in_process else local_aws.EmbeddedAWSProcess
        self.aws = embedded(credentials=self.credentials, flat=not args.raw_moto)
        self.sock = None
        self.gateway = None
        self.poller = None
        self.timer_poller = None          # the timers queue's consumer (on_timer), as Lambda's event source would
        self.resources = None
        self.info = None

    def run(self):
        args = self.args
        t0 = time.perf_counter()
        self.sock = bind(args.host, args.port)
        try:
            host, port = self.sock.getsockname()[:2]
            public_host = '127.0.0.1' if host in ('0.0.0.0', '::') else host
            if ':' in public_host:
                public_host = '[%s]' % public_host
            http_url = 'http://%s:%d' % (public_host, port)
            ws_url = 'ws://%s:%d%s' % (public_host, port, WS_PATH)

            if hasattr(self.aws, 'spawn'):
                self.aws.spawn()
                for name in ('boto3', 'chalice', 'pynamodb.models'):    # while the embedded AWS boots
                    importlib.import_module(name)
                self.aws.wait_ready()
            else:
                self.aws.start()
            dynamodb, sqs = self.aws.clients(REGION)
            self.resources = local_aws.create_resources(
                (dynamodb, sqs), region=REGION, endpoint_url=self.aws.endpoint_url,
                visibility_timeout=args.visibility_timeout)
            configure_environment(os.environ, self.resources, http_url=http_url, ws_url=ws_url,
                                  management_url=http_url, credentials=self.credentials)
            handlers, on_notification = load_handlers(args.app)

            self.info = {'http_url': http_url, 'ws_url': ws_url, 'agent_id': None, 'operators': {},
                         'pid': os.getpid(), 'aws_endpoint_url': self.aws.endpoint_url,
                         'region': REGION, 'table_name': self.resources.table_name,
                         'queue_url': self.resources.queue_url, 'dlq_url': self.resources.dlq_url,
                         'timers_queue_url': self.resources.timers_queue_url,
                         'max_receive_count': self.resources.max_receive_count,
                         'visibility_timeout': self.resources.visibility_timeout,
                         # this run's fake AWS keys: the management API accepts only this access key id
                         'aws_access_key_id': self.credentials['AWS_ACCESS_KEY_ID'],
                         'aws_secret_access_key': self.credentials['AWS_SECRET_ACCESS_KEY'],
                         'flat_dynamodb': not args.raw_moto,
                         'aws_pid': getattr(self.aws, 'pid', None) or os.getpid()}
            if not args.no_seed:
                from . import demo
                self.info.update(demo.seed(operators=args.demo_operators))

            self.gateway = Gateway(handlers, idle_timeout=args.idle_timeout, max_age=args.max_connection_age,
                                   management_access_key=self.credentials['AWS_ACCESS_KEY_ID'])
            if on_notification is not None:
                fn_name = '%s-local-%s' % (handlers.app_name, getattr(on_notification, '__name__', 'on_notification'))
                self.poller = QueuePoller(
                    sqs, queue_url=self.resources.queue_url, queue_arn=self.resources.queue_arn,
                    handler=on_notification, region=REGION,
                    context_factory=lambda: lambda_context(fn_name, timeout_s=30),
                    max_receive_count=self.resources.max_receive_count,
                    redeliver_rate=args.chaos_sqs_redeliver, crash_rate=args.chaos_sqs_crash,
                    rng=random.Random(args.chaos_seed))
            on_timer = getattr(sys.modules.get(args.app), 'on_timer', None)
            if on_timer is not None and self.resources.timers_queue_url:
                timer_fn = '%s-local-on_timer' % handlers.app_name
                self.timer_poller = QueuePoller(
                    sqs, queue_url=self.resources.timers_queue_url, queue_arn=self.resources.timers_queue_arn,
                    handler=on_timer, region=REGION, name='on_timer',
                    context_factory=lambda: lambda_context(timer_fn, timeout_s=30),
                    max_receive_count=self.resources.max_receive_count)
            self._start_mail_and_outbox(args.app)
            asyncio.run(self._serve(t0))
        finally:
            self._cleanup()

    def _start_mail_and_outbox(self, module_name):
        """SES: the sender identity verified, sent mail at /_local/mail and in the log. The outbox sweeper
        (an EventBridge schedule in AWS) runs every few seconds here."""
        import boto3
        session = boto3.session.Session(aws_access_key_id=self.credentials['AWS_ACCESS_KEY_ID'],
                                        aws_secret_access_key=self.credentials['AWS_SECRET_ACCESS_KEY'],
                                        region_name=REGION)
        local_mail.verify_sender(session.client('ses', endpoint_url=self.aws.endpoint_url))
        self.gateway.extra_routes = local_mail.routes(self.aws.endpoint_url) if self.gateway else []
        self.timers = [local_mail.Every(1.0, local_mail.MailLog(self.aws.endpoint_url), 'mail-log')]
        sweep = getattr(sys.modules.get(module_name), 'sweep_outbox', None)
        if sweep is not None:
            fn_name = '%s-local-sweep_outbox' % getattr(self.gateway.handlers, 'app_name', 'app')
            self.timers.append(local_mail.Every(
                float(os.environ.get('LOCAL_SWEEP_INTERVAL', '2')),
                lambda: sweep(local_mail.scheduled_event(REGION), lambda_context(fn_name, timeout_s=120)),
                'outbox-sweeper'))
        for timer in self.timers:
            timer.start()

    async def _serve(self, t0):
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.gateway.start(self.sock)
        if self.poller:
            self.poller.start()
        if self.timer_poller:
            self.timer_poller.start()
        if self.args.ready_file:
            write_ready_file(self.args.ready_file, self.info)
        LOG.info('ready in %.1f s', time.perf_counter() - t0)
        banner(self.info, self.resources, not self.args.no_seed)
        try:
            await stop.wait()
        finally:
            LOG.info('stopping')
            if self.poller:
                await asyncio.to_thread(self.poller.stop)   # the gateway keeps serving its last posts
                self.poller = None
            if self.timer_poller:
                await asyncio.to_thread(self.timer_poller.stop)
                self.timer_poller = None
            await self.gateway.stop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)

    def _cleanup(self):
        for timer in getattr(self, 'timers', ()):
            timer.stop()
        if self.poller:
            self.poller.stop()
        if self.timer_poller:
            self.timer_poller.stop()
        if self.sock is not None:
            self.sock.close()
        self.aws.stop()
        if self.args.ready_file and os.path.exists(self.args.ready_file):
            try:
                with open(self.args.ready_file) as f:
                    mine = json.load(f).get('pid') == os.getpid()
            except (OSError, ValueError):
                mine = False
            if mine:
                os.remove(self.args.ready_file)
        LOG.info('stopped')


def main(argv=None):
    args = parse_args(argv)
    setup_logging(getattr(logging, str(args.log_level).upper(), logging.INFO))
    # Gateway, handlers, poller and embedded AWS share one interpreter: every request crosses
    # threads several times, and each crossing may wait for a CPU-bound thread's GIL slice
    # (5 ms by default). Shorter slices keep those waits short.
    sys.setswitchinterval(float(os.environ.get('LOCAL_SWITCH_INTERVAL', '0.0005')))
    try:
        LocalRuntime(args).run()
    except KeyboardInterrupt:
        pass
    return 0
