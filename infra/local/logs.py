"""One readable line per request, socket event, handler call and queue delivery."""
import logging
import re
import sys

LOG = logging.getLogger('infra.local')

# Libraries whose per-request chatter is noise here.
_QUIET = ('werkzeug', 'aiohttp.access', 'aiohttp.server', 'aiohttp.web', 'botocore', 'boto3', 'urllib3',
          'pynamodb', 'moto', 'websockets')


# Credentials never reach the log, in any form: a malformed `Authorization` header that a library prints
# while refusing the request, a token or ticket in a query string, a signed session.
_SECRET = re.compile(r'(?i)(bearer(?:\\x00|\s|%20)*|(?:token|ticket|session|user_hash)=)[^\s&\'",;]+')


class Redact(logging.Filter):
    def filter(self, record):
        text = record.getMessage()
        clean = _SECRET.sub(lambda m: m.group(1) + '[redacted]', text)
        if clean != text:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _SECRET.sub(lambda m: m.group(1) + '[redacted]', record.exc_text)
        return True


def setup(level=logging.INFO, stream=None):
    """Route our lines and other libraries' warnings to one stream (stderr by default)."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter('%(asctime)s.%(msecs)03d %(message)s', '%H:%M:%S'))
    handler.addFilter(Redact())
    LOG.handlers[:] = [handler]
    LOG.setLevel(level)
    LOG.propagate = False

    other = logging.StreamHandler(stream)
    other.setFormatter(logging.Formatter('%(asctime)s.%(msecs)03d %(levelname)-5s %(name)s: %(message)s',
                                         '%H:%M:%S'))
    other.addFilter(Redact())
    root = logging.getLogger()
    root.handlers[:] = [other]
    root.setLevel(logging.WARNING)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.ERROR)


def ms(seconds):
    return '%.1f ms' % (seconds * 1000.0)


def short(text, limit=60):
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + '…'
