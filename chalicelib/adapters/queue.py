"""Publishing handoff events to the notification queue (SQS)."""
import json
import logging

from chalicelib.adapters.aws_clients import client

logger = logging.getLogger(__name__)


class Notifier:
    def __init__(self, queue_url, region):
        self.queue_url = queue_url
        self.region = region

    def publish(self, event):
        if not self.queue_url:
            logger.warning('NOTIFY_QUEUE_URL not set; notification %s dropped', event.get('event_id'))
            return
        client('sqs', self.region).send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(event))
