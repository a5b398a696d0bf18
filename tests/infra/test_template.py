"""The merged template (`infra/deploy package dev`): valid, wired by Ref/GetAtt, least privilege.

What CloudFormation would reject is found by cfn-lint (on the SAM template and on its transform);
what it would accept but get wrong (an unset variable, a '*' resource, a queue found by name) is
checked here."""
import json
import os
import re
import subprocess
import sys

import pytest

from tests.infra.helpers import CHALICE_CONFIG, FUNCTIONS, ROOT, WS_STAGE, references


# Environment variables the code reads that must NOT come from the stack.
LAMBDA_PROVIDED = {'AWS_REGION', 'AWS_DEFAULT_REGION'}
LOCAL_ONLY = {
    'WS_ENDPOINT_URL',      # local gateway / tests; in AWS the sender builds it from WS_API_ID + WS_STAGE
    'SESSION_SECRET',       # the secrets themselves: local and tests only; AWS reads them from SSM
    'WEBHOOK_SECRET',
    'WEBHOOK_ALLOW_LOOPBACK_HTTP',  # the local runtime's webhooks to 127.0.0.1; in AWS only public https
    'PUBLIC_HTTP_URL',      # the local runtime's address: links in team emails; in AWS DASHBOARD_URL
}
# Have a default in code (chalicelib/config.py, chalicelib/domain/rate_limit.py); set them on the functions to tune.
OPTIONAL = {'BOT_CONFIDENCE_THRESHOLD', 'RATE_LIMITS', 'VISITOR_MESSAGE_BURST', 'VISITOR_MESSAGES_PER_MINUTE',
            'NEW_SESSIONS_PER_MINUTE_PER_ADDRESS', 'OUTBOX_GRACE_SECONDS'}


def lint(path):
    # cfn-lint 1.x has no `python -m cfnlint` entry point (that exits 1, which `code & 2` took for clean):
    # call its console script's function. Exit code bits: 1 = cfn-lint itself failed, 2 errors, 4 warnings.
    proc = subprocess.run([sys.executable, '-c', 'import sys; from cfnlint.runner import main; sys.exit(main())',
                           '--format', 'parseable', str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode & 1 == 0, 'cfn-lint did not run:\n' + proc.stdout + proc.stderr
    return proc.returncode, proc.stdout + proc.stderr


def sam_transform(template):
    """The AWS::Serverless-2016-10-31 transform, run offline: what CloudFormation will create."""
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self):
            raise AssertionError('the template must not need AWS managed policy lookups')

    template = json.loads(json.dumps(template))
    for res in template['Resources'].values():
        if res['Type'] == 'AWS::Serverless::Function':
            res['Properties']['CodeUri'] = 's3://artifacts/deployment.zip'   # what `cloudformation package` does
    old = os.environ.get('AWS_DEFAULT_REGION')
    os.environ['AWS_DEFAULT_REGION'] = 'us-east-1'
    try:
        return transform(template, {}, NoManagedPolicies())
    finally:
        if old is None:
            del os.environ['AWS_DEFAULT_REGION']
        else:
            os.environ['AWS_DEFAULT_REGION'] = old


@pytest.fixture(scope='module')
def transformed(dev):
    return sam_transform(dev.template)


def env_names_read_by_code():
    """Upper-case names the app reads from its environment (app.py and chalicelib/)."""
    pattern = re.compile(r"""(?:environ|env)(?:\.get\(|\[)\s*['"]([A-Z][A-Z0-9_]+)['"]|_secret\(\s*['"]([A-Z][A-Z0-9_]+)['"]""")
    names = set()
    for path in [ROOT / 'app.py', *sorted((ROOT / 'chalicelib').rglob('*.py'))]:     # every layer
        for a, b in pattern.findall(path.read_text()):
            names.add(a or b)
    return names


# ---- validity -------------------------------------------------------------------------------------

def test_cfn_lint_reports_no_errors_on_the_merged_template(dev):
    code, out = lint(dev.out / 'sam.json')
    assert code & 2 == 0, out          # cfn-lint's exit code is a bit mask: 2 = errors, 4 = warnings


def test_cfn_lint_reports_no_errors_after_the_sam_transform(dev, transformed, tmp_path):
    path = tmp_path / 'transformed.json'
    path.write_text(json.dumps(transformed))
    code, out = lint(path)
    assert code & 2 == 0, out


def test_every_handler_is_packaged_with_its_own_role(dev):
    assert set(dev.functions) == set(FUNCTIONS)
    roles = {}
    for logical, handler in FUNCTIONS.items():
        props = dev.functions[logical]['Properties']
        assert props['Handler'] == 'app.' + handler
        roles[logical] = dev.role_of(logical)
        assert dev.resources[roles[logical]]['Type'] == 'AWS::IAM::Role'
    assert len(set(roles.values())) == len(roles), 'functions share a role: %s' % roles


def test_sam_creates_no_role_or_policy_of_its_own(dev, transformed):
    roles = {k for k, v in transformed['Resources'].items() if v['Type'] == 'AWS::IAM::Role'}
    assert roles == {dev.role_of(f) for f in FUNCTIONS}
    assert not [k for k, v in transformed['Resources'].items()
                if v['Type'] in ('AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy')]
    for role in roles:
        assert 'ManagedPolicyArns' not in transformed['Resources'][role]['Properties']


# ---- wiring ---------------------------------------------------------------------------------------

def test_every_env_var_the_code_reads_is_classified():
    names = env_names_read_by_code()
    assert {'TABLE_NAME', 'NOTIFY_QUEUE_URL', 'SESSION_SECRET_PARAM', 'WEBHOOK_SECRET_PARAM'} <= names, names
    unknown = names - LAMBDA_PROVIDED - LOCAL_ONLY - OPTIONAL - set(stack_env_names())
    assert not unknown, ('the code reads %s: set it on the functions in infra/template.json, or classify it '
                         'in tests/infra/test_template.py' % sorted(unknown))


def stack_env_names():
    template = json.loads((ROOT / 'infra' / 'template.json').read_text())
    return template['Resources']['APIHandler']['Properties']['Environment']['Variables']


@pytest.mark.parametrize('function', sorted(FUNCTIONS))
def test_function_environment_comes_from_the_stack(dev, function):
    variables = dev.functions[function]['Properties']['Environment']['Variables']
    wanted = (env_names_read_by_code() | {'WS_PUBLIC_URL', 'NOTIFY_QUEUE_NAME', 'WS_API_ID', 'WS_STAGE'}) \
        - LAMBDA_PROVIDED - LOCAL_ONLY - OPTIONAL
    missing = wanted - set(variables)
    assert not missing, '%s lacks %s' % (function, sorted(missing))
    assert not (set(variables) & (LOCAL_ONLY | LAMBDA_PROVIDED)), 'secrets or reserved names in the template'
    for name, value in variables.items():
        if name == 'WS_STAGE':
            assert value == WS_STAGE
            continue
        refs = references(value)
        assert refs, '%s=%r is a literal: derive it from the stack' % (name, value)
        for logical, _attr in refs:
            assert logical.startswith('AWS::') or logical in dev.resources or logical in dev.template['Parameters'], \
                '%s refers to %s' % (name, logical)
    assert variables['TABLE_NAME'] == {'Ref': 'HandoffTable'}
    assert variables['NOTIFY_QUEUE_URL'] == {'Ref': 'NotificationQueue'}
    assert variables['NOTIFY_QUEUE_NAME'] == {'Fn::GetAtt': ['NotificationQueue', 'QueueName']}
    assert variables['WS_API_ID'] == {'Ref': 'WebsocketAPI'}
    assert variables['WS_PUBLIC_URL'] == {
        'Fn::Sub': 'wss://${WebsocketAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/' + WS_STAGE}
    assert variables['SESSION_SECRET_PARAM'] == {'Fn::Sub': '/${AWS::StackName}/session-secret'}
    assert variables['WEBHOOK_SECRET_PARAM'] == {'Fn::Sub': '/${AWS::StackName}/webhook-secret'}
    # The model id the bot may call: exactly what the role grants (tests/infra/test_iam.py), or ''.
    assert variables['BEDROCK_MODEL_IDS'] == {'Fn::If': ['UseBedrockCrossRegion',
                                                         {'Fn::Sub': '${BedrockCrossRegion}.${BedrockModelId}'},
                                                         {'Ref': 'BedrockModelId'}]}


def test_websocket_stage_is_the_one_the_sender_targets(dev):
    assert dev.resources['WebsocketAPIStage']['Properties']['StageName'] == WS_STAGE
    assert dev.resources['RestAPI']['Properties']['StageName'] == WS_STAGE


def test_sqs_event_source_references_the_stack_queue_and_reports_partial_failures(dev, transformed):
    events = dev.functions['OnNotification']['Properties']['Events']
    assert list(events) == ['OnNotificationSqsEventSource']
    props = events['OnNotificationSqsEventSource']['Properties']
    assert props['FunctionResponseTypes'] == ['ReportBatchItemFailures']
    # Fn::Sub "${NotificationQueue.Arn}" is Fn::GetAtt written so that chalice's deep merge
    # replaces its name-built ARN (both are dicts keyed Fn::Sub) instead of mixing the two.
    assert props['Queue'] in ({'Fn::Sub': '${NotificationQueue.Arn}'}, {'Fn::GetAtt': ['NotificationQueue', 'Arn']})
    mappings = [v for v in transformed['Resources'].values() if v['Type'] == 'AWS::Lambda::EventSourceMapping'
                and v['Properties']['FunctionName'] == {'Ref': 'OnNotification'}]     # (OnTimer's: test_timers_template)
    assert len(mappings) == 1
    esm = mappings[0]['Properties']
    assert esm['EventSourceArn'] == props['Queue']
    assert esm['FunctionName'] == {'Ref': 'OnNotification'}
    assert esm['FunctionResponseTypes'] == ['ReportBatchItemFailures']
    assert esm['BatchSize'] == 10


def test_queue_visibility_timeout_is_at_least_six_consumer_timeouts(dev):
    timeout = dev.functions['OnNotification']['Properties']['Timeout']
    assert timeout == CHALICE_CONFIG['lambda_functions']['on_notification']['lambda_timeout']
    queue = dev.resources['NotificationQueue']['Properties']
    assert queue['VisibilityTimeout'] >= 6 * timeout
    redrive = queue['RedrivePolicy']
    assert redrive['deadLetterTargetArn'] == {'Fn::GetAtt': ['NotificationDeadLetterQueue', 'Arn']}
    assert 1 <= redrive['maxReceiveCount'] <= 10
    dlq = dev.resources['NotificationDeadLetterQueue']['Properties']
    assert dlq['MessageRetentionPeriod'] == 14 * 24 * 3600     # longest SQS allows: time to look


def test_request_functions_stay_under_api_gateway_integration_timeout(dev):
    for logical in ('APIHandler', 'WebsocketConnect', 'WebsocketMessage', 'WebsocketDisconnect'):
        assert dev.functions[logical]['Properties']['Timeout'] <= 29


def test_dead_letter_queue_depth_alarm(dev):
    alarms = dev.of_type('AWS::CloudWatch::Alarm')
    dlq_alarms = [a['Properties'] for a in alarms.values()
                  if {'Name': 'QueueName', 'Value': {'Fn::GetAtt': ['NotificationDeadLetterQueue', 'QueueName']}}
                  in a['Properties'].get('Dimensions', [])]
    assert len(dlq_alarms) == 1
    alarm = dlq_alarms[0]
    assert alarm['Namespace'] == 'AWS/SQS'
    assert alarm['MetricName'] == 'ApproximateNumberOfMessagesVisible'
    assert alarm['ComparisonOperator'] == 'GreaterThanThreshold' and alarm['Threshold'] == 0
    assert alarm['TreatMissingData'] == 'notBreaching'
    assert alarm['AlarmActions'] == [{'Ref': 'AlertTopic'}]
    assert dev.resources['AlertTopic']['Type'] == 'AWS::SNS::Topic'
    subscription = dev.resources['AlertEmailSubscription']
    assert subscription['Condition'] == 'HasAlertEmail'


def test_table_is_on_demand_with_pitr_ttl_and_inbox_index(dev):
    table = dev.resources['HandoffTable']
    assert table['DeletionPolicy'] == 'Retain' and table['UpdateReplacePolicy'] == 'Retain'
    props = table['Properties']
    assert props['BillingMode'] == 'PAY_PER_REQUEST'
    assert props['PointInTimeRecoverySpecification'] == {'PointInTimeRecoveryEnabled': True}
    assert props['TimeToLiveSpecification'] == {'AttributeName': 'expires_at', 'Enabled': True}
    assert [i['IndexName'] for i in props['GlobalSecondaryIndexes']] == ['inbox']


def test_stages_coexist_in_one_account(dev, prod):
    """No physical name is fixed: everything named is named after the stack (handoff-STAGE)."""
    fixed = []
    for logical, res in dev.resources.items():
        for key in ('TableName', 'QueueName', 'RoleName', 'TopicName', 'FunctionName', 'LogGroupName',
                    'AlarmName', 'BucketName'):
            value = res.get('Properties', {}).get(key)
            if value is not None and not any(name in ('AWS::StackName',) or name in FUNCTIONS
                                             for name, _ in references(value)):
                fixed.append((logical, key, value))
    assert not fixed
    # dev and prod differ only where .chalice/config.json says so
    def normalised(package):
        text = json.dumps(package.template, sort_keys=True)
        return text.replace('stage=%s' % package.stage, 'stage=X').replace('handoff-%s-' % package.stage,
                                                                          'handoff-X-')
    a, b = json.loads(normalised(dev)), json.loads(normalised(prod))
    for res in list(a['Resources'].values()) + list(b['Resources'].values()):
        if res['Type'] == 'AWS::Logs::LogGroup':
            res['Properties'].pop('RetentionInDays')
    assert a == b
    assert prod.resources['OnNotificationLogGroup']['Properties']['RetentionInDays'] == 90


def test_deploy_script_prints_outputs_the_stack_has(dev):
    script = (ROOT / 'infra' / 'deploy').read_text()
    used = set(re.findall(r'\$\(output (\w+)\)', script))
    assert {'RestURL', 'WebsocketURL', 'DashboardURL', 'TableName'} <= used
    assert used <= set(dev.template['Outputs'])
    outputs = dev.template['Outputs']
    # The dashboard and widget come from CloudFront (test_static_site.py); the API serves them at / too.
    assert outputs['DashboardURL']['Value'] != outputs['RestURL']['Value']
    assert 'StaticBucketName' in used and 'StaticDistributionId' in used


def test_no_secret_value_in_the_template(dev):
    text = json.dumps(dev.template)
    assert 'SecureString' not in text and 'AWS::SSM::Parameter' not in text
    assert not re.search(r'test-(session|webhook)-secret', text)


# ---- cost levers ----------------------------------------------------------------------------------

def test_every_function_runs_on_arm64(dev):
    """Graviton: 20 % less per GB-second (benchmarks/cost_model.py). Safe because the zip is pure Python
    (test_package.py checks it)."""
    assert CHALICE_CONFIG['lambda_architecture'] == 'arm64'
    for logical in FUNCTIONS:
        assert dev.functions[logical]['Properties']['Architectures'] == ['arm64'], logical


def test_functions_log_json_without_lambda_platform_lines(dev, transformed):
    """Structured app logs and errors stay (application level INFO: Powertools' JSON lines, and the
    metrics' EMF lines, which carry no level and count as INFO); Lambda's own START/END/REPORT lines
    (system level INFO) are dropped, about 260 bytes of CloudWatch Logs per invocation."""
    for logical in FUNCTIONS:
        config = dev.functions[logical]['Properties']['LoggingConfig']
        assert config == {'LogFormat': 'JSON', 'ApplicationLogLevel': 'INFO', 'SystemLogLevel': 'WARN'}, logical
        assert transformed['Resources'][logical]['Properties']['LoggingConfig'] == config
        variables = dev.functions[logical]['Properties']['Environment']['Variables']
        assert 'POWERTOOLS_LOG_LEVEL' not in variables   # ApplicationLogLevel decides (Powertools follows it)


def test_gateway_refusals_have_the_documented_error_shape(transformed):
    """API Gateway's own answers (unknown path, throttling, other 4xx/5xx) carry {"error": {"code", "message"}}.
    SAM writes them into the REST API's OpenAPI body (x-amazon-apigateway-gateway-responses)."""
    apis = [r['Properties'] for r in transformed['Resources'].values() if r['Type'] == 'AWS::ApiGateway::RestApi']
    responses = {}
    for api in apis:
        responses.update((api.get('Body') or {}).get('x-amazon-apigateway-gateway-responses') or {})
    responses.update({r['Properties']['ResponseType']: r['Properties'] for r in transformed['Resources'].values()
                      if r['Type'] == 'AWS::ApiGateway::GatewayResponse'})
    assert {'MISSING_AUTHENTICATION_TOKEN', 'THROTTLED', 'DEFAULT_4XX', 'DEFAULT_5XX'} <= set(responses), responses
    assert str(responses['MISSING_AUTHENTICATION_TOKEN'].get('statusCode') or
               responses['MISSING_AUTHENTICATION_TOKEN'].get('StatusCode')) == '404'
    for props in responses.values():
        templates = props.get('responseTemplates') or props.get('ResponseTemplates')
        assert templates['application/json'].startswith('{"error": {"code": ')
