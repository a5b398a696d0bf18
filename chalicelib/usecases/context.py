"""The ports every use case works through, built once per Lambda container (see bootstrap.py)."""
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable


def now_iso():
    return datetime.now(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


@dataclass
class Context:
    stores: object            # adapters.store.Stores: conversations, connections, agents, operators, markers
    fanout: object            # usecases.fanout.Fanout: posts to sockets, forgets gone ones
    uow: object               # unit_of_work.UnitOfWork
    responder: object         # domain.bot.Responder
    config: object            # config.Config
    session_secret: Callable  # the secret is fetched lazily (SSM)
    now: Callable = now_iso

    @property
    def conversations(self):
        return self.stores.conversations

    @property
    def connections(self):
        return self.stores.connections
