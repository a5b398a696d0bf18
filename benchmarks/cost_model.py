"""Figure 6: AWS list-price cost per 1,000 conversations, from counted requests.

A scripted mix runs in-process under moto (benchmarks.harness): CONVERSATIONS conversations of
10 visitor messages each, HANDED_OFF_SHARE of them handed off to an operator, who replies
REPLIES times and resolves. The clients are scripted after what chalicelib/static/widget.js and
dashboard.js send (see `visitor_conversation`). Counted while it runs: DynamoDB requests and their
read/write request units (computed from item sizes: benchmarks.capacity), Lambda invocations,
WebSocket messages in and out (32 KB units), REST requests, SQS requests. Assumed (ASSUMPTIONS):
how long sockets stay open, Lambda duration and memory, log volume. Prices: PRICES, dated.
"""
from benchmarks import harness  # noqa: F401  (environment before the app is imported)
from benchmarks import hooks
from benchmarks.capacity import CapacityMeter
from benchmarks.common import emit, fmt, row

TARGET = 0.10                 # USD per 1,000 conversations
PER = 1000

CONVERSATIONS = 20
HANDED_OFF_SHARE = 0.20
VISITOR_MESSAGES = 10
HANDOFF_AFTER = 3             # visitor messages answered by the bot before the visitor asks for a person
REPLIES = 5                   # operator replies per handed-off conversation
OPERATORS_ONLINE = 2          # dashboards open (Alice, Bob): each reacts to handoff events

# ---- prices ------------------------------------------------------------------------------------------
# us-east-1 public list prices, on-demand, without free tiers, as last known to the author (2025;
# DynamoDB on-demand after the November 2024 price cut). Written 2026-11-23 from memory, NOT
# fetched: re-check every line against the AWS pricing pages before relying on the total.
PRICES_AS_OF = 'us-east-1 list prices as known in 2025, written 2026-11-23, not re-checked: verify before use'
PRICES = {
    'dynamodb_write_request_unit': 0.625 / 1e6,        # on-demand, per WRU
    'dynamodb_read_request_unit': 0.125 / 1e6,         # on-demand, per RRU
    'lambda_request': 0.20 / 1e6,
    'lambda_gb_second': 0.0000166667,                  # x86_64 (arm64: 0.0000133334)
    'websocket_message': 1.00 / 1e6,                   # per 32 KB message unit, first billion
    'websocket_connection_minute': 0.25 / 1e6,
    'rest_request': 3.50 / 1e6,                        # REST API (Chalice routes), first 333 million
    'sqs_request': 0.40 / 1e6,                         # standard queue, per 64 KB request unit
    'cloudwatch_logs_gb': 0.50,                        # ingestion
}

# ---- assumptions (not measured) ------------------------------------------------------------------------
ASSUMPTIONS = {
    'lambda_memory_gb': 0.25,            # .chalice/config.json lambda_memory_size 256
    'lambda_ms': 100,                    # average billed duration per invocation, cold-start INIT amortised in
    'log_kb_per_invocation': 0.5,        # START/END/REPORT lines + the app's own lines
    'visitor_minutes_bot': 5,            # socket open per bot-only conversation
    'visitor_minutes_handoff': 15,       # socket open per handed-off conversation
    'ping_every_minutes': 5,             # socket.js keep-alive (pingIntervalMs)
}

# ---- optional: Amazon Bedrock (an agent turns the LLM on in Settings) ------------------------------------
# Not in the total above, which is the built-in bot's. us-east-1 on-demand prices per 1M tokens (input, output).
BEDROCK_PRICES_AS_OF = (
    'Bedrock us-east-1 on-demand per 1M tokens, source https://aws.amazon.com/bedrock/pricing/ (not re-checked: '
    'Nova Micro and Claude 3 Haiku as quoted on 2026-12-03 by bigdataboutique.com/blog/aws-bedrock-pricing-guide '
    'and pristren.com/blog/amazon-nova-micro-ultra-fast; Claude Haiku 4.5 from memory, 2025)')
BEDROCK_PRICES = {
    'amazon.nova-micro-v1:0': (0.035, 0.14),
    'anthropic.claude-3-haiku-20240307-v1:0': (0.25, 1.25),
    'us.anthropic.claude-haiku-4-5 (inference profile)': (1.00, 5.00),
}
BEDROCK_ROW_MODEL = 'amazon.nova-micro-v1:0'
BEDROCK_ASSUMPTIONS = {
    'chars_per_token': 4.0,               # English; real tokenizers differ by +-20 %, other languages use more
    'detector_output_tokens': 15,         # {"label": "none", "confidence": 0.95}
    'json_overhead_tokens': 20,           # the responder's JSON around its answer
    'responder_seconds': 1.0,             # the Lambda waits for the model (billed duration), per call
    'detector_seconds': 0.5,
}


def bedrock_estimate():
    """Tokens and USD per 1,000 conversations of this mix if the agent's LLM path is on: one detector
    call per visitor message the bot handles (none while a person has the conversation) and one
    responder call per bot answer; prompts built by chalicelib.adapters.llm from the demo knowledge
    base (infra/local/demo.py), with the earlier turns the responder quotes."""
    from chalicelib.adapters import llm
    from chalicelib.domain.bot import Entry
    from infra.local.demo import KNOWLEDGE
    a = BEDROCK_ASSUMPTIONS
    entries = [Entry('kb_%d' % i, q, ans) for i, (q, ans) in enumerate(KNOWLEDGE)]

    def tokens(text):
        return len(text) / a['chars_per_token']

    answered = range(VISITOR_MESSAGES)            # turns the bot handles: all of a bot-only conversation,
    answered_handoff = range(HANDOFF_AFTER)       # the first ones of a handed-off one
    system_answer, system_detect = tokens(llm.responder_prompt(entries)), tokens(llm.DETECTOR_SYSTEM)
    inputs_answer, inputs_detect = [], []
    for k in range(VISITOR_MESSAGES):
        question, answer = KNOWLEDGE[k % len(KNOWLEDGE)]
        transcript = []
        for j in range(k):
            q, ans = KNOWLEDGE[j % len(KNOWLEDGE)]
            transcript += [{'role': 'visitor', 'text': q}, {'role': 'bot', 'text': ans}]
        user = tokens(llm._user_message(question, transcript))
        inputs_answer.append(system_answer + user)
        inputs_detect.append(system_detect + user)
    out_answer = sum(tokens(ans) for _, ans in KNOWLEDGE) / len(KNOWLEDGE) + a['json_overhead_tokens']
    share = HANDED_OFF_SHARE
    calls = PER * ((1 - share) * len(answered) + share * len(answered_handoff))
    in_answer = PER * ((1 - share) * sum(inputs_answer[k] for k in answered)
                       + share * sum(inputs_answer[k] for k in answered_handoff))
    in_detect = PER * ((1 - share) * sum(inputs_detect[k] for k in answered)
                       + share * sum(inputs_detect[k] for k in answered_handoff))
    out_tokens = calls * (out_answer + a['detector_output_tokens'])
    in_tokens = in_answer + in_detect
    wait_gb_s = calls * (a['responder_seconds'] + a['detector_seconds']) * ASSUMPTIONS['lambda_memory_gb']
    lambda_usd = wait_gb_s * PRICES['lambda_gb_second']
    by_model = {model: (in_tokens * p_in + out_tokens * p_out) / 1e6 for model, (p_in, p_out) in BEDROCK_PRICES.items()}
    return {'calls': 2 * calls, 'input_tokens': in_tokens, 'output_tokens': out_tokens,
            'tokens_per_answer_call': (sum(inputs_answer) / len(inputs_answer), out_answer),
            'tokens_per_detector_call': (sum(inputs_detect) / len(inputs_detect), a['detector_output_tokens']),
            'by_model': by_model, 'lambda_wait_usd': lambda_usd}


def visitor_conversation(system, i, handed_off, questions):
    """One visitor's conversation, as the widget and the operators' dashboards drive it."""
    alice = system.operators['Alice']
    tokens = list(system.operators.values())[:OPERATORS_ONLINE]
    conn = 'visitor-%d' % i
    for path in ('/widget.js', '/static/widget.css', '/static/socket.js'):     # the page that opens the chat
        status, _ = system.rest('GET', path)
        assert status == 200, path
    status, session = system.rest('POST', '/visitor/session', body={
        'agent_id': system.agent_id, 'attributes': {'name': 'Visitor %d' % i, 'email': 'v%d@example.com' % i}})
    assert status == 200, session
    system.rest('GET', '/client-config')
    assert system.connect(conn, session=session['session']) == 200
    system.send(conn, {'action': 'resume', 'after': 0})                         # widget onOpen
    conversation_id = session['conversation_id']

    def dashboards_refresh():
        # every open dashboard reloads its inbox on a handoff event (dashboard.js refreshInboxSoon)
        for token in tokens:
            system.rest('GET', '/agents/%s/inbox' % system.agent_id, token=token)

    in_handoff = False
    replies_left = REPLIES if handed_off else 0
    for k in range(VISITOR_MESSAGES):
        if handed_off and k == HANDOFF_AFTER:
            system.send(conn, {'action': 'request_human', 'client_message_id': 'rh-%d' % i,
                               'request_id': 'request_human'})
            system.deliver_notifications()
            dashboards_refresh()
            system.send('alice', {'action': 'open', 'conversation_id': conversation_id, 'after': 0})
            system.rest('GET', '/conversations/%s' % conversation_id, token=alice)
            status, body = system.rest('POST', '/conversations/%s/acknowledge' % conversation_id, token=alice)
            assert status == 200, body
            system.deliver_notifications()
            dashboards_refresh()
            in_handoff = True
        if in_handoff:
            system.send(conn, {'action': 'typing', 'is_typing': True})
            system.send(conn, {'action': 'send', 'client_message_id': 'm-%d-%d' % (i, k),
                               'text': 'About my order %d: could you check where it is?' % k})
            system.send(conn, {'action': 'typing', 'is_typing': False})
            if replies_left:
                system.send('alice', {'action': 'typing', 'conversation_id': conversation_id, 'is_typing': True})
                status, body = system.rest('POST', '/conversations/%s/reply' % conversation_id, token=alice, body={
                    'client_message_id': 'r-%d-%d' % (i, k), 'text': 'Let me check that for you (%d).' % k})
                assert status == 200, body
                system.send('alice', {'action': 'typing', 'conversation_id': conversation_id, 'is_typing': False})
                replies_left -= 1
        else:
            events = system.send(conn, {'action': 'send', 'client_message_id': 'm-%d-%d' % (i, k),
                                        'text': questions[(i + k) % len(questions)]})
            assert any(e['type'] == 'message' and e['message']['role'] == 'bot' for e in events), events
    if handed_off:
        status, body = system.rest('POST', '/conversations/%s/resolve' % conversation_id, token=alice)
        assert status == 200, body
        system.deliver_notifications()
        dashboards_refresh()
    minutes = ASSUMPTIONS['visitor_minutes_handoff' if handed_off else 'visitor_minutes_bot']
    for _ in range(int(minutes // ASSUMPTIONS['ping_every_minutes'])):
        system.send(conn, {'action': 'ping'})
    system.disconnect(conn)
    for c in system.sender.sent:
        system.sender.sent[c] = []
    return minutes


def main():
    from benchmarks.requests_per_message import safe_questions
    meter = CapacityMeter()
    recorder = hooks.install(hooks.Recorder(keep_params=False))
    recorder.observers.append(meter)
    with harness.System() as system:
        for name in list(system.operators)[:OPERATORS_ONLINE]:       # dashboards open before the day starts
            assert system.connect(name.lower(), token=system.operators[name]) == 200
        questions = safe_questions(system.knowledge)
        # from here on, everything is caused by the conversations
        recorder.take()
        meter.totals.clear()
        meter.by_operation.clear()
        system.invocations.clear()
        system.frames_in = system.frames_in_units = system.rest_requests = system.rest_bytes_out = 0
        system.sender.posts = system.sender.post_units = system.sender.post_bytes = 0
        system.sender.post_types.clear()
        handed = round(CONVERSATIONS * HANDED_OFF_SHARE)
        minutes = 0
        for i in range(CONVERSATIONS):
            minutes += visitor_conversation(system, i, handed_off=i % round(1 / HANDED_OFF_SHARE) == 0, questions=questions)
        calls = recorder.take()
        invocations = sum(system.invocations.values())
        counted = {
            'dynamodb_requests': sum(1 for c in calls if c['service'] == 'dynamodb'),
            'rru': meter.totals['rru'], 'wru': meter.totals['wru'], 'gsi_wru': meter.totals['gsi_wru'],
            'sqs_requests': sum(1 for c in calls if c['service'] == 'sqs'),
            'lambda_invocations': invocations, 'invocations_by_handler': dict(system.invocations),
            'ws_in': system.frames_in_units, 'ws_out': system.sender.post_units,
            'rest': system.rest_requests, 'rest_mb_out': system.rest_bytes_out / 1e6,
            'notifications': system.notifications_delivered,
            'connection_minutes': minutes, 'handed_off': handed,
        }
        wru_by_op = {op: v['wru'] for op, v in meter.by_operation.items() if v['wru']}
        posts_by_type = dict(system.sender.post_types)
        other = sorted({(c['service'], c['operation']) for c in calls if c['service'] not in ('dynamodb', 'sqs')})
        ddb_ops = recorder.counts('dynamodb', calls)

    scale = PER / CONVERSATIONS
    a, p = ASSUMPTIONS, PRICES
    lines = [
        ('DynamoDB writes', counted['wru'] * scale, 'WRU', p['dynamodb_write_request_unit']),
        ('DynamoDB reads', counted['rru'] * scale, 'RRU', p['dynamodb_read_request_unit']),
        ('Lambda requests', counted['lambda_invocations'] * scale, 'invocations', p['lambda_request']),
        ('Lambda compute', counted['lambda_invocations'] * scale * a['lambda_ms'] / 1000 * a['lambda_memory_gb'],
         'GB-s', p['lambda_gb_second']),
        ('WebSocket messages', (counted['ws_in'] + counted['ws_out']) * scale, 'messages', p['websocket_message']),
        ('WebSocket connection minutes', counted['connection_minutes'] * scale, 'minutes',
         p['websocket_connection_minute']),
        ('REST API requests', counted['rest'] * scale, 'requests', p['rest_request']),
        ('SQS requests', counted['sqs_requests'] * scale, 'requests', p['sqs_request']),
        ('CloudWatch Logs', counted['lambda_invocations'] * scale * a['log_kb_per_invocation'] / 1e6, 'GB',
         p['cloudwatch_logs_gb']),
    ]
    total = sum(q * price for _, q, _, price in lines)
    rows = [row('6', 'AWS cost per 1,000 conversations (10 visitor messages, %d%% handed off, %d operator replies)'
                % (HANDED_OFF_SHARE * 100, REPLIES), '$%.3f' % total, '<= $%.2f' % TARGET, total <= TARGET, total)]
    bedrock = bedrock_estimate()
    llm_total = bedrock['by_model'][BEDROCK_ROW_MODEL] + bedrock['lambda_wait_usd']
    rows.append(row('6b', '(info) optional LLM path on: Bedrock %s + Lambda waiting for it, per 1,000 conversations, '
                    'on top of 6' % BEDROCK_ROW_MODEL, '+$%.3f' % llm_total, '-', None, llm_total))
    details = ['prices: ' + PRICES_AS_OF,
               'measured over %d conversations (%d handed off), scaled to %d:' % (CONVERSATIONS, counted['handed_off'], PER)]
    for name, quantity, unit, price in sorted(lines, key=lambda l: -l[1] * l[3]):
        details.append('  %-30s %12s %-12s $%.4f  (%.0f%%)' % (name, fmt(round(quantity, 2)), unit, quantity * price,
                                                              quantity * price / total * 100))
    details += [
        'per conversation: %.1f DynamoDB requests (%s), %.1f WRU (of which %.1f for the inbox index), %.1f RRU, '
        '%.1f Lambda invocations (%s), %.1f WebSocket messages in + %.1f out, %.1f REST requests, %.1f SQS requests'
        % (counted['dynamodb_requests'] / CONVERSATIONS,
           ', '.join('%s %.1f' % (op, n / CONVERSATIONS) for op, n in ddb_ops.most_common()),
           counted['wru'] / CONVERSATIONS, counted['gsi_wru'] / CONVERSATIONS, counted['rru'] / CONVERSATIONS,
           counted['lambda_invocations'] / CONVERSATIONS,
           ', '.join('%s %.1f' % (k, v / CONVERSATIONS) for k, v in sorted(counted['invocations_by_handler'].items())),
           counted['ws_in'] / CONVERSATIONS, counted['ws_out'] / CONVERSATIONS, counted['rest'] / CONVERSATIONS,
           counted['sqs_requests'] / CONVERSATIONS),
        'write units per conversation by request: %s' % ', '.join(
            '%s %.1f' % (op, v / CONVERSATIONS) for op, v in sorted(wru_by_op.items(), key=lambda kv: -kv[1])),
        'socket messages out per conversation by event: %s' % ', '.join(
            '%s %.1f' % (t, v / CONVERSATIONS) for t, v in sorted(posts_by_type.items(), key=lambda kv: -kv[1])),
        'assumed: %s' % ', '.join('%s=%s' % kv for kv in ASSUMPTIONS.items()),
        'not included: free tiers; DynamoDB storage (grows with history, $0.25/GB-month); data transfer out '
        '(%.2f MB of REST responses per 1,000 conversations); the SQS event source\'s idle long polls and the '
        'operators\' own dashboard sessions and pings (fixed per month / per operator, not per conversation); '
        'page views that load the widget without opening the chat' % (counted['rest_mb_out'] * scale),
    ]
    if other:
        details.append('other AWS calls seen: %s' % ', '.join('%s:%s' % o for o in other))
    details += [
        '6b optional Bedrock path (estimated, not measured: no model is called): %d Converse calls per 1,000 '
        'conversations (one detector + one responder call per bot-handled visitor message), %.2fM input + %.2fM '
        'output tokens; per call: responder %.0f in / %.0f out, detector %.0f in / %.0f out (demo knowledge base, '
        '13 entries, earlier turns quoted)' % (
            bedrock['calls'], bedrock['input_tokens'] / 1e6, bedrock['output_tokens'] / 1e6,
            *bedrock['tokens_per_answer_call'], *bedrock['tokens_per_detector_call']),
        '   model tokens: %s; Lambda billed while waiting: $%.4f' % (', '.join(
            '%s $%.3f' % (m, usd) for m, usd in bedrock['by_model'].items()), bedrock['lambda_wait_usd']),
        '   prices: ' + BEDROCK_PRICES_AS_OF,
        '   assumed: %s' % ', '.join('%s=%s' % kv for kv in BEDROCK_ASSUMPTIONS.items()),
    ]
    emit(rows, details)


if __name__ == '__main__':
    main()
