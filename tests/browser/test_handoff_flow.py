"""The whole handoff, as a visitor and operators see it, in a real browser."""
import re
from urllib.parse import quote

from playwright.sync_api import expect

from .helpers import (banner, conversation_id, dash_message, dash_seqs, expect_once, inbox_row,
                      open_conversation, screenshot, widget_log, widget_message, widget_send, widget_seqs)


def request_handoff(visitor):
    visitor.get_by_role('button', name='Talk to a person').click()
    expect(banner(visitor)).to_contain_text('Waiting for a team member')


def test_visitor_bot_operator_and_back_to_bot(pages):
    alice = pages.operator('Alice')
    # Another visitor, happy with the bot (the inbox lists it below the pending one).
    other = pages.visitor(name='other', query='?name=Grace%20Hopper&email=grace@example.com')
    widget_send(other, 'Do you have a loyalty program?')
    expect(widget_message(other, 'Trail Club', 'bot')).to_have_count(1)
    visitor = pages.visitor(query='?name=Ada%20Lovelace&email=ada@example.com')

    # The visitor chats with the bot: a knowledge-base answer.
    widget_send(visitor, 'How long does shipping take?')
    expect_once(widget_message(visitor, 'How long does shipping take?', 'visitor'))
    expect(widget_message(visitor, 'business days', 'bot')).to_have_count(1)
    expect(visitor.locator('#handoff-widget .hw-pending')).to_have_count(0)   # acked
    conv = conversation_id(visitor)

    # ... asks for a person; the operator's inbox shows it, highlighted and on top, without a reload.
    request_handoff(visitor)
    row = inbox_row(alice, conv)
    expect(row).to_have_class(re.compile(r'status-pending'))
    expect(alice.locator('#conv-list li').first.locator('.conv-item')).to_have_attribute('data-conv', conv)
    expect(row.locator('.row-wait')).to_contain_text('Waiting')
    expect(row.locator('.row-reason')).to_contain_text('Asked for a person')
    expect(row.locator('.row-name')).to_have_text('Ada Lovelace')
    expect(alice.locator('#conv-list .conv-item.status-bot').filter(has_text='Grace Hopper')).to_have_count(1)
    expect(alice.locator('#count-pending')).to_have_text(re.compile(r'[1-9]'))
    expect(alice).to_have_title(re.compile(r'^\(\d+\) '))
    alice.wait_for_function('() => window.HandoffDashboard.beeps >= 1')
    alice.wait_for_function('() => window.HandoffDashboard.notifications >= 1')
    screenshot(alice, 'inbox', doc=True)

    # The operator opens it: the full history, then acknowledges and replies.
    open_conversation(alice, conv)
    expect_once(dash_message(alice, 'How long does shipping take?', 'visitor'))
    expect(dash_message(alice, 'business days', 'bot')).to_have_count(1)
    expect(alice.get_by_role('textbox', name='Reply to visitor')).to_be_disabled()
    alice.get_by_role('button', name='Acknowledge', exact=True).click()
    reply_box = alice.get_by_role('textbox', name='Reply to visitor')
    expect(reply_box).to_be_enabled()
    expect(banner(visitor)).to_contain_text('Alice joined')

    # Typing indicators, both ways.
    visitor.get_by_role('textbox', name='Message').press_sequentially('Hel')
    expect(alice.locator('#typing')).to_contain_text('is typing')
    reply_box.press_sequentially('Hi')
    expect(visitor.locator('#handoff-widget .hw-typing')).to_contain_text('Alice is typing')
    reply_box.fill('')
    visitor.get_by_role('textbox', name='Message').fill('')

    reply_box.fill("Hi, I'm Alice from Acme.\nHow can I help?")
    reply_box.press('Enter')                       # Enter sends (Shift+Enter would add a line)
    human = widget_message(visitor, "Hi, I'm Alice from Acme.", 'human')
    expect_once(human)
    expect(human.locator('.hw-author')).to_have_text('Alice')
    expect(human.locator('.hw-text')).to_have_text("Hi, I'm Alice from Acme.\nHow can I help?")
    expect_once(dash_message(alice, "Hi, I'm Alice from Acme.", 'human'))

    widget_send(visitor, 'My order 1042 never arrived')
    expect_once(dash_message(alice, 'My order 1042 never arrived', 'visitor'))
    screenshot(alice, 'conversation', doc=True)
    screenshot(visitor, 'widget', doc=True)

    # Resolve: the visitor is told the assistant is back, and the bot answers the next message.
    alice.get_by_role('button', name='Resolve', exact=True).click()
    expect(banner(visitor)).to_contain_text('assistant is back')
    expect(visitor.get_by_role('button', name='Talk to a person')).to_be_visible()
    expect(alice.locator('#conv-status')).to_have_text('Resolved')
    expect(reply_box).to_be_disabled()
    widget_send(visitor, 'What is your return policy?')
    expect(widget_message(visitor, '30 days', 'bot')).to_have_count(1)

    # Nothing shown twice on either side.
    seqs = widget_seqs(visitor)
    assert seqs == sorted(set(seqs)), seqs
    seqs = dash_seqs(alice)
    assert seqs == sorted(set(seqs)), seqs


def test_inbox_events_arrive_over_the_socket(pages):
    """The SQS consumer pushes `inbox` events (protocol: type inbox, event handoff.requested)."""
    alice = pages.operator('Alice')
    visitor = pages.visitor()
    widget_send(visitor, 'hello')
    expect(visitor.locator('#handoff-widget .hw-pending')).to_have_count(0)
    before = alice.evaluate('() => window.HandoffDashboard.inboxEvents')
    request_handoff(visitor)
    alice.wait_for_function('n => window.HandoffDashboard.inboxEvents > n', arg=before, timeout=15000)
    visitor.get_by_role('button', name='Cancel request').click()
    expect(banner(visitor)).to_contain_text('assistant is back')


def test_two_operators_race_to_acknowledge(pages):
    alice = pages.operator('Alice', viewport={'width': 1100, 'height': 700})
    bob = pages.operator('Bob', viewport={'width': 1100, 'height': 700})
    visitor = pages.visitor()
    widget_send(visitor, 'What are your opening hours?')
    expect(visitor.locator('#handoff-widget .hw-pending')).to_have_count(0)
    conv = conversation_id(visitor)
    request_handoff(visitor)
    for op in (alice, bob):
        expect(inbox_row(op, conv)).to_have_class(re.compile(r'status-pending'))
        open_conversation(op, conv)
        expect(op.get_by_role('button', name='Acknowledge', exact=True)).to_be_enabled()

    answers = []
    for name, op in (('Alice', alice), ('Bob', bob)):
        op.on('response', lambda r, name=name: answers.append((name, r.request.method, r.url, r.status))
              if r.request.method == 'POST' else None)
    # Both click at (nearly) the same moment: the clicks are dispatched before either answer.
    alice.evaluate("() => document.getElementById('ack-btn').click()")
    bob.evaluate("() => document.getElementById('ack-btn').click()")

    def can_reply(op):
        return op.locator('#conv[data-status="acknowledged"][data-mine="true"]')

    def taken(op):
        return op.locator('#conv[data-status="acknowledged"][data-mine="false"]')

    for op in (alice, bob):
        op.wait_for_selector('#conv[data-status="acknowledged"]')
    winners = [op for op in (alice, bob) if can_reply(op).count() == 1]
    losers = [op for op in (alice, bob) if taken(op).count() == 1]
    assert len(winners) == 1 and len(losers) == 1, (len(winners), len(losers))
    winner, loser = winners[0], losers[0]
    winner_name = 'Alice' if winner is alice else 'Bob'
    expect(loser.locator('#conv-notice')).to_contain_text(winner_name + ' is handling this conversation')
    expect(loser.get_by_role('textbox', name='Reply to visitor')).to_be_disabled()
    expect(loser.get_by_role('button', name='Send reply')).to_be_disabled()
    expect(loser.get_by_role('button', name='Acknowledge', exact=True)).to_be_hidden()
    expect(winner.get_by_role('textbox', name='Reply to visitor')).to_be_enabled()
    expect(banner(visitor)).to_contain_text(winner_name + ' joined')
    expect(inbox_row(loser, conv).locator('.row-owner')).to_contain_text(winner_name)
    screenshot(loser, 'conversation-taken')

    # The winner's reply reaches the visitor and the other operator, once each.
    box = winner.get_by_role('textbox', name='Reply to visitor')
    box.fill('Refund is on its way')
    winner.get_by_role('button', name='Send reply').click()
    try:
        expect_once(dash_message(winner, 'Refund is on its way', 'human').and_(winner.locator('[data-seq]')))
    except AssertionError as e:
        raise AssertionError('reply not stored: %s\nPOSTs: %s\nwinner pane: %s\nloser pane: %s' % (
            e, answers, winner.locator('#conv').inner_text(), loser.locator('#conv').inner_text()))
    expect_once(widget_message(visitor, 'Refund is on its way', 'human'))
    expect_once(dash_message(loser, 'Refund is on its way', 'human'))
    winner.get_by_role('button', name='Cancel handoff', exact=True).click()
    expect(banner(visitor)).to_contain_text('assistant is back')


XSS_VISITOR = ['<script>window.__xss = "script"</script>',
               '<img src=x onerror="window.__xss = \'img\'; alert(1)">']
XSS_NAME = '<img src=x onerror="window.__xss = \'name\'">Mallory'
XSS_OPERATOR = '<img src=x onerror=alert(document.domain)><b>bold?</b>'


def test_xss_payloads_stay_inert(pages):
    alice = pages.operator('Alice')
    visitor = pages.visitor(query='?name=' + quote(XSS_NAME))
    # Ask for a person first (a payload alone may already trigger a handoff: the bot cannot answer).
    request_handoff(visitor)
    for payload in XSS_VISITOR:
        widget_send(visitor, payload)
    for payload in XSS_VISITOR:
        expect(widget_message(visitor, payload, 'visitor').locator('.hw-text')).to_have_text(payload)
    expect(visitor.locator('#handoff-widget .hw-pending')).to_have_count(0)
    conv = conversation_id(visitor)
    open_conversation(alice, conv)
    for payload in XSS_VISITOR:
        expect(dash_message(alice, payload, 'visitor').locator('.msg-text')).to_have_text(payload)
    expect(inbox_row(alice, conv).locator('.row-name')).to_have_text(XSS_NAME)
    expect(alice.locator('#conv-title')).to_have_text(XSS_NAME)
    alice.get_by_role('button', name='Acknowledge', exact=True).click()
    box = alice.get_by_role('textbox', name='Reply to visitor')
    expect(box).to_be_enabled()
    box.fill(XSS_OPERATOR)
    box.press('Enter')
    expect(widget_message(visitor, XSS_OPERATOR, 'human').locator('.hw-text')).to_have_text(XSS_OPERATOR)
    expect(dash_message(alice, XSS_OPERATOR, 'human').locator('.msg-text')).to_have_text(XSS_OPERATOR)

    # Nothing was parsed as markup: no injected element, no script ran, no dialog (checked by the
    # `pages` fixture after the test).
    for page in (visitor, alice):
        page.wait_for_timeout(300)   # an onerror handler would have fired by now
        assert page.evaluate('() => window.__xss === undefined')
        assert page.locator('#messages img, #messages script, #messages b').count() == 0
        assert page.locator('#handoff-widget .hw-log img, #handoff-widget .hw-log script, '
                            '#handoff-widget .hw-log b').count() == 0
        assert page.locator('#conv-list img, #conv-list b, #conv-title img').count() == 0
    alice.get_by_role('button', name='Resolve', exact=True).click()
    expect(banner(visitor)).to_contain_text('assistant is back')


def test_reload_mid_handoff_loses_nothing_and_repeats_nothing(pages):
    alice = pages.operator('Alice')
    visitor = pages.visitor()
    widget_send(visitor, 'Do you ship internationally?')
    expect(widget_message(visitor, '30 countries', 'bot')).to_have_count(1)
    conv = conversation_id(visitor)
    request_handoff(visitor)
    open_conversation(alice, conv)
    alice.get_by_role('button', name='Acknowledge', exact=True).click()
    box = alice.get_by_role('textbox', name='Reply to visitor')
    expect(box).to_be_enabled()
    box.fill('Alice here: which country?')
    box.press('Enter')
    expect_once(widget_message(visitor, 'Alice here: which country?', 'human'))
    before = widget_seqs(visitor)

    # Reload: same visitor, same conversation, the panel reopens with everything exactly once.
    visitor.reload()
    expect(visitor.get_by_role('textbox', name='Message')).to_be_visible()
    assert conversation_id(visitor) == conv
    expect_once(widget_message(visitor, 'Alice here: which country?', 'human'))
    expect(banner(visitor)).to_contain_text('Alice joined')
    visitor.locator('#handoff-widget .hw-conn[data-state="open"]').wait_for()

    # What arrives while the page is away is not lost either.
    visitor.evaluate('() => window.HandoffWidget.socket.stop()')
    box.fill('Sent while you were away')
    box.press('Enter')
    expect_once(dash_message(alice, 'Sent while you were away', 'human'))
    visitor.reload()
    expect_once(widget_message(visitor, 'Sent while you were away', 'human'))
    expect_once(widget_message(visitor, 'Alice here: which country?', 'human'))
    expect_once(widget_message(visitor, 'Do you ship internationally?', 'visitor'))

    # A message typed while the socket is down stays pending, then goes out once (same id).
    visitor.locator('#handoff-widget .hw-conn[data-state="open"]').wait_for()
    visitor.evaluate('() => window.HandoffWidget.socket.ws.close()')
    widget_send(visitor, 'Germany, please')
    expect_once(dash_message(alice, 'Germany, please', 'visitor'))
    expect(visitor.locator('#handoff-widget .hw-pending')).to_have_count(0)
    expect_once(widget_message(visitor, 'Germany, please', 'visitor'))

    after = widget_seqs(visitor)
    assert after == sorted(set(after)), after
    assert set(before) <= set(after)
    assert dash_seqs(alice) == sorted(set(dash_seqs(alice)))
    log_texts = widget_log(visitor).locator('.hw-text').all_text_contents()
    assert len(log_texts) == len(after), log_texts
    alice.get_by_role('button', name='Resolve', exact=True).click()
    expect(banner(visitor)).to_contain_text('assistant is back')


def test_widget_is_keyboard_usable_and_labelled(pages):
    visitor = pages.visitor(open_chat=False)
    launcher = visitor.get_by_role('button', name='Open chat')
    launcher.focus()
    visitor.keyboard.press('Enter')
    expect(visitor.get_by_role('dialog', name='Acme Outfitters')).to_be_visible()
    box = visitor.get_by_role('textbox', name='Message')
    expect(box).to_be_focused()
    visitor.keyboard.type('How do I find my size?')
    visitor.keyboard.press('Enter')
    expect(widget_message(visitor, 'size chart', 'bot')).to_have_count(1)

    # Shift+Enter adds a line; Enter sends.
    visitor.keyboard.type('line one')
    visitor.keyboard.press('Shift+Enter')
    visitor.keyboard.type('line two')
    expect(box).to_have_value('line one\nline two')
    visitor.keyboard.press('Enter')
    expect(widget_message(visitor, 'line one', 'visitor').locator('.hw-text')).to_have_text('line one\nline two')

    # Every control is named; new messages are announced.
    names = visitor.locator('#handoff-widget button, #handoff-widget textarea').evaluate_all(
        'els => els.map(e => e.getAttribute("aria-label") || e.textContent.trim())')
    assert all(names), names
    expect(visitor.locator('#handoff-widget [role=log]')).to_have_attribute('aria-live', 'polite')

    # Escape closes the panel and gives the focus back to the launcher.
    visitor.keyboard.press('Escape')
    expect(visitor.get_by_role('dialog')).to_be_hidden()
    expect(visitor.locator('#handoff-widget .hw-launcher')).to_be_focused()
