"""DynamoDB storage, one repository per concept; models.py holds the table layout."""
from chalicelib.adapters.store.agents import AgentExists, Agents, StaleVersion
from chalicelib.adapters.store.connections import Connections, OperatorSocket, Socket
from chalicelib.adapters.store.conversations import ConflictError, Conversations
from chalicelib.adapters.store.limits import Rates
from chalicelib.adapters.store.markers import Markers
from chalicelib.adapters.store.models import shared_connection
from chalicelib.adapters.store.operators import Operators
from chalicelib.adapters.store.outbox import Outbox
from chalicelib.adapters.store.privacy import Privacy
from chalicelib.adapters.store.routing import Routing
from chalicelib.adapters.store.reads import Reads
from chalicelib.adapters.store.saved_replies import SavedReplies, StaleReplies
from chalicelib.adapters.store.secrets import SecretChanged, Secrets, Tickets
from chalicelib.adapters.store.waiting import Waiting
from chalicelib.adapters.store.stats import Stats
from chalicelib.adapters.store.suggestions import SuggestionChanged, Suggestions


class Stores:
    """Every repository, sharing one DynamoDB client."""

    def __init__(self):
        self.conversations = Conversations(shared_connection())
        self.connections = Connections(self.conversations)
        self.agents = Agents()
        self.operators = Operators()
        self.markers = Markers()
        self.rates = Rates()
        self.privacy = Privacy()
        self.secrets = Secrets()
        self.tickets = Tickets()
        self.waiting = Waiting()
        self.routing = Routing()
        self.reads = Reads()
        self.saved_replies = SavedReplies()
        self.outbox = Outbox()
        self.stats = Stats(shared_connection())
        self.suggestions = Suggestions()


__all__ = ['AgentExists', 'Agents', 'ConflictError', 'Connections', 'Conversations', 'Markers', 'Operators',
           'OperatorSocket', 'SecretChanged', 'Secrets', 'Socket', 'StaleVersion', 'Stores', 'Tickets']
