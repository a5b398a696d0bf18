"""Every function's role, statement by statement: scoped to this stack's resources by Ref/GetAtt,
no '*' action, no '*' resource. Whether the roles are *enough* is tested in test_iam_calls.py."""
import json
import os

import pytest

from tests.infra.helpers import ACCOUNT, FUNCTIONS, REGION, STACK, WS_STAGE, Resolver, as_list, references

TABLE_ARN = 'arn:aws:dynamodb:%s:%s:table/handoff-dev-HandoffTable-X' % (REGION, ACCOUNT)
QUEUE_ARN = 'arn:aws:sqs:%s:%s:handoff-dev-NotificationQueue-X' % (REGION, ACCOUNT)
TIMER_QUEUE_ARN = 'arn:aws:sqs:%s:%s:handoff-dev-TimerQueue-X' % (REGION, ACCOUNT)
PHYSICAL = {
    'HandoffTable': 'handoff-dev-HandoffTable-X', 'HandoffTable.Arn': TABLE_ARN,
    'NotificationQueue.Arn': QUEUE_ARN, 'WebsocketAPI': 'wsapi123',
    'TimerQueue.Arn': TIMER_QUEUE_ARN,
}
for _logical, _name in (('APIHandler', 'api_handler'), ('WebsocketConnect', 'ws_connect'),
                        ('WebsocketMessage', 'ws_message'), ('WebsocketDisconnect', 'ws_disconnect'),
                        ('OnNotification', 'on_notification'), ('OnTimer', 'on_timer'),
                        ('SweepOutbox', 'sweep_outbox')):
    PHYSICAL[_logical] = '%s-%s' % (STACK, _name)

# The optional Bedrock grant, per stack parameters: the exact ARNs bedrock:InvokeModel is allowed on.
BEDROCK_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0'
BEDROCK = {
    'off': ({}, []),
    'in_region': ({'BedrockModelId': BEDROCK_MODEL}, ['arn:aws:bedrock:%s::foundation-model/%s' % (REGION, BEDROCK_MODEL)]),
    # A cross-Region inference profile runs the model in whichever Region of its geography has capacity:
    # AWS checks the profile and the model in the Region that serves the call.
    'cross_region': ({'BedrockModelId': BEDROCK_MODEL, 'BedrockCrossRegion': 'us'},
                     ['arn:aws:bedrock:%s:%s:inference-profile/us.%s' % (REGION, ACCOUNT, BEDROCK_MODEL),
                      'arn:aws:bedrock:*::foundation-model/%s' % BEDROCK_MODEL]),
}

# Wildcards allowed inside an ARN, each for a reason AWS imposes (documented in README.md, Deploy to AWS).
ALLOWED_RESOURCES = {
    'logs': lambda arn, fn: arn == 'arn:aws:logs:%s:%s:log-group:/aws/lambda/%s:*' % (REGION, ACCOUNT, fn),
    'dynamodb': lambda arn, fn: arn in (TABLE_ARN, TABLE_ARN + '/index/inbox'),
    'sqs': lambda arn, fn: arn in (QUEUE_ARN, TIMER_QUEUE_ARN),
    # API id + stage + any of the three @connections methods (POST, GET, DELETE) + any connection id
    'execute-api': lambda arn, fn: arn == 'arn:aws:execute-api:%s:%s:wsapi123/%s/*/@connections/*' % (
        REGION, ACCOUNT, WS_STAGE),
    'ssm': lambda arn, fn: arn in ('arn:aws:ssm:%s:%s:parameter/%s/session-secret' % (REGION, ACCOUNT, STACK),
                                   'arn:aws:ssm:%s:%s:parameter/%s/webhook-secret' % (REGION, ACCOUNT, STACK)),
    # The key behind alias/aws/ssm has no name we can know in the template: any key, but only
    # through SSM and only for these parameters (conditions checked below).
    'kms': lambda arn, fn: arn == 'arn:aws:kms:%s:%s:key/*' % (REGION, ACCOUNT),
    # Only the socket-message function talks to the bot's model; which model: test_bedrock_grant_* below.
    'bedrock': lambda arn, fn: fn == PHYSICAL['WebsocketMessage'] and any(arn in arns for _, arns in BEDROCK.values()),
    # Only the configured SES identity (MAIL), and only the two functions that send notifications.
    'ses': lambda arn, fn: fn in (PHYSICAL['OnNotification'], PHYSICAL['SweepOutbox']) and arn in (
        'arn:aws:ses:%s:%s:identity/help@acme.test' % (REGION, ACCOUNT),
        'arn:aws:ses:%s:%s:identity/acme.test' % (REGION, ACCOUNT)),
}
MAIL = {'off': {}, 'address': {'MailFrom': 'help@acme.test'},
        'domain': {'MailFrom': 'help@acme.test', 'MailIdentity': 'acme.test'}}
WRITE_ACTIONS = {'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem',
                 'dynamodb:ConditionCheckItem'}


def known_actions():
    """Every IAM action AWS knows, from the data cfn-lint ships."""
    from cfnlint.data.AdditionalSpecs import __file__ as specs
    with open(os.path.join(os.path.dirname(specs), 'Policies.json')) as f:
        services = json.load(f)
    return {'%s:%s' % (svc, action) for svc, data in services.items() for action in data['Actions']}


def all_statements(pkg, parameters=None):
    for logical, handler in FUNCTIONS.items():
        role = pkg.role_of(logical)
        for st in pkg.statements(role, parameters):
            yield logical, role, st


def test_roles_trust_only_lambda(dev):
    for logical in FUNCTIONS:
        trust = dev.resources[dev.role_of(logical)]['Properties']['AssumeRolePolicyDocument']
        assert trust['Statement'] == [{'Sid': '', 'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'},
                                       'Action': 'sts:AssumeRole'}]


@pytest.mark.parametrize('bedrock', sorted(BEDROCK))
def test_no_wildcard_action_and_every_action_exists(dev, bedrock):
    known = known_actions()
    for logical, role, st in all_statements(dev, BEDROCK[bedrock][0]):
        assert st['Effect'] == 'Allow', '%s: only Allow statements (the chalice placeholder must be replaced)' % role
        assert 'NotAction' not in st and 'NotResource' not in st
        for action in as_list(st['Action']):
            assert '*' not in action, '%s: %s' % (role, action)
            assert action.lower() in known, '%s: unknown IAM action %s' % (role, action)


@pytest.mark.parametrize('bedrock', sorted(BEDROCK))
def test_every_resource_is_this_stacks_own(dev, bedrock):
    parameters = BEDROCK[bedrock][0]
    resolve = Resolver(dev.template, dict(PHYSICAL, **parameters))
    for logical, role, st in all_statements(dev, parameters):
        for resource in as_list(resolve.shallow_if(st['Resource']) if 'Fn::If' in st['Resource'] else st['Resource']):
            assert resource != '*', role
            assert isinstance(resource, dict), '%s: literal resource %r; use Ref/GetAtt/Sub' % (role, resource)
            for name, _ in references(resource):
                assert name.startswith('AWS::') or name in dev.resources or name in dev.template['Parameters'], name
            arn = resolve(resource)
            service = arn.split(':')[2]
            assert service in ALLOWED_RESOURCES, '%s: %s' % (role, arn)
            assert ALLOWED_RESOURCES[service](arn, PHYSICAL[logical]), '%s (%s): %s' % (role, logical, arn)
            for action in as_list(st['Action']):
                assert action.split(':')[0] == service, '%s: %s on %s' % (role, action, arn)


def test_index_resources_only_get_query(dev):
    resolve = Resolver(dev.template, PHYSICAL)
    for logical, role, st in all_statements(dev):
        if any(resolve(r).endswith('/index/inbox') for r in as_list(st['Resource'])):
            assert as_list(st['Action']) == ['dynamodb:Query']


def test_kms_decrypt_only_via_ssm_for_this_stacks_parameters(dev):
    resolve = Resolver(dev.template, PHYSICAL)
    for logical, role, st in all_statements(dev):
        ssm_params = [resolve(r) for s in dev.statements(role) if 'ssm:GetParameter' in as_list(s['Action'])
                      for r in as_list(s['Resource'])]
        if 'kms:Decrypt' in as_list(st['Action']):
            cond = resolve(st['Condition'])
            assert cond['StringEquals']['kms:ViaService'] == 'ssm.%s.amazonaws.com' % REGION
            assert sorted(as_list(cond['StringEquals']['kms:EncryptionContext:PARAMETER_ARN'])) == sorted(ssm_params)


CREDENTIAL_PREFIXES = {'TOKEN#*', 'OPERATOR#*', 'AGENTOP#*'}


def test_only_the_rest_function_can_write_operator_credentials(dev):
    """Every DynamoDB write statement is limited to the key prefixes its function writes. Operator
    credentials and memberships (TOKEN#, OPERATOR#, AGENTOP#) are written by infra/admin.py and by the
    REST function's Team API (agent admins only); no socket function and not the queue consumer can
    mint or change a credential, even if compromised."""
    for logical, role, st in all_statements(dev):
        if set(as_list(st['Action'])) & WRITE_ACTIONS:
            keys = st['Condition']['ForAllValues:StringLike']['dynamodb:LeadingKeys']
            assert keys and all(k.endswith('#*') and k[:-2].isupper() for k in keys), keys
            if logical != 'APIHandler':
                assert not CREDENTIAL_PREFIXES & set(keys), (logical, keys)


def _actions(dev, logical, service=None, parameters=None):
    return {a for st in dev.statements(dev.role_of(logical), parameters) for a in as_list(st['Action'])
            if service is None or a.startswith(service + ':')}


def test_what_each_function_may_do(dev):
    """Per-function grants, stated once more as a table a reviewer can read."""
    expected = {
        'APIHandler': {'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem',
                       'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem',
                       'dynamodb:DeleteItem',          # team removals and visitor erasure (key prefixes limited)
                       'sqs:SendMessage', 'execute-api:ManageConnections', 'ssm:GetParameter', 'kms:Decrypt'},
        'WebsocketConnect': {'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem',
                             'ssm:GetParameter', 'kms:Decrypt'},
        'WebsocketMessage': {'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem',
                             'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem',
                             'sqs:SendMessage', 'execute-api:ManageConnections'},
        'WebsocketDisconnect': {'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem',
                                'dynamodb:Query', 'execute-api:ManageConnections'},   # presence: offline, live
        'OnNotification': {'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem',
                           'dynamodb:UpdateItem',       # the outbox pointer cleared once delivered (CONV# only)
                           'dynamodb:UpdateItem',      # analytics counters (STATS# only)
                           'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes',
                           'execute-api:ManageConnections', 'ssm:GetParameter', 'kms:Decrypt'},
        # the timers consumer: reads a conversation, stores a ladder step / warning / system close, tells both
        # sides, publishes a status change, re-sends a timer for its remainder; no secret
        'OnTimer': {'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem',
                    'dynamodb:BatchWriteItem', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes',
                    'sqs:SendMessage', 'execute-api:ManageConnections'},
        'SweepOutbox': {'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem',
                        'dynamodb:BatchWriteItem', 'dynamodb:UpdateItem',
                        'execute-api:ManageConnections', 'ssm:GetParameter', 'kms:Decrypt'},
    }
    expected['OnNotification'].add('dynamodb:BatchGetItem')    # suggestions: conversation, agent, KB in one read
    for logical, actions in expected.items():
        assert _actions(dev, logical) - {'logs:CreateLogStream', 'logs:PutLogEvents'} == actions, logical
    # With a Bedrock model configured, the socket-message function (the bot) may call it; nothing else changes.
    expected['WebsocketMessage'].add('bedrock:InvokeModel')
    for logical, actions in expected.items():
        assert _actions(dev, logical, parameters={'BedrockModelId': BEDROCK_MODEL}) - {
            'logs:CreateLogStream', 'logs:PutLogEvents'} == actions, logical


@pytest.mark.parametrize('bedrock', sorted(BEDROCK))
def test_bedrock_grant_is_exactly_the_configured_model(dev, bedrock):
    parameters, arns = BEDROCK[bedrock]
    resolve = Resolver(dev.template, dict(PHYSICAL, **parameters))
    grants = [(logical, resolve(st)) for logical, role, st in all_statements(dev, parameters)
              if any(a.startswith('bedrock:') for a in as_list(st['Action']))]
    if not arns:
        assert grants == [], 'no model configured: no Bedrock permission at all'
        return
    (logical, st), = grants
    assert logical == 'WebsocketMessage'
    assert st['Action'] == ['bedrock:InvokeModel']       # what Converse needs; no streaming, no management
    assert sorted(as_list(st['Resource'])) == sorted(arns)
    assert 'Condition' not in st


def test_bedrock_model_parameter_cannot_widen_the_grant(dev):
    import re
    pattern = re.compile(dev.template['Parameters']['BedrockModelId']['AllowedPattern'])
    assert pattern.match('') and pattern.match(BEDROCK_MODEL) and pattern.match('amazon.nova-micro-v1:0')
    for bad in ('*', 'anthropic.*', 'amazon.nova-micro-v1:0/*', 'a b', 'x,y'):
        assert not pattern.match(bad), bad
    assert dev.template['Parameters']['BedrockCrossRegion']['AllowedValues'] == ['', 'us', 'eu', 'apac']


@pytest.mark.parametrize('logical', sorted(FUNCTIONS))
def test_each_function_writes_only_its_own_log_group(dev, logical):
    resolve = Resolver(dev.template, PHYSICAL)
    logs = [st for st in dev.statements(dev.role_of(logical)) if _is_logs(st)]
    assert len(logs) == 1
    assert sorted(logs[0]['Action']) == ['logs:CreateLogStream', 'logs:PutLogEvents']
    name = resolve(dev.functions[logical]['Properties']['FunctionName'])
    assert name == PHYSICAL[logical]
    # The stack creates the log group (retention per stage), so no function needs logs:CreateLogGroup.
    groups = [g for g in dev.of_type('AWS::Logs::LogGroup').values()
              if resolve(g['Properties']['LogGroupName']) == '/aws/lambda/' + name]
    assert len(groups) == 1


def _is_logs(st):
    return all(a.startswith('logs:') for a in as_list(st['Action']))


def test_only_the_consumer_reads_the_queue_and_the_webhook_secret(dev):
    for logical in FUNCTIONS:
        consumer = logical == 'OnNotification'
        reads_a_queue = logical in ('OnNotification', 'OnTimer')
        assert bool(_actions(dev, logical) & {'sqs:ReceiveMessage', 'sqs:DeleteMessage'}) == reads_a_queue
        params = json.dumps([st['Resource'] for st in dev.statements(dev.role_of(logical))
                             if 'ssm:GetParameter' in as_list(st['Action'])])
        # the outbox sweeper hands missed events to the same consumer: it signs webhooks too
        assert ('webhook-secret' in params) == (consumer or logical == 'SweepOutbox')
        assert ('session-secret' in params) == (logical in ('APIHandler', 'WebsocketConnect'))


@pytest.mark.parametrize('mail', sorted(MAIL))
def test_ses_grant_is_exactly_the_configured_sender(dev, mail):
    """No MailFrom: no SES permission at all. Otherwise ses:SendEmail on that one identity, From that address."""
    parameters = MAIL[mail]
    resolve = Resolver(dev.template, dict(PHYSICAL, **parameters))
    grants = [(logical, resolve(st)) for logical, role, st in all_statements(dev, parameters)
              if any(a.startswith('ses:') for a in as_list(st['Action']))]
    if not parameters:
        assert grants == []
        return
    assert sorted(logical for logical, _ in grants) == ['OnNotification', 'SweepOutbox']
    identity = parameters.get('MailIdentity') or parameters['MailFrom']
    for _, st in grants:
        assert st['Action'] == ['ses:SendEmail']
        assert st['Resource'] == 'arn:aws:ses:%s:%s:identity/%s' % (REGION, ACCOUNT, identity)
        assert st['Condition'] == {'StringEquals': {'ses:FromAddress': 'help@acme.test'}}
