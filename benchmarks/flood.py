"""Figure 7: what a flood of 1,000 messages from one visitor costs, abuse limits off and on.

In-process under moto (benchmarks.harness), like figure 1. One visitor's socket sends 1,000 `send`
frames within one second (the clock the limit reads is simulated: 1 ms apart), in two modes:

  bot mode     no handoff: every accepted message is answered by the bot
  human mode   a handoff acknowledged by Alice, Alice and Bob online: every accepted message is posted
               to the owner's socket (Bob's dashboard does not have the conversation open)

Counted per run: DynamoDB requests (botocore before-call events, benchmarks.hooks), socket posts (by
recipient), Lambda invocations, bot answers, messages stored. With the limits on (the defaults of
chalicelib.domain.rate_limit.Limits: a bucket of 20 messages refilled at 30 a minute), a refused
message costs its invocation, the socket read and the turn's BatchGetItem (which also says whether
it is a retry of a stored message), and one `error` post to the sender: no write, no bot, no operator.
Slow under moto (each accepted message is a transaction, and moto copies the table for each): about
5 CPU minutes, most of it in the two runs with the limits off.
"""
import types

from benchmarks import harness  # noqa: F401  (environment before the app is imported)
from benchmarks import hooks
from benchmarks.common import emit, row

FLOOD = 1000
SPACING = 0.001          # seconds between the flood's messages, on the limit's clock


class Clock:
    """Stands in for the `time` module the visitor turn reads its epoch from."""

    def __init__(self, start=2_000_000_000.0):
        self.now = start

    def time(self):
        return self.now


def flood(system, recorder, clock, connection_id, operators, texts):
    posts, invocations = system.sender.posts, sum(system.invocations.values())
    post_types = dict(system.sender.post_types)
    recorder.take()
    refused = accepted = 0
    for i in range(FLOOD):
        clock.now += SPACING
        events = system.send(connection_id, {'action': 'send', 'client_message_id': 'f-%d' % i,
                                             'text': texts[i % len(texts)]})
        if any(e['type'] == 'error' and e['code'] == 'rate_limited' for e in events):
            refused += 1
        elif any(e['type'] == 'ack' for e in events):
            accepted += 1
    calls = recorder.take()
    to_operators = sum(len(system.take(o)) for o in operators)
    dynamodb = recorder.counts('dynamodb', calls)
    new_types = {t: n - post_types.get(t, 0) for t, n in system.sender.post_types.items()}
    return {'accepted': accepted, 'refused': refused, 'dynamodb': sum(dynamodb.values()), 'ops': dict(dynamodb),
            'writes': dynamodb.get('TransactWriteItems', 0), 'posts': system.sender.posts - posts,
            'to_operators': to_operators, 'bot_answers': new_types.get('message', 0) - to_operators,
            'errors_posted': new_types.get('error', 0),
            'invocations': sum(system.invocations.values()) - invocations}


def run(recorder, mode, limits_on):
    from chalicelib.domain import rate_limit
    from chalicelib.usecases import visitor_turns
    from benchmarks.requests_per_message import safe_questions
    with harness.System() as system:
        system.services.ctx.limits = rate_limit.Limits() if limits_on else rate_limit.OFF
        clock = Clock()
        saved = visitor_turns.time
        visitor_turns.time = types.SimpleNamespace(time=clock.time)
        try:
            system.visitor('v-flood')
            operators = []
            if mode == 'human':
                operators = ['alice', 'bob']
                assert system.connect('alice', token=system.operators['Alice']) == 200
                assert system.connect('bob', token=system.operators['Bob']) == 200
                system.send('v-flood', {'action': 'request_human'})
                cid = [e for e in system.take('alice') if e['type'] == 'handoff'][0]['conversation_id']
                system.send('alice', {'action': 'acknowledge', 'conversation_id': cid})
                for o in operators:
                    system.take(o)
                clock.now += 60          # the request for a person does not eat the flood's burst
                texts = ['hello? (%d)' % i for i in range(FLOOD)]
            else:
                texts = safe_questions(system.knowledge)
            system.take('v-flood')
            return flood(system, recorder, clock, 'v-flood', operators, texts)
        finally:
            visitor_turns.time = saved


def main():
    recorder = hooks.install(hooks.Recorder(keep_params=False))
    results = {(mode, on): run(recorder, mode, on) for mode in ('bot', 'human') for on in (False, True)}
    rows, details = [], []
    for mode, figure in (('bot', '11a'), ('human', '11b')):
        off, on = results[(mode, False)], results[(mode, True)]
        work = 'bot answers' if mode == 'bot' else 'posts to operators'
        key = 'bot_answers' if mode == 'bot' else 'to_operators'
        rows.append(row(figure, 'Flood of %d messages in 1 s, %s mode: %s, limits off -> on' % (FLOOD, mode, work),
                        '%d -> %d' % (off[key], on[key]), 'bounded by the bucket (20 + refill)',
                        on[key] <= 21, on[key],
                        note='DynamoDB requests %d -> %d, writes %d -> %d, socket posts %d -> %d, Lambda invocations '
                             '%d -> %d' % (off['dynamodb'], on['dynamodb'], off['writes'], on['writes'], off['posts'],
                                           on['posts'], off['invocations'], on['invocations'])))
        for label, r in (('off', off), ('on', on)):
            details.append('%s %s mode, limits %s: %d accepted, %d refused; DynamoDB %d requests (%s); socket posts %d '
                           '(%d to operators, %d bot answers, %d rate_limited errors); Lambda invocations %d'
                           % (figure, mode, label, r['accepted'], r['refused'], r['dynamodb'],
                              ', '.join('%s %d' % kv for kv in sorted(r['ops'].items())), r['posts'],
                              r['to_operators'], r['bot_answers'], r['errors_posted'], r['invocations']))
    details.append('Refused message: 1 invocation, GetItem (socket) + BatchGetItem (turn + retry check), 1 error '
                   'post; API Gateway throttles ($default 100/s, $connect 50/s per stage) cap the frames themselves')
    emit(rows, details)


if __name__ == '__main__':
    main()
