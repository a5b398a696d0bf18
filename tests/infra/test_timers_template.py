"""The timers queue (timed work: escalation ladder, inactivity) in the deployable stack."""
import pytest

from tests.infra.helpers import CHALICE_CONFIG
from tests.infra.test_template import sam_transform


@pytest.fixture(scope='module')
def transformed(dev):
    return sam_transform(dev.template)


def test_timer_consumer_reads_its_queue_with_partial_batch_failures(dev, transformed):
    events = dev.functions['OnTimer']['Properties']['Events']
    props = events['OnTimerSqsEventSource']['Properties']
    assert props['FunctionResponseTypes'] == ['ReportBatchItemFailures']
    assert props['Queue'] in ({'Fn::Sub': '${TimerQueue.Arn}'}, {'Fn::GetAtt': ['TimerQueue', 'Arn']})
    (esm,) = [v['Properties'] for v in transformed['Resources'].values()
              if v['Type'] == 'AWS::Lambda::EventSourceMapping' and v['Properties']['FunctionName'] == {'Ref': 'OnTimer'}]
    assert esm['FunctionResponseTypes'] == ['ReportBatchItemFailures'] and esm['BatchSize'] == 10


def test_timer_queue_outlives_six_consumer_timeouts_and_has_a_dead_letter_queue(dev):
    timeout = dev.functions['OnTimer']['Properties']['Timeout']
    assert timeout == CHALICE_CONFIG['lambda_functions']['on_timer']['lambda_timeout']
    queue = dev.resources['TimerQueue']['Properties']
    assert queue['VisibilityTimeout'] >= 6 * timeout
    assert queue['RedrivePolicy']['deadLetterTargetArn'] == {'Fn::GetAtt': ['TimerDeadLetterQueue', 'Arn']}


def test_every_function_knows_the_timers_queue(dev):
    for name, fn in dev.functions.items():
        variables = fn['Properties']['Environment']['Variables']
        assert variables['TIMERS_QUEUE_URL'] == {'Ref': 'TimerQueue'}, name
        assert variables['TIMERS_QUEUE_NAME'] == {'Fn::GetAtt': ['TimerQueue', 'QueueName']}, name


def test_a_failing_timer_raises_the_alarm(dev):
    alarms = [a['Properties'] for a in dev.of_type('AWS::CloudWatch::Alarm').values()
              if {'Name': 'QueueName', 'Value': {'Fn::GetAtt': ['TimerDeadLetterQueue', 'QueueName']}}
              in a['Properties'].get('Dimensions', [])]
    assert len(alarms) == 1 and alarms[0]['AlarmActions'] == [{'Ref': 'AlertTopic'}]
    assert alarms[0]['MetricName'] == 'ApproximateNumberOfMessagesVisible' and alarms[0]['Threshold'] == 0
