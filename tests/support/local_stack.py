"""Run the local runtime (``python -m infra.local``) as a subprocess for a test.

A subprocess keeps the runtime's environment, moto state and PynamoDB connections
away from in-process moto tests. Usage::

    from tests.support.local_stack import local_stack

    with local_stack() as stack:
        stack['http_url'], stack['ws_url'], stack['operators']['Alice'], stack['agent_id']

On exit the process gets SIGTERM, must stop cleanly (exit code 0) and must leave
nothing listening on its ports.
"""
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Variables of an in-process moto test session that must not reach the runtime.
_DROP_ENV = ('AWS_ENDPOINT_URL', 'TABLE_NAME', 'NOTIFY_QUEUE_URL', 'NOTIFY_QUEUE_NAME', 'WS_ENDPOINT_URL',
             'WS_PUBLIC_URL', 'MOTO_ALLOW_NONEXISTENT_REGION')


class StackError(RuntimeError):
    pass


def is_listening(host, port, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _tail(path, lines=80):
    try:
        with open(path, 'rb') as f:
            data = f.read().decode('utf-8', errors='replace')
    except OSError:
        return ''
    return '\n'.join(data.splitlines()[-lines:])


def _stop(proc, timeout):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
            return None           # did not stop by itself
    return proc.returncode


@contextlib.contextmanager
def local_stack(extra_env=None, *, app=None, seed=True, args=(), startup_timeout=60.0, stop_timeout=20.0):
    """Start the runtime on a free port, yield its ready-file info, stop it and check it is gone.

    ``extra_env``: variables added to the runtime's environment. ``app``: module of another
    Chalice app (tests.support.fixture_app for the runtime's own tests). ``seed=False`` skips
    the demo data. ``args``: more command-line options (``['--idle-timeout', '2']``).
    The yielded dict also has ``log_path`` (the runtime's combined output).
    """
    workdir = tempfile.mkdtemp(prefix='local-stack-')
    ready = os.path.join(workdir, 'ready.json')
    log_path = os.path.join(workdir, 'stack.log')
    cmd = [sys.executable, '-m', 'infra.local', '--port', '0', '--ready-file', ready]
    if app:
        cmd += ['--app', app]
    if not seed:
        cmd.append('--no-seed')
    cmd += list(args)
    env = {k: v for k, v in os.environ.items() if k not in _DROP_ENV}
    env.update(extra_env or {})
    env.setdefault('PYTHONUNBUFFERED', '1')
    with open(log_path, 'wb') as log:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + startup_timeout
        while not os.path.exists(ready):
            if proc.poll() is not None:
                raise StackError('infra.local exited with %s before it was ready:\n%s'
                                 % (proc.returncode, _tail(log_path)))
            if time.monotonic() > deadline:
                raise StackError('infra.local not ready after %.0f s:\n%s' % (startup_timeout, _tail(log_path)))
            time.sleep(0.05)
        with open(ready) as f:
            info = json.load(f)
    except BaseException:
        _stop(proc, stop_timeout)
        raise
    info['log_path'] = log_path
    ports = [(u.hostname, u.port) for u in (urllib.parse.urlsplit(info['http_url']),
                                            urllib.parse.urlsplit(info['aws_endpoint_url']))]
    failed = False
    try:
        yield info
    except BaseException:
        failed = True
        sys.stderr.write('--- infra.local output (last lines) ---\n%s\n' % _tail(log_path, 150))
        raise
    finally:
        code = _stop(proc, stop_timeout)
        if not failed:
            if code is None:
                raise StackError('infra.local did not stop within %.0f s of SIGTERM:\n%s'
                                 % (stop_timeout, _tail(log_path)))
            if code != 0:
                raise StackError('infra.local exited with %s:\n%s' % (code, _tail(log_path)))
            still = [p for p in ports if is_listening(*p)]
            if still:
                raise StackError('still listening after stop: %s' % still)
            if os.path.exists(ready):
                raise StackError('ready file left behind: %s' % ready)


def aws_client(stack, service, **kwargs):
    """A boto3 client signed with the stack's per-run credentials (ready-file ``aws_access_key_id``).

    ``apigatewaymanagementapi`` goes to the local gateway (which refuses other credentials);
    every other service to the embedded AWS.
    """
    import boto3
    endpoint = stack['http_url'] if service == 'apigatewaymanagementapi' else stack['aws_endpoint_url']
    kwargs.setdefault('aws_access_key_id', stack['aws_access_key_id'])
    kwargs.setdefault('aws_secret_access_key', stack['aws_secret_access_key'])
    return boto3.client(service, endpoint_url=endpoint, region_name=stack['region'], **kwargs)
