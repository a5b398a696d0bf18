"""REST glue: every error a client sees is `{"error": {"code", "message"}}` with its 4xx status.

Chalice converts exceptions raised in a view before any middleware sees them, so the app's own
errors are converted by wrapping each view (`json_errors`); the errors Chalice makes itself (405 wrong
method, 415 media type, its 400/500) are reshaped by a middleware (`framework_errors`).
"""
import functools
import re

from chalice import BadRequestError, Response

from chalicelib.errors import AppError

_FRAMEWORK_CODES = {'MethodNotAllowedError': 'method_not_allowed', 'UnsupportedMediaType': 'unsupported_media_type',
                    'BadRequest': 'invalid_request', 'BadRequestError': 'invalid_json', 'NotFoundError': 'not_found',
                    'InternalServerError': 'internal_error'}


def json_errors(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except AppError as err:
            return Response({'error': err.to_dict()}, status_code=err.status)
        except (BadRequestError, RecursionError):   # a body Chalice could not parse, or nested too deeply
            return Response({'error': {'code': 'invalid_json', 'message': 'the body is not valid JSON'}},
                            status_code=400)
    return wrapper


def framework_errors(event, get_response):
    """Chalice's `{"Code", "Message"}` errors in the documented shape."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and set(body) == {'Code', 'Message'}:
        code = _FRAMEWORK_CODES.get(body['Code']) or re.sub(r'(?<!^)(?=[A-Z])', '_', body['Code']).lower()
        response.body = {'error': {'code': code, 'message': body['Message']}}
    return response


# ---- security headers of the pages and files the API serves ------------------------------------------

_INLINE_SCRIPT = re.compile(r'<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>', re.S | re.I)
_INLINE_STYLE = re.compile(r'<style[^>]*>(.*?)</style>', re.S | re.I)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"', re.I)


def _hashes(pattern, text):
    import base64
    import hashlib
    found = sorted({"'sha256-%s'" % base64.b64encode(hashlib.sha256(m.encode()).digest()).decode()
                    for m in pattern.findall(text)})
    return ' '.join(found)


def content_security_policy(html, ws_url=''):
    """The policy of one of our HTML pages: only what it loads. Scripts and styles from this origin, plus
    the page's own inline blocks by hash (computed from the file, so editing a page cannot silently
    break or widen it); API calls to this origin and the WebSocket API (WS_PUBLIC_URL's origin, or any
    ws:/wss: host when it is not configured); no plugins, no framing, no <base> rewriting."""
    from urllib.parse import urlsplit
    scripts = _hashes(_INLINE_SCRIPT, html)
    styles = _hashes(_INLINE_STYLE, html)
    attributes = _hashes(_STYLE_ATTRIBUTE, html)
    parts = urlsplit(ws_url) if ws_url else None
    sockets = '%s://%s' % (parts.scheme, parts.netloc) if parts and parts.scheme in ('ws', 'wss') and parts.netloc \
        else 'ws: wss:'
    directives = [
        "default-src 'none'",
        ("script-src 'self' " + scripts).strip(),
        ("style-src 'self' " + styles + (" 'unsafe-hashes' " + attributes if attributes else '')).strip(),
        "img-src 'self' data:",
        "connect-src 'self' " + sockets,
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
    return '; '.join(d.replace('  ', ' ') for d in directives)


def security_headers(content_type, body, ws_url=''):
    """Headers every static response carries; HTML pages also get their Content-Security-Policy. The
    widget's script, modules and CSS keep loading from any origin (static_files sets CORS for them):
    these headers restrict only what OUR pages may do."""
    headers = {'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer'}
    if content_type.startswith('text/html'):
        headers['Content-Security-Policy'] = content_security_policy(body, ws_url)
        headers['X-Frame-Options'] = 'DENY'
    return headers
