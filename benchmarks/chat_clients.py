"""Black-box clients of the handoff service for the load and fault runs (benchmarks/load.py, fault.py).

Only what a browser could do: REST over HTTP and the socket protocol of README.md ("Protocol").
A ``Stack`` runs the local runtime (``python -m infra.local``) as a subprocess and samples its CPU
time and resident memory from /proc.
"""
import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Every client of a load or fault run comes from 127.0.0.1 and writes faster than a person: the app's
# per-visitor and per-address rate limits (chalicelib/domain/rate_limit.py) would refuse them.
NO_RATE_LIMITS = {'RATE_LIMITS': 'off'}
# The demo agent's knowledge questions (infra/local/demo.py): the bot answers each, so no automatic handoff
# is triggered (a visitor repeating itself or stumping the bot would open one).
QUESTIONS = ['How long does shipping take?', 'How much does shipping cost?', 'Do you ship internationally?',
             'What is your return policy?', 'How long does a refund take?',
             'Can I exchange an item for a different size?', 'How do I find my size?',
             'What are your opening hours?', 'Which payment methods do you accept?', 'How can I track my order?',
             'Can I change or cancel my order?', 'Do you have a loyalty program?',
             'Are your products sustainable?']
DROP_ENV = ('AWS_ENDPOINT_URL', 'TABLE_NAME', 'NOTIFY_QUEUE_URL', 'NOTIFY_QUEUE_NAME', 'WS_ENDPOINT_URL',
            'WS_PUBLIC_URL', 'MOTO_ALLOW_NONEXISTENT_REGION')


# ---------------------------------------------------------------------------- the runtime process

class Stack:
    """``python -m infra.local`` on a free loopback port, in its own process group."""

    def __init__(self, args=(), log_level='WARNING', env=None, module='infra.local'):
        self.module = module            # or a wrapper taking infra.local's options (benchmarks.stack_probe)
        self.workdir = tempfile.mkdtemp(prefix='chat-stack-')
        self.ready = os.path.join(self.workdir, 'ready.json')
        self.log = os.path.join(self.workdir, 'stack.log')
        self.args = list(args)
        self.log_level = log_level
        self.env = dict(env or {})
        self.proc = None
        self.info = None
        self.stop_seconds = None
        self.exit_code = None

    def start(self, timeout=90):
        env = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
        env['PYTHONUNBUFFERED'] = '1'
        env.update(self.env)
        cmd = [sys.executable, '-m', self.module, '--port', '0', '--ready-file', self.ready,
               '--log-level', self.log_level] + self.args
        with open(self.log, 'wb') as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.ready):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError('local runtime did not start:\n' + self.tail())
            time.sleep(0.05)
        with open(self.ready) as f:
            self.info = json.load(f)
        return self.info

    def pids(self):
        """The runtime's process and its embedded AWS process (when that runs apart)."""
        pids = [self.proc.pid]
        aws = (self.info or {}).get('aws_pid')
        if aws and aws not in pids:
            pids.append(aws)
        return pids

    def cpu_seconds(self):
        """User + system CPU time of the runtime (both processes) so far, or None."""
        try:
            total = 0.0
            for pid in self.pids():
                with open('/proc/%d/stat' % pid) as f:
                    fields = f.read().rsplit(')', 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
            return total
        except (OSError, ValueError, IndexError):
            return None

    def rss_mb(self):
        """Resident memory of the runtime (both processes), MB."""
        total = 0.0
        try:
            for pid in self.pids():
                with open('/proc/%d/status' % pid) as f:
                    for line in f:
                        if line.startswith('VmRSS:'):
                            total += int(line.split()[1]) / 1024.0
        except (OSError, ValueError):
            return None
        return total

    def stop(self, timeout=30):
        """SIGTERM; returns the exit code (None if it had to be killed). Records how long it took."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            t0 = time.monotonic()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
                self.stop_seconds = None
                self.exit_code = None
                return None
            self.stop_seconds = time.monotonic() - t0
        self.exit_code = self.proc.returncode
        return self.exit_code

    def tail(self, lines=40):
        try:
            with open(self.log, 'rb') as f:
                return '\n'.join(f.read().decode('utf-8', 'replace').splitlines()[-lines:])
        except OSError:
            return ''


# ---------------------------------------------------------------------------- REST

def http_json(method, url, body=None, token=None, timeout=30):
    """(status, parsed JSON or None). Never raises for an HTTP status."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {'Content-Type': 'application/json'} if body is not None else {}
    if token:
        headers['Authorization'] = 'Bearer ' + token
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, (json.loads(raw) if raw else None)
        except ValueError:
            return e.code, None


async def ahttp(method, url, body=None, token=None, timeout=30):
    return await asyncio.to_thread(http_json, method, url, body, token, timeout)


def stored_messages(info, conversation_id, token):
    """Every stored message of a conversation, through the operators' REST API (paged)."""
    out, after = [], 0
    while True:
        status, body = http_json('GET', '%s/conversations/%s/messages?after=%d&limit=100' % (
            info['http_url'], urllib.parse.quote(conversation_id), after), token=token)
        if status != 200:
            raise RuntimeError('GET messages of %s: %s %s' % (conversation_id, status, body))
        out += body['messages']
        if not body.get('next_after'):
            return out
        after = body['next_after']


# ---------------------------------------------------------------------------- sockets

_request_ids = itertools.count(1)


class Socket:
    """One client socket: a reader task routes frames to waiters (by request_id) and to ``on_frame``."""

    def __init__(self, url, on_frame=None, label=''):
        self.url = url
        self.on_frame = on_frame
        self.label = label
        self.ws = None
        self.reader = None
        self.waiters = {}          # request_id -> Future of the ack/error frame
        self.closed = asyncio.Event()

    async def connect(self, timeout=30):
        import websockets
        self.closed = asyncio.Event()
        self.ws = await websockets.connect(self.url, max_size=None, ping_interval=None, open_timeout=timeout,
                                           close_timeout=2)
        self.reader = asyncio.create_task(self._read(self.ws))
        return self

    async def _read(self, ws):
        try:
            async for raw in ws:
                now = time.monotonic()
                frame = json.loads(raw)
                rid = frame.get('request_id')
                if rid is not None and frame.get('type') in ('ack', 'error') and rid in self.waiters:
                    fut = self.waiters.pop(rid)
                    if not fut.done():
                        fut.set_result((frame, now))
                if self.on_frame is not None:
                    self.on_frame(frame, now)
        except Exception:
            pass
        finally:
            self.closed.set()
            for fut in self.waiters.values():
                if not fut.done():
                    fut.set_result((None, time.monotonic()))
            self.waiters.clear()

    def is_open(self):
        return self.ws is not None and not self.closed.is_set()

    async def request(self, action, **fields):
        """Send an action with a fresh request_id; returns a future of (ack or error frame or None, time)."""
        rid = 'r%d' % next(_request_ids)
        fut = asyncio.get_running_loop().create_future()
        if not self.is_open():
            fut.set_result((None, time.monotonic()))
            return rid, fut, time.monotonic()
        self.waiters[rid] = fut
        t0 = time.monotonic()
        try:
            await self.ws.send(json.dumps(dict(action=action, request_id=rid, **fields)))
        except Exception:
            self.waiters.pop(rid, None)
            if not fut.done():
                fut.set_result((None, time.monotonic()))
        return rid, fut, t0

    async def send_raw(self, frame):
        try:
            await self.ws.send(json.dumps(frame))
            return True
        except Exception:
            return False

    def abort(self):
        """The network goes away: no close frame."""
        if self.ws is not None:
            try:
                self.ws.transport.abort()
            except Exception:
                pass

    async def close(self):
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 3)
            except Exception:
                self.abort()
        if self.reader is not None:
            try:
                await asyncio.wait_for(self.reader, 3)
            except Exception:
                self.reader.cancel()


async def wait_result(fut, timeout):
    """(frame or None, time); None on timeout too."""
    try:
        return await asyncio.wait_for(asyncio.shield(fut), timeout)
    except asyncio.TimeoutError:
        return None, time.monotonic()


def percentile(values, p):
    if not values:
        return float('nan')
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[k]
