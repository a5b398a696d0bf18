"""Figure 3: where the time goes, visitor -> operator, on the local runtime.

Starts the local runtime in a separate process through benchmarks.stack_probe (infra.local with
botocore timing hooks; see there), then from this process: operator Alice on one socket, 50
visitors on theirs, each asks for a person, Alice acknowledges every conversation, then each
visitor sends MESSAGES messages with a random pause between them. Latency is measured here,
from the visitor socket's send to the operator socket's receipt of that message.

Our share of each delivery: the end-to-end time minus the time an AWS request was on the wire
(botocore before-send .. before-parse: request out, response in) while that message was under
way, over the end-to-end time. What is left is the project's code, botocore's own work
(serialising, signing, parsing) and the local gateway. A second reading counts botocore's own
work as part of the AWS calls. The AWS side here is moto in the same process as the handlers and
the gateway, on a shared 2-core machine: absolute numbers are not AWS's, ratios are the point.
"""
import asyncio
import json
import os
import random
import shutil
import statistics
import time
import urllib.parse
import urllib.request

from benchmarks import chat_clients
from benchmarks.common import emit, fmt, row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONVERSATIONS = 50
MESSAGES = 5
THINK = (5.0, 15.0)           # seconds between one visitor's messages (uniform): a person typing in a chat
REFERENCE = (1, 20, (0.2, 0.4))   # first, one conversation alone: the same path without queueing
TARGET = 0.20


# ---- the runtime process -----------------------------------------------------------------------------

class Stack(chat_clients.Stack):
    """The local runtime under benchmarks.stack_probe (botocore timing hooks), in one process, so the CPU figure
    covers the embedded AWS too (as this figure always did)."""

    def __init__(self):
        super().__init__(module='benchmarks.stack_probe', args=['--aws-in-process'])
        self.probe = os.path.join(self.workdir, 'probe.jsonl')
        self.args[:0] = ['--probe-out', self.probe]

    def records(self):
        with open(self.probe) as f:
            return [json.loads(line) for line in f if line.strip()]


def post_json(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method='POST',
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


# ---- the clients ---------------------------------------------------------------------------------------

async def drive(info, conversations, messages, think, rng, cpu=lambda: None, prefix='c'):
    import websockets
    ws_url, http_url, agent = info['ws_url'], info['http_url'], info['agent_id']
    token = info['operators']['Alice']
    sent, received, errors = {}, {}, []
    expected = conversations * messages
    all_in = asyncio.Event()
    pending, acknowledged = asyncio.Queue(), {}

    operator = await websockets.connect(ws_url + '?token=' + urllib.parse.quote(token), max_size=None,
                                        ping_interval=None, open_timeout=60)

    async def operator_reader():
        async for raw in operator:
            now = time.monotonic()
            event = json.loads(raw)
            kind = event.get('type')
            if kind == 'message' and event['message']['role'] == 'visitor':
                cmid = event['message'].get('client_message_id')
                if cmid in sent and cmid not in received:
                    received[cmid] = now
                    if len(received) == expected:
                        all_in.set()
            elif kind == 'handoff':
                status = event['handoff']['status']
                if status == 'pending' and event.get('previous') is None:
                    pending.put_nowait(event['conversation_id'])
                elif status == 'acknowledged' and event['conversation_id'] in acknowledged:
                    acknowledged[event['conversation_id']].set()
            elif kind == 'error':
                errors.append(event)

    async def acknowledger():
        while True:
            conversation_id = await pending.get()
            acknowledged.setdefault(conversation_id, asyncio.Event())
            await operator.send(json.dumps({'action': 'acknowledge', 'conversation_id': conversation_id}))

    readers = [asyncio.create_task(operator_reader()), asyncio.create_task(acknowledger())]
    sessions = await asyncio.gather(*[asyncio.to_thread(post_json, http_url + '/visitor/session', {
        'agent_id': agent, 'attributes': {'name': 'Visitor %d' % i}}) for i in range(conversations)])
    for s in sessions:
        acknowledged.setdefault(s['conversation_id'], asyncio.Event())
    visitors = await asyncio.gather(*[websockets.connect(
        ws_url + '?session=' + urllib.parse.quote(s['session']), max_size=None, ping_interval=None, open_timeout=60)
        for s in sessions])

    async def drain(ws):
        async for raw in ws:
            event = json.loads(raw)
            if event.get('type') == 'error':
                errors.append(event)

    readers += [asyncio.create_task(drain(ws)) for ws in visitors]

    # every visitor asks for a person; Alice acknowledges each conversation as it comes in
    await asyncio.gather(*[ws.send(json.dumps({'action': 'request_human'})) for ws in visitors])
    await asyncio.wait_for(asyncio.gather(*[acknowledged[s['conversation_id']].wait() for s in sessions]), 120)

    async def visitor(i, ws):
        for k in range(messages):
            await asyncio.sleep(rng.uniform(*think))
            cmid = '%s%d-%d' % (prefix, i, k)
            sent[cmid] = time.monotonic()
            await ws.send(json.dumps({'action': 'send', 'client_message_id': cmid,
                                      'text': 'Message %d from visitor %d: is my order on its way?' % (k, i)}))

    await asyncio.sleep(1.0)            # let the handoff notifications settle
    cpu_start, t0 = cpu(), time.monotonic()
    await asyncio.gather(*[visitor(i, ws) for i, ws in enumerate(visitors)])
    try:
        await asyncio.wait_for(all_in.wait(), 60)
    except asyncio.TimeoutError:
        pass
    duration, cpu_end = time.monotonic() - t0, cpu()
    cpu_used = cpu_end - cpu_start if cpu_start is not None and cpu_end is not None else None
    for ws in visitors + [operator]:
        await ws.close()
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    return sent, received, errors, duration, cpu_used


# ---- analysis ------------------------------------------------------------------------------------------

def overlap(a0, a1, b0, b1):
    return max(0.0, min(a1, b1) - max(a0, b0))


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def analyse(sent, received, records):
    by_cmid = {r['cmid']: r for r in records if r['action'] == 'send' and r['cmid']}
    rows, misaligned = [], 0
    for cmid, t0 in sent.items():
        t1, rec = received.get(cmid), by_cmid.get(cmid)
        if t1 is None or rec is None:
            continue
        if rec['t_start'] < t0 or rec['t_start'] > t1:
            misaligned += 1
        wire = sum(overlap(s, p, t0, t1) for c in rec['calls'] for s, p in zip(c['sends'], c['parses']))
        sdk = sum(overlap(c['t_build'], c['t_done'], t0, t1) for c in rec['calls'])
        handler = overlap(rec['t_start'], rec['t_end'], t0, t1)
        sdk_cpu = sum(c['cpu_done'] - c['cpu_build'] for c in rec['calls'])
        rows.append({'e2e': t1 - t0, 'wire': wire, 'sdk': sdk, 'handler': handler,
                     'gateway_in': max(0.0, rec['t_start'] - t0),
                     'cpu_ours': rec['cpu'] - sdk_cpu, 'cpu_sdk': sdk_cpu,
                     'ddb': sum(1 for c in rec['calls'] if c['service'] == 'dynamodb'),
                     'calls': len(rec['calls'])})
    return rows, misaligned


def summary(rows):
    n = len(rows)
    total = sum(r['e2e'] for r in rows)
    wire, sdk = sum(r['wire'] for r in rows), sum(r['sdk'] for r in rows)
    handler, gateway_in = sum(r['handler'] for r in rows), sum(r['gateway_in'] for r in rows)
    e2e = [r['e2e'] for r in rows]
    return {
        'n': n, 'ours': 1 - wire / total, 'ours_sdk_as_aws': 1 - sdk / total,
        'p50': percentile(e2e, 50) * 1000, 'p95': percentile(e2e, 95) * 1000, 'p99': percentile(e2e, 99) * 1000,
        'breakdown': 'mean end-to-end %.1f ms = gateway in %.1f + handler code %.1f + botocore client work %.1f + '
                     'AWS on the wire %.1f + delivery after the handler %.1f' % (
                         total / n * 1000, gateway_in / n * 1000, (handler - sdk) / n * 1000, (sdk - wire) / n * 1000,
                         wire / n * 1000, (total - gateway_in - handler) / n * 1000),
        'cpu': 'handler thread CPU per message (median): our code %.1f ms, botocore %.1f ms' % (
            statistics.median(r['cpu_ours'] for r in rows) * 1000, statistics.median(r['cpu_sdk'] for r in rows) * 1000),
        'calls': 'AWS calls per message: %s DynamoDB, %s in all (posts to sockets included)' % (
            fmt(statistics.mean(r['ddb'] for r in rows)), fmt(statistics.mean(r['calls'] for r in rows))),
    }


def main():
    stack = Stack()
    stack.start()
    runs = {}
    try:
        for name, (conversations, messages, think) in (('reference', REFERENCE),
                                                       ('load', (CONVERSATIONS, MESSAGES, THINK))):
            runs[name] = asyncio.run(drive(stack.info, conversations, messages, think, random.Random(6),
                                           stack.cpu_seconds, prefix=name[0]))
    finally:
        stack.stop()
    records = stack.records()
    details, results = [], {}
    for name, (sent, received, errors, duration, cpu) in runs.items():
        rows, misaligned = analyse(sent, received, records)
        if not rows:
            raise SystemExit('no message was measured; runtime log:\n' + stack.tail())
        res = results[name] = summary(rows)
        label = ('%d concurrent conversations' % CONVERSATIONS if name == 'load'
                 else 'reference: one conversation alone')
        details += [
            '%s: %d of %d messages measured in %.1f s (%.1f messages/s offered, pauses %s-%s s), %d socket errors, '
            '%d handlers outside their send..receive window' % (
                label, res['n'], len(sent), duration, len(sent) / duration, *runs_think(name), len(errors), misaligned),
            '  p50 %.0f ms, p95 %.0f ms, p99 %.0f ms; our share %.0f%% (%.0f%% if botocore\'s own work counts as AWS)'
            % (res['p50'], res['p95'], res['p99'], res['ours'] * 100, res['ours_sdk_as_aws'] * 100),
            '  ' + res['breakdown'], '  ' + res['cpu'], '  ' + res['calls'],
            '  runtime process CPU while the messages flowed: %s' % (
                '%.1f s, %.0f%% of one core, %.0f ms per message' % (cpu, cpu / duration * 100, cpu / len(sent) * 1000)
                if cpu is not None else 'n/a'),
        ]
    details.append('moto (through infra/local/flat_dynamodb.py: one lock, transactions without table copies), the '
                   'local gateway and the handlers share one Python process (one GIL) here, so the embedded AWS and '
                   'our code compete for it; `make run` puts the embedded AWS in a process of its own')
    load, ref = results['load'], results['reference']
    out_rows = [
        row('3', 'Visitor->operator delivery, %d concurrent conversations, local runtime: our share of end-to-end '
                 'time' % CONVERSATIONS,
            'ours %.0f%% (p50 %.0f ms, p95 %.0f ms, p99 %.0f ms)' % (load['ours'] * 100, load['p50'], load['p95'],
                                                                   load['p99']),
            'ours <= %d%%' % (TARGET * 100), load['ours'] <= TARGET, load['ours']),
        row('3r', '(info) the same path, one conversation alone (no queueing)',
            'ours %.0f%% (p50 %.0f ms, p95 %.0f ms)' % (ref['ours'] * 100, ref['p50'], ref['p95']), '-', None,
            ref['ours']),
    ]
    emit(out_rows, details)
    shutil.rmtree(stack.workdir, ignore_errors=True)    # kept when something failed: the runtime's log is there


def runs_think(name):
    return REFERENCE[2] if name == 'reference' else THINK


if __name__ == '__main__':
    main()
