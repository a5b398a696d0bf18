"""Agent settings and knowledge base: what an owner configures from the dashboard's Settings tab."""
import uuid

from chalicelib import protocol
from chalicelib.domain import triggers
from chalicelib.errors import conflict, not_found
from chalicelib.store import ConflictError

DEFAULT_SETTINGS = {'allow_human_handoff': False, 'triggers': dict(triggers.DEFAULT_TRIGGERS),
                    'welcome_message': None, 'webhook_url': None, 'confidence_threshold': 0.35}


def settings_of(agent):
    merged = dict(DEFAULT_SETTINGS)
    merged.update(agent.settings or {})
    merged['triggers'] = triggers.enabled(merged.get('triggers'))
    return merged



class AgentSettings:
    def __init__(self, repo):
        self.repo = repo

    def operator_profile(self, operator):
        agents = self.repo.get_agents(operator.agent_ids)
        return {'operator': {'id': operator.id, 'name': operator.name},
                'agents': [{'id': a, 'name': agents[a].name} for a in operator.agent_ids if a in agents]}

    def _agent_for(self, operator, agent_id):
        operator.check_agent(agent_id)
        agent = self.repo.get_agent(agent_id)
        if agent is None:
            raise not_found('agent')
        return agent

    def get_settings(self, operator, agent_id):
        return self._settings_view(self._agent_for(operator, agent_id))

    @staticmethod
    def _settings_view(agent):
        return {'agent_id': agent.agent_id, 'name': agent.name, 'settings': settings_of(agent),
                'version': agent.version}

    def save_settings(self, operator, agent_id, body):
        agent = self._agent_for(operator, agent_id)
        settings, version = protocol.parse_settings(body, set(triggers.DEFAULT_TRIGGERS))
        merged = settings_of(agent)
        merged.update({k: v for k, v in settings.items() if k != 'triggers'})
        merged['triggers'] = dict(merged['triggers'], **settings.get('triggers', {}))
        try:
            saved = self.repo.save_settings(agent, merged, version)   # the update returns the saved item
        except ConflictError:
            raise conflict('the settings were saved by someone else since you loaded them; reload')
        return self._settings_view(saved)

    def list_knowledge(self, operator, agent_id):
        self._agent_for(operator, agent_id)
        kb = self.repo.knowledge(agent_id)
        entries = [{'id': eid, 'question': e['question'], 'answer': e['answer']}
                   for eid, e in (kb.as_dict().items() if kb else [])]
        return {'entries': sorted(entries, key=lambda e: e['question'].lower())}

    def put_knowledge(self, operator, agent_id, body, entry_id=None):
        self._agent_for(operator, agent_id)
        question, answer = protocol.parse_knowledge(body)
        new_id = entry_id or 'kb_' + uuid.uuid4().hex[:12]
        if entry_id is not None and not protocol.valid_id(entry_id):
            raise not_found('knowledge entry')
        try:
            self.repo.put_knowledge(agent_id, new_id, question, answer, must_exist=entry_id is not None)
        except KeyError:
            raise not_found('knowledge entry')
        return {'entry': {'id': new_id, 'question': question, 'answer': answer}}

    def delete_knowledge(self, operator, agent_id, entry_id):
        self._agent_for(operator, agent_id)
        if not protocol.valid_id(entry_id):
            raise not_found('knowledge entry')
        try:
            self.repo.delete_knowledge(agent_id, entry_id)
        except KeyError:
            raise not_found('knowledge entry')
