"""Business hours in the Settings tab, the widget's email form while the team is away, the offline flag in
the dashboard, and the reply that goes out by email (the local runtime's embedded SES) and into the widget."""
import json
import urllib.request

from playwright.sync_api import expect

from .helpers import W, banner, conversation_id, inbox_row, open_conversation, rest, screenshot, widget_message


def test_hours_settings_email_form_offline_flag_and_reply_by_email(pages, stack):
    alice = pages.operator('Alice')
    alice.get_by_role('tab', name='Settings').click()
    card = alice.locator('#offhours-form[data-loaded]')
    expect(card).to_be_visible()
    card.get_by_label('Time zone').fill('Europe/Paris')
    card.get_by_label('Weekly hours').fill('mon 09:00-17:00\nsat 22:00-02:00')
    card.get_by_label('Holidays').fill('2026-12-25')
    card.get_by_label('Email the team at').fill('team@acme.test')
    card.get_by_role('button', name='Save hours and channels').click()
    expect(alice.locator('#offhours-status')).to_have_text('Saved.')
    path = '/agents/%s/settings' % stack['agent_id']
    _, saved = rest(stack, 'GET', path)
    assert saved['settings']['hours']['weekly'] == {'mon': [['09:00', '17:00']], 'sat': [['22:00', '02:00']]}
    assert saved['settings']['channels']['email']['to'] == ['team@acme.test']
    card.get_by_label('Weekly hours').fill('monday nine to five')
    card.get_by_role('button', name='Save hours and channels').click()
    expect(alice.locator('#offhours-status')).to_contain_text('each line starts with a day')

    # Never open (only messages), whatever the time of this run.
    rest(stack, 'PUT', path, {'settings': {'hours': {'time_zone': 'Europe/Paris', 'weekly': {}}},
                              'version': saved['version']})
    visitor = pages.visitor()
    visitor.get_by_role('button', name='Talk to a person').click()
    expect(widget_message(visitor, 'Leave your email address', 'system')).to_have_count(1)
    form = visitor.locator(W + 'form.hw-contact')
    expect(form).to_be_visible()
    form.get_by_label('Your email address').fill('not an address')
    form.get_by_role('button', name='Send').click()
    expect(visitor.locator(W + '.hw-contact-status')).to_have_text('Please enter a valid email address.')
    form.get_by_label('Your email address').fill('ada@example.org')
    form.get_by_label('Your message').fill('<b>Where</b> is my parcel?')
    screenshot(visitor, 'widget-offline-form')
    form.get_by_role('button', name='Send').click()
    expect(form).to_be_hidden()
    expect(banner(visitor)).to_contain_text('Waiting for a team member')
    expect(widget_message(visitor, '<b>Where</b> is my parcel?', 'visitor')).to_have_count(1)    # text, not HTML
    cid = conversation_id(visitor)

    alice.get_by_role('tab', name='Inbox').click()
    row = inbox_row(alice, cid)
    expect(row.locator('.tag-offline')).to_have_text('Offline · reply by email')
    open_conversation(alice, cid)
    expect(alice.locator('#conv-sub')).to_contain_text('emailed to ada@example.org')
    alice.locator('#ack-btn').click()
    alice.locator('#reply-input').fill('It ships tomorrow.')
    alice.locator('#reply-input').press('Enter')
    expect(widget_message(visitor, 'It ships tomorrow.', 'human')).to_have_count(1)

    def sent():
        with urllib.request.urlopen(stack['http_url'] + '/_local/mail.json', timeout=5) as r:
            return [m for m in json.loads(r.read()) if m['to'] == ['ada@example.org']]
    alice.wait_for_timeout(0)
    for _ in range(100):
        if sent():
            break
        alice.wait_for_timeout(100)
    [mail] = sent()
    assert 'It ships tomorrow.' in mail['body']
