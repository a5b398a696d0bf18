"""Email through Amazon SES (botocore's `ses` client, SendEmail): plain text, from the deployment's
verified sender (MAIL_FROM). The IAM policy allows exactly that identity and that From address."""
from chalicelib.adapters.aws_clients import client

MAX_SUBJECT = 200


class MailError(Exception):
    """SES refused or failed; worth retrying (the queue record is retried)."""


class Mailer:
    def __init__(self, sender, region, endpoint_url=None):
        self.sender = sender
        self.region = region
        self.endpoint_url = endpoint_url

    def send(self, to, subject, text, reply_to=None):
        """Send one plain-text email to `to` (an address or a list); returns SES's message id."""
        to = [to] if isinstance(to, str) else list(to)
        request = {'Source': self.sender, 'Destination': {'ToAddresses': to},
                   'Message': {'Subject': {'Data': ' '.join(subject.split())[:MAX_SUBJECT], 'Charset': 'UTF-8'},
                               'Body': {'Text': {'Data': text, 'Charset': 'UTF-8'}}}}
        if reply_to:
            request['ReplyToAddresses'] = [reply_to] if isinstance(reply_to, str) else list(reply_to)
        try:
            return client('ses', self.region, self.endpoint_url).send_email(**request)['MessageId']
        except Exception as exc:     # botocore ClientError / connection errors: the caller retries the record
            raise MailError('SES send failed: %s' % exc.__class__.__name__) from exc
