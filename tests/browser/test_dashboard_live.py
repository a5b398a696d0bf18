"""The dashboard keeps its inbox rows (updated, moved, never rebuilt) and explains to operators
why a handoff opened and how the bot chose its answers."""
import re

from playwright.sync_api import expect

from .helpers import banner, conversation_id, dash_message, inbox_row, open_conversation, widget_message, widget_send

PROBE = """([id, mark]) => {
    const row = document.querySelector('.conv-item[data-conv="' + id + '"]');
    if (row) { row.__probe = mark; row.closest('li').__probe = mark; }
    return !!row;
}"""
SAME_NODE = """([id, mark]) => {
    const row = document.querySelector('.conv-item[data-conv="' + id + '"]');
    return !!row && row.__probe === mark && row.closest('li').__probe === mark;
}"""


def test_inbox_rows_are_updated_in_place_not_rebuilt(pages):
    # Two visitors chat with the bot (bot-mode messages are not pushed to operators: the inbox
    # lists these conversations when it loads).
    first = pages.visitor(name='first', query='?name=First%20Visitor')
    widget_send(first, 'Do you have a loyalty program?')
    expect(widget_message(first, 'Trail Club', 'bot')).to_have_count(1)
    first_conv = conversation_id(first)
    second = pages.visitor(name='second', query='?name=Second%20Visitor')
    widget_send(second, 'What are your opening hours?')
    expect(widget_message(second, 'Monday to Friday', 'bot')).to_have_count(1)
    second_conv = conversation_id(second)
    alice = pages.operator('Alice')
    for conv in (first_conv, second_conv):
        expect(inbox_row(alice, conv)).to_have_class(re.compile(r'status-bot'))
        assert alice.evaluate(PROBE, [conv, conv])
    created = alice.evaluate('() => window.HandoffDashboard.rowsCreated')

    # A handoff request moves the row to the top, highlighted: still the same elements.
    first.get_by_role('button', name='Talk to a person').click()
    expect(banner(first)).to_contain_text('Waiting for a team member')
    expect(inbox_row(alice, first_conv)).to_have_class(re.compile(r'status-pending'))
    expect(alice.locator('#conv-list li').first.locator('.conv-item')).to_have_attribute('data-conv', first_conv)

    # A live message updates the row's last message in place.
    widget_send(first, 'Is anyone there?')
    expect(inbox_row(alice, first_conv).locator('.row-last')).to_contain_text('Is anyone there?')

    # Opening, acknowledging and filtering touch rows, they do not rebuild the list.
    open_conversation(alice, first_conv)
    expect(inbox_row(alice, first_conv)).to_have_attribute('aria-current', 'true')
    alice.get_by_role('button', name='Acknowledge', exact=True).click()
    expect(inbox_row(alice, first_conv).locator('.row-owner')).to_contain_text('You answering')
    assert alice.evaluate(SAME_NODE, [second_conv, second_conv]), 'an untouched row was rebuilt'
    alice.get_by_label('Filter by status').select_option('acknowledged')
    expect(inbox_row(alice, second_conv)).to_have_count(0)
    expect(inbox_row(alice, first_conv)).to_be_visible()
    alice.get_by_label('Filter by status').select_option('')
    expect(inbox_row(alice, second_conv)).to_be_visible()

    assert alice.evaluate(SAME_NODE, [first_conv, first_conv]), 'the pending row was rebuilt'
    # The second row left the list while filtered out, so it was made again; nothing else was.
    assert alice.evaluate('() => window.HandoffDashboard.rowsCreated') <= created + 1
    alice.get_by_role('button', name='Resolve', exact=True).click()
    expect(banner(first)).to_contain_text('assistant is back')


def test_operators_see_why_a_handoff_opened_and_how_the_bot_answered(pages):
    alice = pages.operator('Alice')
    inbox_reads = []
    alice.on('request', lambda r: inbox_reads.append(r.url) if '/inbox' in r.url and r.method == 'GET' else None)
    visitor = pages.visitor(query='?name=Billing%20Visitor')
    widget_send(visitor, 'How long does shipping take?')
    expect(widget_message(visitor, 'business days', 'bot')).to_have_count(1)
    conv = conversation_id(visitor)

    # A detected billing dispute: the inbox row, the header and the notice say what matched.
    widget_send(visitor, 'I was charged twice for my order!')
    expect(banner(visitor)).to_contain_text('Waiting for a team member')
    row = inbox_row(alice, conv)
    expect(row).to_have_class(re.compile(r'status-pending'))
    expect(row.locator('.row-reason')).to_contain_text('Billing dispute')
    expect(row.locator('.row-reason')).to_contain_text('charged twice')
    open_conversation(alice, conv)
    expect(alice.locator('#conv-sub')).to_contain_text('Billing dispute')
    notice = alice.locator('#messages li.msg-system .msg-why')
    expect(notice.first).to_contain_text(re.compile(r'^Why: Billing dispute .*charged twice'))

    # The bot's answer: its confidence and the knowledge entry it used, by name.
    bot = dash_message(alice, 'business days', 'bot')
    expect(bot.locator('.msg-why')).to_contain_text(re.compile(r'\d+ % confident'))
    expect(bot.locator('.msg-why')).to_contain_text('entry: How long does shipping take?')
    # The welcome message is labelled as such.
    expect(alice.locator('#messages li.msg-bot').first.locator('.msg-why')).to_contain_text('welcome message')
    # All of it is text.
    assert alice.locator('#messages .msg-why *').count() == 0

    alice.get_by_role('button', name='Cancel handoff', exact=True).click()
    expect(banner(visitor)).to_contain_text('assistant is back')
    expect(inbox_row(alice, conv)).to_have_class(re.compile(r'status-cancelled'))
    # Handoff events move rows; the consumer's inbox pushes bring new rows and the counts. The inbox
    # is read again only if a push is late for a conversation the list did not have (at most once here).
    alice.wait_for_timeout(2500)
    assert len(inbox_reads) <= 1, inbox_reads


def test_the_dashboard_socket_uses_single_use_tickets_not_the_token(pages, stack):
    alice = pages.operator('Alice')
    urls = []
    alice.on('websocket', lambda ws: urls.append(ws.url))
    before = alice.evaluate('() => window.HandoffDashboard.socket.opened')
    alice.evaluate('() => window.HandoffDashboard.socket.reconnectNow()')
    alice.wait_for_function('n => window.HandoffDashboard.socket.opened > n', arg=before)
    alice.evaluate('() => window.HandoffDashboard.socket.reconnectNow()')
    alice.wait_for_function('n => window.HandoffDashboard.socket.opened > n + 1', arg=before)
    assert len(urls) >= 2, urls
    tickets = [re.search(r'[?&]ticket=([^&]+)', u).group(1) for u in urls]
    assert len(set(tickets)) == len(tickets), urls              # a fresh one for every connect
    assert not any('token=' in u or stack['operators']['Alice'] in u for u in urls), urls
    expect(alice.locator('#conn')).to_have_attribute('data-state', 'open')
