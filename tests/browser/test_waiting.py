"""Waiting visitors in a real browser: the widget's place in the queue and expected wait (updated on its
slow cadence, moved here with the page clock), the dashboard's reminder highlight and the Settings card."""
import re

from playwright.sync_api import expect

from tests.support.clients import http_json

from .helpers import W, conversation_id, inbox_row, screenshot


def visitor_with_clock(pages, name):
    page = pages._page(name, {'width': 1000, 'height': 760})
    page.clock.install()                  # time flows, and the test can jump the widget's 30 s cadence
    page.goto('/demo')
    page.get_by_role('button', name='Open chat').click()
    page.get_by_role('textbox', name='Message').wait_for()
    return page


def test_queue_position_and_wait_in_the_widget_and_the_ladder_in_the_dashboard(pages, stack):
    url, agent, token = stack['http_url'], stack['agent_id'], stack['operators']['Alice']
    status, current = http_json('GET', url + '/agents/%s/settings' % agent, token=token)
    assert http_json('PUT', url + '/agents/%s/settings' % agent, {'settings': {'escalation': {
        'remind_after_seconds': 1, 'escalate_after_seconds': 0, 'tell_visitor_after_seconds': 0}},
        'version': current['version']}, token=token)[0] == 200
    alice = pages.operator('Alice')
    first, second = visitor_with_clock(pages, 'first'), visitor_with_clock(pages, 'second')
    queue = lambda page: page.locator(W + '.hw-queue')    # noqa: E731
    for page in (first, second):
        page.get_by_role('button', name='Talk to a person').click()
        expect(page.locator(W + '.hw-banner')).to_contain_text('Waiting for a team member')
    expect(queue(first)).to_have_text('You are next in the queue')
    expect(queue(second)).to_have_text('You are number 2 in the queue')
    screenshot(second, 'widget-queue')
    one, two = conversation_id(first), conversation_id(second)

    # A request nobody took for a second: the operators are reminded, the row is highlighted.
    expect(alice.locator('#conv-list li[data-escalation="1"]').locator('.conv-item[data-conv="%s"]' % two)) \
        .to_have_count(1)
    alice.wait_for_function('() => window.HandoffDashboard.reminders >= 2')

    # The first is taken; the second learns it on its next ask, with a wait measured from that acknowledge.
    assert http_json('POST', url + '/conversations/%s/acknowledge' % one, {}, token=token)[0] == 200
    expect(first.locator(W + '.hw-banner')).to_contain_text('Alice joined')
    expect(queue(first)).to_be_hidden()
    second.clock.fast_forward(30000)
    expect(queue(second)).to_have_text(re.compile(r'^You are next in the queue · expected wait: '))

    # The handoff history in the conversation pane; the settings card shows the ladder.
    inbox_row(alice, two).click()
    expect(alice.locator('#handoff-history li[data-status="escalated"]')).to_contain_text('Reminder sent')
    screenshot(alice, 'dashboard-escalation')
    alice.get_by_role('tab', name=re.compile('Settings')).click()
    expect(alice.locator('#waiting-settings')).to_contain_text('Waiting visitors')
    expect(alice.locator('#esc-remind_after_seconds')).to_have_value('0.02')   # 1 s, in minutes
    alice.locator('#waiting-settings').scroll_into_view_if_needed()
    screenshot(alice, 'settings-waiting')
