"""Embedded AWS: moto's threaded server on loopback, with the stack's table and queues.

The resources come from infra/template.json through infra/resources.py (the one
reader of the template shared with the tests); the runtime only names them and
shortens the queue's visibility timeout, so failed notifications come back in
seconds instead of minutes.
"""
import json
import logging
from dataclasses import dataclass

from infra import resources as stack_resources

DUMMY_CREDENTIALS = {'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing'}


def run_credentials():
    """Fake AWS credentials for one run of the runtime, with a random access key id.

    moto accepts any credentials; the local gateway's management API accepts only
    requests signed with this run's access key id, so only the app (which gets them
    through its environment) can post to the local sockets.
    """
    import secrets
    return {'AWS_ACCESS_KEY_ID': 'LOCAL' + secrets.token_hex(8).upper(),
            'AWS_SECRET_ACCESS_KEY': secrets.token_urlsafe(30)}


@dataclass
class Resources:
    region: str
    endpoint_url: str
    table_name: str
    queue_name: str
    queue_url: str
    queue_arn: str
    dlq_name: str
    dlq_url: str
    dlq_arn: str
    max_receive_count: int | None
    visibility_timeout: int


def create_resources(clients, *, region, endpoint_url, prefix='handoff-local', visibility_timeout=None):
    """Create the table and both queues in the embedded AWS; return their names, URLs and ARNs."""
    dynamodb, sqs = clients
    table_name = prefix
    stack_resources.create_table(dynamodb, table_name)
    queue_name = prefix + '-notifications'
    queue_url, dlq_url = stack_resources.create_queues(sqs, queue_name, visibility_timeout=visibility_timeout)
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=['All'])['Attributes']
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    redrive = json.loads(attrs['RedrivePolicy']) if attrs.get('RedrivePolicy') else {}
    return Resources(region=region, endpoint_url=endpoint_url, table_name=table_name,
                     queue_name=attrs['QueueArn'].rsplit(':', 1)[1], queue_url=queue_url, queue_arn=attrs['QueueArn'],
                     dlq_name=dlq_arn.rsplit(':', 1)[1], dlq_url=dlq_url, dlq_arn=dlq_arn,
                     max_receive_count=int(redrive['maxReceiveCount']) if redrive else None,
                     visibility_timeout=int(attrs['VisibilityTimeout']))


class EmbeddedAWS:
    """moto's threaded server (DynamoDB, SQS, ...) inside this process, on loopback.

    With ``flat=True`` (the default) moto's DynamoDB is first made safe under concurrent
    requests, flat in table size and bounded in memory (infra/local/flat_dynamodb.py).
    """

    def __init__(self, host='127.0.0.1', port=0, *, credentials=None, flat=True):
        self.host = host
        self.port = port
        self.credentials = credentials or dict(DUMMY_CREDENTIALS)
        self.flat = flat
        self._server = None
        self.endpoint_url = None

    def start(self):
        logging.getLogger('werkzeug').setLevel(logging.ERROR)
        if self.flat:
            from . import flat_dynamodb
            flat_dynamodb.install()
        from moto.server import ThreadedMotoServer
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.port = port
        self.endpoint_url = 'http://%s:%d' % (host, port)
        return self.endpoint_url

    def stop(self):
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        wsgi = getattr(server, '_server', None)
        if wsgi is not None:
            wsgi.server_close()      # ThreadedMotoServer.stop() leaves the listening socket open

    def clients(self, region):
        import boto3
        session = boto3.session.Session(
            aws_access_key_id=self.credentials['AWS_ACCESS_KEY_ID'],
            aws_secret_access_key=self.credentials['AWS_SECRET_ACCESS_KEY'],
            region_name=region)
        return (session.client('dynamodb', endpoint_url=self.endpoint_url),
                session.client('sqs', endpoint_url=self.endpoint_url))
