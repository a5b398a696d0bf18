"""Posting events to the sockets of a conversation: the visitor's tabs and the agent's operators."""
import logging

from chalicelib.domain import notes

logger = logging.getLogger(__name__)


def _internal(event):
    m = event.get('message') if event.get('type') == 'message' else None
    return isinstance(m, dict) and not notes.visible_to_visitor(m)


class Fanout:
    def __init__(self, sender, connections):
        self.sender = sender
        self.connections = connections

    def post(self, connection_id, event):
        return self.sender.post(connection_id, event)

    def to_visitor(self, conv, events, origin=None, acked=()):
        """To every socket of the visitor; `origin` already holds the events in `acked` and gets the rest.
        An internal note never goes to a visitor, whoever passes one here (domain.notes)."""
        events = [e for e in events if not _internal(e)]
        others = sorted(set(conv.connections) - {origin})
        gone = self.sender.fan_out(others, events)
        if origin in conv.connections:
            gone += self.sender.fan_out([origin], [e for e in events if not any(e is a for a in acked)])
        self.forget(gone, conversation_id=conv.id)

    def to_operators(self, agent_id, events, sockets=None, conv=None):
        """To the agent's operator sockets (`sockets` if the caller has just queried them). With `conv`, the
        traffic of an acknowledged conversation (its messages, the visitor typing) goes only to the owner's
        sockets and to dashboards that have it open; everything else reaches every operator."""
        if sockets is None:
            sockets = self.connections.operators_of(agent_id)
        owner = conv.handoff.owner_id if conv is not None and conv.handoff is not None and \
            conv.handoff.status.value == 'acknowledged' else None
        if owner:
            sockets = [s for s in sockets if s.operator_id == owner or s.viewing == conv.id]
        self.forget(self.sender.fan_out([s.connection_id for s in sockets], events), agent_id=agent_id)

    def forget(self, gone, conversation_id=None, agent_id=None):
        """Drop sockets API Gateway called gone. Best effort: the message is stored, and a failure here
        must not stop the notifications or the other deliveries."""
        for connection_id in gone:
            try:
                self.connections.forget_gone(connection_id, conversation_id=conversation_id, agent_id=agent_id)
            except Exception:
                logger.exception('could not forget gone socket %s', connection_id)
