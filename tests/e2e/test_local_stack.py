"""The whole system on the local runtime, over real sockets: visitor, bot, queue, operators.

One stack (subprocess, demo data seeded) serves the module; leaving it checks the process
stops cleanly and leaves nothing listening. The socket protocol is README.md (Protocol).
"""
import asyncio
import itertools
import json
import time

import pytest
import websockets
from websockets.asyncio.client import connect

from tests.support.clients import http, http_json, no_frame, recv_until
from tests.support.local_stack import local_stack

_ids = itertools.count(1)


@pytest.fixture(scope='module')
def stack():
    with local_stack() as info:
        yield info


def new_visitor(stack, **attributes):
    body = {'agent_id': stack['agent_id']}
    if attributes:
        body['attributes'] = attributes
    status, session = http_json('POST', stack['http_url'] + '/visitor/session', body)
    assert status == 200, session
    return session


async def send(ws, action, **fields):
    fields.setdefault('request_id', 'r%d' % next(_ids))
    await ws.send(json.dumps(dict(action=action, **fields)))
    return fields['request_id']


def is_message(role, conversation_id=None):
    return lambda f: (f.get('type') == 'message' and f['message']['role'] == role
                      and (conversation_id is None or f['conversation_id'] == conversation_id))


def is_handoff(status, conversation_id):
    return lambda f: (f.get('type') == 'handoff' and f['conversation_id'] == conversation_id
                      and f['handoff']['status'] == status)


def last_seq(frames):
    seqs = [f['message']['seq'] for f in frames if f.get('type') == 'message']
    seqs += [m['seq'] for f in frames if f.get('type') == 'history' for m in f['messages']]
    return max(seqs)


def test_pages_and_client_config_are_served(stack):
    status, config = http_json('GET', stack['http_url'] + '/client-config')
    assert status == 200 and config['ws_url'] == stack['ws_url']
    for path in ('/', '/demo'):
        status, headers, body = http('GET', stack['http_url'] + path)
        assert status == 200 and headers['Content-Type'].startswith('text/html') and body
    status, headers, _ = http('GET', stack['http_url'] + '/widget.js')
    assert status == 200 and 'javascript' in headers['Content-Type']


def test_bad_credentials_are_refused_at_the_upgrade(stack):
    async def run():
        codes = []
        for query in ('', '?token=op_nope', '?session=forged.token'):
            with pytest.raises(websockets.exceptions.InvalidStatus) as e:
                async with connect(stack['ws_url'] + query):
                    pass
            codes.append(e.value.response.status_code)
        return codes
    assert all(code in (401, 403) for code in asyncio.run(run()))


def test_bot_then_human_then_bot_again(stack):
    session = new_visitor(stack, name='Ada')
    cid = session['conversation_id']
    alice, bob = stack['operators']['Alice'], stack['operators']['Bob']
    base = stack['http_url']

    async def run():
        async with connect(stack['ws_url'] + '?token=' + alice) as op_a, \
                connect(stack['ws_url'] + '?token=' + bob) as op_b, \
                connect(stack['ws_url'] + '?session=' + session['session']) as visitor:
            # 1. the bot answers from the knowledge base
            await send(visitor, 'send', client_message_id='c-1', text='How long does shipping take?')
            ack = await recv_until(visitor, lambda f: f.get('type') == 'ack')
            assert ack['client_message_id'] == 'c-1' and ack['duplicate'] is False
            bot = await recv_until(visitor, is_message('bot', cid))
            assert '3-5 business days' in bot['message']['text']

            # 2. the visitor asks for a person; every operator of the agent gets the queued inbox push
            await send(visitor, 'request_human')
            await recv_until(visitor, is_handoff('pending', cid))
            for op in (op_a, op_b):
                inbox = await recv_until(op, lambda f: f.get('type') == 'inbox' and f['conversation']['id'] == cid,
                                         timeout=10)
                assert inbox['event'] == 'handoff.requested' and inbox['agent_id'] == stack['agent_id']
                assert inbox['conversation']['status'] == 'pending' and inbox['counts']['pending'] >= 1

            # 3. Alice reads the history over REST and takes the conversation; Bob is too late
            status, history = await asyncio.to_thread(
                http_json, 'GET', '%s/conversations/%s/messages?after=0' % (base, cid), token=alice)
            assert status == 200
            # welcome, question, answer, "you asked for a person"
            assert [(m['seq'], m['role']) for m in history['messages']] == \
                [(1, 'bot'), (2, 'visitor'), (3, 'bot'), (4, 'system')]
            assert '3-5 business days' in history['messages'][2]['text']
            status, body = await asyncio.to_thread(
                http_json, 'POST', '%s/conversations/%s/acknowledge' % (base, cid), token=alice)
            assert status == 200 and body['handoff']['status'] == 'acknowledged'
            assert body['handoff']['owner']['name'] == 'Alice'
            status, body = await asyncio.to_thread(
                http_json, 'POST', '%s/conversations/%s/acknowledge' % (base, cid), token=bob)
            assert status == 409 and body['error']['code'] == 'already_acknowledged'
            await recv_until(visitor, is_handoff('acknowledged', cid))

            # 4. while a person is in charge the bot stays silent
            await send(visitor, 'send', client_message_id='c-2', text='What are your opening hours?')
            mine = await recv_until(op_a, is_message('visitor', cid))
            assert mine['message']['text'] == 'What are your opening hours?'
            frames = []
            await recv_until(visitor, lambda f: f.get('type') == 'ack' and f['client_message_id'] == 'c-2',
                             seen=frames)
            await no_frame(visitor, within=0.7)

            # 5. Alice replies over the socket; the visitor sees a human message from Alice
            await send(op_a, 'reply', conversation_id=cid, client_message_id='o-1', text="Hi Ada, I'm Alice.")
            ack = await recv_until(op_a, lambda f: f.get('type') == 'ack' and f['client_message_id'] == 'o-1')
            reply = await recv_until(visitor, is_message('human', cid))
            assert reply['message']['text'] == "Hi Ada, I'm Alice." and reply['message']['author'] == 'Alice'
            assert reply['message']['seq'] == ack['seq']

            # 6. Bob may not reply to Alice's conversation
            await send(op_b, 'reply', conversation_id=cid, client_message_id='o-b', text='me too')
            err = await recv_until(op_b, lambda f: f.get('type') == 'error')
            assert err['code'] == 'not_owner'

            # 7. Alice resolves; the bot answers again
            await send(op_a, 'resolve', conversation_id=cid)
            await recv_until(visitor, is_handoff('resolved', cid))
            await send(visitor, 'send', client_message_id='c-3', text='Which payment methods do you accept?')
            bot = await recv_until(visitor, is_message('bot', cid))
            assert 'Visa' in bot['message']['text']
    asyncio.run(run())


def test_visitor_drops_mid_handoff_and_resumes_exactly_what_it_missed(stack):
    session = new_visitor(stack)
    cid = session['conversation_id']
    alice = stack['operators']['Alice']

    async def run():
        async with connect(stack['ws_url'] + '?token=' + alice) as op:
            visitor = await connect(stack['ws_url'] + '?session=' + session['session'])
            seen = []
            await send(visitor, 'request_human')
            await recv_until(visitor, is_handoff('pending', cid), seen=seen)
            await send(op, 'acknowledge', conversation_id=cid)
            seen.append(await recv_until(visitor, is_handoff('acknowledged', cid), seen=seen))
            await recv_until(op, is_handoff('acknowledged', cid))
            after = last_seq(seen)

            # the visitor's network goes away without a close frame
            visitor.transport.abort()
            await asyncio.sleep(0.2)

            replies = ['Are you still there?', 'I found your order: it ships today.']
            for n, text in enumerate(replies):
                await send(op, 'reply', conversation_id=cid, client_message_id='o-%d' % n, text=text)
                await recv_until(op, lambda f: f.get('type') == 'ack' and f['client_message_id'] == 'o-%d' % n)

            async with connect(stack['ws_url'] + '?session=' + session['session']) as back:
                await send(back, 'resume', after=after)
                missed = []
                while True:
                    frame = await recv_until(back, lambda f: f.get('type') == 'history')
                    assert frame['conversation_id'] == cid
                    missed += frame['messages']
                    if frame['complete']:
                        break
                assert [(m['role'], m['text'], m['author']) for m in missed] == \
                    [('human', text, 'Alice') for text in replies]
                assert [m['seq'] for m in missed] == [after + 1, after + 2]
                assert frame['handoff']['status'] == 'acknowledged'
                await no_frame(back, within=0.3)
    asyncio.run(run())


def test_runtime_logs_are_readable(stack):
    with open(stack['log_path']) as f:
        log = f.read()
    assert 'ws    $default' in log and 'action=send' in log and 'sqs   on_notification' in log
    assert 'http  POST   /visitor/session  200' in log
    assert 'werkzeug' not in log and '"POST / HTTP' not in log
    assert 'Traceback' not in log and 'ERROR' not in log, log       # no handler failed along the way


def test_no_token_reaches_the_log_in_any_form(stack):
    """A malformed Authorization header (refused by the HTTP server itself) and tokens in query strings."""
    import socket
    import urllib.parse
    import urllib.request
    token = next(iter(stack['operators'].values()))
    host, port = urllib.parse.urlsplit(stack['http_url']).netloc.split(':')
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(b'GET /operator/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \x00' + token.encode()
                    + b'\r\n\r\n')
        raw.recv(4096)
    for url in ('/operator/me?token=%s' % token, '/agents/x/inbox?ticket=%s&session=%s' % (token, token)):
        try:
            urllib.request.urlopen(stack['http_url'] + url, timeout=5).read()
        except Exception:
            pass
    time.sleep(0.3)
    with open(stack['log_path']) as f:
        log = f.read()
    # Only the start banner shows the demo tokens, once, for the person who ran `make run`; no request line does.
    assert log.count(token[8:30]) == 1 and log.count(token) == 1


def test_gateway_refusals_have_the_documented_shape(stack):
    """An unknown path is 404 {"error": {"code": "not_found"}} here, as the template's GatewayResponses make it in AWS."""
    status, body = http_json('GET', stack['http_url'] + '/no/such/route')
    assert status == 404 and body['error']['code'] == 'not_found'
    status, body = http_json('DELETE', stack['http_url'] + '/operator/me')
    assert status == 405 and body['error']['code'] == 'method_not_allowed'
