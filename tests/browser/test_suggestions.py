"""Learning from handoffs in a real browser: the Suggestions list (seeded by the demo, infra/local/
demo_suggestions.py), accepting one so that the bot answers it at once, and the handoff summary on top of a
handed-off conversation. Saves docs/screenshots/suggestions.png (with UPDATE_DOC_SCREENSHOTS=1)."""
import re

from playwright.sync_api import expect

from tests.support.clients import wait_for

from .helpers import banner, conversation_id, open_conversation, rest, screenshot, widget_message, widget_send

ANSWER = 'Students get 15% off with a valid student card: verify once on the Student page.'


def test_accept_a_suggestion_and_see_the_handoff_summary(pages, stack):
    alice = pages.operator('Alice')
    alice.get_by_role('tab', name='Settings').click()
    items = alice.locator('#sugg-list .sugg-item')
    expect(items).to_have_count(3)
    first = items.first
    expect(first.locator('.sugg-q')).to_have_text('Is there a student discount?')
    expect(first.locator('.sugg-count')).to_contain_text('Asked 4 times in the last 14 days')
    expect(items.nth(1).locator('.sugg-count')).to_contain_text('Asked 3 times')
    expect(alice.locator('#sugg-title')).to_have_text('Suggestions (3)')
    alice.locator('#suggestions').scroll_into_view_if_needed()
    screenshot(alice, 'suggestions', doc=True)

    first.get_by_role('button', name='Accept: Is there a student discount?').click()
    form = alice.locator('#sugg-list .kb-edit')
    expect(form.get_by_label('Question', exact=True)).to_have_value('Is there a student discount?')
    form.get_by_label('Answer', exact=True).fill(ANSWER)
    form.get_by_role('button', name='Add to knowledge base').click()
    expect(alice.locator('#sugg-status')).to_contain_text('Added to the knowledge base')
    expect(items).to_have_count(2)
    expect(alice.locator('#kb-list .kb-item').filter(has_text='Is there a student discount?')).to_have_count(1)

    # The bot answers it at once, for a phrasing the team saw too.
    visitor = pages.visitor()
    widget_send(visitor, 'Can I get a discount as a student?')
    expect(widget_message(visitor, 'Students get 15% off', 'bot')).to_have_count(1)

    # A question it cannot answer, then a person: the operator sees why, what was asked, the bot's miss.
    widget_send(visitor, 'Can I bring my dog along when I visit?')
    expect(widget_message(visitor, 'not sure', 'bot')).to_have_count(1)
    visitor.get_by_role('button', name='Talk to a person').click()
    expect(banner(visitor)).to_contain_text('Waiting for a team member')
    conv = conversation_id(visitor)
    alice.get_by_role('tab', name='Inbox').click()
    open_conversation(alice, conv)
    summary = alice.locator('#conv-summary')
    expect(summary).to_be_visible()
    expect(summary).to_contain_text('visitor_request')
    expect(summary).to_contain_text('Can I bring my dog along when I visit?')
    expect(summary).to_contain_text('Bot missed')
    expect(summary).to_contain_text('Bot answered')
    expect(summary).to_contain_text('not verified')
    expect(summary.locator('dt')).to_contain_text(['Why', 'Visitor', 'Asked'])

    # The person answers and resolves: the visitor is offered their transcript by email (the address is
    # checked by the server; this runtime's mailer may be absent, then the widget says email is unavailable).
    alice.get_by_role('button', name='Acknowledge', exact=True).click()
    reply = alice.get_by_role('textbox', name='Reply to visitor')
    expect(reply).to_be_enabled()
    reply.fill('Dogs are welcome in the Harbor Street store!')
    reply.press('Enter')
    expect(widget_message(visitor, 'Dogs are welcome', 'human')).to_have_count(1)
    alice.get_by_role('button', name='Resolve', exact=True).click()
    offer = visitor.get_by_role('button', name='Email me this transcript')
    expect(offer).to_be_visible()
    offer.click()
    visitor.get_by_role('textbox', name='Your email address').fill('ada@example.com')
    visitor.locator('#handoff-widget .hw-mail-send').click()
    expect(visitor.locator('#handoff-widget .hw-mail-status')).to_have_text(
        re.compile(r'^(Sent to ada@example\.com\.|Email is not available here, sorry\.)$'))

    # The local runtime's queue poller runs the consumer: the resolved handoff becomes a suggestion, and its
    # link opens the conversation it came from.
    path = '/agents/%s/suggestions' % stack['agent_id']
    wait_for(lambda: any('dog' in g['question'] for g in rest(stack, 'GET', path)[1]['suggestions']),
             message='the dog question among the suggestions')
    alice.get_by_role('tab', name='Settings').click()
    dog = items.filter(has_text='Can I bring my dog along when I visit?')
    expect(dog.locator('.sugg-count')).to_contain_text('Asked once in the last 14 days')
    expect(dog.locator('.sugg-a')).to_have_text('Answered: Dogs are welcome in the Harbor Street store!')
    dog.get_by_role('link', name='Open conversation 1').click()
    expect(alice.locator('#panel-inbox')).to_be_visible()
    expect(alice.locator('#conv-summary')).to_contain_text('Can I bring my dog')
