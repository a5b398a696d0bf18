"""Are the roles enough, and no more? A session of the real app under moto — REST, the three socket
handlers and the SQS consumer, each run as its Lambda function would run it — records every AWS call
it makes (DynamoDB, SQS, the @connections API, SSM). Each call must be allowed by that function's role
in the merged template (actions, resources and DynamoDB key-prefix conditions, evaluated here), and
every grant in a role must be used by the session, or be listed below with the reason it is kept."""
import fnmatch
import hashlib
import hmac
import json
import os
import threading
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import boto3
import botocore.client
import pytest
from moto import mock_aws

from tests.infra.helpers import ACCOUNT, FUNCTIONS, REGION, ROOT, STACK, Resolver, as_list

API_ID, WS_STAGE = 'wsapi123', 'api'
SESSION_PARAM, WEBHOOK_PARAM = '/%s/session-secret' % STACK, '/%s/webhook-secret' % STACK
GONE = set()   # connection ids the fake @connections API answers with GoneException
MAIL = {'MailFrom': 'help@acme.test'}       # the stack parameter: email on (offline replies, team channel)

# Grants a session does not exercise, and why they stay.
NOT_EXERCISED = {
    # The Lambda service polls the queue and writes the logs with the function's role; these are checked
    # with synthetic requests below instead of recorded calls.
    ('OnNotification', 'sqs:ReceiveMessage'), ('OnNotification', 'sqs:DeleteMessage'),
    ('OnNotification', 'sqs:GetQueueAttributes'),
    ('OnTimer', 'sqs:ReceiveMessage'), ('OnTimer', 'sqs:DeleteMessage'), ('OnTimer', 'sqs:GetQueueAttributes'),
}


class Recorder:
    """Wraps every botocore client call: who (which function) called what."""

    def __init__(self):
        self.function = None
        self.calls = []
        self._original = botocore.client.BaseClient._make_api_call

    def __enter__(self):
        recorder = self

        def record(client, operation, params):
            service = client.meta.service_model.service_name
            if recorder.function is not None:
                recorder.calls.append((recorder.function, service, operation, params, client.meta.endpoint_url))
            if service == 'apigatewaymanagementapi' and params.get('ConnectionId') in GONE:
                raise client.exceptions.GoneException(
                    {'Error': {'Code': 'GoneException', 'Message': 'gone'}}, operation)
            return recorder._original(client, operation, params)
        botocore.client.BaseClient._make_api_call = record
        return self

    def __exit__(self, *exc):
        botocore.client.BaseClient._make_api_call = self._original


# ---- from an API call to the IAM requests it makes ------------------------------------------------

def iam_requests(service, operation, params, endpoint, hash_key, queue_arns):
    """[(action, resource ARN, condition context)] that AWS authorises for one API call."""
    def table_arn(name):
        return 'arn:aws:dynamodb:%s:%s:table/%s' % (REGION, ACCOUNT, name)

    def pk(item):
        return item[hash_key]['S']

    if service == 'dynamodb':
        if operation in ('GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'):
            key = params.get('Key') or params['Item']
            return [('dynamodb:' + operation, table_arn(params['TableName']), {'dynamodb:LeadingKeys': [pk(key)]})]
        if operation == 'Query':
            arn = table_arn(params['TableName'])
            if params.get('IndexName'):
                return [('dynamodb:Query', arn + '/index/' + params['IndexName'], {})]
            return [('dynamodb:Query', arn, {})]
        if operation == 'BatchGetItem':
            return [('dynamodb:BatchGetItem', table_arn(t), {'dynamodb:LeadingKeys': [pk(k) for k in r['Keys']]})
                    for t, r in params['RequestItems'].items()]
        if operation == 'BatchWriteItem':
            return [('dynamodb:BatchWriteItem', table_arn(t),
                     {'dynamodb:LeadingKeys': [pk(w['PutRequest']['Item']) if 'PutRequest' in w
                                               else pk(w['DeleteRequest']['Key']) for w in writes]})
                    for t, writes in params['RequestItems'].items()]
        if operation == 'TransactWriteItems':
            kinds = {'Put': 'PutItem', 'Update': 'UpdateItem', 'Delete': 'DeleteItem',
                     'ConditionCheck': 'ConditionCheckItem'}
            out = []
            for item in params['TransactItems']:
                (kind, body), = item.items()
                key = body.get('Key') or body['Item']
                out.append(('dynamodb:' + kinds[kind], table_arn(body['TableName']),
                            {'dynamodb:LeadingKeys': [pk(key)]}))
            return out
        if operation == 'TransactGetItems':
            return [('dynamodb:GetItem', table_arn(i['Get']['TableName']),
                     {'dynamodb:LeadingKeys': [pk(i['Get']['Key'])]}) for i in params['TransactItems']]
    if service == 'sqs':
        return [('sqs:' + operation, queue_arns[params['QueueUrl']], {})]
    if service == 'apigatewaymanagementapi':
        url = urlparse(endpoint)
        api_id, stage = url.hostname.split('.')[0], url.path.strip('/')
        method = {'PostToConnection': 'POST', 'GetConnection': 'GET', 'DeleteConnection': 'DELETE'}[operation]
        return [('execute-api:ManageConnections', 'arn:aws:execute-api:%s:%s:%s/%s/%s/@connections/%s' % (
            REGION, ACCOUNT, api_id, stage, method, params['ConnectionId']), {})]
    if service == 'ssm' and operation == 'GetParameter':
        arn = 'arn:aws:ssm:%s:%s:parameter%s' % (REGION, ACCOUNT, params['Name'])
        out = [('ssm:GetParameter', arn, {})]
        if params.get('WithDecryption'):
            out.append(('kms:Decrypt', 'arn:aws:kms:%s:%s:key/%s' % (REGION, ACCOUNT, uuid.uuid4()),
                        {'kms:ViaService': 'ssm.%s.amazonaws.com' % REGION,
                         'kms:EncryptionContext:PARAMETER_ARN': arn}))
        return out
    if service == 'bedrock-runtime' and operation == 'Converse':
        model = params['modelId']
        geo, _, base = model.partition('.')
        if geo in ('us', 'eu', 'apac', 'global') and '.' in base:
            # A cross-Region inference profile: the profile, then the model in the Region that serves it.
            return [('bedrock:InvokeModel', 'arn:aws:bedrock:%s:%s:inference-profile/%s' % (REGION, ACCOUNT, model), {}),
                    ('bedrock:InvokeModel', 'arn:aws:bedrock:us-west-2::foundation-model/' + base, {})]
        return [('bedrock:InvokeModel', 'arn:aws:bedrock:%s::foundation-model/%s' % (REGION, model), {})]
    if service == 'ses' and operation == 'SendEmail':
        # The address is the verified identity here (MailIdentity empty); a domain identity is test_iam's case.
        return [('ses:SendEmail', 'arn:aws:ses:%s:%s:identity/%s' % (REGION, ACCOUNT, params['Source']),
                 {'ses:FromAddress': params['Source']})]
    raise AssertionError('no IAM mapping for %s.%s: extend tests/infra/test_iam_calls.py' % (service, operation))


def _condition_holds(condition, context):
    for operator, pairs in (condition or {}).items():
        for key, allowed in pairs.items():
            allowed = as_list(allowed)
            if operator == 'ForAllValues:StringLike':
                if not all(any(fnmatch.fnmatchcase(v, p) for p in allowed) for v in context.get(key, [])):
                    return False
            elif operator == 'StringEquals':
                if key not in context or context[key] not in allowed:
                    return False
            else:
                raise AssertionError('condition operator %s: teach tests/infra/test_iam_calls.py' % operator)
    return True


def allowing_statements(statements, action, resource, context):
    """Indexes of the Allow statements that grant this request (no Deny in our roles: checked in test_iam)."""
    return [i for i, st in enumerate(statements)
            if any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in as_list(st['Action']))
            and any(fnmatch.fnmatchcase(resource, r) for r in as_list(st['Resource']))
            and _condition_holds(st.get('Condition'), context)]


# ---- the session ----------------------------------------------------------------------------------

class Webhook(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        Webhook.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def ws_event(route, connection_id, body=None, query=None):
    kinds = {'$connect': 'CONNECT', '$default': 'MESSAGE', '$disconnect': 'DISCONNECT'}
    return {'requestContext': {'routeKey': route, 'eventType': kinds[route], 'connectionId': connection_id,
                               'apiId': API_ID, 'stage': WS_STAGE, 'requestId': uuid.uuid4().hex,
                               'domainName': '%s.execute-api.%s.amazonaws.com' % (API_ID, REGION),
                               'messageDirection': 'IN', 'requestTimeEpoch': 0},
            'queryStringParameters': query, 'headers': {}, 'isBase64Encoded': False, 'body': body}


@pytest.fixture(scope='module')
def session(dev):
    """Run the scenario once; return (recorded calls, physical ids)."""
    import app as app_module
    from aws_lambda_powertools.utilities import parameters
    from chalice.test import Client
    from chalicelib import config as config_module
    from chalicelib.adapters.store import Stores

    mp = pytest.MonkeyPatch()
    server = ThreadingHTTPServer(('127.0.0.1', 0), Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    saved_services = app_module._services
    try:
        with mock_aws(), Recorder() as rec:
            template = dev.template
            table = template['Resources']['HandoffTable']['Properties']
            ddb = boto3.client('dynamodb', region_name=REGION)
            ddb.create_table(TableName=os.environ['TABLE_NAME'], BillingMode='PAY_PER_REQUEST',
                             AttributeDefinitions=table['AttributeDefinitions'], KeySchema=table['KeySchema'],
                             GlobalSecondaryIndexes=table['GlobalSecondaryIndexes'])
            sqs = boto3.client('sqs', region_name=REGION)
            queue_url = sqs.create_queue(QueueName='handoff-dev-NotificationQueue-X')['QueueUrl']
            queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
            timer_url = sqs.create_queue(QueueName='handoff-dev-TimerQueue-X')['QueueUrl']
            timer_arn = sqs.get_queue_attributes(QueueUrl=timer_url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
            ssm = boto3.client('ssm', region_name=REGION)
            for name in (SESSION_PARAM, WEBHOOK_PARAM):
                ssm.put_parameter(Name=name, Type='SecureString', Value=uuid.uuid4().hex)
            # The environment the stack gives every function (test_template checks the template side).
            for name in ('SESSION_SECRET', 'WEBHOOK_SECRET', 'WS_ENDPOINT_URL'):
                mp.delenv(name, raising=False)
            mp.setenv('NOTIFY_QUEUE_URL', queue_url)
            mp.setenv('TIMERS_QUEUE_URL', timer_url)
            # The scenario's gone sockets were connected a moment ago: no grace, so they are forgotten.
            mp.setattr('chalicelib.adapters.store.connections.SOCKET_GRACE_SECONDS', 0)
            mp.setenv('WS_API_ID', API_ID)
            mp.setenv('WS_STAGE', WS_STAGE)
            mp.setenv('SESSION_SECRET_PARAM', SESSION_PARAM)
            mp.setenv('WEBHOOK_SECRET_PARAM', WEBHOOK_PARAM)
            mp.setenv('WEBHOOK_ALLOW_LOOPBACK_HTTP', '1')       # the scenario's receiver is on loopback
            mp.setenv('WS_PUBLIC_URL', 'wss://%s.execute-api.%s.amazonaws.com/%s' % (API_ID, REGION, WS_STAGE))
            mp.setenv('MAIL_FROM', MAIL['MailFrom'])
            mp.setenv('OUTBOX_GRACE_SECONDS', '0')            # the sweeper takes what is there at once
            boto3.client('ses', region_name=REGION).verify_email_identity(EmailAddress=MAIL['MailFrom'])

            # What an administrator does once (infra/admin.py); not a Lambda function.
            stores = Stores()
            stores.agents.create('shop', 'Acme', {'allow_human_handoff': True, 'webhook_url':
                                                  'http://127.0.0.1:%d/hook' % server.server_port,
                                                  'channels': {'email': {'to': ['team@acme.test'],
                                                                         'events': ['handoff.requested']}}})
            stores.agents.put_entry('shop', 'kb_1', {'question': 'How long does shipping take?', 'answer': '3-5 days.'},
                                    must_exist=False)
            _operator_id, token = stores.operators.create('Alice', ['shop'], role='admin')
            client = Client(app_module.app, stage_name='dev', project_dir=str(ROOT))
            auth = {'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'}

            def as_function(name):
                """A fresh Lambda container of that function: no cached services, secrets or clients."""
                rec.function = name
                app_module._services = None
                config_module.current.cache_clear()
                parameters.clear_caches()

            def rest(method, path, body=None, headers=auth):
                as_function('APIHandler')
                response = client.http.request(method, path, headers=headers,
                                               body=json.dumps(body) if body is not None else None)
                assert response.status_code < 300, (path, response.body)
                return json.loads(response.body) if response.body else None

            def connect(connection_id, **query):
                as_function('WebsocketConnect')
                assert app_module.ws_connect(ws_event('$connect', connection_id, query=query), None)['statusCode'] == 200

            def frame(connection_id, **payload):
                as_function('WebsocketMessage')
                app_module.ws_message(ws_event('$default', connection_id, body=json.dumps(payload)), None)

            def disconnect(connection_id):
                as_function('WebsocketDisconnect')
                app_module.ws_disconnect(ws_event('$disconnect', connection_id), None)

            def notifications():
                rec.function = None           # the Lambda service polls; the consumer gets the batch
                messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get('Messages', [])
                assert messages
                event = {'Records': [{
                    'messageId': m['MessageId'], 'receiptHandle': m['ReceiptHandle'], 'body': m['Body'],
                    'attributes': {'ApproximateReceiveCount': '1'}, 'messageAttributes': {},
                    'md5OfBody': m['MD5OfBody'], 'eventSource': 'aws:sqs', 'eventSourceARN': queue_arn,
                    'awsRegion': REGION} for m in messages]}
                as_function('OnNotification')
                result = app_module.on_notification(event, None)
                assert result == {'batchItemFailures': []}, result

            # -- visitor arrives, operators are online (one of each kind will be gone)
            visitor = rest('POST', '/visitor/session', {'agent_id': 'shop', 'attributes': {'name': 'Ada'}},
                           headers={'Content-Type': 'application/json'})
            cid = visitor['conversation_id']
            rest('GET', '/client-config', headers={})
            # -- inactivity on: acknowledges start its timer chain (the escalation ladder is on by default)
            first = rest('GET', '/agents/shop/settings')
            rest('PUT', '/agents/shop/settings', {'settings': {'inactivity': {'enabled': True}},
                                                  'version': first['version']})
            connect('vis-1', session=visitor['session'])
            connect('vis-gone', session=visitor['session'])
            connect('op-1', token=token)
            connect('op-gone', ticket=rest('POST', '/operator/socket-ticket')['ticket'])
            GONE.update({'vis-gone', 'op-gone'})
            # -- visitor talks to the bot, then asks for a person
            frame('vis-1', action='ping')
            frame('vis-1', action='send', client_message_id='c-1', text='How long does shipping take?')
            frame('vis-1', action='send', client_message_id='c-1', text='How long does shipping take?')  # duplicate
            frame('vis-1', action='request_human')
            frame('vis-1', action='queue')                        # the visitor's place in the queue
            frame('vis-1', action='typing', is_typing=True)
            frame('vis-1', action='resume', after=0)
            # -- operators: REST and socket
            rest('GET', '/operator/me')
            rest('GET', '/agents/shop/inbox')
            rest('GET', '/conversations/%s' % cid)
            rest('GET', '/conversations/%s/messages?after=0' % cid)
            frame('op-1', action='open', conversation_id=cid)
            frame('op-1', action='acknowledge', conversation_id=cid)
            frame('op-1', action='reply', conversation_id=cid, client_message_id='o-1', text='Hi, Alice here.')
            frame('op-1', action='typing', conversation_id=cid, is_typing=True)
            connect('vis-gone-2', session=visitor['session'])     # gone before the REST reply fans out
            connect('op-gone-3', token=token)
            GONE.update({'vis-gone-2', 'op-gone-3'})
            rest('POST', '/conversations/%s/reply' % cid, {'client_message_id': 'o-2', 'text': 'Anything else?'})
            rest('POST', '/conversations/%s/resolve' % cid)
            frame('vis-1', action='request_human')
            rest('POST', '/conversations/%s/acknowledge' % cid)
            frame('op-1', action='transfer', conversation_id=cid, to=None)          # team inbox: back to the queue
            frame('op-1', action='cancel', conversation_id=cid)
            frame('op-1', action='set_presence', agent_id='shop', status='online')
            rest('GET', '/agents/shop/presence')
            rest('PUT', '/agents/shop/presence', {'status': 'online'})
            frame('vis-1', action='request_human')
            frame('vis-1', action='cancel_handoff')
            # -- settings and knowledge
            settings = rest('GET', '/agents/shop/settings')
            rest('PUT', '/agents/shop/settings', {'settings': {'welcome_message': 'Hello!'},
                                                  'version': settings['version']})
            entry = rest('POST', '/agents/shop/knowledge', {'question': 'Opening hours?', 'answer': '9 to 5.'})
            rest('PUT', '/agents/shop/knowledge/%s' % entry['entry']['id'], {'question': 'Hours?', 'answer': '9-5'})
            rest('GET', '/agents/shop/knowledge')
            rest('DELETE', '/agents/shop/knowledge/%s' % entry['entry']['id'])
            # -- the team (admins): invite, promote, remove (the removed operator's socket is dropped)
            rest('GET', '/agents/shop/operators')
            carol = rest('POST', '/agents/shop/operators', {'name': 'Carol'})
            rest('PUT', '/agents/shop/operators/%s' % carol['operator']['id'], {'role': 'admin'})
            connect('op-carol', token=carol['token'])
            rest('DELETE', '/agents/shop/operators/%s' % carol['operator']['id'])
            # -- notifications: inbox push (one operator socket gone by now) and the signed webhook
            connect('op-gone-2', token=token)
            GONE.add('op-gone-2')
            notifications()
            assert Webhook.received, 'the consumer did not call the webhook'
            # -- SQS unreachable at publish time: the outbox sweeper delivers the stored event (a gone socket too)
            import chalicelib.adapters.queue as queue_module
            publish = queue_module.Notifier.publish
            mp.setattr(queue_module.Notifier, 'publish', lambda self, event: (_ for _ in ()).throw(
                ConnectionError('SQS is unreachable')))
            frame('vis-1', action='request_human')
            mp.setattr(queue_module.Notifier, 'publish', publish)
            connect('op-gone-4', token=token)
            GONE.add('op-gone-4')
            as_function('SweepOutbox')
            swept = app_module.sweep_outbox({'version': '0', 'account': ACCOUNT, 'region': REGION, 'detail': {},
                                             'detail-type': 'Scheduled Event', 'source': 'aws.events',
                                             'time': '2026-12-03T10:00:00Z', 'id': 'e1', 'resources': []}, None)
            assert swept['delivered'] >= 1 and swept['failed'] == 0, swept
            frame('vis-1', action='cancel_handoff')
            # -- per-agent secrets (admins), a verified visitor; the agent's own webhook secret signs now
            # (before, the deployment-wide one from SSM did)
            rest('GET', '/agents/shop/secrets')
            rest('POST', '/agents/shop/secrets/webhook', {})
            rest('POST', '/agents/shop/secrets/webhook', {'rotate': True})
            identity = rest('POST', '/agents/shop/secrets/identity', {})['secret']
            rest('POST', '/visitor/session', {'agent_id': 'shop', 'user_id': 'cus_1', 'user_hash': hmac.new(
                identity.encode(), b'cus_1', hashlib.sha256).hexdigest()}, headers={'Content-Type': 'application/json'})
            frame('vis-1', action='request_human')
            notifications()
            # -- timers, delivered as if hours had passed: the last request climbs the whole ladder (a reminder
            # to operators, an event to the channels, a notice to the visitor), each step scheduling the next
            connect('vis-gone-4', session=visitor['session'])
            connect('op-gone-4', token=token)
            GONE.update({'vis-gone-4', 'op-gone-4'})
            seen = 0
            for _ in range(4):
                bodies = [c[3]['MessageBody'] for c in rec.calls[seen:]
                          if c[2] == 'SendMessage' and c[3]['QueueUrl'] == timer_url]
                seen = len(rec.calls)
                if not bodies:
                    break
                rec.function = None
                event = {'Records': [{
                    'messageId': uuid.uuid4().hex, 'receiptHandle': 'r', 'body': body,
                    'attributes': {'ApproximateReceiveCount': '1'}, 'messageAttributes': {},
                    'md5OfBody': hashlib.md5(body.encode()).hexdigest(), 'eventSource': 'aws:sqs',
                    'eventSourceARN': timer_arn, 'awsRegion': REGION} for body in bodies]}
                as_function('OnTimer')
                app_module.services().ctx.now = lambda: '2099-01-01T00:00:00.000Z'
                assert app_module.on_timer(event, None) == {'batchItemFailures': []}
            # -- learning from handoffs: a question the bot cannot answer, answered by a person, becomes a
            # suggestion (recorded by the consumer); the summary, the transcript, accepting it
            frame('vis-1', action='send', client_message_id='c-gift', text='Do you sell gift cards for birthdays?')
            frame('op-1', action='acknowledge', conversation_id=cid)
            frame('op-1', action='reply', conversation_id=cid, client_message_id='o-gift', text='Yes, from $10.')
            rest('GET', '/conversations/%s/summary' % cid)
            frame('op-1', action='resolve', conversation_id=cid)
            notifications()
            [suggestion] = rest('GET', '/agents/shop/suggestions')['suggestions']
            as_function('APIHandler')
            assert client.http.get('/conversations/%s/transcript?format=text' % cid, headers=auth).status_code == 200
            rest('POST', '/agents/shop/suggestions/%s/accept' % suggestion['id'], {})
            # -- sockets close
            disconnect('vis-1')
            connect('op-2', token=token)
            disconnect('op-1')                  # op-2 hears of it (presence)
            # -- a visitor's data (admins): export, then erase (conversation, sockets, notification markers)
            rest('GET', '/agents/shop/visitors/%s/export' % visitor['visitor_id'])
            rest('DELETE', '/agents/shop/visitors/%s' % visitor['visitor_id'])
            return rec.calls, {'HandoffTable': os.environ['TABLE_NAME'],
                               'HandoffTable.Arn': 'arn:aws:dynamodb:%s:%s:table/%s' % (
                                   REGION, ACCOUNT, os.environ['TABLE_NAME']),
                               'NotificationQueue.Arn': queue_arn, 'WebsocketAPI': API_ID,
                               'TimerQueue.Arn': timer_arn}, {queue_url: queue_arn, timer_url: timer_arn}
    finally:
        mp.undo()
        GONE.clear()
        server.shutdown()
        app_module._services = saved_services
        config_module.current.cache_clear()
        parameters.clear_caches()


def _roles(dev, physical):
    resolve = Resolver(dev.template, dict(physical, **MAIL))
    return {logical: [resolve(st) for st in dev.statements(dev.role_of(logical), MAIL)] for logical in FUNCTIONS}


def _hash_key(dev):
    schema = dev.resources['HandoffTable']['Properties']['KeySchema']
    return [k['AttributeName'] for k in schema if k['KeyType'] == 'HASH'][0]


def test_every_call_of_every_function_is_allowed_by_its_role(dev, session):
    calls, physical, queue_arns = session
    roles = _roles(dev, physical)
    denied = []
    for function, service, operation, params, endpoint in calls:
        for action, resource, context in iam_requests(service, operation, params, endpoint, _hash_key(dev),
                                                      queue_arns):
            if not allowing_statements(roles[function], action, resource, context):
                denied.append('%s: %s on %s %s' % (function, action, resource, context or ''))
    assert not denied, 'AccessDenied in AWS; grant these in infra/template.json:\n' + '\n'.join(sorted(set(denied)))


def test_every_function_was_exercised(session):
    calls, _, _ = session
    assert {c[0] for c in calls} == set(FUNCTIONS)


def test_every_grant_is_used(dev, session):
    """Least privilege, the other way round: an action or key prefix no call needed is excess."""
    calls, physical, queue_arns = session
    roles = _roles(dev, physical)
    used = defaultdict(set)        # function -> {(statement index, action, key prefix or None)}
    for function, service, operation, params, endpoint in calls:
        for action, resource, context in iam_requests(service, operation, params, endpoint, _hash_key(dev),
                                                      queue_arns):
            for i in allowing_statements(roles[function], action, resource, context):
                for key in context.get('dynamodb:LeadingKeys', [None]):
                    used[function].add((i, action.lower(), key))
    unused = []
    for function, statements in roles.items():
        for i, st in enumerate(statements):
            if all(a.startswith('logs:') for a in as_list(st['Action'])):
                continue
            for action in as_list(st['Action']):
                if (function, action) in NOT_EXERCISED:
                    continue
                hits = [u for u in used[function] if u[0] == i and u[1] == action.lower()]
                if not hits:
                    unused.append('%s: %s (statement %s)' % (function, action, st.get('Sid')))
            prefixes = st.get('Condition', {}).get('ForAllValues:StringLike', {}).get('dynamodb:LeadingKeys', [])
            for prefix in prefixes:
                if not any(u[0] == i and u[2] and fnmatch.fnmatchcase(u[2], prefix) for u in used[function]):
                    unused.append('%s: writes under %s (statement %s)' % (function, prefix, st.get('Sid')))
    assert not unused, 'granted but never needed:\n' + '\n'.join(unused)


def test_what_the_lambda_service_does_with_the_roles(dev, session):
    """Queue polling (event source mapping) and log delivery act with the function's role."""
    _, physical, _ = session
    roles = _roles(dev, physical)
    queue = physical['NotificationQueue.Arn']
    for action in ('sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'):
        assert allowing_statements(roles['OnNotification'], action, queue, {})
    for logical in FUNCTIONS:
        name = Resolver(dev.template, physical)(dev.functions[logical]['Properties']['FunctionName'])
        stream = 'arn:aws:logs:%s:%s:log-group:/aws/lambda/%s:log-stream:2026/01/01/[$LATEST]abc' % (
            REGION, ACCOUNT, name)
        for action in ('logs:CreateLogStream', 'logs:PutLogEvents'):
            assert allowing_statements(roles[logical], action, stream, {}), (logical, action)
        other = stream.replace(name, name + 'x')
        assert not allowing_statements(roles[logical], 'logs:PutLogEvents', other, {})


def test_the_evaluator_denies_what_it_should(dev, session):
    """The checks above are only as good as this evaluator: it must say no."""
    _, physical, _ = session
    roles = _roles(dev, physical)
    table = physical['HandoffTable.Arn']
    # Only the REST function (the Team API, admins only) writes operator tokens; no socket function can.
    for socket_function in ('WebsocketConnect', 'WebsocketMessage', 'WebsocketDisconnect', 'OnNotification'):
        assert not allowing_statements(roles[socket_function], 'dynamodb:PutItem', table,
                                       {'dynamodb:LeadingKeys': ['TOKEN#abc']})
    assert not allowing_statements(roles['APIHandler'], 'dynamodb:PutItem', table,
                                   {'dynamodb:LeadingKeys': ['NOTIFY#abc']})
    assert not allowing_statements(roles['OnNotification'], 'dynamodb:PutItem', table,
                                   {'dynamodb:LeadingKeys': ['CONV#shop.v_1']})
    assert not allowing_statements(roles['WebsocketConnect'], 'dynamodb:BatchWriteItem', table,
                                   {'dynamodb:LeadingKeys': ['CONN#a', 'TOKEN#b']})
    assert not allowing_statements(roles['WebsocketDisconnect'], 'sqs:SendMessage', physical['NotificationQueue.Arn'], {})
    assert not allowing_statements(roles['OnNotification'], 'execute-api:ManageConnections',
                                   'arn:aws:execute-api:%s:%s:otherapi/api/POST/@connections/x' % (REGION, ACCOUNT), {})
    assert not allowing_statements(roles['OnNotification'], 'kms:Decrypt', 'arn:aws:kms:%s:%s:key/k' % (REGION, ACCOUNT),
                                   {'kms:ViaService': 'ssm.%s.amazonaws.com' % REGION,
                                    'kms:EncryptionContext:PARAMETER_ARN': 'arn:aws:ssm:%s:%s:parameter/%s' % (
                                        REGION, ACCOUNT, SESSION_PARAM)})


@pytest.mark.parametrize('parameters,model,allowed', [
    ({}, 'amazon.nova-micro-v1:0', False),
    ({'BedrockModelId': 'amazon.nova-micro-v1:0'}, 'amazon.nova-micro-v1:0', True),
    ({'BedrockModelId': 'amazon.nova-micro-v1:0'}, 'amazon.nova-pro-v1:0', False),
    ({'BedrockModelId': 'amazon.nova-micro-v1:0'}, 'us.amazon.nova-micro-v1:0', False),
    ({'BedrockModelId': 'amazon.nova-micro-v1:0', 'BedrockCrossRegion': 'us'}, 'us.amazon.nova-micro-v1:0', True),
    ({'BedrockModelId': 'amazon.nova-micro-v1:0', 'BedrockCrossRegion': 'us'}, 'eu.amazon.nova-micro-v1:0', False),
    ({'BedrockModelId': 'amazon.nova-micro-v1:0', 'BedrockCrossRegion': 'us'}, 'us.amazon.nova-lite-v1:0', False),
])
def test_bedrock_converse_is_allowed_only_for_the_configured_model(dev, parameters, model, allowed):
    """The bot's Converse call (chalicelib/adapters/llm.py, model id from BEDROCK_MODEL_IDS) against the
    socket-message role, per stack parameters. Not in the session above: it runs the built-in bot."""
    physical = {'HandoffTable.Arn': 'arn:aws:dynamodb:%s:%s:table/t' % (REGION, ACCOUNT),
                'NotificationQueue.Arn': 'arn:aws:sqs:%s:%s:q' % (REGION, ACCOUNT), 'WebsocketAPI': API_ID,
                'TimerQueue.Arn': 'arn:aws:sqs:%s:%s:t' % (REGION, ACCOUNT)}
    resolve = Resolver(dev.template, dict(physical, **parameters))
    assert resolve(dev.functions['WebsocketMessage']['Properties']['Environment']['Variables']['BEDROCK_MODEL_IDS']) \
        == (('%s.' % parameters['BedrockCrossRegion'] if parameters.get('BedrockCrossRegion') else '')
            + parameters.get('BedrockModelId', ''))
    for logical in FUNCTIONS:
        statements = [resolve(st) for st in dev.statements(dev.role_of(logical), parameters)]
        requests = iam_requests('bedrock-runtime', 'Converse', {'modelId': model}, None, None, {})
        granted = all(allowing_statements(statements, action, resource, context)
                      for action, resource, context in requests)
        assert granted == (allowed and logical == 'WebsocketMessage'), (logical, model)
