"""Agents (one chatbot each): settings with an optimistic lock, and the knowledge base."""
from pynamodb.exceptions import PutError, UpdateError

from chalicelib.adapters.store.models import AgentItem, Entity, KnowledgeItem, condition_failed, get, key
from chalicelib.domain.bot import Entry
from chalicelib.domain.settings import Agent


class AgentExists(Exception):
    pass


class StaleVersion(Exception):
    """Someone saved the settings since they were read."""


def agent_from_item(item):
    if item is None:
        return None
    return Agent(id=item.pk.split('#', 1)[1], name=item.name, settings=dict(item.settings or {}),
                 version=int(item.version))


def entries_from_item(item):
    """The knowledge base as the bot reads it. Optional fields pass through to Entry when set."""
    entries = []
    for entry_id, e in sorted((item.as_dict() if item else {}).items()):
        extra = {}
        if e.get('alternates'):
            extra['alternates'] = tuple(e['alternates'])
        if e.get('lang'):
            extra['lang'] = e['lang']
        entries.append(Entry(entry_id, e['question'], e['answer'], **extra))
    return entries


class Agents:
    def get(self, agent_id):
        return agent_from_item(get(AgentItem, key('AGENT', agent_id), 'META'))

    def many(self, agent_ids):
        keys = [(key('AGENT', a), 'META') for a in agent_ids]
        return {a.id: a for a in map(agent_from_item, Entity.batch_get(keys))} if keys else {}

    def create(self, agent_id, name, settings, replace=False):
        """A new agent with an empty knowledge base; an existing one is refused unless `replace`."""
        item = AgentItem(key('AGENT', agent_id), 'META', name=name, settings=settings, version=1)
        try:
            item.save(condition=None if replace else AgentItem.pk.does_not_exist())
        except PutError as exc:
            if condition_failed(exc):
                raise AgentExists(agent_id)
            raise
        if get(KnowledgeItem, key('AGENT', agent_id), 'KB') is None:
            KnowledgeItem(key('AGENT', agent_id), 'KB', entries={}).save()
        return agent_from_item(item)

    def save_settings(self, agent, settings):
        """One explicit write, refused if someone saved in between (optimistic lock on `version`)."""
        item = AgentItem(key('AGENT', agent.id), 'META')
        try:
            item.update(actions=[AgentItem.settings.set(settings), AgentItem.version.set(agent.version + 1)],
                        condition=(AgentItem.version == agent.version))
        except UpdateError as exc:
            if condition_failed(exc):
                raise StaleVersion(agent.id)
            raise
        return agent_from_item(item)        # the update returned the saved item

    # ---- knowledge base ------------------------------------------------------------------------

    def knowledge(self, agent_id):
        item = get(KnowledgeItem, key('AGENT', agent_id), 'KB')
        return item.as_dict() if item else {}

    def put_entry(self, agent_id, entry_id, entry, must_exist):
        """Add or replace one entry in place (a map path update: no read-modify-write of the whole base)."""
        item = KnowledgeItem(key('AGENT', agent_id), 'KB')
        cond = KnowledgeItem.entries[entry_id].exists() if must_exist else KnowledgeItem.pk.exists()
        try:
            item.update(actions=[KnowledgeItem.entries[entry_id].set(entry)], condition=cond)
        except UpdateError as exc:
            if condition_failed(exc):
                raise KeyError(entry_id)
            raise

    def delete_entry(self, agent_id, entry_id):
        item = KnowledgeItem(key('AGENT', agent_id), 'KB')
        try:
            item.update(actions=[KnowledgeItem.entries[entry_id].remove()],
                        condition=KnowledgeItem.entries[entry_id].exists())
        except UpdateError as exc:
            if condition_failed(exc):
                raise KeyError(entry_id)
            raise
