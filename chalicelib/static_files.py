"""The dashboard and widget files, served by the API itself (one origin locally and in AWS)."""
import os
import re

STATIC_DIR = os.path.join(os.path.dirname(__file__), 'static')
TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'application/javascript; charset=utf-8',
         '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/json'}
_NAME = re.compile(r'^[A-Za-z0-9_\-]+\.(html|js|css|svg|json)$')


def load(name):
    """(body, content type) of a static file, or None. Flat names only: no path traversal."""
    if not _NAME.match(name or ''):
        return None
    path = os.path.join(STATIC_DIR, name)
    if not os.path.isfile(path):
        return None
    with open(path, encoding='utf-8') as f:
        return f.read(), TYPES[os.path.splitext(name)[1]]
