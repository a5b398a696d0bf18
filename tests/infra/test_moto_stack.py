"""The stack's data resources created by (moto's) CloudFormation from the merged template, then used
the way the app uses them. moto's CloudFormation cannot create the Lambda/API Gateway half of the
stack, nor alarms, and ignores TTL and PITR (test_template.py checks those properties)."""
import json
import os

import boto3
import pytest
from moto import mock_aws

from tests.infra.helpers import Resolver

DATA = ['HandoffTable', 'NotificationQueue', 'NotificationDeadLetterQueue', 'AlertTopic', 'AlertEmailSubscription']
OUTPUTS = ['TableName', 'NotificationQueueUrl', 'DeadLetterQueueUrl', 'AlertTopicArn']


@pytest.fixture
def stack(dev):
    template = json.loads(json.dumps(dev.template))
    # The app under test imported TABLE_NAME at start-up (tests/conftest.py); give the table that name.
    template['Resources']['HandoffTable']['Properties']['TableName'] = os.environ['TABLE_NAME']
    subset = {'AWSTemplateFormatVersion': '2010-09-09', 'Parameters': template['Parameters'],
              'Conditions': template['Conditions'], 'Resources': {k: template['Resources'][k] for k in DATA},
              'Outputs': {k: template['Outputs'][k] for k in OUTPUTS}}
    with mock_aws():
        cfn = boto3.client('cloudformation', region_name='us-east-1')
        cfn.create_stack(StackName='handoff-dev', TemplateBody=json.dumps(subset))
        described = cfn.describe_stacks(StackName='handoff-dev')['Stacks'][0]
        assert described['StackStatus'] == 'CREATE_COMPLETE'
        outputs = {o['OutputKey']: o['OutputValue'] for o in described['Outputs']}
        physical = {r['LogicalResourceId']: r['PhysicalResourceId']
                    for r in cfn.list_stack_resources(StackName='handoff-dev')['StackResourceSummaries']}
        yield template, outputs, physical


def test_table_and_index_work_for_the_apps_store(stack):
    _template, outputs, _ = stack
    from chalicelib.adapters.store import Stores
    assert outputs['TableName'] == os.environ['TABLE_NAME']
    stores = Stores()
    stores.agents.create('shop', 'Acme', {'allow_human_handoff': True})
    assert stores.agents.get('shop').name == 'Acme'
    _operator_id, token = stores.operators.create('Alice', ['shop'])
    assert stores.operators.by_token(token).name == 'Alice'
    stores.conversations.ensure('shop.v_1', 'shop', 'v_1', {'name': 'Ada'}, '2026-01-01T00:00:00.000Z')
    ids = stores.conversations.inbox_ids('shop', 'bot', 10, False)                          # GSI `inbox`
    assert [c.id for c in stores.conversations.many(ids)] == ['shop.v_1']
    stores.markers.mark_notified('h_1:pending', 'inbox')
    assert stores.markers.was_notified('h_1:pending', 'inbox')


def test_queue_redrives_to_the_dead_letter_queue(stack):
    template, outputs, _ = stack
    sqs = boto3.client('sqs', region_name='us-east-1')
    sqs.send_message(QueueUrl=outputs['NotificationQueueUrl'], MessageBody='{"event_id": "e1"}')
    max_receives = template['Resources']['NotificationQueue']['Properties']['RedrivePolicy']['maxReceiveCount']
    for _ in range(max_receives):   # a consumer that keeps failing: received, never deleted
        got = sqs.receive_message(QueueUrl=outputs['NotificationQueueUrl'], VisibilityTimeout=0)['Messages']
        assert got[0]['Body'] == '{"event_id": "e1"}'
    assert 'Messages' not in sqs.receive_message(QueueUrl=outputs['NotificationQueueUrl'])
    dead = sqs.receive_message(QueueUrl=outputs['DeadLetterQueueUrl'])['Messages']
    assert dead[0]['Body'] == '{"event_id": "e1"}'


def test_dlq_alarm_properties_are_a_valid_put_metric_alarm(stack):
    """moto's CloudFormation has no AWS::CloudWatch::Alarm: send its properties to the API instead."""
    template, outputs, physical = stack
    sqs = boto3.client('sqs', region_name='us-east-1')
    dlq_name = sqs.get_queue_attributes(QueueUrl=outputs['DeadLetterQueueUrl'],
                                        AttributeNames=['QueueArn'])['Attributes']['QueueArn'].split(':')[-1]
    resolve = Resolver(template, {'NotificationDeadLetterQueue.QueueName': dlq_name,
                                  'AlertTopic': outputs['AlertTopicArn']})
    props = resolve(template['Resources']['NotificationDeadLetterAlarm']['Properties'])
    cloudwatch = boto3.client('cloudwatch', region_name='us-east-1')
    cloudwatch.put_metric_alarm(AlarmName='handoff-dev-dlq', **props)
    alarm = cloudwatch.describe_alarms(AlarmNames=['handoff-dev-dlq'])['MetricAlarms'][0]
    assert alarm['Dimensions'] == [{'Name': 'QueueName', 'Value': dlq_name}]
    assert alarm['AlarmActions'] == [outputs['AlertTopicArn']]
    assert 'AlertEmailSubscription' not in physical      # no e-mail given: no subscription
