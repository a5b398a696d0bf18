"""Team inbox in Chromium, three operator pages: presence dots change live, auto-assignment spreads the
work ("Assigned to you"), a transfer moves the reply box to the colleague."""
from playwright.sync_api import expect

from .helpers import conversation_id, inbox_row, open_conversation, rest, widget_message


def dot(page, operator_id):
    return page.locator('.presence-item[data-operator="%s"]' % operator_id)


def test_presence_assignment_and_transfer(pages, stack):
    agent = stack['agent_id']
    status, invited = rest(stack, 'POST', '/agents/%s/operators' % agent, {'name': 'Carol'})
    assert status == 201
    stack['operators']['Carol'] = invited['token']
    ids = {who: rest(stack, 'GET', '/operator/me', who=who)[1]['operator']['id'] for who in ('Alice', 'Bob', 'Carol')}
    alice, bob = pages.operator('Alice'), pages.operator('Bob')
    carol = pages.operator('Carol')

    # Presence: Carol's dot on Alice's page follows her toggle, live.
    expect(dot(alice, ids['Carol'])).to_have_attribute('data-presence', 'online')
    carol.locator('#presence-toggle').click()
    expect(dot(alice, ids['Carol'])).to_have_attribute('data-presence', 'away')
    expect(dot(bob, ids['Carol'])).to_have_attribute('data-presence', 'away')
    carol.locator('#presence-toggle').click()
    expect(dot(alice, ids['Carol'])).to_have_attribute('data-presence', 'online')

    # Auto-assignment: three requests, one offered to each operator.
    _, current = rest(stack, 'GET', '/agents/%s/settings' % agent)
    assert rest(stack, 'PUT', '/agents/%s/settings' % agent,
                {'settings': {'assignment': {'mode': 'auto', 'capacity': 3}}, 'version': current['version']})[0] == 200
    visitors = []
    for i in range(3):
        v = pages.visitor(name='visitor%d' % i)
        v.get_by_role('button', name='Talk to a person').click()
        visitors.append((v, conversation_id(v)))
    for page in (alice, bob, carol):
        expect(page.locator('.conv-item.assigned-to-me')).to_have_count(1)

    # Transfer: Alice takes hers and hands it to Bob; the reply box moves with it.
    mine = alice.locator('.conv-item.assigned-to-me').get_attribute('data-conv')
    visitor = next(v for v, c in visitors if c == mine)
    open_conversation(alice, mine)
    alice.get_by_role('button', name='Acknowledge', exact=True).click()
    expect(alice.locator('#reply-input')).to_be_enabled()
    alice.locator('#transfer-to').select_option(ids['Bob'])
    alice.locator('#transfer-note').fill('Wants a refund, be kind')
    alice.locator('#transfer-btn').click()
    expect(alice.locator('#reply-input')).to_be_disabled()
    expect(widget_message(visitor, 'Bob joined the conversation.')).to_have_count(1)
    expect(visitor.get_by_text('Wants a refund')).to_have_count(0)
    open_conversation(bob, mine)
    expect(bob.locator('#reply-input')).to_be_enabled()
    bob.locator('#reply-input').fill('Hello, Bob here')
    bob.locator('#reply-input').press('Enter')
    expect(widget_message(visitor, 'Hello, Bob here')).to_have_count(1)
    expect(inbox_row(alice, mine).locator('.row-owner')).to_contain_text('Bob')
