"""The Settings tab: the handoff toggle (and what the widget does when it is off), triggers,
welcome message, optimistic locking, the knowledge base."""
import re

from playwright.sync_api import expect

from .helpers import banner, screenshot, widget_message, widget_send


def open_settings(op):
    op.get_by_role('tab', name='Settings').click()
    expect(op.get_by_role('switch', name='Allow Human Handoff')).to_be_visible()
    expect(op.locator('#settings-status')).to_have_text('')          # loaded


def save(op):
    op.get_by_role('button', name='Save', exact=True).click()
    expect(op.locator('#settings-status')).to_have_text('Saved.')


def test_toggle_off_declines_requests_in_the_widget(pages):
    alice = pages.operator('Alice')
    open_settings(alice)
    toggle = alice.get_by_role('switch', name='Allow Human Handoff')
    expect(toggle).to_be_checked()
    toggle.uncheck()
    save(alice)
    alice.locator('#settings-form h2').scroll_into_view_if_needed()     # the top of the form, for the README
    screenshot(alice, 'settings', doc=True)

    # The saved value survives a reload.
    alice.reload()
    open_settings(alice)
    expect(alice.get_by_role('switch', name='Allow Human Handoff')).not_to_be_checked()

    visitor = pages.visitor()
    widget_send(visitor, 'What are your opening hours?')
    expect(widget_message(visitor, 'Monday to Friday', 'bot')).to_have_count(1)
    visitor.get_by_role('button', name='Talk to a person').click()
    expect(banner(visitor)).to_contain_text('no team member is available')
    expect(visitor.locator('#handoff-widget .hw-banner')).to_have_attribute('data-kind', 'declined')
    expect(visitor.get_by_role('button', name='Cancel request')).to_be_hidden()
    # The bot keeps answering.
    widget_send(visitor, 'Which payment methods do you accept?')
    expect(widget_message(visitor, 'PayPal', 'bot')).to_have_count(1)
    screenshot(visitor, 'widget-declined')

    # Back on: the next request goes through.
    alice.get_by_role('switch', name='Allow Human Handoff').check()
    save(alice)
    visitor.get_by_role('button', name='Talk to a person').click()
    expect(banner(visitor)).to_contain_text('Waiting for a team member')
    visitor.get_by_role('button', name='Cancel request').click()
    expect(banner(visitor)).to_contain_text('assistant is back')


def test_triggers_welcome_message_and_stale_version(pages):
    alice = pages.operator('Alice')
    bob = pages.operator('Bob')
    open_settings(alice)
    open_settings(bob)

    complaint = alice.get_by_label('The visitor complains')
    expect(complaint).to_be_checked()
    complaint.uncheck()
    alice.get_by_label('Welcome message').fill('Hello from the browser test! How can we help?')
    save(alice)

    # Bob's form still has the old version: his save is refused, and he gets the latest values.
    bob.get_by_label('Webhook URL').fill('https://example.com/hooks/handoff')
    bob.get_by_role('button', name='Save', exact=True).click()
    expect(bob.locator('#settings-status')).to_contain_text('Someone else changed these settings')
    expect(bob.get_by_label('The visitor complains')).not_to_be_checked()
    expect(bob.get_by_label('Welcome message')).to_have_value('Hello from the browser test! How can we help?')
    bob.get_by_label('Webhook URL').fill('https://example.com/hooks/handoff')
    save(bob)

    alice.reload()
    open_settings(alice)
    expect(alice.get_by_label('The visitor complains')).not_to_be_checked()
    expect(alice.get_by_label('Webhook URL')).to_have_value('https://example.com/hooks/handoff')

    # A new visitor is greeted with the new welcome message.
    visitor = pages.visitor()
    expect(widget_message(visitor, 'Hello from the browser test!', 'bot')).to_have_count(1)

    # Restore.
    alice.get_by_label('The visitor complains').check()
    alice.get_by_label('Webhook URL').fill('')
    save(alice)


def test_knowledge_base_add_edit_delete(pages):
    alice = pages.operator('Alice')
    open_settings(alice)
    items = alice.locator('#kb-list .kb-item')
    expect(items.first).to_be_visible()
    count = items.count()

    alice.get_by_label('Question', exact=True).fill('Do you sell gift cards?')
    alice.get_by_label('Answer', exact=True).fill('Yes: gift cards from $25, delivered by email within minutes.')
    alice.get_by_role('button', name='Add entry').click()
    expect(alice.locator('#kb-status')).to_have_text('Entry added.')
    expect(items).to_have_count(count + 1)
    entry = items.filter(has_text='Do you sell gift cards?')
    expect(entry).to_have_count(1)

    # The bot uses it at once.
    visitor = pages.visitor()
    widget_send(visitor, 'Do you sell gift cards?')
    expect(widget_message(visitor, 'gift cards from $25', 'bot')).to_have_count(1)

    entry.get_by_role('button', name=re.compile('^Edit')).click()
    answer = alice.locator('#kb-list .kb-edit').get_by_label('Answer', exact=True)
    answer.fill('Yes: gift cards from $10, delivered by email within minutes.')
    alice.get_by_role('button', name='Save entry').click()
    expect(alice.locator('#kb-status')).to_have_text('Entry saved.')
    expect(entry.locator('.kb-a')).to_have_text('Yes: gift cards from $10, delivered by email within minutes.')

    delete = entry.get_by_role('button', name=re.compile('^Delete'))
    delete.click()
    expect(delete).to_have_text('Confirm delete')
    delete.click()
    expect(alice.locator('#kb-status')).to_have_text('Entry deleted.')
    expect(items).to_have_count(count)
    alice.reload()
    open_settings(alice)
    expect(alice.locator('#kb-list .kb-item')).to_have_count(count)


def test_trigger_switches_follow_the_settings_the_server_sends(pages):
    """Triggers added server-side (the detector's `emotional`, `complex`, or one without a label yet)
    get a switch without a dashboard change; the save sends back only fields the server accepts."""
    import json

    alice = pages.operator('Alice')
    saved, sent = [], {}

    def settings_route(route):
        if route.request.method == 'GET':
            answer = route.fetch()
            data = answer.json()
            data['settings']['triggers'].update({'emotional': True, 'complex': False, 'gift_wrapping_woes': True})
            sent['triggers'] = len(data['settings']['triggers'])
            sent['fields'] = set(data['settings'])
            route.fulfill(response=answer, json=data)
        else:
            body = json.loads(route.request.post_data)
            saved.append(body)
            route.fulfill(status=200, json={'agent_id': 'demo-shop', 'settings': body['settings'],
                                            'version': body['version'] + 1})

    alice.route('**/agents/*/settings', settings_route)
    open_settings(alice)
    expect(alice.get_by_label('The visitor is distressed or anxious')).to_be_checked()
    expect(alice.get_by_label('The problem is complex')).not_to_be_checked()
    expect(alice.get_by_label('Gift wrapping woes')).to_be_checked()
    expect(alice.locator('#trigger-list input[type=checkbox]')).to_have_count(sent['triggers'])
    expect(alice.locator('#trigger-list textarea, #trigger-list input[type=number]')).to_have_count(0)
    alice.get_by_label('The visitor is distressed or anxious').uncheck()
    save(alice)
    settings = saved[-1]['settings']
    assert {'allow_human_handoff', 'triggers', 'welcome_message', 'webhook_url'} <= set(settings), settings
    assert set(settings) <= sent['fields'], settings        # nothing the server did not send
    assert settings['triggers']['emotional'] is False and settings['triggers']['gift_wrapping_woes'] is True
    assert all(isinstance(v, bool) for v in settings['triggers'].values()), settings['triggers']


def test_knowledge_entries_keep_their_other_phrasings_and_language(pages):
    alice = pages.operator('Alice')
    open_settings(alice)
    alice.get_by_label('Question', exact=True).fill('Do you offer gift wrapping?')
    alice.get_by_label('Answer', exact=True).fill('Yes, for $4 per parcel: choose it at checkout.')
    alice.get_by_label('Other phrasings').fill('Can you wrap my order as a present?\n¿Envolvéis para regalo?')
    alice.get_by_label('Language', exact=True).select_option('en')
    alice.get_by_role('button', name='Add entry').click()
    expect(alice.locator('#kb-status')).to_have_text('Entry added.')
    entry = alice.locator('#kb-list .kb-item').filter(has_text='Do you offer gift wrapping?')
    expect(entry.locator('.kb-alt')).to_have_text(
        'Also asked as: Can you wrap my order as a present? \u00b7 ¿Envolvéis para regalo?')
    expect(entry.locator('.kb-lang')).to_have_text('English')

    # Editing the answer sends the whole entry back: the other phrasings and the language stay.
    entry.get_by_role('button', name=re.compile('^Edit')).click()
    form = alice.locator('#kb-list .kb-edit')
    expect(form.get_by_label('Other phrasings, one per line')).to_have_value(
        'Can you wrap my order as a present?\n¿Envolvéis para regalo?')
    form.get_by_label('Answer', exact=True).fill('Yes, for $5 per parcel: choose it at checkout.')
    alice.get_by_role('button', name='Save entry').click()
    expect(alice.locator('#kb-status')).to_have_text('Entry saved.')
    alice.reload()
    open_settings(alice)
    entry = alice.locator('#kb-list .kb-item').filter(has_text='Do you offer gift wrapping?')
    expect(entry.locator('.kb-a')).to_have_text('Yes, for $5 per parcel: choose it at checkout.')
    expect(entry.locator('.kb-alt')).to_contain_text('¿Envolvéis para regalo?')
    expect(entry.locator('.kb-lang')).to_have_text('English')
    delete = entry.get_by_role('button', name=re.compile('^Delete'))
    delete.click()
    delete.click()
    expect(alice.locator('#kb-status')).to_have_text('Entry deleted.')


def test_settings_are_read_only_for_operators_who_are_not_admins(pages):
    """Only an agent's admins may save its settings (the server answers 403 forbidden_role): the
    dashboard shows other operators the values, read-only."""
    def me_route(route):
        answer = route.fetch()
        data = answer.json()
        for agent in data.get('agents', []):
            agent['role'] = 'operator'
        route.fulfill(response=answer, json=data)

    alice = pages.operator('Alice', init_script=None)
    alice.route('**/operator/me', me_route)
    alice.reload()
    alice.locator('#conn[data-state="open"]').wait_for()
    alice.get_by_role('tab', name='Settings').click()
    expect(alice.locator('#settings-status')).to_have_text('Only an admin of this agent can change these settings.')
    expect(alice.get_by_role('switch', name='Allow Human Handoff')).to_be_disabled()
    expect(alice.get_by_label('The visitor complains')).to_be_disabled()
    expect(alice.get_by_role('button', name='Save', exact=True)).to_be_disabled()
    # The knowledge base stays editable by every operator of the agent.
    expect(alice.get_by_role('button', name='Add entry')).to_be_enabled()
