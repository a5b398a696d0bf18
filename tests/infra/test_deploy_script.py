"""infra/deploy against a fake AWS CLI: the order of calls, secrets created once and never on the
command line, the stack named after the stage, the URLs printed. (The real CLI is never run.)"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.infra.helpers import DEPLOY, ROOT

FAKE_AWS = textwrap.dedent('''\
    #!%s
    """A fake `aws`: answers from a JSON state file, logs every call."""
    import json, os, shutil, sys
    args = sys.argv[1:]
    state_path = os.environ['FAKE_AWS_STATE']
    state = json.load(open(state_path))
    entry = {'args': args}

    def arg(name):
        return args[args.index(name) + 1] if name in args else None

    def fail(message):
        log(); sys.stderr.write(message + '\\n'); sys.exit(254)

    def log():
        with open(os.environ['FAKE_AWS_LOG'], 'a') as f:
            f.write(json.dumps(entry) + '\\n')

    cmd = args[:2]
    out = ''
    if cmd == ['sts', 'get-caller-identity']:
        out = state['account']
    elif cmd == ['cloudformation', 'describe-stacks']:
        query = arg('--query')
        if state.get('status') is None:
            fail('An error occurred (ValidationError) when calling the DescribeStacks operation: '
                 'Stack with id %%s does not exist' %% arg('--stack-name'))
        if query == 'Stacks[0].StackStatus':
            out = state['status']
        else:   # Stacks[0].Outputs[?OutputKey=='X'].OutputValue | [0]
            out = 'https://example.test/' + query.split("'")[1]
    elif cmd == ['ssm', 'get-parameter']:
        if arg('--name') not in state['params']:
            fail('An error occurred (ParameterNotFound) when calling the GetParameter operation: ')
        out = 'SecureString'
    elif cmd == ['ssm', 'put-parameter']:
        entry['input'] = json.load(open(arg('--cli-input-json')[len('file://'):]))
        state['params'].append(entry['input']['Name'])
    elif cmd == ['s3api', 'head-bucket']:
        if state.get('bucket') == 'foreign':
            fail('An error occurred (403) when calling the HeadBucket operation: Forbidden')
        if not state.get('bucket'):
            fail('An error occurred (404) when calling the HeadBucket operation: Not Found')
    elif cmd == ['s3api', 'create-bucket']:
        state['bucket'] = arg('--bucket')
    elif cmd == ['cloudformation', 'package']:
        shutil.copy(arg('--template-file'), arg('--output-template-file'))
    elif cmd == ['cloudformation', 'deploy']:
        state['status'] = 'CREATE_COMPLETE'
    elif cmd == ['cloudformation', 'delete-stack']:
        state['status'] = None
    log()
    json.dump(state, open(state_path, 'w'))
    print(out)
''') % sys.executable


@pytest.fixture
def fake_aws(tmp_path):
    path = tmp_path / 'aws'
    path.write_text(FAKE_AWS)
    path.chmod(0o755)
    state = tmp_path / 'state.json'
    log = tmp_path / 'calls.jsonl'

    def run(*argv, region='eu-west-1', extra_env=None, **initial):
        state.write_text(json.dumps(dict({'account': '123456789012', 'params': [], 'status': None}, **initial)))
        if log.exists():
            log.unlink()
        env = {k: v for k, v in os.environ.items() if not k.startswith('AWS_') and not k.startswith('HANDOFF_')}
        env.update(AWS_CLI=str(path), AWS_REGION=region, FAKE_AWS_STATE=str(state), FAKE_AWS_LOG=str(log),
                   PYTHON=sys.executable, CHALICE=os.path.join(os.path.dirname(sys.executable), 'chalice'),
                   **(extra_env or {}))
        proc = subprocess.run([str(DEPLOY), *argv, '--out', str(tmp_path / 'out')], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        return proc, calls, json.loads(state.read_text())
    return run


def commands(calls):
    return [' '.join(c['args'][:2]) for c in calls]


def test_first_deploy_creates_secrets_bucket_and_stack(fake_aws):
    proc, calls, state = fake_aws('dev', params=['/handoff-dev/webhook-secret'])
    assert proc.returncode == 0, proc.stderr
    assert commands(calls) == [
        'sts get-caller-identity', 'cloudformation describe-stacks',
        'ssm get-parameter', 'ssm put-parameter',      # session secret: missing, created
        'ssm get-parameter',                           # webhook secret: exists, left alone
        's3api head-bucket', 's3api create-bucket', 's3api put-public-access-block',
        'cloudformation package', 'cloudformation deploy',
        'cloudformation describe-stacks'] + ['s3 sync'] * 5 + ['s3 cp'] * 3 + [      # static files
        'cloudformation describe-stacks', 'cloudfront create-invalidation'] + ['cloudformation describe-stacks'] * 5
    put = calls[3]
    assert put['input']['Name'] == '/handoff-dev/session-secret'
    assert put['input']['Type'] == 'SecureString' and len(put['input']['Value']) >= 48
    every_arg = ' '.join(a for c in calls for a in c['args'])
    assert put['input']['Value'] not in every_arg            # never on a command line
    assert '--overwrite' not in every_arg
    bucket = calls[6]['args']
    assert bucket[bucket.index('--bucket') + 1] == 'handoff-artifacts-123456789012-eu-west-1'
    assert 'LocationConstraint=eu-west-1' in bucket
    deploy = calls[9]['args']
    assert deploy[deploy.index('--stack-name') + 1] == 'handoff-dev'
    assert 'CAPABILITY_IAM' in deploy and '--no-fail-on-empty-changeset' in deploy
    assert deploy[deploy.index('--template-file') + 1].endswith('packaged.json')
    assert '--parameter-overrides' not in deploy
    assert 'Dashboard:  https://example.test/DashboardURL' in proc.stdout
    assert 'WebSocket:  https://example.test/WebsocketURL' in proc.stdout


def test_static_files_go_to_the_stack_bucket_with_the_apis_content_types(fake_aws):
    from chalicelib.static_files import TYPES, headers
    proc, calls, _ = fake_aws('dev', params=['/handoff-dev/session-secret', '/handoff-dev/webhook-secret'])
    assert proc.returncode == 0, proc.stderr
    bucket = 's3://https://example.test/StaticBucketName'     # the fake answers every output with a URL
    cache = headers('text/plain')['Cache-Control']

    def opt(args, name):
        return args[args.index(name) + 1]
    syncs = [c['args'] for c in calls if c['args'][:2] == ['s3', 'sync']]
    assert {opt(a, '--include'): opt(a, '--content-type') for a in syncs} == {
        '*' + ext: content_type for ext, content_type in TYPES.items()}
    for a in syncs:
        assert a[2] == str(ROOT / 'chalicelib' / 'static') + '/' and a[3] == bucket + '/static/'
        assert '--delete' in a and opt(a, '--exclude') == '*' and opt(a, '--cache-control') == cache
    copies = {c['args'][3]: c['args'] for c in calls if c['args'][:2] == ['s3', 'cp']}
    assert set(copies) == {bucket + '/widget.js', bucket + '/dashboard.html', bucket + '/demo'}
    assert opt(copies[bucket + '/widget.js'], '--content-type') == 'text/javascript; charset=utf-8'
    assert opt(copies[bucket + '/demo'], '--content-type') == 'text/html; charset=utf-8'
    assert all(opt(a, '--cache-control') == cache for a in copies.values())
    invalidation = [c['args'] for c in calls if c['args'][:2] == ['cloudfront', 'create-invalidation']][0]
    assert opt(invalidation, '--distribution-id') == 'https://example.test/StaticDistributionId'
    assert opt(invalidation, '--paths') == '/*'
    # uploaded after the stack exists (the bucket is one of its resources)
    order = commands(calls)
    assert order.index('cloudformation deploy') < order.index('s3 sync')


def test_redeploy_reuses_secrets_and_bucket(fake_aws):
    proc, calls, _ = fake_aws('prod', status='UPDATE_COMPLETE', bucket='handoff-artifacts-123456789012-eu-west-1',
                              params=['/handoff-prod/session-secret', '/handoff-prod/webhook-secret'],
                              extra_env={'HANDOFF_ALERT_EMAIL': 'ops@example.com'})
    assert proc.returncode == 0, proc.stderr
    assert 'ssm put-parameter' not in commands(calls) and 's3api create-bucket' not in commands(calls)
    deploy = [c['args'] for c in calls if c['args'][:2] == ['cloudformation', 'deploy']][0]
    assert deploy[deploy.index('--stack-name') + 1] == 'handoff-prod'
    assert deploy[deploy.index('--parameter-overrides') + 1] == 'AlertEmail=ops@example.com'


def test_a_failed_first_creation_is_reported_not_retried(fake_aws):
    proc, calls, _ = fake_aws('dev', status='ROLLBACK_COMPLETE')
    assert proc.returncode != 0
    assert 'infra/deploy delete dev' in proc.stderr
    assert 'cloudformation deploy' not in commands(calls) and 'ssm put-parameter' not in commands(calls)


def test_a_bucket_owned_by_someone_else_is_refused(fake_aws):
    proc, calls, _ = fake_aws('dev', bucket='foreign')
    assert proc.returncode != 0 and 'HANDOFF_ARTIFACT_BUCKET' in proc.stderr
    assert 'cloudformation deploy' not in commands(calls)


def test_unknown_stage_is_refused_before_any_aws_call(fake_aws):
    proc, calls, _ = fake_aws('staging')
    assert proc.returncode != 0 and 'not in .chalice/config.json' in proc.stderr
    assert calls == []


def test_delete_keeps_table_and_secrets_and_says_how_to_remove_them(fake_aws):
    proc, calls, state = fake_aws('delete', 'dev', status='UPDATE_COMPLETE')
    assert proc.returncode == 0, proc.stderr
    assert commands(calls) == ['cloudformation describe-stacks', 'cloudformation describe-stacks',
                               's3 rm',              # the static bucket must be empty to be deleted
                               'cloudformation delete-stack', 'cloudformation wait']
    rm = calls[2]['args']
    assert rm[2] == 's3://https://example.test/StaticBucketName' and '--recursive' in rm
    assert 'aws dynamodb delete-table --table-name https://example.test/TableName' in proc.stdout
    assert 'aws ssm delete-parameters --names /handoff-dev/session-secret /handoff-dev/webhook-secret' in proc.stdout
