"""Adds compiled bytecode to a Lambda deployment zip: `python -m infra.bytecode ZIP SAM_JSON`.

Lambda's /var/task is read-only and `chalice package` ships sources only, so without this every
cold start compiles every module it imports from source: the app, and botocore, which PynamoDB makes
Chalice vendor (about 0.4 s more per cold start on the benchmark machine: benchmarks/cold_start.py,
row 4d). The .pyc files are written in unchecked-hash mode, so they stay valid whatever file times
the zip carries; a .pyc is only usable by the Python version that wrote it, so nothing is added
unless the functions' runtime is this interpreter's version (Chalice takes the runtime from the
Python that packages, so with `infra/deploy` it always is).
"""
import json
import os
import py_compile
import shutil
import sys
import tempfile
import zipfile


def runtime_tag():
    return 'python%d.%d' % sys.version_info[:2]


def function_runtimes(sam_path):
    with open(sam_path) as f:
        resources = json.load(f)['Resources']
    return {r['Properties'].get('Runtime') for r in resources.values() if r.get('Type') == 'AWS::Serverless::Function'}


def pyc_name(py_name):
    folder, base = os.path.split(py_name)
    return '/'.join(p for p in (folder, '__pycache__', '%s.%s.pyc' % (base[:-3], sys.implementation.cache_tag)) if p)


def add_bytecode(zip_path):
    """Rewrites the zip with a __pycache__/*.pyc beside every .py. Returns how many were added."""
    work = tempfile.mkdtemp()
    added = 0
    try:
        out = zip_path + '.tmp'
        with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as dst:
            names = set(src.namelist())
            for info in src.infolist():
                data = src.read(info)
                dst.writestr(info, data)
                if not info.filename.endswith('.py') or pyc_name(info.filename) in names:
                    continue
                source = os.path.join(work, 'module.py')
                with open(source, 'wb') as f:
                    f.write(data)
                try:
                    py_compile.compile(source, cfile=source + 'c', dfile=info.filename, doraise=True,
                                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
                except py_compile.PyCompileError:
                    continue                  # a file this Python cannot compile cannot be imported either
                entry = zipfile.ZipInfo(pyc_name(info.filename), date_time=info.date_time)
                entry.external_attr = info.external_attr
                entry.compress_type = zipfile.ZIP_DEFLATED
                with open(source + 'c', 'rb') as f:
                    dst.writestr(entry, f.read())
                added += 1
        os.replace(out, zip_path)
    finally:
        shutil.rmtree(work)
    return added


def main(argv):
    zip_path, sam_path = argv
    runtimes = function_runtimes(sam_path)
    if runtimes != {runtime_tag()}:
        sys.stderr.write('infra/bytecode: the functions run %s and this is %s: no bytecode added\n'
                         % (', '.join(sorted(map(str, runtimes))), runtime_tag()))
        return 0
    added = add_bytecode(zip_path)
    sys.stderr.write('infra/bytecode: %d .pyc files added to %s\n' % (added, zip_path))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
