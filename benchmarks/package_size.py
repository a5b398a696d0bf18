"""Figure 5: size of the Lambda deployment zip against a minimal Chalice + PynamoDB app.

Both are built by `chalice package --stage dev` (AWS_DEFAULT_REGION=us-east-1) in temporary
directories: the project from a copy of what Chalice packages (app.py, chalicelib/, vendor/ if
any, requirements.txt, .chalice/ without its build cache), so the work tree is left untouched;
the minimal app generated there too: one route reading one PynamoDB model, and a
requirements.txt with the project's PynamoDB pin. The table compares what `chalice package`
produces; a detail line compares both with the bytecode infra/deploy adds (infra/bytecode.py). Chalice fetches Lambda-compatible wheels
with pip, so the first run needs the package index (pip's cache serves later runs).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter

from benchmarks.common import emit, fmt, row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = 1.15

MINIMAL_APP = '''from chalice import Chalice
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

app = Chalice(app_name='minimal')


class Item(Model):
    class Meta:
        table_name = 'items'
        region = 'us-east-1'
    pk = UnicodeAttribute(hash_key=True)
    value = UnicodeAttribute(null=True)


@app.route('/items/{key}')
def get_item(key):
    return {'key': key, 'value': Item.get(key).value}
'''

MINIMAL_CONFIG = '{"version": "2.0", "app_name": "minimal", "stages": {"dev": {"api_gateway_stage": "api"}}}\n'


def chalice_command():
    exe = os.path.join(os.path.dirname(sys.executable), 'chalice')
    if os.path.exists(exe):
        return [exe]
    found = shutil.which('chalice')
    if found:
        return [found]
    return [sys.executable, '-c', 'import sys; from chalice.cli import main; sys.exit(main())']


def package(project_dir, out_dir):
    env = dict(os.environ, AWS_DEFAULT_REGION='us-east-1')
    result = subprocess.run(chalice_command() + ['package', '--stage', 'dev', out_dir], cwd=project_dir, env=env,
                            capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError('chalice package failed in %s:\n%s' % (project_dir, (result.stdout + result.stderr)[-2000:]))
    return os.path.join(out_dir, 'deployment.zip')


def copy_project(dest):
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc', 'deployments')
    for name in ('app.py', 'requirements.txt'):
        shutil.copy2(os.path.join(ROOT, name), dest)
    for name in ('chalicelib', 'vendor', '.chalice'):
        if os.path.isdir(os.path.join(ROOT, name)):
            shutil.copytree(os.path.join(ROOT, name), os.path.join(dest, name), ignore=ignore)


def pynamodb_pin():
    with open(os.path.join(ROOT, 'requirements.txt')) as f:
        for line in f:
            if re.match(r'\s*pynamodb\b', line, re.I):
                return line.split('#')[0].strip()
    return 'pynamodb'


def make_minimal(dest):
    os.makedirs(os.path.join(dest, '.chalice'))
    with open(os.path.join(dest, 'app.py'), 'w') as f:
        f.write(MINIMAL_APP)
    with open(os.path.join(dest, 'requirements.txt'), 'w') as f:
        f.write(pynamodb_pin() + '\n')
    with open(os.path.join(dest, '.chalice', 'config.json'), 'w') as f:
        f.write(MINIMAL_CONFIG)


def contents(zip_path):
    """(compressed bytes by top-level entry, uncompressed total)."""
    by_top, unzipped = Counter(), 0
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            top = info.filename.split('/')[0]
            top = re.sub(r'-[\d.]+(post\d+)?\.(dist-info|data)$', '.dist-info', top)
            by_top[top] += info.compress_size
            unzipped += info.file_size
    return by_top, unzipped


def main():
    work = tempfile.mkdtemp(prefix='bench-package-')
    try:
        project, minimal = os.path.join(work, 'project'), os.path.join(work, 'minimal')
        os.makedirs(project)
        copy_project(project)
        make_minimal(minimal)
        ours = package(project, os.path.join(work, 'out-project'))
        base = package(minimal, os.path.join(work, 'out-minimal'))
        size_ours, size_base = os.path.getsize(ours), os.path.getsize(base)
        tops_ours, unzipped_ours = contents(ours)
        tops_base, unzipped_base = contents(base)
        # What infra/deploy ships: the same zips with a .pyc beside every module (infra/bytecode.py).
        sys.path.insert(0, ROOT)
        from infra.bytecode import add_bytecode
        add_bytecode(ours)
        add_bytecode(base)
        pyc_ours, pyc_base = os.path.getsize(ours), os.path.getsize(base)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio = size_ours / size_base
    extra = Counter(tops_ours)
    extra.subtract(tops_base)
    biggest = [(k, v) for k, v in extra.most_common() if v > 0][:6]
    rows = [row('5', 'Deployment zip vs minimal Chalice + PynamoDB app',
                '%.3f x (%.2f vs %.2f MB)' % (ratio, size_ours / 1e6, size_base / 1e6),
                '<= %s x' % fmt(TARGET), ratio <= TARGET, ratio)]
    details = ['project zip %d bytes (%.1f MB unzipped); minimal app zip %d bytes (%.1f MB unzipped); minimal pins %s'
               % (size_ours, unzipped_ours / 1e6, size_base, unzipped_base / 1e6, pynamodb_pin()),
               'largest additions (compressed): ' + ', '.join('%s %.0f KB' % (k, v / 1e3) for k, v in biggest),
               'as deployed, with bytecode (infra/bytecode.py, the same for both): %.2f vs %.2f MB, %.3f x'
               % (pyc_ours / 1e6, pyc_base / 1e6, pyc_ours / pyc_base),
               'largest entries of the project zip: ' + ', '.join(
                   '%s %.1f MB' % (k, v / 1e6) for k, v in tops_ours.most_common(3))]
    emit(rows, details)


if __name__ == '__main__':
    main()
