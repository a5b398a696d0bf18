"""deployment.zip: what Lambda runs, and nothing else."""
import zipfile

import pytest

# Measured with chalice 1.34, pynamodb 6.1, aws-lambda-powertools 3.37: about 17.8 MiB of sources, most
# of it botocore (PynamoDB depends on it, so chalice vendors it), plus 3.1 MiB of bytecode infra/deploy
# adds (infra/bytecode.py: 20.8 MiB). The limit leaves room for the app to grow but stops an accidental
# heavy dependency. Lambda's own limits: 50 MB zipped, 250 MB unzipped.
ZIP_LIMIT = 24 * 1024 * 1024
UNZIPPED_LIMIT = 70 * 1024 * 1024

NOT_IN_LAMBDA = ('tests/', 'infra/', 'benchmarks/', 'docs/', '.chalice/', 'build/', '.venv/',
                 # test and local-runtime dependencies (requirements-dev.txt)
                 'moto/', 'pytest/', '_pytest/', 'websockets/', 'aiohttp/', 'playwright/', 'werkzeug/',
                 'flask/', 'cfnlint/', 'samtranslator/')


@pytest.fixture(scope='module')
def names(dev):
    with zipfile.ZipFile(dev.zip_path) as z:
        return [i.filename for i in z.infolist()]


def test_zip_is_under_the_size_limit(dev):
    size = dev.zip_path.stat().st_size
    assert size < ZIP_LIMIT, 'deployment.zip is %.1f MiB' % (size / 2 ** 20)
    with zipfile.ZipFile(dev.zip_path) as z:
        unzipped = sum(i.file_size for i in z.infolist())
    assert unzipped < UNZIPPED_LIMIT, 'unzipped %.1f MiB' % (unzipped / 2 ** 20)


def test_zip_holds_no_tests_infra_or_local_runtime(names):
    bad = [n for n in names if n.startswith(NOT_IN_LAMBDA)]
    assert not bad, bad[:20]


def test_zip_holds_the_app_its_static_files_and_runtime_dependencies(names):
    assert 'app.py' in names
    assert 'chalicelib/bootstrap.py' in names and 'chalicelib/usecases/visitor_turns.py' in names and 'chalicelib/config.py' in names
    assert 'chalicelib/static/dashboard.html' in names and 'chalicelib/static/widget.js' in names
    tops = {n.split('/')[0] for n in names}
    assert {'pynamodb', 'aws_lambda_powertools', 'chalice'} <= tops


def test_zip_is_pure_python_so_arm64_is_safe(dev, names):
    """The functions run on arm64 (.chalice/config.json) from a zip built on any machine: nothing in it
    may be a compiled extension, and every vendored wheel must be pure Python."""
    native = [n for n in names if n.endswith(('.so', '.pyd', '.dylib')) or '.so.' in n]
    assert not native, native[:20]
    wheels = [n for n in names if n.endswith('.dist-info/WHEEL')]
    assert wheels
    with zipfile.ZipFile(dev.zip_path) as z:
        for name in wheels:
            text = z.read(name).decode()
            assert 'Root-Is-Purelib: true' in text, name
            tags = [line.split(':', 1)[1].strip() for line in text.splitlines() if line.startswith('Tag:')]
            assert tags and all(t.endswith('-none-any') for t in tags), (name, tags)


def test_every_module_ships_with_bytecode_for_the_runtime(dev, names):
    """Lambda cannot write __pycache__ in /var/task: without these, every cold start compiles every module
    it imports (benchmarks/cold_start.py, 4d). Unchecked-hash .pyc files ignore the zip's file times."""
    import importlib.util
    import sys

    from infra.bytecode import pyc_name
    runtime = {f['Properties']['Runtime'] for f in dev.functions.values()}
    assert runtime == {'python%d.%d' % sys.version_info[:2]}
    listed = set(names)
    sources = [n for n in names if n.endswith('.py')]
    missing = [n for n in sources if pyc_name(n) not in listed]
    assert not missing, missing[:20]
    with zipfile.ZipFile(dev.zip_path) as z:
        for name in ('app.py', 'chalicelib/bootstrap.py', 'botocore/client.py', 'pynamodb/models.py'):
            header = z.read(pyc_name(name))[:16]
            assert header[:4] == importlib.util.MAGIC_NUMBER, name
            assert int.from_bytes(header[4:8], 'little') == 0b01, name     # hash-based, source not checked
