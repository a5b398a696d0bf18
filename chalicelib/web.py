"""REST glue: turn the app's errors into `{"error": {"code", "message"}}` with their 4xx status.

Chalice converts exceptions raised in a view before any middleware sees them, so the
conversion wraps each view instead.
"""
import functools

from chalice import BadRequestError, Response

from chalicelib.errors import AppError


def json_errors(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except AppError as err:
            return Response({'error': err.to_dict()}, status_code=err.status)
        except BadRequestError as err:   # Chalice's own, for a body that is not JSON
            return Response({'error': {'code': 'invalid_json', 'message': str(err)}}, status_code=400)
    return wrapper
