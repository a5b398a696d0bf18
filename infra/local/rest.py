"""REST half of the local API Gateway: HTTP request -> REST (v1 proxy) event -> ``app(event, context)``.

Route matching, CORS preflight answers and Chalice built-in authorizers come from
``chalice.local`` (the code behind ``chalice local``); this module only completes the
event to the shape API Gateway really sends (top-level ``resource``/``path``/
``httpMethod``, single- and multi-value query strings and headers, a full
``requestContext``, text bodies as ``str``, binary ones base64).
"""
import base64
import datetime
import fnmatch
import json
import threading
import time
import uuid

from chalice.config import Config
from chalice.local import (LambdaContext, LambdaEventConverter, LocalChalice,
                           LocalGateway, LocalGatewayException, RouteMatcher)

API_ID = 'local'
STAGE = 'api'
ACCOUNT_ID = '123456789012'
REST_PAYLOAD_MAX = 10 * 1024 * 1024      # API Gateway REST: 10 MB request and response payloads
INTEGRATION_TIMEOUT = 29.0


def make_thread_safe(app):
    """Give the app a per-thread ``current_request``, as ``chalice local`` does.

    In Lambda one process serves one request at a time; here worker threads serve
    several at once, and Chalice keeps ``current_request`` on the app object.
    """
    if isinstance(app, LocalChalice):
        return app
    app.__class__ = type('Local' + app.__class__.__name__, (LocalChalice, app.__class__), {})
    return app


def lambda_context(function_name, timeout_s=INTEGRATION_TIMEOUT, memory_mb=128):
    ctx = LambdaContext(function_name=function_name, memory_size=memory_mb, max_runtime_ms=int(timeout_s * 1000))
    ctx.invoked_function_arn = 'arn:aws:lambda:us-east-1:%s:function:%s' % (ACCOUNT_ID, function_name)
    ctx.log_group_name = '/aws/lambda/' + function_name
    ctx.log_stream_name = 'local'
    return ctx


def request_time(now=None):
    now = now or time.time()
    return datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime('%d/%b/%Y:%H:%M:%S +0000')


def _media_type(value):
    return (value or '').split(';', 1)[0].strip().lower()


def matches_binary(media_type, binary_types):
    media_type = _media_type(media_type)
    return bool(media_type) and any(fnmatch.fnmatch(media_type, t.lower()) for t in binary_types)


class RestGateway(LocalGateway):
    """chalice.local's LocalGateway producing complete API Gateway REST proxy events."""

    def __init__(self, app, app_name='app', stage=STAGE, api_id=API_ID):
        config = Config.create(chalice_stage='local', app_name=app_name, lambda_timeout=int(INTEGRATION_TIMEOUT),
                               lambda_memory_size=128)
        super().__init__(app, config)
        self.event_converter = LambdaEventConverter(RouteMatcher(list(app.routes)), app.api.binary_types)
        self._binary_types = app.api.binary_types
        self._stage = stage
        self._api_id = api_id
        self._function_name = '%s-local' % app_name
        self._tls = threading.local()

    def _generate_lambda_context(self):
        return lambda_context(self._function_name)

    def _generate_lambda_event(self, method, path, headers, body):
        event = super()._generate_lambda_event(method, path, headers, None)
        extra = getattr(self._tls, 'extra', {})
        now = time.time()
        ctx = event['requestContext']
        raw_headers = extra.get('raw_headers') or [(k, v) for k, v in headers.items()]
        multi_headers = {}
        for k, v in raw_headers:
            multi_headers.setdefault(k, []).append(v)
        event['headers'] = {k: v[-1] for k, v in multi_headers.items()}
        event['multiValueHeaders'] = multi_headers
        mvq = event.get('multiValueQueryStringParameters')
        event['queryStringParameters'] = {k: v[-1] for k, v in mvq.items()} if mvq else None
        event['resource'] = ctx['resourcePath']
        event['path'] = ctx['path']
        event['httpMethod'] = method
        if not event.get('pathParameters'):
            event['pathParameters'] = None
        request_id = str(uuid.uuid4())
        ctx.update({
            'resourceId': 'local',
            'stage': self._stage,
            'apiId': self._api_id,
            'accountId': ACCOUNT_ID,
            'requestId': request_id,
            'extendedRequestId': request_id,
            'requestTime': request_time(now),
            'requestTimeEpoch': int(now * 1000),
            'protocol': extra.get('protocol', 'HTTP/1.1'),
            'domainName': extra.get('host', 'localhost'),
            'domainPrefix': (extra.get('host', 'localhost').split('.')[0]),
        })
        ctx['identity'] = {'sourceIp': extra.get('source_ip', '127.0.0.1'),
                           'userAgent': headers.get('user-agent'),
                           'accountId': None, 'caller': None, 'user': None, 'userArn': None,
                           'cognitoIdentityId': None, 'cognitoIdentityPoolId': None,
                           'cognitoAuthenticationType': None, 'cognitoAuthenticationProvider': None,
                           'apiKey': None, 'accessKey': None}
        if body:
            if matches_binary(headers.get('content-type'), self._binary_types):
                event['body'] = base64.b64encode(body).decode('ascii')
                event['isBase64Encoded'] = True
            else:
                event['body'] = body.decode('utf-8', errors='replace')
                event['isBase64Encoded'] = False
        else:
            event['body'] = None
            event['isBase64Encoded'] = False
        event['stageVariables'] = None
        return event

    def invoke(self, method, path, headers, body, *, raw_headers=None, source_ip='127.0.0.1', host='localhost',
               protocol='HTTP/1.1'):
        """Run one request through the app. Returns (status, [(header, value)], body bytes, was_base64)."""
        self._tls.extra = {'raw_headers': raw_headers, 'source_ip': source_ip, 'host': host, 'protocol': protocol}
        try:
            response = self.handle_request(method=method, path=path, headers=headers, body=body)
        except LocalGatewayException as e:
            # The gateway's own refusals in the documented error shape, as the template's GatewayResponses
            # make API Gateway answer them (an unknown path: 404 not_found instead of 403 "Missing Authentication").
            status, code = (404, 'not_found') if e.CODE == 403 else (e.CODE, 'unauthorized' if e.CODE == 401
                                                                            else 'gateway_error')
            message = 'no such route' if status == 404 else 'the request was refused by the gateway'
            hdrs = [(k, v) for k, v in e.headers.items() if k.lower() != 'content-type']
            body = json.dumps({'error': {'code': code, 'message': message}}).encode()
            return status, hdrs + [('Content-Type', 'application/json')], body, False
        finally:
            self._tls.extra = {}
        status = int(response['statusCode'])
        out = []
        for k, v in (response.get('headers') or {}).items():
            out.append((k, str(v)))
        for k, values in (response.get('multiValueHeaders') or {}).items():
            for v in values:
                out.append((k, str(v)))
        data = response.get('body')
        if data is None:
            data = b''
        elif response.get('isBase64Encoded'):
            data = base64.b64decode(data)
        elif isinstance(data, str):
            data = data.encode('utf-8')
        if not any(k.lower() == 'content-type' for k, _ in out):
            out.append(('Content-Type', 'application/json'))   # API Gateway's default
        return status, out, data, bool(response.get('isBase64Encoded'))
