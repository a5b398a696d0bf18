"""One readable line per request, socket event, handler call and queue delivery."""
import logging
import sys

LOG = logging.getLogger('infra.local')

# Libraries whose per-request chatter is noise here.
_QUIET = ('werkzeug', 'aiohttp.access', 'aiohttp.server', 'aiohttp.web', 'botocore', 'boto3', 'urllib3',
          'pynamodb', 'moto', 'websockets')


def setup(level=logging.INFO, stream=None):
    """Route our lines and other libraries' warnings to one stream (stderr by default)."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter('%(asctime)s.%(msecs)03d %(message)s', '%H:%M:%S'))
    LOG.handlers[:] = [handler]
    LOG.setLevel(level)
    LOG.propagate = False

    other = logging.StreamHandler(stream)
    other.setFormatter(logging.Formatter('%(asctime)s.%(msecs)03d %(levelname)-5s %(name)s: %(message)s',
                                         '%H:%M:%S'))
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
