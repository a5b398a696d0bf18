"""The local runtime is a dev tool around the Lambda code, never part of it."""
import ast
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FORBIDDEN = ('infra', 'tests', 'moto', 'aiohttp', 'websockets')


def _lambda_sources():
    yield os.path.join(ROOT, 'app.py')
    for folder, _, files in os.walk(os.path.join(ROOT, 'chalicelib')):
        for name in files:
            if name.endswith('.py'):
                yield os.path.join(folder, name)


def test_lambda_code_never_imports_the_local_runtime():
    offenders = []
    for path in _lambda_sources():
        with open(path) as f:
            tree = ast.parse(f.read(), path)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += ['%s: %s' % (os.path.relpath(path, ROOT), n) for n in names
                          if n.split('.')[0] in FORBIDDEN]
    assert offenders == []
