"""Run every benchmark figure and print one table: `python -m benchmarks.run` (or `make bench`).

    python -m benchmarks.run              every figure; the table also goes to benchmarks/results.md
    python -m benchmarks.run --only 1,4   some figures (results.md is left alone unless --write)

Each figure runs in its own Python process (fresh moto state, PynamoDB connections, environment),
one after the other: the machine is small and shared, and figures running side by side would time
each other. A missed target is reported, not an error: the exit status is 1 only if a figure
could not be measured. See README.md, Benchmarks for what each figure means.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

from benchmarks.common import MARK

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, 'benchmarks', 'results.md')
FIGURES = [
    ('1', 'benchmarks.requests_per_message', 'DynamoDB requests per visitor message'),
    ('2', 'benchmarks.inbox_cost', 'Inbox cost flat in history size'),
    ('3', 'benchmarks.latency', 'Where the time goes (local runtime, 50 conversations)'),
    ('4', 'benchmarks.cold_start', 'Cold start proxy'),
    ('5', 'benchmarks.package_size', 'Package size'),
    ('6', 'benchmarks.cost_model', 'Cost per 1,000 conversations'),
    ('7', 'benchmarks.detection_eval', 'Handoff detection quality (labelled messages, 7 languages)'),
    ('8', 'benchmarks.answers_eval', 'Knowledge-base answers (2 knowledge bases, 7 languages)'),
    ('9', 'benchmarks.load', 'Local runtime: flat, bounded, 200 visitors + 10 dashboards'),
    ('10', 'benchmarks.fault', 'Fault run: acknowledged vs stored'),
    ('11', 'benchmarks.flood', 'A flood of 1,000 messages from one visitor'),
    ('12', 'benchmarks.analytics_reads', 'Analytics reads bounded: 7 vs 30 days, 100 vs 100,000 conversations'),
]
TIMEOUT = 900


def run_figure(module, timeout=TIMEOUT):
    """(result dict, seconds). A figure that fails gives an 'error' row with the end of its output."""
    t0 = time.monotonic()
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    try:
        out = subprocess.run([sys.executable, '-m', module], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=timeout)
        stdout, stderr, code = out.stdout, out.stderr, out.returncode
    except subprocess.TimeoutExpired as exc:
        stdout, stderr, code = exc.stdout or '', (exc.stderr or '') + '\ntimed out after %d s' % timeout, -1
        stdout = stdout.decode() if isinstance(stdout, bytes) else stdout
        stderr = stderr.decode() if isinstance(stderr, bytes) else stderr
    elapsed = time.monotonic() - t0
    lines = [line for line in stdout.splitlines() if line.startswith(MARK)]
    if code == 0 and lines:
        return json.loads(lines[-1][len(MARK):]), elapsed
    tail = (stderr or stdout).strip().splitlines()[-15:]
    return {'rows': [], 'error': 'exit %s' % code, 'details': tail}, elapsed


def verdict(passed):
    return {True: 'pass', False: 'MISS', None: 'info'}[passed]


def table(results):
    lines = ['| # | Figure | Measured | Target | Result |', '|---|---|---|---|---|']
    for figure, module, title in FIGURES:
        if figure not in results:
            continue
        result = results[figure][0]
        if result.get('error'):
            lines.append('| %s | %s | error (%s) | | ERROR |' % (figure, title, result['error']))
        for r in result['rows']:
            lines.append('| %s | %s | %s | %s | %s |' % (r['figure'], r['name'].replace('|', '/'), r['measured'],
                                                         r['target'], verdict(r['pass'])))
    return '\n'.join(lines)


def details(results):
    out = []
    for figure, module, title in FIGURES:
        if figure not in results:
            continue
        result, elapsed = results[figure]
        out.append('%s. %s (`python -m %s`, %.0f s)' % (figure, title, module, elapsed))
        out += ['    ' + line for line in result.get('details', [])]
    return '\n'.join(out)


def machine():
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    memory = 'unknown'
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemTotal:'):
                    memory = '%.1f GiB' % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    try:
        load = '%.2f %.2f %.2f' % os.getloadavg()
    except OSError:
        load = 'n/a'
    return {'cpus': cpus, 'memory': memory, 'load': load, 'python': platform.python_version(),
            'system': '%s %s' % (platform.system(), platform.machine())}


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m benchmarks.run', description=__doc__.split('\n\n')[0])
    parser.add_argument('--only', help='comma-separated figure numbers, e.g. 1,4')
    parser.add_argument('--write', action='store_true', help='write benchmarks/results.md even with --only')
    args = parser.parse_args(argv)
    wanted = set(args.only.split(',')) if args.only else {f for f, _, _ in FIGURES}
    started = datetime.datetime.now(datetime.timezone.utc)
    host = machine()
    print('benchmarks: %s, %s CPUs, %s memory, load average %s at start'
          % (started.strftime('%Y-%m-%d %H:%M UTC'), host['cpus'], host['memory'], host['load']), flush=True)
    results = {}
    for figure, module, title in FIGURES:
        if figure not in wanted:
            continue
        print('  figure %s: %s ...' % (figure, title), end='', flush=True)
        results[figure] = run_figure(module)
        print(' %.0f s' % results[figure][1], flush=True)
    text = table(results)
    print()
    print(text)
    print()
    print(details(results))
    if not args.only or args.write:
        with open(RESULTS, 'w') as f:
            f.write('# Benchmark results\n\n')
            f.write('Written by `python -m benchmarks.run` on %s.\n\n' % started.strftime('%Y-%m-%d %H:%M UTC'))
            f.write('Machine: %s CPUs, %s memory, %s, Python %s; load average %s at start (a shared machine: '
                    'compare figures within one run, not across runs).\n\n'
                    % (host['cpus'], host['memory'], host['system'], host['python'], host['load']))
            f.write(text + '\n\n## Details\n\n```\n' + details(results) + '\n```\n')
        print('\nwritten to %s' % os.path.relpath(RESULTS, ROOT))
    return 1 if any(r[0].get('error') for r in results.values()) else 0


if __name__ == '__main__':
    sys.exit(main())
