"""The dashboard and widget files, served by the API itself (one origin locally and in AWS).

Files live in chalicelib/static/, at most one folder deep (`lib/socket.js`, `dashboard/inbox.js`):
the name is checked against a strict pattern before any file system access, so no path traversal.
"""
import os
import re

STATIC_DIR = os.path.join(os.path.dirname(__file__), 'static')
# text/javascript: the type browsers require for ES modules (`import`) and the one RFC 9239 prefers.
TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
         '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/json'}
_NAME = re.compile(r'(?:[A-Za-z0-9_\-]+/)?[A-Za-z0-9_\-]+\.(html|js|css|svg|json)')


def load(name):
    """(body, content type) of a static file, or None. `name` is "file.ext" or "folder/file.ext"."""
    if not _NAME.fullmatch(name or ''):
        return None
    path = os.path.join(STATIC_DIR, *name.split('/'))
    if not os.path.isfile(path):
        return None
    with open(path, encoding='utf-8') as f:
        return f.read(), TYPES[os.path.splitext(name)[1]]


def headers(content_type):
    """Response headers of a static file."""
    return {
        'Content-Type': content_type,
        # Browsers keep them for 5 minutes: each file is otherwise one Lambda invocation per page view.
        'Cache-Control': 'public, max-age=300',
        # The widget's modules are imported by pages on other sites, and module scripts are fetched
        # with CORS. The files are public and carry no credentials.
        'Access-Control-Allow-Origin': '*',
    }
