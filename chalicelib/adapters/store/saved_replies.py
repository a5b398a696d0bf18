"""An agent's saved replies: one item per agent (AGENT#{agent} / REPLIES) holding them all, written whole
under an optimistic lock (`version`) so that "shortcuts are unique" and "at most N" hold under concurrent
edits without a Scan or a second index."""
from pynamodb.exceptions import PutError

from chalicelib.adapters.store.models import SavedRepliesItem, condition_failed, get, key


class StaleReplies(Exception):
    """Someone saved the replies since they were read."""


class SavedReplies:
    def load(self, agent_id):
        """(replies {id: reply}, version); an agent without any: ({}, 0)."""
        item = get(SavedRepliesItem, key('AGENT', agent_id), 'REPLIES')
        return (dict(item.replies or {}), int(item.version)) if item else ({}, 0)

    def save(self, agent_id, replies, version):
        """Write the whole list if nobody saved since `version` was read (0: the item must not exist yet)."""
        item = SavedRepliesItem(key('AGENT', agent_id), 'REPLIES', replies=replies, version=version + 1)
        condition = SavedRepliesItem.pk.does_not_exist() if version == 0 else (SavedRepliesItem.version == version)
        try:
            item.save(condition=condition)
        except PutError as exc:
            if condition_failed(exc):
                raise StaleReplies(agent_id)
            raise
        return version + 1
