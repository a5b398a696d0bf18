"""The one error type every layer raises: a machine-readable code, a message, an HTTP status.

REST answers `{"error": {"code", "message", ...}}` with that status; sockets get an `error` event.
"""


class AppError(Exception):
    status = 400

    def __init__(self, code, message, status=None, action=None, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.action = action
        self.details = details
        if status is not None:
            self.status = status

    def to_dict(self):
        body = {'code': self.code, 'message': self.message}
        body.update(self.details)
        return body


def not_found(what):
    return AppError('not_found', '%s not found' % what, 404)


def unauthorized(message='a valid token is required'):
    return AppError('unauthorized', message, 401)


def conflict(message='the resource changed meanwhile; retry'):
    return AppError('conflict', message, 409)
