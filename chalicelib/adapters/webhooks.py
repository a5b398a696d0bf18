"""Signed outbound webhooks (HMAC-SHA256 over "{timestamp}.{body}", Stripe-style)."""
import json
import time

from chalicelib.auth import webhook_signature

USER_AGENT = 'handoff-webhook/1'


class WebhookError(Exception):
    pass


def post_webhook(url, payload, secret, timeout=5.0):
    import urllib.error      # only the queue consumer posts webhooks: keep it off the socket handlers' cold start
    import urllib.request
    body = json.dumps(payload, separators=(',', ':')).encode()
    ts = int(time.time())
    request = urllib.request.Request(url, data=body, method='POST', headers={
        'Content-Type': 'application/json', 'User-Agent': USER_AGENT,
        'X-Handoff-Event': payload['event'], 'X-Handoff-Event-Id': payload['event_id'],
        'X-Handoff-Timestamp': str(ts), 'X-Handoff-Signature': webhook_signature(secret, ts, body)})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if not 200 <= response.status < 300:
                raise WebhookError('webhook answered %d' % response.status)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise WebhookError('webhook failed: %s' % exc)
