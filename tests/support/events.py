"""Lambda events shaped like API Gateway's, for calling the socket handlers directly."""
import uuid


def ws_event(route, connection_id, body=None, query=None):
    kinds = {'$connect': 'CONNECT', '$default': 'MESSAGE', '$disconnect': 'DISCONNECT'}
    return {'requestContext': {'routeKey': route, 'eventType': kinds[route], 'connectionId': connection_id,
                               'apiId': 'abc123', 'stage': 'api', 'requestId': uuid.uuid4().hex,
                               'domainName': 'abc123.execute-api.us-east-1.amazonaws.com',
                               'messageDirection': 'IN', 'requestTimeEpoch': 0},
            'queryStringParameters': query, 'headers': {}, 'isBase64Encoded': False, 'body': body}
