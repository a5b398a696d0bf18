"""The local API Gateway's mechanics, with a tiny fixture app (tests/support/fixture_app.py)."""
import asyncio
import json
import random

import pytest
import websockets
from botocore.exceptions import ClientError
from websockets.asyncio.client import connect

from tests.support.clients import http, http_json, recv_json, recv_until, wait_for
from tests.support.local_stack import aws_client, local_stack

FIXTURE = 'tests.support.fixture_app'
LIMIT = 128 * 1024


@pytest.fixture(scope='module')
def stack():
    with local_stack(app=FIXTURE, seed=False, args=['--visibility-timeout', '1']) as info:
        yield info


def events(stack, kind=None, **match):
    _, body = http_json('GET', stack['http_url'] + '/fixture/events')
    return [e for e in body['events']
            if (kind is None or e['kind'] == kind) and all(e.get(k) == v for k, v in match.items())]


async def whoami(ws):
    await ws.send(json.dumps({'action': 'whoami'}))
    return (await recv_until(ws, lambda f: f.get('type') == 'whoami'))['connection_id']


# ----------------------------------------------------------------------------- REST
def test_rest_event_has_route_query_and_stage(stack):
    status, body = http_json('GET', stack['http_url'] + '/hello/ada?x=1&x=2&flag=')
    assert status == 200
    assert body == {'hello': 'ada', 'query': {'x': '2', 'flag': ''}, 'method': 'GET', 'stage': 'api',
                    'path': '/hello/ada'}


def test_rest_json_body_and_headers(stack):
    status, body = http_json('POST', stack['http_url'] + '/echo', {'a': [1, 'é']}, headers={'X-Custom': 'v'})
    assert status == 200
    assert body['json'] == {'a': [1, 'é']}
    assert body['headers']['x-custom'] == 'v'
    assert body['headers']['x-forwarded-for'] == '127.0.0.1'


def test_static_text_and_binary_responses(stack):
    status, headers, raw = http('GET', stack['http_url'] + '/page')
    assert (status, headers['Content-Type'], raw) == (200, 'text/html; charset=utf-8', b'<!doctype html><h1>hi</h1>')
    status, headers, raw = http('GET', stack['http_url'] + '/logo.png', headers={'Accept': 'image/png'})
    assert (status, headers['Content-Type']) == (200, 'image/png')
    assert raw == b'\x89PNG\r\n\x1a\n' + bytes(range(256))


def test_unknown_route_and_handler_error(stack):
    status, body = http_json('GET', stack['http_url'] + '/no/such/route')
    # what the deployed API answers for a path it has no resource for (the template's gateway response)
    assert status == 404 and body['error']['code'] == 'not_found'
    status, body = http_json('GET', stack['http_url'] + '/boom')
    assert status == 500 and body['Code'] == 'InternalServerError'


def test_plain_get_on_socket_path_wants_upgrade(stack):
    status, _, _ = http('GET', stack['http_url'] + '/ws')
    assert status == 426


# ----------------------------------------------------------------------------- WebSocket API
def test_connect_event_carries_query_headers_and_context(stack):
    async def run():
        async with connect(stack['ws_url'] + '?session=abc&x=1', user_agent_header='pytest-agent') as ws:
            return await whoami(ws)
    conn_id = asyncio.run(run())
    assert len(conn_id) == 16 and '/' not in conn_id and '+' not in conn_id
    (event,) = events(stack, 'connect', connection_id=conn_id)
    assert event['query'] == {'session': 'abc', 'x': '1'}
    assert event['user_agent'] == 'pytest-agent'
    ctx = event['request_context']
    assert ctx['routeKey'] == '$connect' and ctx['eventType'] == 'CONNECT'
    assert ctx['connectionId'] == conn_id and ctx['stage'] == 'api' and ctx['apiId']
    assert ctx['domainName'] and ctx['requestTimeEpoch'] > 0 and ctx['identity']['sourceIp'] == '127.0.0.1'
    wait_for(lambda: events(stack, 'disconnect', connection_id=conn_id), message='$disconnect')


@pytest.mark.parametrize('status', [401, 403])
def test_connect_refused_with_the_handlers_status(stack, status):
    async def run():
        with pytest.raises(websockets.exceptions.InvalidStatus) as e:
            async with connect(stack['ws_url'] + '?deny=%d' % status):
                pass
        return e.value.response.status_code
    assert asyncio.run(run()) == status


def test_frames_of_one_connection_are_handled_in_order(stack):
    async def run():
        async with connect(stack['ws_url']) as ws:
            for n in range(30):
                await ws.send(json.dumps({'action': 'echo', 'n': n, 'sleep': random.choice([0, 0.002, 0.01])}))
            return [(await recv_json(ws))['n'] for _ in range(30)]
    assert asyncio.run(run()) == list(range(30))


def test_handler_error_gives_api_gateways_error_frame(stack):
    async def run():
        async with connect(stack['ws_url']) as ws:
            await ws.send(json.dumps({'action': 'crash'}))
            frame = await recv_json(ws)
            conn_id = await whoami(ws)      # the socket stays open
            return frame, conn_id
    frame, conn_id = asyncio.run(run())
    assert frame['message'] == 'Internal server error' and frame['connectionId'] == conn_id


def test_incoming_message_limit_is_128_kb(stack):
    async def run():
        async with connect(stack['ws_url'], max_size=None) as ws:
            frame = json.dumps({'action': 'noop', 'pad': ''})
            await ws.send(frame[:-2] + 'x' * (LIMIT - len(frame)) + '"}')     # exactly 128 KB: accepted
            await whoami(ws)
            await ws.send(frame[:-2] + 'x' * (LIMIT + 1 - len(frame)) + '"}')  # one byte more: closed
            with pytest.raises(websockets.exceptions.ConnectionClosed) as e:
                await asyncio.wait_for(ws.recv(), 5)
            return e.value.rcvd.code
    assert asyncio.run(run()) == 1009


def management_client(stack, **credentials):
    return aws_client(stack, 'apigatewaymanagementapi', **credentials)


def test_management_api(stack):
    mgmt = management_client(stack)

    async def run():
        async with connect(stack['ws_url'], max_size=None) as ws:
            conn_id = await whoami(ws)
            await asyncio.to_thread(mgmt.post_to_connection, ConnectionId=conn_id, Data=b'{"type": "hello"}')
            assert await recv_json(ws) == {'type': 'hello'}
            big = b'"' + b'y' * (LIMIT - 2) + b'"'
            await asyncio.to_thread(mgmt.post_to_connection, ConnectionId=conn_id, Data=big)
            assert len(await asyncio.wait_for(ws.recv(), 5)) == LIMIT
            with pytest.raises(ClientError) as e:
                await asyncio.to_thread(mgmt.post_to_connection, ConnectionId=conn_id, Data=big + b' ')
            assert e.value.response['Error']['Code'] == 'PayloadTooLargeException'
            assert e.value.response['ResponseMetadata']['HTTPStatusCode'] == 413
            info = await asyncio.to_thread(mgmt.get_connection, ConnectionId=conn_id)
            assert info['Identity']['SourceIp'] == '127.0.0.1' and info['ConnectedAt'] <= info['LastActiveAt']
            await asyncio.to_thread(mgmt.delete_connection, ConnectionId=conn_id)
            with pytest.raises(websockets.exceptions.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 5)
            return conn_id
    conn_id = asyncio.run(run())
    for call in (lambda: mgmt.post_to_connection(ConnectionId=conn_id, Data=b'{}'),
                 lambda: mgmt.get_connection(ConnectionId=conn_id),
                 lambda: mgmt.delete_connection(ConnectionId=conn_id),
                 lambda: mgmt.post_to_connection(ConnectionId='never-existed', Data=b'{}')):
        with pytest.raises(mgmt.exceptions.GoneException):
            call()
    wait_for(lambda: events(stack, 'disconnect', connection_id=conn_id), message='$disconnect')


def test_management_api_requires_a_signature(stack):
    status, headers, _ = http('POST', stack['http_url'] + '/@connections/whatever', b'{}')
    assert status == 403 and headers['x-amzn-ErrorType'] == 'MissingAuthenticationTokenException'


def test_management_api_refuses_credentials_other_than_this_runs(stack):
    """Only the app has the run's access key id: a correctly signed request with other keys gets 403."""
    async def run():
        async with connect(stack['ws_url']) as ws:
            conn_id = await whoami(ws)
            refused = []
            for key in ('testing', stack['aws_access_key_id'][:-1], stack['aws_access_key_id'] + 'X'):
                other = management_client(stack, aws_access_key_id=key, aws_secret_access_key='testing')
                for call in (lambda: other.post_to_connection(ConnectionId=conn_id, Data=b'{"type": "forged"}'),
                             lambda: other.get_connection(ConnectionId=conn_id),
                             lambda: other.delete_connection(ConnectionId=conn_id)):
                    with pytest.raises(ClientError) as e:
                        await asyncio.to_thread(call)
                    refused.append(e.value.response['ResponseMetadata']['HTTPStatusCode'])
            # a hand-made header naming the right key id but without a signature is refused as well
            status, _, _ = await asyncio.to_thread(
                http, 'POST', stack['http_url'] + '/@connections/' + conn_id, b'{"type": "forged"}',
                headers={'Authorization': 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/'
                                          'execute-api/aws4_request, SignedHeaders=host, Signature=00'})
            refused.append(status)
            # the socket got none of it and is still open
            assert await whoami(ws) == conn_id
            return refused
    assert asyncio.run(run()) == [403] * 10


def test_a_frame_that_breaks_json_parsing_does_not_kill_the_socket(stack):
    """Deeply nested JSON raises RecursionError (not ValueError) in json.loads: later frames are still
    handled and $disconnect still runs."""
    async def run():
        ws = await connect(stack['ws_url'], max_size=None)
        conn_id = await whoami(ws)
        await ws.send('[' * 50000 + ']' * 50000)
        await ws.send('{"action": ' + '[' * 50000 + ']' * 50000 + '}')
        await ws.send(json.dumps({'action': 'echo', 'n': 7}))
        frames = []
        while not frames or frames[-1].get('type') != 'echo':
            frames.append(await recv_json(ws))
        assert frames[-1]['n'] == 7
        assert await whoami(ws) == conn_id
        await ws.close()
        return conn_id
    conn_id = asyncio.run(run())
    wait_for(lambda: events(stack, 'disconnect', connection_id=conn_id), message='$disconnect')


def test_disconnect_event_reports_the_close_code(stack):
    async def run():
        ws = await connect(stack['ws_url'])
        conn_id = await whoami(ws)
        await ws.close(code=4000, reason='bye')
        return conn_id
    conn_id = asyncio.run(run())
    (event,) = wait_for(lambda: events(stack, 'disconnect', connection_id=conn_id), message='$disconnect')
    assert event['code'] == 4000


def test_log_has_one_line_per_event(stack):
    async def run():
        async with connect(stack['ws_url']) as ws:
            return await whoami(ws)
    conn_id = asyncio.run(run())
    wait_for(lambda: events(stack, 'disconnect', connection_id=conn_id), message='$disconnect')

    def lines():
        with open(stack['log_path']) as f:
            return [l for l in f if conn_id in l]
    found = wait_for(lambda: (lambda ls: ls if len(ls) >= 4 else None)(lines()), message='log lines')
    text = ''.join(found)
    assert '$connect' in text and 'action=whoami' in text and 'type=whoami' in text and '$disconnect' in text
    assert ' ms' in text
    with open(stack['log_path']) as f:
        log = f.read()
    assert '"POST /' not in log and 'werkzeug' not in log       # no moto/werkzeug request noise


# ----------------------------------------------------------------------------- timeouts, shutdown
def test_idle_timeout_max_age_and_shutdown():
    cm = local_stack(app=FIXTURE, seed=False, args=['--idle-timeout', '1', '--max-connection-age', '2.5'])
    stack = cm.__enter__()
    try:
        async def run():
            loop = asyncio.get_running_loop()
            # idle: nothing sent for 1 s -> 1001
            async with connect(stack['ws_url'], ping_interval=None) as idle:
                t0 = loop.time()
                with pytest.raises(websockets.exceptions.ConnectionClosed) as e:
                    await asyncio.wait_for(idle.recv(), 5)
                assert e.value.rcvd.code == 1001 and 0.9 <= loop.time() - t0 < 3
            # busy but old: closed at the maximum age although active
            async with connect(stack['ws_url']) as busy:
                t0 = loop.time()
                with pytest.raises(websockets.exceptions.ConnectionClosed) as e:
                    while True:
                        await busy.send(json.dumps({'action': 'whoami'}))
                        await asyncio.wait_for(busy.recv(), 5)
                        await asyncio.sleep(0.3)
                assert e.value.rcvd.code == 1001 and 2.4 <= loop.time() - t0 < 5
            # shutdown with a socket open: the client sees 1001, the process exits 0, ports are free
            ws = await connect(stack['ws_url'])
            await asyncio.to_thread(cm.__exit__, None, None, None)
            with pytest.raises(websockets.exceptions.ConnectionClosed) as e:
                await asyncio.wait_for(ws.recv(), 5)
            assert e.value.rcvd.code == 1001
        asyncio.run(run())
    except BaseException:
        cm.__exit__(None, None, None)
        raise
