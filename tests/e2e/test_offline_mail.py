"""On the local runtime: out of hours, a visitor leaves an email and a message; the operator's reply goes
out through the embedded SES (read back from /_local/mail.json, as a person would at /_local/mail) and is
in the widget when the visitor comes back. Then the notification queue disappears: a request for a person
still reaches the operators, once, through the outbox sweeper."""
import asyncio
import json

from websockets.asyncio.client import connect

import pytest

from tests.support.clients import http, http_json, no_frame, recv_until, sqs_client, wait_for
from tests.support.local_stack import local_stack


@pytest.fixture(scope='module')
def stack():
    with local_stack({'OUTBOX_GRACE_SECONDS': '1'}) as info:      # the sweeper takes what is 1 s old
        yield info


def test_offline_request_is_emailed_and_the_reply_is_there_on_return(stack):
    base, alice = stack['http_url'], stack['operators']['Alice']
    _, current = http_json('GET', '%s/agents/%s/settings' % (base, stack['agent_id']), token=alice)
    status, body = http_json('PUT', '%s/agents/%s/settings' % (base, stack['agent_id']), token=alice, body={
        'settings': {'hours': {'time_zone': 'Europe/Paris', 'weekly': {}}},      # never open: messages only
        'version': current['version']})
    assert status == 200, body
    status, session = http_json('POST', base + '/visitor/session', {'agent_id': stack['agent_id']})
    cid = session['conversation_id']

    async def leave_message():
        async with connect(stack['ws_url'] + '?session=' + session['session']) as visitor:
            await visitor.send(json.dumps({'action': 'request_human', 'request_id': 1}))
            offer = await recv_until(visitor, lambda f: f.get('type') == 'message'
                                     and f['message']['meta'].get('offer_contact'))
            assert 'Leave your email address' in offer['message']['text']
            await visitor.send(json.dumps({'action': 'leave_contact', 'email': 'ada@example.org',
                                           'text': 'Where is my parcel?', 'client_message_id': 'm-1'}))
            handoff = await recv_until(visitor, lambda f: f.get('type') == 'handoff')
            assert handoff['handoff']['contact'] == {'email': 'ada@example.org'}
    asyncio.run(leave_message())                     # the visitor closes the tab

    status, inbox = http_json('GET', '%s/agents/%s/inbox?status=pending' % (base, stack['agent_id']), token=alice)
    assert [c['handoff']['reason']['code'] for c in inbox['conversations'] if c['id'] == cid] == ['offline']
    assert http_json('POST', '%s/conversations/%s/acknowledge' % (base, cid), token=alice)[0] == 200
    status, _ = http_json('POST', '%s/conversations/%s/reply' % (base, cid), token=alice,
                          body={'client_message_id': 'r-1', 'text': 'It arrives tomorrow.'})
    assert status == 200

    def mail():
        got = [m for m in http_json('GET', base + '/_local/mail.json')[1] if m['to'] == ['ada@example.org']]
        return got or None
    [sent] = wait_for(mail, timeout=15, message='the reply in SES')
    assert 'It arrives tomorrow.' in sent['body'] and sent['from'] == 'handoff@example.test'
    status, headers, page = http('GET', base + '/_local/mail')
    assert status == 200 and b'It arrives tomorrow.' in page and b'ada@example.org' in page

    async def come_back():
        async with connect(stack['ws_url'] + '?session=' + session['session']) as visitor:
            await visitor.send(json.dumps({'action': 'resume', 'after': 0}))
            history = await recv_until(visitor, lambda f: f.get('type') == 'history')
            return [(m['role'], m['text']) for m in history['messages']]
    assert ('human', 'It arrives tomorrow.') in asyncio.run(come_back())
    def logged():
        with open(stack['log_path']) as f:
            return 'mail  to ada@example.org' in f.read()
    wait_for(logged, timeout=5, message='the mail log line')
    assert len(wait_for(mail, timeout=1)) == 1                   # emailed once


def test_a_request_is_notified_once_although_the_queue_is_gone_at_publish_time(stack):
    base, alice = stack['http_url'], stack['operators']['Alice']
    _, current = http_json('GET', '%s/agents/%s/settings' % (base, stack['agent_id']), token=alice)
    http_json('PUT', '%s/agents/%s/settings' % (base, stack['agent_id']), token=alice,
              body={'settings': {'hours': None}, 'version': current['version']})
    sqs_client(stack).delete_queue(QueueUrl=stack['queue_url'])       # every publish fails from now on
    status, session = http_json('POST', base + '/visitor/session', {'agent_id': stack['agent_id']})
    cid = session['conversation_id']

    async def run():
        async with connect(stack['ws_url'] + '?token=' + alice) as op, \
                connect(stack['ws_url'] + '?session=' + session['session']) as visitor:
            await visitor.send(json.dumps({'action': 'request_human'}))
            await recv_until(visitor, lambda f: f.get('type') == 'handoff' and f['handoff']['status'] == 'pending')
            await recv_until(op, lambda f: f.get('type') == 'handoff' and f['conversation_id'] == cid)   # live
            push = await recv_until(op, lambda f: f.get('type') == 'inbox' and f['conversation']['id'] == cid,
                                    timeout=10)
            assert push['event'] == 'handoff.requested'
            await no_frame(op, within=3)              # the sweeper runs every 2 s: nothing a second time
    asyncio.run(run())
    with open(stack['log_path']) as f:
        log = f.read()
    assert 'could not publish' in log and 'outbox: 1 delivered' in log
