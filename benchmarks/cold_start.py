"""Figure 4: cold start proxy. Wall-clock time of imports (and what the first request builds) in a
fresh interpreter, against `import boto3` alone; median of several interleaved runs.

4a  `import app`                                       vs `import boto3`
4b  `import app` + app.services() (builds the object graph, importing chalicelib.bootstrap, usecases, store,
    PynamoDB, the bot, the sender and notifier: everything the first request imports)
                                                       vs `import boto3`
4c  (information) 4b + the botocore clients the first visitor message creates (PynamoDB keeps a
    connection, i.e. a botocore session and client, per model class, plus the repository's own
    connection for transactions, plus the management-API client for the ack)
                                                       vs `import boto3` + one DynamoDB client
                                                          + one management-API client

4d  (information) what Lambda runs: the deployment zip as `infra/deploy package` builds it, unpacked
    read-only, imported by a bare interpreter that cannot write bytecode (as in /var/task):
    `import app` + app.services() with the .pyc files the zip ships (infra/bytecode.py), against
    the same zip with sources only (what `chalice package` alone produces)

Each snippet is timed inside the child (CPU time, time.process_time, around it), so interpreter
start-up, the same for all, is left out. Imports are CPU-bound and single-threaded; CPU time keeps
other work on a small shared machine out of the figure (wall-clock medians swung by 2x under load),
and the wall-clock medians are in the details. One warm-up round first (bytecode caches), then ROUNDS rounds.
Bytecode caches go to a temporary PYTHONPYCACHEPREFIX: a PYTHONDONTWRITEBYTECODE inherited from
the calling shell would otherwise make every child compile the whole project from source while
boto3 loads precompiled from site-packages (this inflated 4b to about 2x on the benchmark machine).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile

from benchmarks.common import emit, fmt, row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUNDS = 13
TARGET = 1.25

SNIPPETS = {
    'boto3': 'import boto3',
    'app': 'import app',
    'app+services': 'import app\napp.services()',
    'boto3+clients': ('import boto3\n'
                      "boto3.client('dynamodb')\n"
                      "boto3.client('apigatewaymanagementapi', endpoint_url=os.environ['WS_ENDPOINT_URL'])"),
    'app+services+clients': ('import app\n'
                             's = app.services()\n'
                             'from chalicelib.adapters.store import models\n'
                             'models.ConnectionItem._get_connection().connection.client  # the socket record\n'
                             'models.Entity._get_connection().connection.client          # load_turn\n'
                             's.ctx.conversations.connection.client                      # the transaction\n'
                             's.ctx.fanout.sender.client                                 # the ack'),
}

CHILD = '''import os, time
t0, w0 = time.process_time(), time.perf_counter()
{body}
print(repr(time.process_time() - t0), repr(time.perf_counter() - w0))
'''


APP_ENV = {'AWS_DEFAULT_REGION': 'us-east-1', 'AWS_REGION': 'us-east-1',
           'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing',
           'AWS_EC2_METADATA_DISABLED': 'true', 'TABLE_NAME': 'handoff-bench',
           'WS_ENDPOINT_URL': 'https://example.execute-api.us-east-1.amazonaws.com/api',
           'SESSION_SECRET': 'bench'}


def child_env(pycache=None):
    """The children's environment: the app's settings, bytecode caches on (in `pycache`, if given)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('AWS_') and k not in ('PYTHONPATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONPYCACHEPREFIX')}
    env.update(APP_ENV, PYTHONPATH=ROOT)
    if pycache:
        env['PYTHONPYCACHEPREFIX'] = pycache
    return env


LAMBDA_CHILD = '''import os, sys, time
sys.path.insert(0, os.getcwd())
t0, w0 = time.process_time(), time.perf_counter()
import app
app.services()
print(repr(time.process_time() - t0), repr(time.perf_counter() - w0))
'''


def lambda_like_dirs(work):
    """The deployment zip (with .pyc) and a copy without them, unpacked read-only under `work`."""
    out = os.path.join(work, 'package')
    env = {k: v for k, v in os.environ.items() if k not in ('AWS_PROFILE', 'AWS_ENDPOINT_URL')}
    env.update(AWS_DEFAULT_REGION='us-east-1', AWS_REGION='us-east-1', PYTHON=sys.executable,
               CHALICE=os.path.join(os.path.dirname(sys.executable), 'chalice'))
    proc = subprocess.run([os.path.join(ROOT, 'infra', 'deploy'), 'package', 'dev', '--out', out], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError('infra/deploy package failed: %s' % proc.stderr.strip().splitlines()[-1:])
    dirs = {}
    with zipfile.ZipFile(os.path.join(out, 'deployment.zip')) as z:
        for kind, keep in (('pyc', lambda n: True), ('src', lambda n: not n.endswith('.pyc'))):
            target = os.path.join(work, kind)
            z.extractall(target, [n for n in z.namelist() if keep(n)])
            for root, _dirs, files in os.walk(target):
                for name in files:
                    os.chmod(os.path.join(root, name), 0o444)
            dirs[kind] = target
    return dirs


WALL = {}      # wall-clock seconds per snippet (details only)


def time_lambda_like(directory):
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'PYTHONDONTWRITEBYTECODE': '1', **APP_ENV}
    out = subprocess.run([sys.executable, '-s', '-c', LAMBDA_CHILD], cwd=directory, env=env,
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError('lambda-like import failed: %s' % out.stderr.strip().splitlines()[-1:])
    cpu, wall = out.stdout.strip().splitlines()[-1].split()
    WALL.setdefault('lambda-like ' + os.path.basename(directory), []).append(float(wall))
    return float(cpu)


def time_once(name, env):
    out = subprocess.run([sys.executable, '-c', CHILD.format(body=SNIPPETS[name])], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError('%s failed: %s' % (name, out.stderr.strip().splitlines()[-1:]))
    cpu, wall = out.stdout.strip().splitlines()[-1].split()
    WALL.setdefault(name, []).append(float(wall))
    return float(cpu)


def main():
    work = tempfile.mkdtemp(prefix='cold-start-')
    try:
        run(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work):
    env = child_env(pycache=os.path.join(work, 'pycache'))
    times = {name: [] for name in SNIPPETS}
    errors = {}
    try:
        lambda_dirs = lambda_like_dirs(work)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        lambda_dirs = {}
        errors['lambda-like'] = str(exc)
    lambda_times = {kind: [] for kind in lambda_dirs}
    for rnd in range(ROUNDS + 1):
        for name in SNIPPETS:
            if name in errors:
                continue
            try:
                t = time_once(name, env)
            except RuntimeError as exc:
                errors[name] = str(exc)
                continue
            if rnd:
                times[name].append(t)
        for kind, directory in lambda_dirs.items():
            if 'lambda-like' in errors:
                break
            try:
                t = time_lambda_like(directory)
            except (RuntimeError, subprocess.SubprocessError) as exc:
                errors['lambda-like'] = str(exc)
                break
            if rnd:
                lambda_times[kind].append(t)
    med = {name: statistics.median(v) for name, v in times.items() if v}

    def ratio(a, b):
        return med[a] / med[b] if a in med and b in med else None

    rows, details = [], []
    for figure, name, base, target, label in (
            ('4a', 'app', 'boto3', TARGET, 'Cold start proxy: `import app` vs `import boto3`'),
            ('4b', 'app+services', 'boto3', TARGET,
             'Cold start proxy: `import app` + services() (first request\'s imports) vs `import boto3`'),
            ('4c', 'app+services+clients', 'boto3+clients', None,
             '(info) 4b + the botocore clients a first message creates vs boto3 + the 2 clients a minimal app needs')):
        r = ratio(name, base)
        if r is None:
            rows.append(row(figure, label, 'error: %s' % (errors.get(name) or errors.get(base)),
                            '<= %s x' % fmt(TARGET) if target else '-', False if target else None))
            continue
        rows.append(row(figure, label, '%.2f x (%.0f vs %.0f ms)' % (r, med[name] * 1000, med[base] * 1000),
                        '<= %s x' % fmt(target) if target else '-', (r <= target) if target else None, r))
    if lambda_times.get('pyc') and lambda_times.get('src') and 'lambda-like' not in errors:
        pyc, src = statistics.median(lambda_times['pyc']), statistics.median(lambda_times['src'])
        rows.append(row('4d', '(info) as Lambda runs the zip (read-only, no bytecode writes): import app + services() '
                        'with the .pyc infra/deploy ships vs sources only', '%.0f vs %.0f ms (%.2f x faster)' % (
                            pyc * 1000, src * 1000, src / pyc), '-', None, pyc / med['boto3'] if 'boto3' in med else None))
        details.append('4d with .pyc: %.2f x `import boto3` (warm caches, above); sources only: %.2f x' % (
            pyc / med['boto3'], src / med['boto3']) if 'boto3' in med else '4d: no boto3 baseline')
    elif 'lambda-like' in errors:
        rows.append(row('4d', '(info) as Lambda runs the zip', 'error: %s' % errors['lambda-like'], '-', None))
    for figure, name, base in (('4a', 'app', 'boto3'), ('4b', 'app+services', 'boto3'),
                               ('4c', 'app+services+clients', 'boto3+clients')):
        if times.get(name) and times.get(base):
            details.append('%s on the fastest runs instead of the medians: %.2f x' % (
                figure, min(times[name]) / min(times[base])))
    for kind, values in lambda_times.items():
        if values:
            details.append('lambda-like %-10s median %.0f ms, min %.0f, max %.0f over %d runs' % (
                kind, statistics.median(values) * 1000, min(values) * 1000, max(values) * 1000, len(values)))
    for name, values in times.items():
        if values:
            details.append('%-22s median %.0f ms, min %.0f, max %.0f over %d runs' % (
                name, statistics.median(values) * 1000, min(values) * 1000, max(values) * 1000, len(values)))
    details.append('wall-clock medians: ' + ', '.join(
        '%s %.0f ms' % (name, statistics.median(v) * 1000) for name, v in WALL.items() if v))
    for name, err in errors.items():
        details.append('%s: %s' % (name, err))
    emit(rows, details)


if __name__ == '__main__':
    main()
