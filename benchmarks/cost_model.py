"""Figure 6: AWS list-price cost per 1,000 conversations, from counted requests.

A scripted mix runs in-process under moto (benchmarks.harness): CONVERSATIONS conversations of
10 visitor messages each, HANDED_OFF_SHARE of them handed off to an operator, who replies
REPLIES times and resolves. The clients are scripted after what the front end does today
(chalicelib/static/widget.js, widget/, lib/, dashboard/; see `visitor_conversation` and
`Dashboard`): the page view fetches the widget's whole module graph (read from the files), the
session POST is preceded by a CORS preflight, typing frames follow the widget's and dashboard's
3-second throttle, sockets ping every 5 minutes, and each open dashboard reacts to the events it is
sent as dashboard/main.js and inbox.js do (rows updated in place from `inbox` pushes; an inbox
reload only for a conversation it does not list yet).

Counted while it runs: DynamoDB requests and their read/write request units (computed from item
sizes: benchmarks.capacity), Lambda invocations, WebSocket messages in and out (32 KB units),
REST requests and response bytes, static file requests and bytes, SQS requests, the app's own log
output. Assumed (ASSUMPTIONS): how long sockets stay open, typing speed, Lambda duration and
memory, the size of Lambda's platform log lines, the CDN cache hit ratio. Prices: PRICES, each
with its date and source (PRICE_SOURCES).

The deployment the total is for is read from the repository: the Lambda architecture from
.chalice/config.json, whether static files come from S3 + CloudFront (a CloudFront distribution in
infra/template.json) or from the REST API, and the functions' log settings (LoggingConfig,
POWERTOOLS_LOG_LEVEL) from infra/template.json. Each lever's saving is the same counted traffic
priced with that lever off.
"""
import gzip
import io
import json
import os
import re
import sys

from benchmarks import harness  # noqa: F401  (environment before the app is imported)
from benchmarks import hooks
from benchmarks.capacity import CapacityMeter
from benchmarks.common import emit, fmt, row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATIC = os.path.join(ROOT, 'chalicelib', 'static')

TARGET = 0.10                 # USD per 1,000 conversations
PER = 1000

CONVERSATIONS = 20
HANDED_OFF_SHARE = 0.20
VISITOR_MESSAGES = 10
HANDOFF_AFTER = 3             # visitor messages answered by the bot before the visitor asks for a person
REPLIES = 5                   # operator replies per handed-off conversation
OPERATORS_ONLINE = 2          # dashboards open (Alice, Bob): each reacts to the events it is sent

# ---- prices ------------------------------------------------------------------------------------------
# us-east-1 public list prices, on-demand, first pricing tier, without free tiers. Re-checked on
# 2026-12-03 against stored copies of public pages (no live web access): PRICE_SOURCES names, for
# each line, the page(s) and what they say. The official AWS pricing pages render most tables with
# JavaScript, so where the stored AWS page shows no number the figure comes from dated third-party
# pages that quote it; they agree with each other and with the AWS examples where those exist.
PRICES_AS_OF = 'us-east-1 list prices, re-checked 2026-12-03 against stored public pages (PRICE_SOURCES)'
PRICES = {
    'dynamodb_write_request_unit': 0.625 / 1e6,        # on-demand, per WRU (after the Nov 2024 cut)
    'dynamodb_read_request_unit': 0.125 / 1e6,         # on-demand, per RRU
    'lambda_request': 0.20 / 1e6,
    'lambda_gb_second_x86_64': 0.0000166667,           # first 6 billion GB-s / month
    'lambda_gb_second_arm64': 0.0000133334,            # first 7.5 billion GB-s / month
    'websocket_message': 1.00 / 1e6,                   # per 32 KB message unit, first billion
    'websocket_connection_minute': 0.25 / 1e6,
    'rest_request': 3.50 / 1e6,                        # REST API, first 333 million
    'api_data_transfer_gb': 0.09,                      # API Gateway data out to the internet, first 10 TB
    'sqs_request': 0.40 / 1e6,                         # standard queue, per 64 KB request unit
    'cloudwatch_logs_gb': 0.50,                        # ingestion, Standard class (Lambda logs: first tier)
    'cloudfront_https_request': 0.0100 / 1e4,          # HTTPS, United States/Mexico/Canada
    'cloudfront_data_transfer_gb': 0.085,              # to the internet, US/Mexico/Canada, first 10 TB
    's3_get_request': 0.0004 / 1e3,                    # S3 Standard GET (CloudFront cache misses)
}
PRICE_SOURCES = {
    'dynamodb_write_request_unit': (
        '2026-12-03', 'https://airbyte.com/data-engineering-resources/dynamodb-pricing (July 2025: $0.625 per '
        'million WRU, $0.125 per million RRU, US East, after the 50% on-demand cut); '
        'https://www.jusdb.com/blog/dynamodb-cost-optimization-a-comprehensive-guide-by-jusdb (cut effective '
        '2024-11-01). Official page: https://aws.amazon.com/dynamodb/pricing/on-demand/ (table not in the stored copy)'),
    'dynamodb_read_request_unit': ('2026-12-03', 'as dynamodb_write_request_unit'),
    'lambda_request': (
        '2026-12-03', 'https://aws.amazon.com/lambda/pricing/ (example: "$0.20 per 1 million requests"); '
        'https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html'),
    'lambda_gb_second_x86_64': (
        '2026-12-03', 'https://cloudchipr.com/blog/aws-lambda-pricing (US East, x86 first 6B GB-s '
        '$0.0000166667, Arm first 7.5B GB-s $0.0000133334); the AWS page\'s own example rounds x86 to '
        '$0.00001667'),
    'lambda_gb_second_arm64': ('2026-12-03', 'as lambda_gb_second_x86_64'),
    'websocket_message': (
        '2026-12-03', 'https://amnic.com/blogs/aws-api-gateway-pricing ($1.00/M messages + $0.25/M '
        'connection-minutes, citing the AWS page); https://awsforengineers.com/blog/aws-api-gateway-pricing-explained '
        '(2025-05-19); metering in 32 KB increments: https://aws.amazon.com/api-gateway/pricing/'),
    'websocket_connection_minute': ('2026-12-03', 'as websocket_message'),
    'rest_request': (
        '2026-12-03', 'https://awsforengineers.com/blog/aws-api-gateway-pricing-explained ($3.50/M, first 333M); '
        'https://amnic.com/blogs/aws-api-gateway-pricing (same)'),
    'api_data_transfer_gb': (
        '2026-12-03', 'https://awsforengineers.com/blog/aws-api-gateway-pricing-explained and '
        'https://amnic.com/blogs/aws-api-gateway-pricing ("$0.09 per GB" out to the internet)'),
    'sqs_request': (
        '2026-12-03', 'https://cloudburn.io/blog/amazon-sqs-pricing (March 2026: standard $0.40/M, first 100B, '
        '64 KB chunks); https://www.factualminds.com/blog/amazon-sqs-pricing-64kb-rule-fifo-vs-standard/ (June 2026)'),
    'cloudwatch_logs_gb': (
        '2026-12-03', 'https://c3x.dev/blog/cloudwatch-logs-cost-optimization (June 2026: Standard ingestion '
        '$0.50/GB); https://www.duckbillgroup.com/?p=9080 (Lambda logs tiered since 2025-05-01, first tier '
        '$0.50/GB)'),
    'cloudfront_https_request': (
        '2026-12-03', 'https://kindatechnical.com/aws-certification-associate-developer/lesson-87-cloudfront-pricing.html '
        '(HTTPS $0.0100 per 10,000); https://www.factualminds.com/blog/amazon-cloudfront-pricing-regional-tiers-'
        'requests-security/ ($0.0075-$0.0100 per 10K). Official: https://aws.amazon.com/cloudfront/pricing '
        '(request table not in the stored copy)'),
    'cloudfront_data_transfer_gb': (
        '2026-12-03', 'https://aws.amazon.com/cloudfront/pricing (stored table: United States, Mexico, and Canada, '
        'first 10TB $0.085/GB; origin fetches from AWS origins free)'),
    's3_get_request': (
        '2026-12-03', 'https://c3x.dev/blog/s3-request-fees-explained (S3 Standard GET $0.0004 per 1,000); '
        'https://awsi.click/en/articles/s3-request-pricing-get-put-difference/ (us-east-1, same)'),
}
NOT_INCLUDED = (
    'free tiers (Lambda 1M requests + 400,000 GB-s, SQS 1M requests per month; CloudFront always-free 1 TB + '
    '10M requests per month: below that the static files cost nothing at all); DynamoDB storage ($0.25/GB-month, '
    'grows with history) and PITR; the SQS event source\'s idle long polls and the operators\' own dashboard '
    'page loads, sessions and pings (fixed per month / per operator, not per conversation); page views that load '
    'the widget without opening the chat')

# ---- assumptions (not measured) ------------------------------------------------------------------------
ASSUMPTIONS = {
    'lambda_memory_gb': 0.25,            # .chalice/config.json lambda_memory_size 256
    'lambda_ms': 100,                    # average billed duration per invocation, cold-start INIT amortised in
    'lambda_ms_static': 10,              # a static file route (read a file, no AWS call)
    'platform_log_bytes': 260,           # START + END + REPORT lines per invocation (text format)
    'visitor_minutes_bot': 5,            # socket open per bot-only conversation
    'visitor_minutes_handoff': 15,       # socket open per handed-off conversation
    'ping_every_minutes': 5,             # lib/socket.js pingIntervalMs
    'visitor_chars_per_second': 3.0,     # typing speed: widget typing frames while a person has the chat
    'operator_chars_per_second': 5.0,    # dashboard typing frames per reply
    'typing_resend_seconds': 6.0,        # widget/main.js and dashboard/conversation.js resend is_typing after 6 s
    'cdn_cache_hit_ratio': 0.95,         # static files requested from CloudFront that the edge already holds
    'preflight_cache_hit_ratio': 0.90,   # CORS preflights the edge answers (keyed per embedding site's Origin)
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


def bedrock_estimate(architecture):
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
    lambda_usd = wait_gb_s * PRICES['lambda_gb_second_' + architecture]
    by_model = {model: (in_tokens * p_in + out_tokens * p_out) / 1e6 for model, (p_in, p_out) in BEDROCK_PRICES.items()}
    return {'calls': 2 * calls, 'input_tokens': in_tokens, 'output_tokens': out_tokens,
            'tokens_per_answer_call': (sum(inputs_answer) / len(inputs_answer), out_answer),
            'tokens_per_detector_call': (sum(inputs_detect) / len(inputs_detect), a['detector_output_tokens']),
            'by_model': by_model, 'lambda_wait_usd': lambda_usd}


# ---- the deployment being priced (read from the repository) -------------------------------------------

def deployment():
    """What .chalice/config.json and infra/template.json deploy: architecture, static files, logs."""
    with open(os.path.join(ROOT, '.chalice', 'config.json')) as f:
        config = json.load(f)
    with open(os.path.join(ROOT, 'infra', 'template.json')) as f:
        template = json.load(f)
    resources = template['Resources']
    functions = [r for r in resources.values() if r.get('Type') == 'AWS::Serverless::Function']
    logging_configs = [r['Properties'].get('LoggingConfig') or {} for r in functions]
    levels = {(r['Properties'].get('Environment', {}).get('Variables', {}) or {}).get('POWERTOOLS_LOG_LEVEL')
              for r in functions}
    return {
        'architecture': config.get('lambda_architecture', 'x86_64'),
        'static_from_cdn': any(r.get('Type') == 'AWS::CloudFront::Distribution' for r in resources.values()),
        'preflight_cached': any(b.get('PathPattern') == '/visitor/session' and 'OPTIONS' in b.get('CachedMethods', [])
                                for r in resources.values() if r.get('Type') == 'AWS::CloudFront::Distribution'
                                for b in r['Properties']['DistributionConfig'].get('CacheBehaviors', [])),
        'system_log_level': (logging_configs[0].get('SystemLogLevel') if logging_configs and all(
            c == logging_configs[0] for c in logging_configs) else None) or 'INFO',
        'app_log_level': (levels.pop() if len(levels) == 1 else None) or 'INFO',
    }


# ---- what a page view fetches -------------------------------------------------------------------------

_STATIC_REF = re.compile(r"""['"]((?:static/)[\w/.-]+\.(?:js|css))['"]""")
_IMPORT = re.compile(r"""(?:\bfrom\s+|\bimport\s*\(?\s*)['"](\.{1,2}/[^'"]+)['"]""")


def widget_page_files():
    """URL paths the one-tag embed loads: /widget.js, then every file it and its modules name
    (`import(base + 'static/widget/main.js')`, relative `import ... from '../lib/x.js'`, the CSS
    the panel links), read from chalicelib/static so the list follows the front end."""
    files, todo = ['widget.js'], ['widget.js']
    while todo:
        name = todo.pop(0)
        with open(os.path.join(STATIC, *name.split('/')), encoding='utf-8') as f:
            text = f.read()
        found = [m.group(1)[len('static/'):] for m in _STATIC_REF.finditer(text)]
        if name != 'widget.js':
            folder = os.path.dirname(name)
            found += [os.path.normpath(os.path.join(folder, m.group(1))).replace(os.sep, '/')
                      for m in _IMPORT.finditer(text)]
        for dep in found:
            if dep not in files:
                files.append(dep)
                if dep.endswith('.js'):
                    todo.append(dep)
    return ['/widget.js'] + ['/static/' + f for f in files[1:]]


def typing_frames(text, chars_per_second):
    """is_typing=true frames while typing `text`: one at the first key, then one more each time a key is
    pressed more than typing_resend_seconds after the last frame (widget/main.js, dashboard/conversation.js)."""
    seconds = len(text) / chars_per_second
    return 1 + int(seconds // ASSUMPTIONS['typing_resend_seconds'])


class StaticTally:
    """Static file requests of page views: count, bytes as served, bytes gzip-compressed (what CloudFront
    sends with Compress on; API Gateway here sends them uncompressed)."""

    def __init__(self):
        self.requests = 0
        self.bytes = 0
        self.gzip_bytes = 0
        self.paths = []

    def fetch(self, system, path):
        response = system.client.http.request('GET', path, headers={})
        assert response.status_code == 200, (path, response.status_code)
        body = response.body or b''
        self.requests += 1
        self.bytes += len(body)
        self.gzip_bytes += len(gzip.compress(body, 6))
        if path not in self.paths:
            self.paths.append(path)


class Dashboard:
    """An operator's open dashboard, as dashboard/main.js and inbox.js react to socket events: an `inbox`
    push updates (or adds) the row in place; a live `message` or `handoff` for a conversation the inbox
    does not list yet reloads the inbox once (reloadSoon coalesces a burst); everything else is drawn
    from the event itself."""

    def __init__(self, system, name):
        self.system = system
        self.connection = name.lower()
        self.token = system.operators[name]
        self.known = set()
        self.reloads = 0

    def load_inbox(self):
        status, body = self.system.rest('GET', '/agents/%s/inbox?limit=100' % self.system.agent_id, token=self.token)
        assert status == 200, body
        self.known = {c['id'] for c in body.get('conversations', [])}

    def react(self):
        reload = False
        for ev in self.system.take(self.connection):
            kind = ev.get('type')
            if kind == 'inbox' and isinstance(ev.get('conversation'), dict):
                self.known.add(ev['conversation'].get('id'))
            elif kind in ('message', 'handoff') and ev.get('conversation_id') not in self.known:
                reload = True
        if reload:
            self.reloads += 1
            self.load_inbox()


def has_bot_reply(value):
    """True if a bot message is anywhere in these events (its own `message` event or inside an ack)."""
    if isinstance(value, dict):
        return value.get('role') == 'bot' or any(has_bot_reply(v) for v in value.values())
    if isinstance(value, list):
        return any(has_bot_reply(v) for v in value)
    return False


def visitor_conversation(system, i, handed_off, questions, dashboards, static):
    """One visitor's conversation, as the widget drives it, with the operators' dashboards reacting."""
    alice = system.operators['Alice']
    conn = 'visitor-%d' % i
    a = ASSUMPTIONS

    def react():
        for d in dashboards:
            d.react()

    for path in widget_page_files():                   # the page that opens the chat: loader, modules, CSS
        static.fetch(system, path)
    status, session = system.rest('POST', '/visitor/session', body={
        'agent_id': system.agent_id, 'attributes': {'name': 'Visitor %d' % i, 'email': 'v%d@example.com' % i}})
    assert status == 200, session
    system.rest('GET', '/client-config')               # lib/rest.js webSocketUrl, once per page
    # widget/main.js connects with ack=messages: the bot's reply rides in the ack of the visitor's message
    assert system.connect(conn, session=session['session'], ack='messages') == 200
    system.send(conn, {'action': 'resume', 'after': 0})                         # widget onOpen
    react()
    conversation_id = session['conversation_id']

    in_handoff = False
    replies_left = REPLIES if handed_off else 0
    typing = {'visitor': 0, 'operator': 0}
    for k in range(VISITOR_MESSAGES):
        if handed_off and k == HANDOFF_AFTER:
            system.send(conn, {'action': 'request_human', 'client_message_id': 'rh-%d' % i,
                               'request_id': 'request_human'})
            system.deliver_notifications()
            react()
            system.send('alice', {'action': 'open', 'conversation_id': conversation_id, 'after': 0})
            system.rest('GET', '/conversations/%s' % conversation_id, token=alice)
            status, body = system.rest('POST', '/conversations/%s/acknowledge' % conversation_id, token=alice)
            assert status == 200, body
            system.deliver_notifications()
            react()
            in_handoff = True
        if in_handoff:
            text = 'About my order %d: could you check where it is?' % k
            for _ in range(typing_frames(text, a['visitor_chars_per_second'])):
                system.send(conn, {'action': 'typing', 'is_typing': True})
                typing['visitor'] += 1
            # submit() sends no "stopped" frame: the message ends the indicator on the other side
            system.send(conn, {'action': 'send', 'client_message_id': 'm-%d-%d' % (i, k), 'text': text,
                               'request_id': 'm-%d-%d' % (i, k)})
            react()
            if replies_left:
                reply = 'Let me check that for you (%d).' % k
                for _ in range(typing_frames(reply, a['operator_chars_per_second'])):
                    system.send('alice', {'action': 'typing', 'conversation_id': conversation_id, 'is_typing': True})
                    typing['operator'] += 1
                # sendReply() sends no "stopped" frame: the reply ends the indicator in the widget
                status, body = system.rest('POST', '/conversations/%s/reply' % conversation_id, token=alice, body={
                    'client_message_id': 'r-%d-%d' % (i, k), 'text': reply})
                assert status == 200, body
                react()
                replies_left -= 1
        else:
            events = system.send(conn, {'action': 'send', 'client_message_id': 'm-%d-%d' % (i, k),
                                        'text': questions[(i + k) % len(questions)], 'request_id': 'm-%d-%d' % (i, k)})
            assert has_bot_reply(events), events          # a message event, or an ack carrying the reply
            react()
    if handed_off:
        status, body = system.rest('POST', '/conversations/%s/resolve' % conversation_id, token=alice)
        assert status == 200, body
        system.deliver_notifications()
        react()
    minutes = ASSUMPTIONS['visitor_minutes_handoff' if handed_off else 'visitor_minutes_bot']
    for _ in range(int(minutes // ASSUMPTIONS['ping_every_minutes'])):
        system.send(conn, {'action': 'ping'})
    system.disconnect(conn)
    react()
    for c in system.sender.sent:
        system.sender.sent[c] = []
    return minutes, typing


class CountingStream(io.TextIOBase):
    """Counts what the app writes (log lines, EMF metrics); passes it on only if `through` is given."""

    def __init__(self, through=None):
        self.bytes = 0
        self.through = through

    def write(self, s):
        self.bytes += len(s.encode('utf-8'))
        if self.through is not None:
            self.through.write(s)
        return len(s)

    def flush(self):
        if self.through is not None:
            self.through.flush()


def measure(dep):
    """Run the mix; return what was counted (for CONVERSATIONS conversations)."""
    from benchmarks.requests_per_message import safe_questions
    meter = CapacityMeter()
    recorder = hooks.install(hooks.Recorder(keep_params=False))
    recorder.observers.append(meter)
    # The app logs at the level the stack gives it (Powertools reads it when app is imported).
    os.environ['POWERTOOLS_LOG_LEVEL'] = {'WARN': 'WARNING'}.get(dep['app_log_level'], dep['app_log_level'])
    real_stdout, real_stderr = sys.stdout, sys.stderr
    out, err = CountingStream(), CountingStream(through=real_stderr)
    sys.stdout, sys.stderr = out, err
    try:
        with harness.System() as system:
            dashboards = [Dashboard(system, name) for name in list(system.operators)[:OPERATORS_ONLINE]]
            for d in dashboards:                    # dashboards open before the day starts
                assert system.connect(d.connection, token=d.token) == 200
                d.load_inbox()
            questions = safe_questions(system.knowledge)
            # from here on, everything is caused by the conversations
            recorder.take()
            meter.totals.clear()
            meter.by_operation.clear()
            system.invocations.clear()
            system.frames_in = system.frames_in_units = system.rest_requests = system.rest_bytes_out = 0
            system.sender.posts = system.sender.post_units = system.sender.post_bytes = 0
            system.sender.post_types.clear()
            for c in system.sender.sent:
                system.sender.sent[c] = []
            for d in dashboards:
                d.reloads = 0
            out.bytes = err.bytes = 0
            static = StaticTally()
            minutes, typing = 0, {'visitor': 0, 'operator': 0}
            handed = 0
            for i in range(CONVERSATIONS):
                handed_off = i % round(1 / HANDED_OFF_SHARE) == 0
                handed += handed_off
                m, t = visitor_conversation(system, i, handed_off, questions, dashboards, static)
                minutes += m
                for k in typing:
                    typing[k] += t[k]
            calls = recorder.take()
            counted = {
                'dynamodb_requests': sum(1 for c in calls if c['service'] == 'dynamodb'),
                'rru': meter.totals['rru'], 'wru': meter.totals['wru'], 'gsi_wru': meter.totals['gsi_wru'],
                'sqs_requests': sum(1 for c in calls if c['service'] == 'sqs'),
                'lambda_invocations': sum(system.invocations.values()),
                'invocations_by_handler': dict(system.invocations),
                'ws_in': system.frames_in_units, 'ws_out': system.sender.post_units,
                'ws_out_bytes': system.sender.post_bytes,
                'rest': system.rest_requests, 'rest_bytes_out': system.rest_bytes_out,
                'preflights': CONVERSATIONS,           # POST /visitor/session from another origin, JSON body
                'static_requests': static.requests, 'static_bytes': static.bytes,
                'static_gzip_bytes': static.gzip_bytes, 'static_paths': static.paths,
                'connection_minutes': minutes, 'handed_off': handed, 'typing': typing,
                'inbox_reloads': sum(d.reloads for d in dashboards),
                'app_log_bytes': out.bytes + err.bytes,
                'wru_by_op': {op: v['wru'] for op, v in meter.by_operation.items() if v['wru']},
                'posts_by_type': dict(system.sender.post_types),
                'other_calls': sorted({(c['service'], c['operation']) for c in calls
                                       if c['service'] not in ('dynamodb', 'sqs')}),
                'ddb_ops': recorder.counts('dynamodb', calls),
            }
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr
    return counted


def price(counted, architecture, static_from_cdn, system_log_level, preflight_cached=False):
    """Cost lines (name, quantity, unit, unit price) per PER conversations for one deployment."""
    scale = PER / CONVERSATIONS
    a, p = ASSUMPTIONS, PRICES
    static = counted['static_requests'] * scale
    api_invocations = counted['lambda_invocations'] * scale
    invocations = api_invocations + (0 if static_from_cdn else static)
    gb_s = (api_invocations * a['lambda_ms'] + (0 if static_from_cdn else static * a['lambda_ms_static'])) \
        / 1000 * a['lambda_memory_gb']
    preflights = counted['preflights'] * scale * (
        1 - a['preflight_cache_hit_ratio'] if static_from_cdn and preflight_cached else 1)
    rest = counted['rest'] * scale + preflights + (0 if static_from_cdn else static)
    gb = 1e-9 * scale
    lines = [
        ('DynamoDB writes', counted['wru'] * scale, 'WRU', p['dynamodb_write_request_unit']),
        ('DynamoDB reads', counted['rru'] * scale, 'RRU', p['dynamodb_read_request_unit']),
        ('Lambda requests', invocations, 'invocations', p['lambda_request']),
        ('Lambda compute (%s)' % architecture, gb_s, 'GB-s', p['lambda_gb_second_' + architecture]),
        ('WebSocket messages', (counted['ws_in'] + counted['ws_out']) * scale, 'messages', p['websocket_message']),
        ('WebSocket connection minutes', counted['connection_minutes'] * scale, 'minutes',
         p['websocket_connection_minute']),
        ('REST API requests', rest, 'requests', p['rest_request']),
        ('SQS requests', counted['sqs_requests'] * scale, 'requests', p['sqs_request']),
        ('CloudWatch Logs', (invocations * (a['platform_log_bytes'] if system_log_level in ('INFO', 'DEBUG') else 0)
                             + counted['app_log_bytes'] * scale) * 1e-9, 'GB', p['cloudwatch_logs_gb']),
        ('Data transfer out, sockets', counted['ws_out_bytes'] * gb, 'GB', p['api_data_transfer_gb']),
    ]
    if static_from_cdn:
        lines += [
            ('CloudFront requests (static + API)', static + (counted['rest'] + counted['preflights']) * scale,
             'requests', p['cloudfront_https_request']),
            ('S3 GET (CloudFront misses)', static * (1 - a['cdn_cache_hit_ratio']), 'requests', p['s3_get_request']),
            ('Data transfer out, CloudFront', (counted['static_gzip_bytes'] + counted['rest_bytes_out']) * gb, 'GB',
             p['cloudfront_data_transfer_gb']),
        ]
    else:
        lines += [('Data transfer out, REST + static', (counted['static_bytes'] + counted['rest_bytes_out']) * gb,
                   'GB', p['api_data_transfer_gb'])]
    return lines


def total(lines):
    return sum(q * unit_price for _, q, _, unit_price in lines)


def main():
    dep = deployment()
    counted = measure(dep)
    deployed = dict(architecture=dep['architecture'], static_from_cdn=dep['static_from_cdn'],
                    system_log_level=dep['system_log_level'], preflight_cached=dep['preflight_cached'])
    lines = price(counted, **deployed)
    usd = total(lines)
    # (name, the deployment with the lever, the same without it, lever on?): preflight caching needs the
    # distribution, so the static lever is priced against the deployment without preflight caching.
    no_preflight = dict(deployed, preflight_cached=False)
    levers = [
        ('arm64 Lambda functions', deployed, dict(deployed, architecture='x86_64'), dep['architecture'] == 'arm64'),
        ('static files from S3 + CloudFront', no_preflight, dict(no_preflight, static_from_cdn=False),
         dep['static_from_cdn']),
        ('CORS preflights cached at the edge', deployed, no_preflight, dep['static_from_cdn'] and dep['preflight_cached']),
        ('Lambda platform log lines off (SystemLogLevel WARN)', deployed, dict(deployed, system_log_level='INFO'),
         dep['system_log_level'] == 'WARN'),
    ]
    saving = {name: total(price(counted, **without)) - total(price(counted, **with_))
              for name, with_, without, on in levers if on}
    baseline = total(price(counted, architecture='x86_64', static_from_cdn=False, system_log_level='INFO'))

    rows = [row('6', 'AWS cost per 1,000 conversations (10 visitor messages, %d%% handed off, %d operator replies)'
                % (HANDED_OFF_SHARE * 100, REPLIES), '$%.3f' % usd, '<= $%.2f' % TARGET, usd <= TARGET, usd)]
    bedrock = bedrock_estimate(dep['architecture'])
    llm_total = bedrock['by_model'][BEDROCK_ROW_MODEL] + bedrock['lambda_wait_usd']
    rows.append(row('6b', '(info) optional LLM path on: Bedrock %s + Lambda waiting for it, per 1,000 conversations, '
                    'on top of 6' % BEDROCK_ROW_MODEL, '+$%.3f' % llm_total, '-', None, llm_total))
    n = CONVERSATIONS
    details = [
        'deployment priced: %s Lambda, static files from %s%s, Lambda system log level %s, app log level %s '
        '(read from .chalice/config.json and infra/template.json)' % (
            dep['architecture'], 'S3 + CloudFront' if dep['static_from_cdn'] else 'the REST API (Lambda)',
            ', CORS preflights cached at the edge' if dep['preflight_cached'] else '',
            dep['system_log_level'], dep['app_log_level']),
        'levers in this deployment (saving per 1,000 conversations, same traffic priced with the lever off): %s; '
        'all off (x86_64, static via the API, platform logs on): $%.3f' % (
            ', '.join('%s $%.4f' % kv for kv in saving.items()) or 'none', baseline),
        'measured over %d conversations (%d handed off), scaled to %d:' % (n, counted['handed_off'], PER),
    ]
    for name, quantity, unit, unit_price in sorted(lines, key=lambda l: -l[1] * l[3]):
        details.append('  %-36s %12s %-12s $%.4f  (%.0f%%)' % (name, fmt(round(quantity, 4)), unit,
                                                              quantity * unit_price, quantity * unit_price / usd * 100))
    details += [
        'per conversation: %.1f DynamoDB requests (%s), %.1f WRU (of which %.1f for the inbox index), %.1f RRU, '
        '%.1f Lambda invocations (%s), %.1f WebSocket messages in + %.1f out (%.0f bytes out), %.1f REST requests '
        '(+1 CORS preflight, + %.1f dashboard inbox reloads among them), %.1f SQS requests, %.0f bytes of app log '
        'output' % (
            counted['dynamodb_requests'] / n, ', '.join('%s %.1f' % (op, c / n) for op, c in counted['ddb_ops'].most_common()),
            counted['wru'] / n, counted['gsi_wru'] / n, counted['rru'] / n, counted['lambda_invocations'] / n,
            ', '.join('%s %.1f' % (k, v / n) for k, v in sorted(counted['invocations_by_handler'].items())),
            counted['ws_in'] / n, counted['ws_out'] / n, counted['ws_out_bytes'] / n, counted['rest'] / n,
            counted['inbox_reloads'] / n, counted['sqs_requests'] / n, counted['app_log_bytes'] / n),
        'page view of the widget: %d static requests (%s), %.1f KB as served, %.1f KB gzip' % (
            counted['static_requests'] / n, ' '.join(counted['static_paths']), counted['static_bytes'] / n / 1024,
            counted['static_gzip_bytes'] / n / 1024),
        'typing frames per handed-off conversation: %.1f from the visitor, %.1f from the operator (3 s resend '
        'throttle, %s/%s chars per second)' % (
            counted['typing']['visitor'] / max(1, counted['handed_off']),
            counted['typing']['operator'] / max(1, counted['handed_off']),
            fmt(ASSUMPTIONS['visitor_chars_per_second']), fmt(ASSUMPTIONS['operator_chars_per_second'])),
        'write units per conversation by request: %s' % ', '.join(
            '%s %.1f' % (op, v / n) for op, v in sorted(counted['wru_by_op'].items(), key=lambda kv: -kv[1])),
        'socket messages out per conversation by event: %s' % ', '.join(
            '%s %.1f' % (t, v / n) for t, v in sorted(counted['posts_by_type'].items(), key=lambda kv: -kv[1])),
        'assumed: %s' % ', '.join('%s=%s' % kv for kv in ASSUMPTIONS.items()),
        'prices: ' + PRICES_AS_OF + '; ' + '; '.join(
            '%s=%s' % (k, ('%.10f' % v).rstrip('0')) for k, v in PRICES.items()),
        'not included: ' + NOT_INCLUDED,
    ]
    if counted['other_calls']:
        details.append('other AWS calls seen: %s' % ', '.join('%s:%s' % o for o in counted['other_calls']))
    details += [
        '6b optional Bedrock path (estimated, not measured: no model is called): %d Converse calls per 1,000 '
        'conversations (one detector + one responder call per bot-handled visitor message), %.2fM input + %.2fM '
        'output tokens; per call: responder %.0f in / %.0f out, detector %.0f in / %.0f out (demo knowledge base, '
        '13 entries, earlier turns quoted)' % (
            bedrock['calls'], bedrock['input_tokens'] / 1e6, bedrock['output_tokens'] / 1e6,
            *bedrock['tokens_per_answer_call'], *bedrock['tokens_per_detector_call']),
        '   model tokens: %s; Lambda billed while waiting: $%.4f' % (', '.join(
            '%s $%.3f' % (m, v) for m, v in bedrock['by_model'].items()), bedrock['lambda_wait_usd']),
        '   prices: ' + BEDROCK_PRICES_AS_OF,
        '   assumed: %s' % ', '.join('%s=%s' % kv for kv in BEDROCK_ASSUMPTIONS.items()),
    ]
    emit(rows, details)


if __name__ == '__main__':
    main()
