"""Waiting on the local runtime, over real sockets: queue positions move as the queue moves, and the
escalation ladder climbs through the timers queue (SQS DelaySeconds + the runtime's poller, as in AWS)."""
import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from tests.support.clients import http_json, recv_until
from tests.support.local_stack import local_stack


@pytest.fixture(scope='module')
def stack():
    with local_stack() as info:
        yield info


def session(stack):
    status, s = http_json('POST', stack['http_url'] + '/visitor/session', {'agent_id': stack['agent_id']})
    assert status == 200, s
    return s


async def position(ws, rid):
    await ws.send(json.dumps({'action': 'queue', 'request_id': rid}))
    return await recv_until(ws, lambda f: f.get('type') == 'queue' and f.get('request_id') == rid)


def test_two_visitors_see_their_places_and_the_ladder_climbs(stack):
    alice = stack['operators']['Alice']
    url = stack['http_url']
    status, current = http_json('GET', url + '/agents/%s/settings' % stack['agent_id'], token=alice)
    status, _ = http_json('PUT', url + '/agents/%s/settings' % stack['agent_id'], {'settings': {'escalation': {
        'remind_after_seconds': 1, 'escalate_after_seconds': 2, 'tell_visitor_after_seconds': 3}},
        'version': current['version']}, token=alice)
    assert status == 200
    one, two = session(stack), session(stack)

    async def run():
        async with connect(stack['ws_url'] + '?token=' + alice) as op, \
                connect(stack['ws_url'] + '?session=' + one['session']) as v1, \
                connect(stack['ws_url'] + '?session=' + two['session']) as v2:
            for ws in (v1, v2):
                await ws.send(json.dumps({'action': 'request_human', 'request_id': 'ask'}))
                await recv_until(ws, lambda f: f.get('type') == 'handoff' and f['handoff']['status'] == 'pending')
            first, second = await position(v1, 'p1'), await position(v2, 'p2')
            assert (first['position'], second['position']) == (1, 2)
            assert first['conversation_id'] == one['conversation_id']
            await op.send(json.dumps({'action': 'acknowledge', 'conversation_id': one['conversation_id'],
                                      'request_id': 'ack'}))
            await recv_until(op, lambda f: f.get('type') == 'ack' and f.get('request_id') == 'ack')
            moved = await position(v2, 'p3')
            assert moved['position'] == 1
            for n in range(40):         # the wait is recorded just after the acknowledge is answered
                if moved['eta_text']:
                    break
                await asyncio.sleep(0.05)
                moved = await position(v2, 'p4.%d' % n)
            assert moved['eta_text'] == 'less than a minute'      # one acknowledge measured: a rough ETA
            # the second visitor, still waiting, climbs the ladder: operators reminded, then the visitor told
            reminder = await recv_until(op, lambda f: f.get('type') == 'reminder'
                                        and f['conversation_id'] == two['conversation_id'], timeout=15)
            assert reminder['step'] == 1
            told = await recv_until(v2, lambda f: f.get('type') == 'message'
                                    and (f['message'].get('meta') or {}).get('offer_contact'), timeout=15)
            assert told['message']['role'] == 'system'
    asyncio.run(run())
    status, conv = http_json('GET', url + '/conversations/%s' % two['conversation_id'], token=alice)
    assert [t['reason']['step'] for t in conv['handoffs'] if t['status'] == 'escalated'] == [1, 2, 3]
