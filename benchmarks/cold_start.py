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

Each snippet is timed inside the child (time.perf_counter around it), so interpreter start-up,
the same for all, is left out. One warm-up round first (bytecode caches), then ROUNDS rounds.
"""
import os
import statistics
import subprocess
import sys

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
t0 = time.perf_counter()
{body}
print(repr(time.perf_counter() - t0))
'''


def child_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith('AWS_') and k not in ('PYTHONPATH',)}
    env.update({'AWS_DEFAULT_REGION': 'us-east-1', 'AWS_REGION': 'us-east-1',
                'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing',
                'AWS_EC2_METADATA_DISABLED': 'true', 'TABLE_NAME': 'handoff-bench',
                'WS_ENDPOINT_URL': 'https://example.execute-api.us-east-1.amazonaws.com/api',
                'SESSION_SECRET': 'bench', 'PYTHONPATH': ROOT})
    return env


def time_once(name, env):
    out = subprocess.run([sys.executable, '-c', CHILD.format(body=SNIPPETS[name])], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError('%s failed: %s' % (name, out.stderr.strip().splitlines()[-1:]))
    return float(out.stdout.strip().splitlines()[-1])


def main():
    env = child_env()
    times = {name: [] for name in SNIPPETS}
    errors = {}
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
    for figure, name, base in (('4a', 'app', 'boto3'), ('4b', 'app+services', 'boto3'),
                               ('4c', 'app+services+clients', 'boto3+clients')):
        if times.get(name) and times.get(base):
            details.append('%s on the fastest runs instead of the medians: %.2f x' % (
                figure, min(times[name]) / min(times[base])))
    for name, values in times.items():
        if values:
            details.append('%-22s median %.0f ms, min %.0f, max %.0f over %d runs' % (
                name, statistics.median(values) * 1000, min(values) * 1000, max(values) * 1000, len(values)))
    for name, err in errors.items():
        details.append('%s: %s' % (name, err))
    emit(rows, details)


if __name__ == '__main__':
    main()
