"""Small clients for tests that talk to a running local stack: REST over urllib, sockets over
the ``websockets`` library, and the management API over botocore. Every wait is bounded."""
import asyncio
import json
import time
import urllib.error
import urllib.request


def http(method, url, body=None, *, token=None, headers=None, timeout=10):
    """Returns (status, headers, raw bytes)."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs.setdefault('Content-Type', 'application/json')
    if token:
        hdrs['Authorization'] = 'Bearer %s' % token
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def http_json(method, url, body=None, **kw):
    """Returns (status, parsed JSON or None)."""
    status, _, raw = http(method, url, body, **kw)
    return status, (json.loads(raw) if raw else None)


def wait_for(predicate, timeout=10.0, interval=0.05, message='condition'):
    """Poll ``predicate`` until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError('timed out after %.1f s waiting for %s' % (timeout, message))
        time.sleep(interval)


async def recv_json(ws, timeout=5.0):
    raw = await asyncio.wait_for(ws.recv(), timeout)
    return json.loads(raw)


async def recv_until(ws, predicate, timeout=5.0, seen=None):
    """Receive frames until one satisfies ``predicate``; frames before it go to ``seen`` (a list)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError('no matching frame within %.1f s (seen: %r)' % (timeout, seen))
        frame = await recv_json(ws, left)
        if predicate(frame):
            return frame
        if seen is not None:
            seen.append(frame)


async def no_frame(ws, within=0.5):
    """Assert that nothing arrives for ``within`` seconds."""
    try:
        raw = await asyncio.wait_for(ws.recv(), within)
    except asyncio.TimeoutError:
        return
    raise AssertionError('unexpected frame: %s' % raw)


def sqs_client(stack):
    import boto3
    return boto3.client('sqs', endpoint_url=stack['aws_endpoint_url'], region_name=stack['region'],
                        aws_access_key_id='testing', aws_secret_access_key='testing')
