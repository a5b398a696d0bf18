"""Sender: post events to WebSocket connections through API Gateway's management API.

Built from configuration rather than Chalice's websocket_api, because REST and SQS handlers
have no socket event to take the endpoint from (see NOTES).
"""
import json
import logging

from chalicelib.adapters.aws_clients import client

logger = logging.getLogger(__name__)


class Sender:
    def __init__(self, endpoint_url, region):
        self.endpoint_url = endpoint_url
        self.region = region

    @property
    def client(self):
        return client('apigatewaymanagementapi', self.region, self.endpoint_url)

    def post(self, connection_id, event):
        """True if delivered, False if the connection is gone. Other failures are logged, not raised:
        one bad socket must not stop delivery to the others, and the message is stored anyway."""
        data = json.dumps(event, separators=(',', ':')).encode('utf-8')
        try:
            self.client.post_to_connection(ConnectionId=connection_id, Data=data)
            return True
        except self.client.exceptions.GoneException:
            return False
        except Exception as exc:  # PayloadTooLarge, LimitExceeded, Forbidden, network
            logger.warning('post to %s failed: %s', connection_id, exc)
            return True

    def fan_out(self, connection_ids, events):
        """Post each event, in order, to each connection. Returns the ids found gone."""
        gone = []
        for connection_id in connection_ids:
            for event in events:
                if not self.post(connection_id, event):
                    gone.append(connection_id)
                    break
        return gone
