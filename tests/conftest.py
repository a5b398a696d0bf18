"""Process-wide settings for in-process tests. PynamoDB fixes table names at import, so these
are set before anything imports the app. (e2e and browser tests run the stack in a subprocess.)"""
import os

os.environ.update({
    'AWS_DEFAULT_REGION': 'us-east-1', 'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing',
    'AWS_SECURITY_TOKEN': 'testing', 'AWS_SESSION_TOKEN': 'testing',
    'TABLE_NAME': 'handoff-test', 'NOTIFY_QUEUE_NAME': 'handoff-test-notifications',
    'SESSION_SECRET': 'test-session-secret', 'WEBHOOK_SECRET': 'test-webhook-secret',
    'WS_ENDPOINT_URL': 'https://example.execute-api.us-east-1.amazonaws.com/api',
})
for name in ('AWS_ENDPOINT_URL', 'AWS_PROFILE'):
    os.environ.pop(name, None)
