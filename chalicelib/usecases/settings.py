"""The Settings tab: an agent's settings (read by every operator, saved by admins) and its knowledge base
(edited by every operator of the agent)."""
import uuid

from chalicelib import protocol
from chalicelib.protocol import ProtocolError
from chalicelib.adapters.store import StaleVersion
from chalicelib.domain import settings as agent_settings
from chalicelib.domain import triggers
from chalicelib.errors import conflict, not_found


def operator_profile(ctx, operator):
    agents = ctx.stores.agents.many(operator.agent_ids)
    return {'operator': {'id': operator.id, 'name': operator.name},
            'agents': [{'id': a, 'name': agents[a].name, 'role': operator.role(a)}
                       for a in operator.agent_ids if a in agents]}


def _agent_for(ctx, operator, agent_id):
    operator.check_agent(agent_id)
    agent = ctx.stores.agents.get(agent_id)
    if agent is None:
        raise not_found('agent')
    return agent


def _view(agent):
    return {'agent_id': agent.id, 'name': agent.name, 'settings': agent.effective_settings,
            'version': agent.version}


def get_settings(ctx, operator, agent_id):
    return _view(_agent_for(ctx, operator, agent_id))


def save_settings(ctx, operator, agent_id, body):
    operator.require_admin(agent_id)
    agent = _agent_for(ctx, operator, agent_id)
    update, version = protocol.parse_settings(body, set(triggers.DEFAULT_TRIGGERS),
                                              allow_loopback_http=ctx.config.webhook_allow_loopback_http)
    if version != agent.version:
        raise conflict('the settings were saved by someone else since you loaded them; reload')
    llm = update.get('llm') or {}
    if llm.get('enabled') and llm.get('model_id') not in ctx.config.bedrock_model_ids:
        raise ProtocolError('invalid_field', 'llm.model_id must be a model this deployment allows (%s)'
                            % (', '.join(ctx.config.bedrock_model_ids) or 'none: deploy with BedrockModelId'),
                            'settings')
    try:
        saved = ctx.stores.agents.save_settings(agent, agent_settings.merge(agent.settings, update))
    except StaleVersion:
        raise conflict('the settings were saved by someone else since you loaded them; reload')
    return _view(saved)


def _entry_view(entry_id, entry):
    view = {'id': entry_id, 'question': entry['question'], 'answer': entry['answer']}
    for optional in ('alternates', 'lang'):
        if entry.get(optional):
            view[optional] = entry[optional]
    return view


def list_knowledge(ctx, operator, agent_id):
    _agent_for(ctx, operator, agent_id)
    entries = [_entry_view(eid, e) for eid, e in ctx.stores.agents.knowledge(agent_id).items()]
    return {'entries': sorted(entries, key=lambda e: e['question'].lower())}


def put_knowledge(ctx, operator, agent_id, body, entry_id=None):
    _agent_for(ctx, operator, agent_id)
    if entry_id is not None and not protocol.valid_id(entry_id):
        raise not_found('knowledge entry')
    entry = protocol.parse_knowledge_entry(body)
    new_id = entry_id or 'kb_' + uuid.uuid4().hex[:12]
    try:
        ctx.stores.agents.put_entry(agent_id, new_id, entry, must_exist=entry_id is not None)
    except KeyError:
        raise not_found('knowledge entry')
    return {'entry': _entry_view(new_id, entry)}


def delete_knowledge(ctx, operator, agent_id, entry_id):
    _agent_for(ctx, operator, agent_id)
    if not protocol.valid_id(entry_id):
        raise not_found('knowledge entry')
    try:
        ctx.stores.agents.delete_entry(agent_id, entry_id)
    except KeyError:
        raise not_found('knowledge entry')
