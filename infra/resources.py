"""Create the stack's tables and queues from infra/template.json: one source of truth for the
deployed stack, the local runtime and the tests.

Only the properties DynamoDB's and SQS's APIs understand are read; names are given by the caller.
"""
import json
import os

TEMPLATE = os.path.join(os.path.dirname(__file__), 'template.json')


def load_template(path=TEMPLATE):
    with open(path) as f:
        return json.load(f)


def table_spec(template=None, logical_id='HandoffTable'):
    props = (template or load_template())['Resources'][logical_id]['Properties']
    spec = {k: props[k] for k in ('AttributeDefinitions', 'KeySchema', 'BillingMode') if k in props}
    if props.get('GlobalSecondaryIndexes'):
        spec['GlobalSecondaryIndexes'] = props['GlobalSecondaryIndexes']
    return spec, props.get('TimeToLiveSpecification')


def create_table(dynamodb, name, template=None):
    spec, ttl = table_spec(template)
    dynamodb.create_table(TableName=name, **spec)
    if ttl:
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)


def create_queues(sqs, name, template=None, visibility_timeout=None, logical_id='NotificationQueue',
                  dlq_logical_id='NotificationDeadLetterQueue'):
    """The notification queue (or, by logical ids, another: TimerQueue) and its dead-letter queue, with the
    template's redrive policy. Returns (queue_url, dlq_url)."""
    resources = (template or load_template())['Resources']
    props = resources[logical_id]['Properties']
    dlq_props = resources[dlq_logical_id].get('Properties', {})
    dlq_attrs = {k: str(v) for k, v in dlq_props.items() if k in ('MessageRetentionPeriod',)}
    dlq_url = sqs.create_queue(QueueName=name + '-dlq', Attributes=dlq_attrs)['QueueUrl']
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    redrive = {'deadLetterTargetArn': dlq_arn, 'maxReceiveCount': props['RedrivePolicy']['maxReceiveCount']}
    attrs = {'VisibilityTimeout': str(visibility_timeout if visibility_timeout is not None
                                      else props['VisibilityTimeout']),
             'RedrivePolicy': json.dumps(redrive)}
    url = sqs.create_queue(QueueName=name, Attributes=attrs)['QueueUrl']
    return url, dlq_url
