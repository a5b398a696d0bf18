"""Figure 1: DynamoDB requests per visitor message, bot mode and human mode.

In-process under moto (benchmarks.harness). Requests are counted at botocore's `before-call`
event (once per API call, whatever the retries; see benchmarks.hooks for why the handlers are
registered through botocore.handlers.BUILTIN_HANDLERS), and cross-checked against a patch of
BaseClient._make_api_call. Human mode includes finding the operators' connections to deliver to.
"""
from benchmarks import harness  # noqa: F401  (environment before the app is imported)
from benchmarks import hooks
from benchmarks.capacity import CapacityMeter
from benchmarks.common import emit, fmt, row

MESSAGES = 10
# Bot: 3 for the turn + 1 analytics counter ADD after the commit (usecases/analytics.count_turn).
BOT_TARGET, HUMAN_TARGET = 4, 4


def safe_questions(questions):
    """Knowledge-base questions that trip no handoff trigger (so the bot answers them)."""
    from chalicelib.domain import triggers
    return [q for q in questions if triggers.detect(q, {}, triggers.DEFAULT_TRIGGERS) is None]


def per_message(recorder, system, connection_id, texts, check):
    counts, units = [], []
    for i, text in enumerate(texts):
        recorder.take()
        events = system.send(connection_id, {'action': 'send', 'client_message_id': 'm-%d' % i, 'text': text})
        check(events)
        calls = recorder.take()
        counts.append(recorder.counts('dynamodb', calls))
        units.append((sum(c.get('rru', 0) for c in calls), sum(c.get('wru', 0) + c.get('gsi_wru', 0) for c in calls),
                      sum(c.get('gsi_wru', 0) for c in calls)))
    return counts, units


def summarize(counts):
    totals = [sum(c.values()) for c in counts]
    ops = {}
    for c in counts:
        for op, n in c.items():
            ops[op] = ops.get(op, 0) + n
    mean = sum(totals) / len(totals)
    breakdown = ', '.join('%s %s' % (op, fmt(n / len(counts))) for op, n in sorted(ops.items()))
    return mean, max(totals), breakdown


def main():
    recorder = hooks.install(hooks.Recorder())
    recorder.observers.append(CapacityMeter())
    details = []
    with hooks.cross_check() as seen:
        with harness.System() as system:
            questions = safe_questions(system.knowledge)
            texts = [questions[i % len(questions)] for i in range(MESSAGES)]

            # bot mode
            system.visitor('v-bot')

            def bot_answered(events):
                roles = [e['message']['role'] for e in events if e['type'] == 'message']
                assert roles == ['bot'], roles

            bot = per_message(recorder, system, 'v-bot', texts, bot_answered)

            # human mode: a handoff acknowledged by Alice, who must receive every visitor message
            system.visitor('v-human')
            alice = system.operators['Alice']
            assert system.connect('alice', token=alice) == 200
            system.send('v-human', {'action': 'request_human'})
            session_conv = [e for e in system.take('alice') if e['type'] == 'handoff'][0]['conversation_id']
            system.send('alice', {'action': 'acknowledge', 'conversation_id': session_conv})
            system.take('alice')

            def reached_alice(events):
                got = [e for e in system.take('alice') if e['type'] == 'message']
                assert [e['message']['role'] for e in got] == ['visitor'], got
                assert not [e for e in events if e['type'] == 'message' and e['message']['role'] == 'bot']

            human = per_message(recorder, system, 'v-human', ['Are you there? (%d)' % i for i in range(MESSAGES)],
                                reached_alice)
        seen_total = sum(n for (service, _), n in seen.items())
        event_total = sum(recorder.total.values())

    rows = []
    for figure, mode, (counts, units), target in (('1a', 'bot mode', bot, BOT_TARGET),
                                                  ('1b', 'human mode', human, HUMAN_TARGET)):
        mean, worst, breakdown = summarize(counts)
        rru, wru, gsi = (sum(u[i] for u in units) / len(units) for i in range(3))
        rows.append(row(figure, 'DynamoDB requests per visitor message, %s' % mode,
                        '%.1f (max %d)' % (mean, worst), '<= %d' % target, worst <= target, mean,
                        note=breakdown))
        details.append('%s %s, per message over %d messages: %s; %.1f write units (%.1f of them for the inbox '
                       'index), %.1f read units (computed from item sizes, benchmarks.capacity)'
                       % (figure, mode, len(counts), breakdown, wru, gsi, rru))
    control = sorted('%s %d' % (op, n) for (service, op), n in recorder.total.items()
                     if service == 'dynamodb' and op.startswith('Describe'))
    details.append('DescribeTable and other control-plane reads during the whole run: %s'
                   % (', '.join(control) or 'none (PynamoDB 6 takes the key schema from the models)'))
    details.append('counted at botocore before-call events: %d calls; BaseClient._make_api_call cross-check: %d calls (%s)'
                   % (event_total, seen_total, 'same' if event_total == seen_total else 'MISMATCH: some client escaped the hooks'))
    emit(rows, details)


if __name__ == '__main__':
    main()
