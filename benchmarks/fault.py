"""Fault run: what every client saw acknowledged against what the store holds, under abuse.

    python -m benchmarks.fault                       >= 1,000 visitor messages (50 conversations x 22)
    python -m benchmarks.fault --conversations 8 --messages 8 --operators 4     (what tests/e2e runs)
    python -m benchmarks.fault --raw-moto            the same against moto as shipped (the "before")

Starts the local runtime (demo data, N operators, the SQS consumer redelivering handled
notifications and crashing mid-batch at random), then runs every conversation at once:

* visitors send with unique ``client_message_id``s; their sockets are aborted without a close
  frame at random moments (right after a send, before its ack, or between messages); the
  client then reconnects, ``resume``s after the last seq it holds contiguously and resends
  what was not acknowledged, with the same ``client_message_id``;
* deliberate duplicates (the same ``client_message_id`` sent again after its ack);
* a share of conversations asks for a person; every operator acknowledges at once, half over
  REST and half over their sockets; the winner replies (socket or REST, some replies sent
  twice), a colleague's reply is refused, the winner resolves;
* posts to aborted sockets meet GoneException in the app; the notification queue redelivers.

Then, per conversation, the store (operators' REST API) is compared with what the clients were
told: every acknowledged write stored exactly once at the acknowledged seq (lost, duplicated),
seqs 1..N without gaps, exactly one owner per handoff (and the one the race reported), every
``resume`` replayed each missed message exactly once with no holes, and after a last resume every
visitor knows every stored seq. Prints BENCH-RESULT rows (benchmarks/common.py).
"""
import argparse
import asyncio
import collections
import os
import random
import re
import sys
import time
import urllib.parse

from benchmarks.chat_clients import NO_RATE_LIMITS, QUESTIONS, Socket, Stack, ahttp, http_json, percentile, stored_messages, wait_result
from benchmarks.common import emit, row

ACK_TIMEOUT = 30.0


class Tally:
    def __init__(self):
        self.c = collections.Counter()
        self.problems = []

    def problem(self, kind, detail):
        self.c[kind] += 1
        if len(self.problems) < 40:
            self.problems.append('%s: %s' % (kind, detail))


class Visitor:
    def __init__(self, run, index, session):
        self.run = run
        self.index = index
        self.cid = session['conversation_id']
        self.url = run.info['ws_url'] + '?session=' + urllib.parse.quote(session['session'])
        self.sock = None
        self.acks = collections.defaultdict(set)       # client_message_id -> seqs it was acknowledged with
        self.transitions = {}                          # action -> seq (request_human)
        self.known = set()                             # seqs this visitor holds (acks, live, replays)
        self.live = set()                              # seqs received live on the current socket
        self.replay = None                             # (after, [seqs]) while a resume is under way
        self.replay_done = None
        self.sent = set()

    def on_frame(self, frame, now):
        kind = frame.get('type')
        if kind == 'message' and frame.get('conversation_id') == self.cid:
            seq = frame['message']['seq']
            if seq in self.live:
                self.run.tally.problem('live_duplicate', '%s seq %d twice on one socket' % (self.cid, seq))
            self.live.add(seq)
            self.known.add(seq)
        elif kind == 'history' and frame.get('conversation_id') == self.cid and self.replay is not None:
            self.replay[1].extend(m['seq'] for m in frame['messages'])
            for m in frame['messages']:
                self.known.add(m['seq'])
            if frame.get('complete') and self.replay_done is not None and not self.replay_done.done():
                self.replay_done.set_result(True)
        elif kind == 'error' and not frame.get('request_id'):
            self.run.tally.problem('error_event', '%s %s' % (self.cid, frame))

    def watermark(self):
        n = 0
        while n + 1 in self.known:
            n += 1
        return n

    async def connect(self):
        self.live = set()
        self.sock = Socket(self.url, self.on_frame, label=self.cid)
        for attempt in range(5):
            try:
                await self.sock.connect()
                self.run.tally.c['connects'] += 1
                return
            except Exception as e:              # refused or reset while the runtime is busy: try again
                self.run.tally.c['connect_retries'] += 1
                last = e
                await asyncio.sleep(0.2 * (attempt + 1))
        raise RuntimeError('cannot connect %s: %s' % (self.cid, last))

    async def resume(self):
        """Ask for everything after the contiguous watermark; check the replay has each missed seq once."""
        after = self.watermark()
        self.replay, self.replay_done = (after, []), asyncio.get_running_loop().create_future()
        rid, fut, _ = await self.sock.request('resume', after=after)
        try:
            await asyncio.wait_for(asyncio.shield(self.replay_done), ACK_TIMEOUT)
        except asyncio.TimeoutError:
            self.replay = None
            return False
        _, seqs = self.replay
        self.replay = None
        self.run.tally.c['resumes'] += 1
        self.run.tally.c['replayed'] += len(seqs)
        if len(seqs) != len(set(seqs)):
            self.run.tally.problem('replay_duplicate', '%s after %d: %s' % (self.cid, after, seqs))
        if seqs and sorted(set(seqs)) != list(range(after + 1, max(seqs) + 1)):
            self.run.tally.problem('replay_hole', '%s after %d: %s' % (self.cid, after, seqs))
        return True

    async def reconnect(self):
        if self.sock is not None:
            self.sock.abort()
            await self.sock.close()
        await self.connect()
        self.run.tally.c['reconnects'] += 1
        if not await self.resume():
            self.run.tally.c['resume_timeouts'] += 1

    async def write(self, action, **fields):
        """Send until acknowledged (reconnecting and resending with the same client_message_id)."""
        rng = self.run.rng
        for attempt in range(8):
            if self.sock is None or not self.sock.is_open():
                await self.reconnect()
            rid, fut, t0 = await self.sock.request(action, **fields)
            if rng.random() < self.run.abort_rate / 2:
                await asyncio.sleep(rng.uniform(0, 0.02))
                self.sock.abort()                        # the network drops right after the send
                self.run.tally.c['aborts_in_flight'] += 1
            frame, t1 = await wait_result(fut, ACK_TIMEOUT)
            if frame is None:
                self.run.tally.c['resends'] += 1
                await self.reconnect()
                continue
            if frame['type'] == 'error':
                self.run.tally.problem('error', '%s %s -> %s' % (self.cid, action, frame))
                return None
            self.run.ack_latency.append(t1 - t0)
            if frame.get('seq') is not None:
                self.known.add(frame['seq'])
            return frame
        self.run.tally.problem('unacknowledged', '%s %s %s' % (self.cid, action, fields))
        return None


class Operator:
    def __init__(self, run, name, token):
        self.run = run
        self.name = name
        self.token = token
        self.url = run.info['ws_url'] + '?token=' + urllib.parse.quote(token)
        self.sock = None
        self.inbox = collections.Counter()      # (conversation id, event) -> inbox pushes received

    def on_frame(self, frame, now):
        if frame.get('type') == 'inbox':
            self.inbox[(frame['conversation']['id'], frame.get('event'))] += 1

    async def connect(self):
        self.sock = await Socket(self.url, self.on_frame, label=self.name).connect()

    async def act(self, action, cid, via, **fields):
        """acknowledge / reply / resolve over the socket or REST; returns (ok, seq or None, error code)."""
        if via == 'rest':
            path = {'acknowledge': 'acknowledge', 'reply': 'reply', 'resolve': 'resolve'}[action]
            body = fields if action == 'reply' else None
            status, out = await ahttp('POST', '%s/conversations/%s/%s' % (
                self.run.info['http_url'], urllib.parse.quote(cid), path), body, token=self.token)
            if status == 200:
                return True, out.get('seq'), None
            return False, None, ((out or {}).get('error') or {}).get('code', str(status))
        rid, fut, t0 = await self.sock.request(action, conversation_id=cid, **fields)
        frame, _ = await wait_result(fut, ACK_TIMEOUT)
        if frame is None:
            return False, None, 'no answer'
        if frame['type'] == 'error':
            return False, None, frame.get('code')
        return True, frame.get('seq'), None


class Run:
    def __init__(self, info, *, conversations, messages, handoff_share, abort_rate, dup_rate, replies, seed,
                 pace, settle=3.0):
        self.info = info
        self.conversations = conversations
        self.messages = messages
        self.handoff_share = handoff_share
        self.abort_rate = abort_rate
        self.dup_rate = dup_rate
        self.replies = replies
        self.pace = pace
        self.settle = settle            # seconds for the queue's redeliveries to reach the operators
        self.rng = random.Random(seed)
        self.tally = Tally()
        self.ack_latency = []
        self.operators = []
        self.visitors = []
        self.handoffs = {}          # conversation id -> {'winner', 'replies': {cmid: seq}, 'acks': {...}}

    async def start_operators(self):
        for name, token in sorted(self.info['operators'].items()):
            op = Operator(self, name, token)
            await op.connect()
            self.operators.append(op)

    async def race(self, visitor):
        """Every operator acknowledges at once (half REST, half socket); the winner replies and resolves."""
        cid, rng = visitor.cid, self.rng
        await asyncio.sleep(rng.uniform(0, 0.2))
        vias = ['rest' if i % 2 else 'socket' for i in range(len(self.operators))]
        results = await asyncio.gather(*[op.act('acknowledge', cid, via) for op, via in zip(self.operators, vias)])
        winners = [op for op, (ok, _, _) in zip(self.operators, results) if ok]
        codes = collections.Counter(code for ok, _, code in results if not ok)
        self.tally.c['acknowledge_attempts'] += len(results)
        record = self.handoffs[cid] = {'winners': [op.name for op in winners], 'codes': dict(codes),
                                       'replies': collections.defaultdict(set), 'transitions': []}
        if len(winners) != 1:
            self.tally.problem('owners', '%s: %d operators won the acknowledge race %s' % (cid, len(winners), codes))
            if not winners:
                return
        if set(codes) - {'already_acknowledged'}:
            self.tally.problem('race_error', '%s: %s' % (cid, codes))
        owner = winners[0]
        record['transitions'].append(('acknowledge', [seq for ok, seq, _ in results if ok][0]))
        colleague = next(op for op in self.operators if op is not owner)
        for j in range(self.replies):
            await asyncio.sleep(rng.uniform(0, self.pace))
            cmid = 'o%d-%d' % (visitor.index, j)
            for _ in range(2 if rng.random() < self.dup_rate * 2 else 1):   # sometimes sent twice
                via = rng.choice(['rest', 'socket'])
                ok, seq, code = await owner.act('reply', cid, via, client_message_id=cmid,
                                                text='Reply %d from %s' % (j, owner.name))
                if ok:
                    record['replies'][cmid].add(seq)
                    self.tally.c['replies_acked'] += 1
                else:
                    self.tally.problem('reply_error', '%s %s via %s: %s' % (cid, cmid, via, code))
            if j == 0:
                ok, _, code = await colleague.act('reply', cid, rng.choice(['rest', 'socket']),
                                                  client_message_id='x%d' % visitor.index, text='not mine')
                if ok or code != 'not_owner':
                    self.tally.problem('colleague_reply', '%s: %s %s' % (cid, ok, code))
        ok, seq, code = await owner.act('resolve', cid, rng.choice(['rest', 'socket']))
        if ok:
            record['transitions'].append(('resolve', seq))
        else:
            self.tally.problem('resolve_error', '%s: %s' % (cid, code))

    async def conversation(self, index, handoff):
        rng = self.rng
        await asyncio.sleep(rng.uniform(0, self.pace * 2))
        status, session = await ahttp('POST', self.info['http_url'] + '/visitor/session',
                                      {'agent_id': self.info['agent_id'], 'attributes': {'name': 'Visitor %d' % index}})
        if status != 200:
            self.tally.problem('session', '%s %s' % (status, session))
            return
        v = Visitor(self, index, session)
        self.visitors.append(v)
        try:
            await self._script(v, index, handoff)
        except Exception as e:          # e.g. the upgrade refused: the visitor's records were lost
            self.tally.problem('client_gave_up', '%s: %r' % (v.cid, e))

    async def _script(self, v, index, handoff):
        rng = self.rng
        await v.connect()
        handoff_at = self.messages // 3 if handoff else None
        race = None
        for k in range(self.messages):
            await asyncio.sleep(rng.uniform(0, self.pace))
            if k == handoff_at:
                frame = await v.write('request_human', client_message_id='h%d' % index)
                if frame is not None:
                    v.transitions['request_human'] = frame['seq']
                    race = asyncio.create_task(self.race(v))
            cmid = 'c%d-%d' % (index, k)
            v.sent.add(cmid)
            text = QUESTIONS[(index + k) % len(QUESTIONS)]
            frame = await v.write('send', client_message_id=cmid, text=text)
            if frame is not None:
                v.acks[cmid].add(frame['seq'])
                self.tally.c['sends_acked'] += 1
                if frame.get('duplicate'):
                    self.tally.c['duplicate_acks_after_resend'] += 1
            if frame is not None and rng.random() < self.dup_rate:
                again = await v.write('send', client_message_id=cmid, text=text)
                self.tally.c['deliberate_duplicates'] += 1
                if again is not None:
                    v.acks[cmid].add(again['seq'])
                    if not again.get('duplicate'):
                        self.tally.problem('duplicate_not_flagged', '%s %s' % (v.cid, again))
            if rng.random() < self.abort_rate / 2:
                v.sock.abort()                           # between messages; noticed at the next send
                self.tally.c['aborts_idle'] += 1
                await asyncio.sleep(rng.uniform(0, self.pace))
        if race is not None:
            await race
        await asyncio.sleep(0.3)
        await v.reconnect()                              # a last resume: the visitor must now hold every seq
        await v.sock.close()

    async def run(self):
        await self.start_operators()
        handoffs = set(self.rng.sample(range(self.conversations),
                                       max(1, int(round(self.conversations * self.handoff_share)))))
        t0 = time.monotonic()
        await asyncio.gather(*[self.conversation(i, i in handoffs) for i in range(self.conversations)])
        self.duration = time.monotonic() - t0
        await asyncio.sleep(self.settle)        # let the queue's redeliveries reach the operators
        for op in self.operators:
            await op.sock.close()

    # ------------------------------------------------------------------------ the comparison
    def check(self):
        token = next(iter(self.info['operators'].values()))
        t = self.tally
        for v in self.visitors:
            try:
                stored = stored_messages(self.info, v.cid, token)
            except RuntimeError as e:       # the conversation itself is gone: every ack below counts as lost
                t.problem('conversation_unreadable', str(e))
                stored = []
            seqs = [m['seq'] for m in stored]
            t.c['stored_messages'] += len(stored)
            if len(seqs) != len(set(seqs)):
                t.problem('seq_duplicate', '%s %s' % (v.cid, seqs))
            missing = sorted(set(range(1, max(seqs) + 1)) - set(seqs)) if seqs else []
            if missing:
                t.problem('seq_gap', '%s missing %s' % (v.cid, missing))
                t.c['gap_seqs'] += len(missing) - 1
            by_seq = {m['seq']: m for m in stored}
            visitor_cmids = collections.defaultdict(list)
            human_cmids = collections.defaultdict(list)
            for m in stored:
                if m['role'] == 'visitor':
                    visitor_cmids[m['client_message_id']].append(m['seq'])
                elif m['role'] == 'human':
                    human_cmids[m['client_message_id']].append(m['seq'])
            self._compare(v.cid, v.acks, visitor_cmids, 'visitor')
            for cmid in visitor_cmids:
                if cmid not in v.sent:
                    t.problem('phantom', '%s stored visitor message %s never sent' % (v.cid, cmid))
            events = collections.Counter((m.get('meta') or {}).get('event') for m in stored if m['role'] == 'system')
            if 'request_human' in v.transitions:
                seq = v.transitions['request_human']
                if (by_seq.get(seq, {}).get('meta') or {}).get('event') != 'handoff.requested':
                    t.problem('lost', '%s request_human acked at %d, stored %s' % (v.cid, seq, by_seq.get(seq)))
                t.c['acked_writes'] += 1
                if events['handoff.requested'] != 1:
                    t.problem('duplicated', '%s %d handoff.requested notices' % (v.cid, events['handoff.requested']))
            record = self.handoffs.get(v.cid)
            if record is not None:
                self._compare(v.cid, record['replies'], human_cmids, 'operator')
                if 'x%d' % v.index in human_cmids:
                    t.problem('duplicated', '%s a colleague\'s refused reply was stored' % v.cid)
                for action, seq in record['transitions']:
                    t.c['acked_writes'] += 1
                    event = 'handoff.acknowledged' if action == 'acknowledge' else 'handoff.resolved'
                    if seq is None:          # REST answers with the handoff, not a seq: the notice must exist
                        if events[event] != 1:
                            t.problem('lost', '%s %s acked over REST, %d %s notices' % (
                                v.cid, action, events[event], event))
                    elif (by_seq.get(seq, {}).get('meta') or {}).get('event') != event:
                        t.problem('lost', '%s %s acked at %s, stored %s' % (v.cid, action, seq, by_seq.get(seq)))
                for event in ('handoff.acknowledged', 'handoff.resolved'):
                    if events[event] > 1:
                        t.problem('duplicated', '%s %d %s notices' % (v.cid, events[event], event))
                status, conv = http_json('GET', '%s/conversations/%s' % (self.info['http_url'],
                                                                         urllib.parse.quote(v.cid)), token=token)
                owners = {h['by']['name'] for h in (conv or {}).get('handoffs', []) if h['status'] == 'acknowledged'}
                acks = [h for h in (conv or {}).get('handoffs', []) if h['status'] == 'acknowledged']
                t.c['handoffs'] += 1
                if len(acks) != 1 or owners != set(record['winners']):
                    t.problem('owners', '%s stored acknowledgements %s, race winners %s' % (
                        v.cid, [h['by']['name'] for h in acks], record['winners']))
                for op in self.operators:
                    if op.inbox[(v.cid, 'handoff.requested')] == 0:
                        t.problem('inbox_missing', '%s never told %s about %s' % (v.cid, op.name, 'handoff.requested'))
                    t.c['inbox_pushes_extra'] += max(0, op.inbox[(v.cid, 'handoff.requested')] - 1)
            unknown = set(seqs) - v.known
            if unknown:
                t.problem('not_replayed', '%s visitor never got seqs %s' % (v.cid, sorted(unknown)))
            phantom = v.known - set(seqs)
            if phantom:
                t.problem('lost', '%s visitor was told of seqs %s the store does not have' % (v.cid, sorted(phantom)))

    def _compare(self, cid, acks, stored_cmids, who):
        t = self.tally
        for cmid, seqs in acks.items():
            t.c['acked_writes'] += 1
            stored = stored_cmids.get(cmid, [])
            if len(seqs) != 1:
                t.problem('ack_mismatch', '%s %s %s acked with seqs %s' % (cid, who, cmid, sorted(seqs)))
            if not stored:
                t.problem('lost', '%s %s %s acked at %s, not stored' % (cid, who, cmid, sorted(seqs)))
            elif len(stored) > 1:
                t.problem('duplicated', '%s %s %s stored at %s' % (cid, who, cmid, stored))
            elif stored[0] not in seqs:
                t.problem('lost', '%s %s %s acked at %s, stored at %s' % (cid, who, cmid, sorted(seqs), stored[0]))


def runtime_args(operators, redeliver=0.2, crash=0.1, chaos_seed=1, raw_moto=False):
    """With chaos_seed=1 the consumer's first draw is 0.13: with crash >= 0.14 the first batch crashes."""
    args = ['--demo-operators', str(operators), '--visibility-timeout', '1',
            '--chaos-sqs-redeliver', str(redeliver), '--chaos-sqs-crash', str(crash), '--chaos-seed', str(chaos_seed)]
    if raw_moto:
        args += ['--raw-moto', '--aws-in-process']         # the runtime as it was before issue 15
    return args


def execute(info, **kw):
    run = Run(info, **kw)
    asyncio.run(run.run())
    run.check()
    return run


def log_counts(path):
    try:
        with open(path) as f:
            log = f.read()
    except OSError:
        return {}
    return {'gone_posts': len(re.findall(r'410 gone', log)),
            'sqs_crashes': log.count('chaos: crashed'),
            'sqs_redelivered': sum(int(n) for n in re.findall(r'chaos: (\d+) handled message', log)),
            'tracebacks': log.count('Traceback')}


SEVERE = ('lost', 'duplicated', 'seq_gap', 'seq_duplicate', 'owners', 'replay_duplicate', 'replay_hole',
          'not_replayed', 'ack_mismatch', 'phantom', 'live_duplicate')


def summary(run, logs):
    c = run.tally.c
    return {
        'conversations': run.conversations, 'messages_per_conversation': run.messages,
        'acked_writes': c['acked_writes'], 'sends_acked': c['sends_acked'], 'stored': c['stored_messages'],
        'lost': c['lost'], 'duplicated': c['duplicated'] + c['seq_duplicate'], 'seq_gaps': c['seq_gap'],
        'owner_violations': c['owners'], 'handoffs': c['handoffs'],
        'replay_faults': c['replay_duplicate'] + c['replay_hole'] + c['not_replayed'],
        'other_faults': sum(c[k] for k in ('ack_mismatch', 'phantom', 'live_duplicate', 'error', 'error_event',
                                              'unacknowledged', 'race_error', 'reply_error', 'resolve_error',
                                              'colleague_reply', 'inbox_missing', 'duplicate_not_flagged',
                                              'session', 'client_gave_up', 'conversation_unreadable')),
        'aborts': c['aborts_in_flight'] + c['aborts_idle'], 'resends': c['resends'],
        'deliberate_duplicates': c['deliberate_duplicates'], 'resumes': c['resumes'], 'replayed': c['replayed'],
        'acknowledge_attempts': c['acknowledge_attempts'], 'replies_acked': c['replies_acked'],
        'inbox_pushes_extra': c['inbox_pushes_extra'], 'duration_s': round(run.duration, 1),
        'ack_p50_ms': round(percentile(run.ack_latency, 50) * 1000, 1),
        'ack_p95_ms': round(percentile(run.ack_latency, 95) * 1000, 1),
        **logs,
    }


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m benchmarks.fault', description=__doc__.split('\n\n')[0])
    p.add_argument('--conversations', type=int, default=50)
    p.add_argument('--messages', type=int, default=22, help='visitor messages per conversation')
    p.add_argument('--operators', type=int, default=8)
    p.add_argument('--handoff-share', type=float, default=0.3)
    p.add_argument('--abort-rate', type=float, default=0.15, help='socket aborts per visitor write')
    p.add_argument('--dup-rate', type=float, default=0.1)
    p.add_argument('--replies', type=int, default=3)
    p.add_argument('--pace', type=float, default=1.5, help='max seconds between one client\'s actions')
    p.add_argument('--seed', type=int, default=15)
    p.add_argument('--raw-moto', action='store_true', help="moto as shipped (the runtime before issue 15)")
    args = p.parse_args(argv)
    stack = Stack(runtime_args(args.operators, raw_moto=args.raw_moto), log_level='INFO', env=NO_RATE_LIMITS)
    info = stack.start()
    try:
        run = execute(info, conversations=args.conversations, messages=args.messages,
                      handoff_share=args.handoff_share, abort_rate=args.abort_rate, dup_rate=args.dup_rate,
                      replies=args.replies, seed=args.seed, pace=args.pace)
        rss = stack.rss_mb()
    finally:
        code = stack.stop()
    s = summary(run, log_counts(stack.log))
    s['runtime_rss_mb'] = round(rss or 0)
    s['stop_s'] = round(stack.stop_seconds, 2) if stack.stop_seconds is not None else None
    s['exit_code'] = code
    details = ['%s: %s' % (k, v) for k, v in s.items()] + run.tally.problems
    label = 'moto as shipped' if args.raw_moto else 'local runtime'
    faults = s['lost'] + s['duplicated'] + s['seq_gaps'] + s['owner_violations'] + s['replay_faults']
    rows = [
        row('F', 'Fault run (%s): %d acknowledged writes in %d conversations, %d socket aborts, %d resends, '
                 '%d deliberate duplicates, %d handoffs raced by %d operators' % (
                     label, s['acked_writes'], s['conversations'], s['aborts'], s['resends'],
                     s['deliberate_duplicates'], s['handoffs'], args.operators),
            'lost %d, duplicated %d, seq gaps %d, owner violations %d, replay faults %d, other %d' % (
                s['lost'], s['duplicated'], s['seq_gaps'], s['owner_violations'], s['replay_faults'],
                s['other_faults']),
            'all 0', faults == 0 and s['other_faults'] == 0, faults),
        row('Fs', 'Runtime stops on SIGTERM after the fault run', '%s s, exit %s' % (s['stop_s'], code),
            '< 10 s, exit 0', code == 0 and s['stop_s'] is not None and s['stop_s'] < 10, s['stop_s']),
    ]
    emit(rows, details)
    return 0


if __name__ == '__main__':
    sys.exit(main())
