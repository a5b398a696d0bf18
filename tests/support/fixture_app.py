"""A tiny Chalice app for testing the local runtime's mechanics (not the product).

Run it with ``python -m infra.local --app tests.support.fixture_app --no-seed``.
It records what its handlers receive and exposes the record over REST, so tests in
another process can see exactly which events arrived.
"""
import json
import os
import threading
import time

import boto3
from chalice import Chalice, Response

app = Chalice(app_name='fixture')
app.experimental_feature_flags.update(['WEBSOCKETS'])

_lock = threading.Lock()
_events = []          # (kind, details) in arrival order
_attempts = {}        # SQS body -> receive counts seen


def _record(kind, **details):
    with _lock:
        _events.append(dict(kind=kind, **details))


def _management():
    return boto3.client('apigatewaymanagementapi', endpoint_url=os.environ['WS_ENDPOINT_URL'])


def _post(connection_id, payload):
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    _management().post_to_connection(ConnectionId=connection_id, Data=data)


# ----------------------------------------------------------------------------- REST
@app.route('/hello/{name}')
def hello(name):
    req = app.current_request
    return {'hello': name, 'query': req.query_params, 'method': req.method,
            'stage': req.context.get('stage'), 'path': req.context.get('path')}


@app.route('/echo', methods=['POST', 'PUT'])
def echo():
    req = app.current_request
    return {'json': req.json_body, 'headers': dict(req.headers)}


@app.route('/page')
def page():
    return Response(body='<!doctype html><h1>hi</h1>', headers={'Content-Type': 'text/html; charset=utf-8'})


@app.route('/logo.png')
def logo():
    png = b'\x89PNG\r\n\x1a\n' + bytes(range(256))
    return Response(body=png, headers={'Content-Type': 'image/png'})


@app.route('/boom')
def boom():
    raise RuntimeError('boom')


@app.route('/fixture/events')
def events():
    with _lock:
        return {'events': list(_events), 'attempts': dict(_attempts)}


@app.route('/fixture/enqueue', methods=['POST'])
def enqueue():
    sqs = boto3.client('sqs')
    for body in app.current_request.json_body['bodies']:
        sqs.send_message(QueueUrl=os.environ['NOTIFY_QUEUE_URL'], MessageBody=body)
    return {'ok': True}


# ----------------------------------------------------------------------------- WebSocket
@app.on_ws_connect()
def ws_connect(event):
    raw = event.to_dict()
    query = raw.get('queryStringParameters') or {}
    _record('connect', connection_id=event.connection_id, query=query,
            user_agent=raw['headers'].get('User-Agent'), request_context=raw['requestContext'])
    if query.get('deny'):
        return {'statusCode': int(query['deny'])}
    return {'statusCode': 200}


@app.on_ws_message()
def ws_message(event):
    body = event.json_body
    _record('message', connection_id=event.connection_id, body=body)
    action = body.get('action')
    if action == 'echo':
        time.sleep(float(body.get('sleep', 0)))
        _post(event.connection_id, {'type': 'echo', 'n': body.get('n'), 'text': body.get('text')})
    elif action == 'whoami':
        _post(event.connection_id, {'type': 'whoami', 'connection_id': event.connection_id})
    elif action == 'crash':
        raise RuntimeError('crash requested')


@app.on_ws_disconnect()
def ws_disconnect(event):
    raw = event.to_dict()
    _record('disconnect', connection_id=event.connection_id,
            code=raw['requestContext'].get('disconnectStatusCode'))


# ----------------------------------------------------------------------------- SQS
@app.on_sqs_message(queue='fixture-notifications', batch_size=10)
def on_notification(event):
    """Bodies: 'ok…' succeed, 'once…' fail on their first receive, 'fail…' always fail, 'raise' raises."""
    failures = []
    for record in event:
        raw = record.to_dict()
        count = int(raw['attributes']['ApproximateReceiveCount'])
        with _lock:
            _attempts.setdefault(record.body, []).append(count)
        _record('sqs', body=record.body, message_id=raw['messageId'], receive_count=count,
                source=raw['eventSourceARN'])
        if record.body == 'raise':
            raise RuntimeError('batch failure requested')
        if record.body.startswith('fail') or (record.body.startswith('once') and count == 1):
            failures.append({'itemIdentifier': raw['messageId']})
    return {'batchItemFailures': failures}
