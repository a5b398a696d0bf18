"""An agent that turns on the LLM in Settings gets answers and handoff judgements from Bedrock (here the
local Converse fake, through the real botocore client), and the built-in bot whenever Bedrock fails."""
import dataclasses

import pytest

from tests.integration.conftest import messages

MODEL = 'amazon.nova-micro-v1:0'


@pytest.fixture
def bedrock(h, monkeypatch):
    import app as app_module
    from chalicelib.adapters import llm
    from infra.local.bedrock_fake import BedrockFake
    fake = BedrockFake()
    with fake:
        monkeypatch.setenv('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', fake.url)
        if hasattr(llm.bedrock_client, 'cache_clear'):
            llm.bedrock_client.cache_clear()
        ctx = app_module._services.ctx
        monkeypatch.setattr(ctx, 'config', dataclasses.replace(ctx.config, bedrock_model_ids=(MODEL,)))
        yield fake
        if hasattr(llm.bedrock_client, 'cache_clear'):
            llm.bedrock_client.cache_clear()


def save_llm(h, llm):
    version = h.rest('GET', '/agents/shop/settings', token=h.alice)[1]['version']
    return h.rest('PUT', '/agents/shop/settings', token=h.alice, body={'settings': {'llm': llm}, 'version': version})


def test_only_a_model_the_deployment_allows_can_be_chosen(h, bedrock):
    status, body = save_llm(h, {'enabled': True, 'model_id': 'anthropic.some-other-model'})
    assert status == 400 and body['error']['code'] == 'invalid_field'
    status, body = save_llm(h, {'enabled': True, 'model_id': MODEL, 'temperature': 1})
    assert status == 400 and body['error']['code'] == 'invalid_field'
    status, body = save_llm(h, {'enabled': True, 'model_id': MODEL})
    assert status == 200 and body['settings']['llm'] == {'enabled': True, 'model_id': MODEL}


def test_the_model_answers_from_the_knowledge_base_and_says_which_entry(h, bedrock):
    save_llm(h, {'enabled': True, 'model_id': MODEL})
    h.visitor('v1')
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'How long does shipping take?'})
    [bot] = [e['message'] for e in events if e['type'] == 'message']
    assert bot['role'] == 'bot' and '3-5 business days' in bot['text']
    assert bot['meta']['source'] == 'bedrock' and bot['meta']['model_id'] == MODEL and bot['meta']['entry_ids']


def test_the_model_can_open_a_handoff(h, bedrock):
    save_llm(h, {'enabled': True, 'model_id': MODEL})
    h.visitor('v1')
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'I want to talk to a real person now'})
    handoffs = [e for e in events if e['type'] == 'handoff']
    assert handoffs and handoffs[0]['handoff']['reason']['code'] == 'visitor_request'
    assert 'model' in handoffs[0]['handoff']['reason']['detail']


def test_throttling_falls_back_to_the_built_in_bot(h, bedrock):
    save_llm(h, {'enabled': True, 'model_id': MODEL})
    bedrock.fault = 'throttle'
    h.visitor('v1')
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'How long does shipping take?'})
    [(role, text)] = messages(events)
    assert role == 'bot' and '3-5 business days' in text
    bot = [e['message'] for e in events if e['type'] == 'message'][0]
    assert bot['meta']['source'] == 'built-in'


def test_turned_off_means_no_model_call(h, bedrock):
    h.visitor('v1')
    events = h.send('v1', {'action': 'send', 'client_message_id': 'c1', 'text': 'How long does shipping take?'})
    bot = [e['message'] for e in events if e['type'] == 'message'][0]
    assert 'source' not in bot['meta'] and bedrock.requests == []
