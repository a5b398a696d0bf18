"""Admin pages and the trust edges in the browser: the Team tab (invite with a token shown once, role
change, last admin, remove), what a non-admin sees, the Secrets panel, a visitor's export and erasure,
the Verified/Unverified badge, and the widget under rate limits and with a refused user_hash.

This module runs its own stack with small per-visitor message limits (3 at once, then 30 a minute), so
that the widget's rate-limited note shows after a few quick messages.
"""
import hashlib
import hmac
import json
import re
import urllib.error

import pytest
from playwright.sync_api import expect

from tests.support.local_stack import local_stack

from .helpers import W, banner, conversation_id, inbox_row, open_conversation, rest, screenshot, widget_message, \
    widget_send


@pytest.fixture(scope='module')
def stack():
    with local_stack({'VISITOR_MESSAGE_BURST': '3', 'VISITOR_MESSAGES_PER_MINUTE': '30'}) as info:
        yield info


def open_team(op):
    op.get_by_role('tab', name='Team').click()
    expect(op.locator('#team-list tr[data-operator]').first).to_be_visible()
    expect(op.locator('#team-status')).to_have_text('')


def team_row(op, name):
    return op.locator('#team-list tr').filter(has=op.get_by_role('rowheader', name=re.compile('^' + name)))


def ignore_console(pages, fragment):
    """Drop console errors the test provokes on purpose (a refused request Chromium logs)."""
    for w in pages.watches:
        w.errors = [e for e in w.errors if fragment not in e]


def rest_status(stack, method, path, body=None, who='Alice'):
    try:
        return rest(stack, method, path, body, who)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b'null')


def test_team_invite_role_change_last_admin_and_remove(pages, stack):
    alice = pages.operator('Alice')
    open_team(alice)
    expect(team_row(alice, 'Alice')).to_contain_text('(you)')
    expect(team_row(alice, 'Bob')).to_be_visible()

    # Invite: the token is shown once, with a copy button and a note saying so.
    alice.get_by_label('Name', exact=True).fill('Carol')
    alice.get_by_label('Role', exact=True).select_option('operator')
    alice.get_by_role('button', name='Invite').click()
    result = alice.locator('#invite-result')
    expect(result).to_be_visible()
    expect(result).to_contain_text('Shown once')
    expect(result.get_by_role('button', name='Copy')).to_be_visible()
    token = alice.get_by_label('Sign-in token for Carol').input_value()
    assert len(token) > 20
    expect(team_row(alice, 'Carol')).to_be_visible()
    expect(alice.get_by_label('Role of Carol')).to_have_value('operator')
    result.scroll_into_view_if_needed()
    screenshot(alice, 'team', doc=True)
    result.get_by_role('button', name='Done').click()
    expect(result).to_be_hidden()
    assert token not in alice.content()                  # gone from the page once dismissed

    # The token works: Carol signs in, as an operator: no Team tab, settings read-only, no erase.
    stack['operators']['Carol'] = token
    carol = pages.operator('Carol')
    expect(carol.locator('#me')).to_have_text('Carol')
    expect(carol.get_by_role('tab', name='Settings')).to_be_visible()
    expect(carol.get_by_role('tab', name='Team')).to_be_hidden()
    carol.get_by_role('tab', name='Settings').click()
    expect(carol.get_by_role('switch', name='Allow Human Handoff')).to_be_disabled()
    expect(carol.locator('#settings-status')).to_contain_text('Only an admin')
    expect(carol.locator('#export-btn')).to_be_hidden()
    expect(carol.locator('#erase-btn')).to_be_hidden()
    # A refused admin route is explained in words.
    assert carol.evaluate("async () => (await import('./static/dashboard/state.js'))"
                          ".errorText({code: 'forbidden_role', message: 'x'})") == 'Only an admin of this agent can do that.'

    # Promote Carol: after a reload she has the Team tab.
    alice.get_by_label('Role of Carol').select_option('admin')
    expect(alice.locator('#team-status')).to_have_text('Carol is now admin.')
    carol.reload()
    expect(carol.get_by_role('tab', name='Team')).to_be_visible()
    carol.close()

    # The last admin cannot step down: a readable refusal, and the select goes back.
    for name in ('Bob', 'Carol'):
        alice.get_by_label('Role of ' + name).select_option('operator')
        expect(alice.locator('#team-status')).to_have_text(name + ' is now operator.')
    alice.get_by_label('Role of Alice (you)').select_option('operator')
    expect(alice.locator('#team-status')).to_contain_text('at least one admin')
    expect(alice.get_by_label('Role of Alice (you)')).to_have_value('admin')
    ignore_console(pages, 'status of 409')
    alice.get_by_label('Role of Bob').select_option('admin')
    expect(alice.locator('#team-status')).to_have_text('Bob is now admin.')

    # Remove Carol, after a confirmation (Cancel first: nothing happens).
    alice.get_by_role('button', name='Remove Carol').click()
    dialog = alice.get_by_role('dialog')
    expect(dialog).to_contain_text('Remove Carol?')
    dialog.get_by_role('button', name='Cancel').click()
    expect(dialog).to_be_hidden()
    expect(team_row(alice, 'Carol')).to_be_visible()
    alice.get_by_role('button', name='Remove Carol').click()
    alice.get_by_role('dialog').get_by_role('button', name='Remove').click()
    expect(alice.locator('#team-status')).to_have_text('Carol was removed.')
    expect(team_row(alice, 'Carol')).to_have_count(0)
    status, _ = rest_status(stack, 'GET', '/operator/me', who='Carol')
    assert status == 401


def visitor_with_identity(pages, user_id, user_hash, attributes, name):
    """A visitor on /demo whose page passes user_id/user_hash (the demo page sets handoffSettings
    itself, so the init script adds them to whatever it sets)."""
    script = '''(() => {
      let v = {};
      Object.defineProperty(window, 'handoffSettings', {configurable: true, get() { return v; },
        set(x) { v = Object.assign({}, x, {user_id: %s, user_hash: %s, attributes: %s}); }});
    })();''' % (json.dumps(user_id), json.dumps(user_hash), json.dumps(attributes))
    return pages.visitor(name=name, init_script=script)


def test_secrets_shown_once_and_verified_badges(pages, stack):
    alice = pages.operator('Alice')
    open_team(alice)
    secrets = alice.locator('#secret-list')
    expect(secrets.locator('[data-kind=identity]')).to_contain_text('Not set.')
    alice.get_by_role('button', name='Create identity secret').click()
    once = alice.locator('#secret-result')
    expect(once).to_contain_text('Shown once')
    first = alice.get_by_label('New identity secret').input_value()
    expect(secrets.locator('[data-kind=identity]')).to_contain_text('Version 1')
    once.get_by_role('button', name='Done').click()

    # Rotate, keeping the old one for 24 h: a new secret, shown once; the metadata says the old verifies.
    alice.get_by_role('button', name='Rotate identity secret').click()
    expect(alice.get_by_role('dialog')).to_contain_text('keeps working for 24 h')
    alice.get_by_role('dialog').get_by_role('button', name='Rotate').click()
    expect(once).to_contain_text('Shown once')
    secret = alice.get_by_label('New identity secret').input_value()
    assert secret and secret != first
    expect(secrets.locator('[data-kind=identity]')).to_contain_text('Version 2')
    expect(secrets.locator('[data-kind=identity]')).to_contain_text('previous secret still verifies')
    alice.reload()
    open_team(alice)
    expect(alice.locator('#secrets-status')).to_have_text('')
    assert secret not in alice.content() and first not in alice.content()     # never shown again
    status, body = rest_status(stack, 'POST', '/agents/%s/secrets/identity' % stack['agent_id'], {'rotate': False})
    assert status == 409 and body['error']['code'] == 'secret_exists'

    # A verified visitor (user_hash computed with the secret) and one who only claims to be a VIP.
    user_hash = hmac.new(secret.encode(), b'u-42', hashlib.sha256).hexdigest()
    ada = visitor_with_identity(pages, 'u-42', user_hash, {'name': 'Ada Verified'}, 'ada')
    widget_send(ada, 'What are your opening hours?')
    expect(widget_message(ada, 'Monday to Friday', 'bot')).to_have_count(1)
    ada_conv = conversation_id(ada)
    assert '.u_' in ada_conv
    eve = pages.visitor(name='eve', query='?name=Eve&vip=1')
    widget_send(eve, 'What are your opening hours?')
    expect(widget_message(eve, 'Monday to Friday', 'bot')).to_have_count(1)
    eve_conv = conversation_id(eve)

    alice.reload()                     # bot-only conversations are listed when the inbox loads
    expect(inbox_row(alice, ada_conv).locator('.tag')).to_have_text('Verified')
    expect(inbox_row(alice, eve_conv).locator('.tag')).to_have_text('Unverified \u00b7 claims VIP')
    expect(inbox_row(alice, eve_conv).locator('.pill-vip')).to_have_count(0)
    expect(inbox_row(alice, ada_conv)).to_have_attribute('aria-label', re.compile('Ada Verified, Verified'))
    open_conversation(alice, ada_conv)
    expect(alice.locator('#conv-verified')).to_have_text('Verified')
    open_conversation(alice, eve_conv)
    expect(alice.locator('#conv-verified')).to_have_text('Unverified \u00b7 claims VIP')

    # A wrong user_hash: the widget falls back to an anonymous visitor and warns the site's developer.
    warnings = []
    mallory = visitor_with_identity(pages, 'u-42', '0' * 64, {'name': 'Mallory'}, 'mallory')
    mallory.on('console', lambda m: warnings.append(m.text) if m.type == 'warning' else None)
    widget_send(mallory, 'What are your opening hours?')
    expect(widget_message(mallory, 'Monday to Friday', 'bot')).to_have_count(1)
    assert '.v_' in conversation_id(mallory)
    ignore_console(pages, 'status of 401')


def test_export_transcript_and_erase(pages, stack):
    visitor = pages.visitor(name='visitor', query='?name=Erin')
    widget_send(visitor, 'What are your opening hours? Export me please')
    expect(widget_message(visitor, 'Monday to Friday', 'bot')).to_have_count(1)
    conv = conversation_id(visitor)
    visitor.close()                    # the visitor leaves; their data goes below

    alice = pages.operator('Alice')
    open_conversation(alice, conv)
    expect(alice.locator('#conv-verified')).to_have_text('Unverified')

    with alice.expect_download() as dl:
        alice.get_by_role('button', name='Export visitor data').click()
    data = json.loads(open(dl.value.path(), encoding='utf-8').read())
    assert dl.value.suggested_filename.endswith('.json')
    texts = [m['text'] for c in data['conversations'] for m in c['messages']]
    assert 'What are your opening hours? Export me please' in texts
    assert data['conversations'][0]['id'] == conv

    with alice.expect_download() as dl:
        alice.get_by_role('button', name='Download transcript').click()
    text = open(dl.value.path(), encoding='utf-8').read()
    assert 'Visitor: What are your opening hours? Export me please' in text and 'Bot: ' in text

    alice.get_by_role('button', name='Erase visitor').click()
    dialog = alice.get_by_role('dialog')
    expect(dialog).to_contain_text('cannot be undone')
    dialog.get_by_role('button', name='Erase for good').click()
    expect(inbox_row(alice, conv)).to_have_count(0)
    expect(alice.locator('#conv')).to_be_hidden()
    status, _ = rest_status(stack, 'GET', '/conversations/' + conv)
    assert status == 404
    alice.reload()                     # and it stays gone
    expect(alice.locator('#conv-list')).to_be_visible()
    expect(inbox_row(alice, conv)).to_have_count(0)


def test_widget_keeps_rate_limited_messages_and_sends_them_later(pages):
    visitor = pages.visitor()
    texts = ['What are your opening hours? #%d' % i for i in range(5)]
    for t in texts:
        widget_send(visitor, t)
    expect(banner(visitor)).to_contain_text('sending messages quickly')
    expect(banner(visitor)).to_contain_text(re.compile(r'try again in \d+ s'))
    expect(visitor.locator(W + '.hw-msg.hw-pending .hw-state').first).to_contain_text('Waiting to send')
    screenshot(visitor, 'widget-rate-limited')
    # Nothing is dropped: every message is stored (acknowledged with a seq) once the limit allows.
    for t in texts:
        expect(widget_message(visitor, t, 'visitor')).to_have_attribute('data-seq', re.compile(r'\d+'), timeout=15000)
    expect(visitor.locator(W + '.hw-failed')).to_have_count(0)
    expect(banner(visitor)).not_to_contain_text('sending messages quickly')


def test_widget_waits_out_a_429_on_the_session(pages, stack):
    calls = []

    def first_refused(route):
        calls.append(1)
        if len(calls) == 1:
            route.fulfill(status=429, content_type='application/json',
                          body=json.dumps({'error': {'code': 'rate_limited', 'message': 'slow down', 'retry_after': 1}}))
        else:
            route.continue_()

    visitor = pages.visitor(open_chat=False)
    visitor.route('**/visitor/session', first_refused)
    visitor.get_by_role('button', name='Open chat').click()
    expect(banner(visitor)).to_contain_text('connecting in 1 s')
    widget_send(visitor, 'What are your opening hours?')
    expect(widget_message(visitor, 'Monday to Friday', 'bot')).to_have_count(1)
    assert len(calls) == 2
    ignore_console(pages, 'status of 429')
