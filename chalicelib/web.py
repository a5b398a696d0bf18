"""REST glue: every error a client sees is `{"error": {"code", "message"}}` with its 4xx status.

Chalice converts exceptions raised in a view before any middleware sees them, so the app's own
errors are converted by wrapping each view (`json_errors`); the errors Chalice makes itself (405 wrong
method, 415 media type, its 400/500) are reshaped by a middleware (`framework_errors`).
"""
import functools
import re

from chalice import BadRequestError, Response

from chalicelib.errors import AppError

_FRAMEWORK_CODES = {'MethodNotAllowedError': 'method_not_allowed', 'UnsupportedMediaType': 'unsupported_media_type',
                    'BadRequest': 'invalid_request', 'BadRequestError': 'invalid_json', 'NotFoundError': 'not_found',
                    'InternalServerError': 'internal_error'}


def json_errors(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except AppError as err:
            return Response({'error': err.to_dict()}, status_code=err.status)
        except (BadRequestError, RecursionError):   # a body Chalice could not parse, or nested too deeply
            return Response({'error': {'code': 'invalid_json', 'message': 'the body is not valid JSON'}},
                            status_code=400)
    return wrapper


def framework_errors(event, get_response):
    """Chalice's `{"Code", "Message"}` errors in the documented shape."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and set(body) == {'Code', 'Message'}:
        code = _FRAMEWORK_CODES.get(body['Code']) or re.sub(r'(?<!^)(?=[A-Z])', '_', body['Code']).lower()
        response.body = {'error': {'code': code, 'message': body['Message']}}
    return response
