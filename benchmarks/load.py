"""Load on the local runtime: flat cost and bounded memory, and a 60-second load run.

    python -m benchmarks.load                 both parts (what `make load` runs)
    python -m benchmarks.load --part flat     send->ack p50 on an empty table vs after 10,000 messages
                                              (>= 20,000 stored items), runtime RSS, SIGTERM stop time
    python -m benchmarks.load --part load     200 visitors + 10 operator dashboards for 60 s
    python -m benchmarks.load --raw-moto      the same against moto as shipped (the runtime before issue 15)

Everything runs on loopback against ``python -m infra.local`` in its own process; the clients are
black-box (REST and the socket protocol of README.md). Prints BENCH-RESULT rows (benchmarks/common.py).

Flat: a probe of PROBE_VISITORS visitors sending PROBE_MESSAGES messages each, one at a time (each
waits for its ack), measures send->ack on the empty table; FILL_MESSAGES messages from FILL_VISITORS
concurrent visitors then fill the store (topped up with plain items to FILL_ITEMS if the messages
stored fewer); the same probe runs again. Targets: p50 after <= 1.2x p50 before; RSS <= 600 MB.

Load: VISITORS visitors arrive over the first RAMP seconds, each writes a message every THINK
seconds (uniform), like a person typing; HANDOFF_SHARE of them ask for a person after their
second message (the cost model's 20 %); OPERATORS dashboards (each an operator socket) take the
pending conversations as they come in (every dashboard races for each, the first wins) and reply
to every visitor message of theirs after REPLY_DELAY seconds. Measured: send->ack for every
visitor write, visitor->operator delivery (visitor send -> the owner's dashboard receives that
message), operator reply -> visitor, errors, and from the store afterwards, lost and duplicated
messages; runtime CPU and RSS from /proc.
"""
import argparse
import asyncio
import collections
import random
import sys
import time
import urllib.parse

from benchmarks.chat_clients import NO_RATE_LIMITS, QUESTIONS, Socket, Stack, ahttp, http_json, percentile, stored_messages, wait_result
from benchmarks.common import emit, fmt, row

PROBE_VISITORS, PROBE_MESSAGES = 4, 40
FILL_MESSAGES, FILL_VISITORS, FILL_ITEMS = 10_000, 40, 20_000
FLAT_TARGET, RSS_TARGET_MB = 1.2, 600

VISITORS, OPERATORS, DURATION, RAMP = 200, 10, 60.0, 10.0
THINK = (4.0, 12.0)
HANDOFF_SHARE = 0.2
REPLY_DELAY = (1.0, 3.0)
DELIVERY_TARGET_MS = 250



async def new_visitor(info, name, on_frame=None):
    for attempt in range(5):
        status, session = await ahttp('POST', info['http_url'] + '/visitor/session',
                                      {'agent_id': info['agent_id'], 'attributes': {'name': name}})
        if status == 200:
            break
        await asyncio.sleep(0.5)
    else:
        raise RuntimeError('visitor session: %s %s' % (status, session))
    sock = Socket(info['ws_url'] + '?session=' + urllib.parse.quote(session['session']), on_frame, label=name)
    await sock.connect(timeout=60)
    return session, sock


# ---------------------------------------------------------------------------- flat and bounded

async def probe(info, tag, visitors=PROBE_VISITORS, messages=PROBE_MESSAGES):
    """Visitors each sending messages one at a time; returns the send->ack latencies (s)."""
    latencies, errors = [], []

    async def one(i):
        _, sock = await new_visitor(info, '%s-%d' % (tag, i))
        for k in range(messages):
            _, fut, t0 = await sock.request('send', client_message_id='%s-%d-%d' % (tag, i, k),
                                            text=QUESTIONS[(i + k) % len(QUESTIONS)])
            frame, t1 = await wait_result(fut, 30)
            if frame is None or frame['type'] != 'ack':
                errors.append(frame)
            else:
                latencies.append(t1 - t0)
            await asyncio.sleep(0.05)
        await sock.close()
    await asyncio.gather(*[one(i) for i in range(visitors)])
    return latencies, errors


async def fill(info, total, visitors, stack, progress):
    sent = [0]
    errors = []

    async def one(i):
        _, sock = await new_visitor(info, 'fill-%d' % i)
        k = 0
        while sent[0] < total:
            sent[0] += 1
            _, fut, _ = await sock.request('send', client_message_id='f%d-%d' % (i, k),
                                           text=QUESTIONS[(i + k) % len(QUESTIONS)])
            k += 1
            frame, _ = await wait_result(fut, 60)
            if frame is None or frame['type'] != 'ack':
                errors.append(frame)
                if not sock.is_open():
                    await sock.close()
                    _, sock = await new_visitor(info, 'fill-%d-again' % i)
            if k % 50 == 0 and i == 0:
                progress('  filled %d messages, runtime RSS %.0f MB' % (sent[0], stack.rss_mb() or 0))
        await sock.close()
    t0 = time.monotonic()
    await asyncio.gather(*[one(i) for i in range(visitors)])
    return time.monotonic() - t0, errors


def dynamodb(info):
    import boto3
    return boto3.client('dynamodb', endpoint_url=info['aws_endpoint_url'], region_name=info['region'],
                        aws_access_key_id=info['aws_access_key_id'],
                        aws_secret_access_key=info['aws_secret_access_key'])


def count_items(info):
    ddb, total, kwargs = dynamodb(info), 0, {}
    while True:
        page = ddb.scan(TableName=info['table_name'], Select='COUNT', **kwargs)
        total += page['Count']
        if 'LastEvaluatedKey' not in page:
            return total
        kwargs['ExclusiveStartKey'] = page['LastEvaluatedKey']


def top_up(info, items):
    """Plain message-shaped items of other conversations, 25 per BatchWriteItem."""
    ddb = dynamodb(info)
    for start in range(0, items, 25):
        ddb.batch_write_item(RequestItems={info['table_name']: [
            {'PutRequest': {'Item': {'pk': {'S': 'CONV#filler.%d' % (n // 50)}, 'sk': {'S': 'MSG#%012d' % n},
                                     'text': {'S': 'filler message %d' % n}}}}
            for n in range(start, min(items, start + 25))]})


def run_flat(args, progress):
    stack = Stack(args.stack_args, env=NO_RATE_LIMITS)
    info = stack.start()
    rows, details = [], []
    try:
        cpu0 = stack.cpu_seconds()
        before, errors_before = asyncio.run(probe(info, 'empty'))
        cpu_probe = (stack.cpu_seconds() - cpu0) / max(1, len(before))
        items_empty = count_items(info)
        progress('  empty table (%d items): p50 %.1f ms' % (items_empty, percentile(before, 50) * 1000))
        cpu1 = stack.cpu_seconds()
        fill_s, fill_errors = asyncio.run(fill(info, args.fill, FILL_VISITORS, stack, progress))
        fill_cpu = stack.cpu_seconds() - cpu1
        items = count_items(info)
        topped = 0
        if items < FILL_ITEMS:
            topped = FILL_ITEMS - items
            top_up(info, topped)
            items = count_items(info)
        rss_after_fill = stack.rss_mb()
        cpu2 = stack.cpu_seconds()
        after, errors_after = asyncio.run(probe(info, 'full'))
        cpu_probe_full = (stack.cpu_seconds() - cpu2) / max(1, len(after))
        rss_end = stack.rss_mb()
    finally:
        code = stack.stop()
    p50_before, p50_after = percentile(before, 50) * 1000, percentile(after, 50) * 1000
    ratio = p50_after / p50_before
    label = ' (moto as shipped)' if args.raw_moto else ''
    rows.append(row('L1', 'send->ack p50 with %s stored items vs an empty table%s' % (format(items, ','), label),
                    '%.1f ms vs %.1f ms: %sx' % (p50_after, p50_before, fmt(ratio)), '<= %sx' % fmt(FLAT_TARGET),
                    ratio <= FLAT_TARGET, ratio))
    rows.append(row('L2', 'Runtime RSS after %s messages%s' % (format(args.fill, ','), label),
                    '%.0f MB' % rss_after_fill, '<= %d MB' % RSS_TARGET_MB, rss_after_fill <= RSS_TARGET_MB,
                    rss_after_fill))
    stop_ok = code == 0 and stack.stop_seconds is not None and stack.stop_seconds < 10
    rows.append(row('L3', 'Runtime stops on SIGTERM with that store%s' % label,
                    '%s, exit %s' % ('%.1f s' % stack.stop_seconds if stack.stop_seconds is not None
                                     else 'killed after 30 s', code),
                    '< 10 s, exit 0', stop_ok, stack.stop_seconds))
    details += [
        'probe: %d visitors x %d messages, each waiting for its ack: empty p50 %.1f / p95 %.1f ms, full p50 %.1f / '
        'p95 %.1f ms; errors %d / %d' % (PROBE_VISITORS, PROBE_MESSAGES, p50_before, percentile(before, 95) * 1000,
                                         p50_after, percentile(after, 95) * 1000, len(errors_before), len(errors_after)),
        'runtime CPU per probe message (less sensitive to a busy machine than latency): %.1f ms on the empty '
        'table, %.1f ms with the store filled' % (cpu_probe * 1000, cpu_probe_full * 1000),
        'fill: %d messages from %d concurrent visitors in %.0f s (%.1f messages/s, %.1f ms runtime CPU each), '
        '%d errors; %d items stored (%d plain items added)' % (
            args.fill, FILL_VISITORS, fill_s, args.fill / fill_s, fill_cpu / args.fill * 1000, len(fill_errors),
            items, topped),
        'runtime RSS: %.0f MB after the fill, %.0f MB at the end' % (rss_after_fill, rss_end or 0),
    ]
    return rows, details


# ---------------------------------------------------------------------------- the load run

class LoadRun:
    def __init__(self, info, stack, visitors, operators, duration, seed):
        self.info, self.stack = info, stack
        self.visitors_n, self.operators_n, self.duration = visitors, operators, duration
        self.rng = random.Random(seed)
        self.ack = []                 # send->ack, visitor writes
        self.delivery = []            # visitor send -> owner's dashboard receives it
        self.reply_delivery = []      # operator reply -> visitor receives it
        self.errors = collections.Counter()
        self.error_samples = []
        self.sent_at = {}             # visitor client_message_id -> monotonic send time
        self.reply_sent_at = {}       # operator client_message_id -> send time
        self.acked = {}               # conversation id -> {client_message_id: seq}
        self.replies_acked = {}       # conversation id -> {client_message_id: seq}
        self.owner = {}               # conversation id -> dashboard index
        self.pending = asyncio.Queue()
        self.stop_at = None
        self.handoffs_requested = 0
        self.messages_sent = 0

    def error(self, kind, sample):
        self.errors[kind] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append('%s: %s' % (kind, str(sample)[:300]))

    # -- operators
    async def dashboard(self, index, name, token):
        sock = Socket(self.info['ws_url'] + '?token=' + urllib.parse.quote(token), None, label=name)

        def on_frame(frame, now):
            kind = frame.get('type')
            if kind == 'message':
                m = frame['message']
                cid = frame['conversation_id']
                if m['role'] == 'visitor' and self.owner.get(cid) == index:
                    t0 = self.sent_at.get(m.get('client_message_id'))
                    if t0 is not None:
                        self.delivery.append(now - t0)
                        self.sent_at.pop(m['client_message_id'], None)
                        asyncio.get_running_loop().create_task(self.reply(sock, index, cid, m['seq']))
            elif kind == 'handoff' and frame['handoff']['status'] == 'pending' and frame.get('previous') is None:
                self.pending.put_nowait(frame['conversation_id'])
            elif kind == 'error' and not frame.get('request_id'):
                self.error('operator_error_event', frame)
        sock.on_frame = on_frame
        await sock.connect(timeout=60)
        return sock

    async def reply(self, sock, index, cid, seq):
        await asyncio.sleep(self.rng.uniform(*REPLY_DELAY))
        if time.monotonic() > self.stop_at:
            return
        cmid = 'o%d-%d' % (index, seq)
        self.reply_sent_at[cmid] = time.monotonic()
        _, fut, _ = await sock.request('reply', conversation_id=cid, client_message_id=cmid,
                                       text='Thanks, let me check that for you (%d).' % seq)
        frame, _ = await wait_result(fut, 30)
        if frame is None or frame['type'] != 'ack':
            self.error('reply', frame)
        else:
            self.replies_acked.setdefault(cid, {})[cmid] = frame['seq']

    async def take_pending(self, dashboards):
        """Every dashboard races for each pending conversation; the first acknowledge wins."""
        while True:
            cid = await self.pending.get()
            if cid in self.owner:
                continue
            self.owner[cid] = None
            order = list(range(len(dashboards)))
            self.rng.shuffle(order)
            futures = []
            for i in order[:3]:                     # three dashboards click at about the same time
                _, fut, _ = await dashboards[i].request('acknowledge', conversation_id=cid)
                futures.append((i, fut))
            winners = []
            for i, fut in futures:
                frame, _ = await wait_result(fut, 30)
                if frame is not None and frame['type'] == 'ack':
                    winners.append(i)
                elif frame is None or frame.get('code') != 'already_acknowledged':
                    self.error('acknowledge', frame)
            if len(winners) != 1:
                self.error('owners', '%s won by %s' % (cid, winners))
            if winners:
                self.owner[cid] = winners[0]

    # -- visitors
    async def visitor(self, index):
        rng = self.rng
        await asyncio.sleep(rng.uniform(0, RAMP))
        received = {}

        def on_frame(frame, now):
            if frame.get('type') == 'message' and frame['message']['role'] == 'human':
                t0 = self.reply_sent_at.pop(frame['message'].get('client_message_id'), None)
                if t0 is not None:
                    self.reply_delivery.append(now - t0)
            elif frame.get('type') == 'error' and not frame.get('request_id'):
                self.error('visitor_error_event', frame)
        try:
            session, sock = await new_visitor(self.info, 'Load %d' % index, on_frame)
        except Exception as e:
            self.error('connect', e)
            return
        cid = session['conversation_id']
        acked = self.acked.setdefault(cid, {})
        handoff = rng.random() < HANDOFF_SHARE
        k = 0
        while True:
            await asyncio.sleep(rng.uniform(*THINK))
            if time.monotonic() > self.stop_at:
                break
            if handoff and k == 2:
                self.handoffs_requested += 1
                _, fut, t0 = await sock.request('request_human', client_message_id='h%d' % index)
                frame, t1 = await wait_result(fut, 30)
                if frame is None or frame['type'] != 'ack':
                    self.error('request_human', frame)
                else:
                    self.ack.append(t1 - t0)
                continue_after = rng.uniform(*THINK)
                await asyncio.sleep(continue_after)
            cmid = 'v%d-%d' % (index, k)
            k += 1
            self.messages_sent += 1
            _, fut, t0 = await sock.request('send', client_message_id=cmid, text=QUESTIONS[rng.randrange(len(QUESTIONS))])
            self.sent_at[cmid] = t0
            frame, t1 = await wait_result(fut, 30)
            if frame is None or frame['type'] != 'ack':
                self.error('send', frame)
            else:
                self.ack.append(t1 - t0)
                acked[cmid] = frame['seq']
        await sock.close()

    async def run(self):
        tokens = sorted(self.info['operators'].items())
        dashboards = [await self.dashboard(i, name, token) for i, (name, token) in enumerate(tokens[:self.operators_n])]
        taker = asyncio.create_task(self.take_pending(dashboards))
        await asyncio.sleep(0.5)
        self.t0, self.cpu0 = time.monotonic(), self.stack.cpu_seconds()
        self.stop_at = self.t0 + self.duration
        self.rss_samples = []

        async def sample():
            while True:
                self.rss_samples.append(self.stack.rss_mb() or 0)
                await asyncio.sleep(1)
        sampler = asyncio.create_task(sample())
        await asyncio.gather(*[self.visitor(i) for i in range(self.visitors_n)])
        self.elapsed = time.monotonic() - self.t0
        self.cpu = self.stack.cpu_seconds() - self.cpu0
        await asyncio.sleep(REPLY_DELAY[1] + 2)
        sampler.cancel()
        taker.cancel()
        for sock in dashboards:
            await sock.close()

    def check_store(self):
        """Every acknowledged visitor message and operator reply stored exactly once at its seq."""
        token = next(iter(self.info['operators'].values()))
        lost = dup = gaps = 0
        for cid, acked in self.acked.items():
            replies = self.replies_acked.get(cid, {})
            if not acked and not replies:
                continue
            stored = stored_messages(self.info, cid, token)
            by_cmid = collections.defaultdict(list)
            for m in stored:
                if m['role'] in ('visitor', 'human'):
                    by_cmid[m['client_message_id']].append(m['seq'])
            for cmid, seq in list(acked.items()) + list(replies.items()):
                got = by_cmid.get(cmid, [])
                if len(got) > 1:
                    dup += 1
                elif got != [seq]:
                    lost += 1
            seqs = sorted(m['seq'] for m in stored)
            gaps += len(set(range(1, seqs[-1] + 1)) - set(seqs)) if seqs else 0
        return lost, dup, gaps


def run_load(args, progress):
    stack = Stack(args.stack_args + ['--demo-operators', str(max(2, args.operators))], env=NO_RATE_LIMITS)
    info = stack.start()
    try:
        run = LoadRun(info, stack, args.visitors, args.operators, args.duration, args.seed)
        asyncio.run(run.run())
        rss_end = stack.rss_mb()
        lost, dup, gaps = run.check_store()
    finally:
        code = stack.stop()
    writes = len(run.ack)
    errors = sum(run.errors.values())
    p = lambda values, q: percentile(values, q) * 1000
    label = ' (moto as shipped)' if args.raw_moto else ''
    delivery_p95 = p(run.delivery, 95) if run.delivery else float('inf')
    passed = errors == 0 and lost == 0 and dup == 0 and gaps == 0 and delivery_p95 < DELIVERY_TARGET_MS
    rows = [row('L4', 'Load%s: %d visitors + %d operator dashboards for %.0f s, %d %% ask for a person' % (
        label, args.visitors, args.operators, args.duration, HANDOFF_SHARE * 100),
        '%.1f writes/s; send->ack p50/p95/p99 %.0f/%.0f/%.0f ms; visitor->operator p50/p95/p99 %.0f/%.0f/%.0f ms; '
        'errors %d, lost %d, duplicated %d, gaps %d' % (
            writes / run.elapsed, p(run.ack, 50), p(run.ack, 95), p(run.ack, 99), p(run.delivery, 50),
            p(run.delivery, 95), p(run.delivery, 99), errors, lost, dup, gaps),
        '0 errors, 0 lost, delivery p95 < %d ms' % DELIVERY_TARGET_MS, passed, delivery_p95)]
    details = [
        'visitor writes acknowledged: %d (%d messages sent, %d requests for a person) in %.0f s: %.1f/s' % (
            writes, run.messages_sent, run.handoffs_requested, run.elapsed, writes / run.elapsed),
        'send->ack ms: p50 %.1f, p95 %.1f, p99 %.1f, max %.1f' % (p(run.ack, 50), p(run.ack, 95), p(run.ack, 99),
                                                                 max(run.ack) * 1000 if run.ack else 0),
        'visitor->operator delivery (%d messages to their owner\'s dashboard) ms: p50 %.1f, p95 %.1f, p99 %.1f' % (
            len(run.delivery), p(run.delivery, 50), p(run.delivery, 95), p(run.delivery, 99)),
        'operator reply->visitor (%d replies) ms: p50 %.1f, p95 %.1f, p99 %.1f' % (
            len(run.reply_delivery), p(run.reply_delivery, 50), p(run.reply_delivery, 95), p(run.reply_delivery, 99)),
        'errors: %s; lost %d, duplicated %d, seq gaps %d (store vs acks)' % (dict(run.errors) or 0, lost, dup, gaps),
        'runtime CPU: %.1f s in %.0f s = %.0f%% of one core; RSS max %.0f MB, end %.0f MB' % (
            run.cpu, run.elapsed, run.cpu / run.elapsed * 100, max(run.rss_samples or [0]), rss_end or 0),
        'runtime stop on SIGTERM: %s, exit %s' % ('%.1f s' % stack.stop_seconds if stack.stop_seconds else 'killed',
                                                 code),
    ] + run.error_samples
    return rows, details


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m benchmarks.load', description=__doc__.split('\n\n')[0])
    p.add_argument('--part', choices=('flat', 'load', 'all'), default='all')
    p.add_argument('--fill', type=int, default=FILL_MESSAGES, help='messages stored before the second probe')
    p.add_argument('--visitors', type=int, default=VISITORS)
    p.add_argument('--operators', type=int, default=OPERATORS)
    p.add_argument('--duration', type=float, default=DURATION)
    p.add_argument('--seed', type=int, default=15)
    p.add_argument('--raw-moto', action='store_true', help="moto as shipped (the runtime before issue 15)")
    args = p.parse_args(argv)
    args.stack_args = ['--raw-moto', '--aws-in-process'] if args.raw_moto else []

    def progress(line):
        print(line, file=sys.stderr, flush=True)
    rows, details = [], []
    if args.part in ('load', 'all'):
        r, d = run_load(args, progress)
        rows += r
        details += d
    if args.part in ('flat', 'all'):
        r, d = run_flat(args, progress)
        rows += r
        details += d
    for line in details:
        print(line)
    emit(rows, details)
    return 0


if __name__ == '__main__':
    sys.exit(main())
