"""Every setting the app reads from its environment, in one place.

In AWS the values come from the stack (table and queue names by Ref, secrets
from SSM Parameter Store); locally the runtime in infra/local sets them.
"""
import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Config:
    region: str
    table_name: str
    notify_queue_url: str
    ws_endpoint_url: str          # API Gateway management endpoint (https://{api}.execute-api.{region}.amazonaws.com/{stage})
    session_secret_param: str     # SSM parameter names: the secrets themselves never sit in the template
    webhook_secret_param: str
    bot_confidence_threshold: float = 0.35
    connection_ttl_seconds: int = 3 * 3600   # API Gateway closes sockets after 2 h; keep a margin
    session_ttl_seconds: int = 90 * 24 * 3600
    # Bedrock models this deployment may call (the template grants InvokeModel on exactly these); empty: none.
    bedrock_model_ids: tuple = ()
    # Webhooks go to public https hosts only; the local runtime sets WEBHOOK_ALLOW_LOOPBACK_HTTP=1 so a
    # developer's http://127.0.0.1 receiver works. Never set in AWS.
    webhook_allow_loopback_http: bool = False
    timers_queue_url: str = ''    # timed work (adapters/scheduler.py); empty: nothing is scheduled
    # Email (SES): the verified sender address; empty: no email is sent (offline replies, team channel).
    mail_from: str = ''
    # Where operators open a conversation (links in team emails and Slack messages).
    dashboard_url: str = ''

    @classmethod
    def from_env(cls, env=None):
        env = os.environ if env is None else env
        region = env.get('AWS_REGION') or env.get('AWS_DEFAULT_REGION') or 'us-east-1'
        ws = env.get('WS_ENDPOINT_URL', '')
        if not ws and env.get('WS_API_ID'):
            ws = 'https://%s.execute-api.%s.amazonaws.com/%s' % (
                env['WS_API_ID'], region, env.get('WS_STAGE', 'api'))
        return cls(
            region=region,
            table_name=env.get('TABLE_NAME', 'handoff-local'),
            notify_queue_url=env.get('NOTIFY_QUEUE_URL', ''),
            ws_endpoint_url=ws,
            session_secret_param=env.get('SESSION_SECRET_PARAM', ''),
            webhook_secret_param=env.get('WEBHOOK_SECRET_PARAM', ''),
            bot_confidence_threshold=float(env.get('BOT_CONFIDENCE_THRESHOLD', '0.35')),
            bedrock_model_ids=tuple(x.strip() for x in env.get('BEDROCK_MODEL_IDS', '').split(',') if x.strip()),
            webhook_allow_loopback_http=env.get('WEBHOOK_ALLOW_LOOPBACK_HTTP') == '1',
            timers_queue_url=env.get('TIMERS_QUEUE_URL', ''),
            mail_from=env.get('MAIL_FROM', ''),
            dashboard_url=(env.get('DASHBOARD_URL') or env.get('PUBLIC_HTTP_URL') or '').rstrip('/'),
        )


def _secret(env_name, param_name):
    """A secret from the environment (local, tests) or SSM Parameter Store (AWS)."""
    value = os.environ.get(env_name)
    if value:
        return value.encode()
    if not param_name:
        raise RuntimeError('%s is not configured' % env_name)
    from aws_lambda_powertools.utilities import parameters  # lazy: only Lambda needs SSM
    return parameters.get_parameter(param_name, decrypt=True, max_age=300).encode()


def session_secret(config):
    return _secret('SESSION_SECRET', config.session_secret_param)


def webhook_secret(config):
    return _secret('WEBHOOK_SECRET', config.webhook_secret_param)


@lru_cache(maxsize=1)
def current():
    return Config.from_env()
