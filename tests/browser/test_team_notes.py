"""Team inbox in Chromium (issue 11 items 4-6): a colleague's internal note shows on both operators'
dashboards and never in the widget (DOM, socket frames, replay after a reload, no gap left open); the "/"
picker inserts a saved reply expanded; "Seen" appears when the visitor has the reply on screen; the tab
title counts unread messages of the operator's own conversation."""
import re

from playwright.sync_api import expect

from .helpers import banner, screenshot, conversation_id, dash_message, open_conversation, rest, widget_message, widget_send

# Every frame the visitor's page receives, kept across the test (set before the widget's modules load).
RECORD_FRAMES = """
window.__frames = [];
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => window.__frames.push(String(e.data)));
  }
};
"""
NOTE = 'NOTE-7731 refund approved, do not tell yet'


def widget_is_caught_up(visitor):
    """The widget's watermark is its highest seq: the note's number is not taken for a lost message."""
    visitor.wait_for_function('''() => {
        const t = window.HandoffWidget.state.transcript;
        const seqs = t.list().map((m) => m.seq);
        return seqs.length && t.watermark === Math.max(...seqs);
    }''')


def test_notes_saved_replies_seen_and_unread(pages, stack):
    agent = stack['agent_id']
    status, _ = rest(stack, 'POST', '/agents/%s/saved-replies' % agent,
                     {'title': 'Thanks', 'shortcut': 'thanks', 'text': 'Thanks {visitor.name}, {operator.name} here.'})
    assert status == 201
    alice = pages.operator('Alice')
    bob = pages.operator('Bob')
    visitor = pages.visitor(query='?name=Ada%20Lovelace', init_script=RECORD_FRAMES)
    widget_send(visitor, 'I need help with my order')
    visitor.get_by_role('button', name='Talk to a person').click()
    expect(banner(visitor)).to_contain_text('Waiting for a team member')
    conv = conversation_id(visitor)

    open_conversation(alice, conv)
    alice.get_by_role('button', name='Acknowledge', exact=True).click()
    expect(banner(visitor)).to_contain_text('Alice joined')
    open_conversation(bob, conv)

    # Bob is not the owner: the reply box is closed to him, but he can write an internal note.
    expect(bob.get_by_role('textbox', name='Reply to visitor')).to_be_disabled()
    bob.get_by_role('button', name='Internal note').click()
    note_box = bob.get_by_role('textbox', name='Internal note (not sent to the visitor)')
    expect(note_box).to_be_enabled()
    note_box.fill(NOTE)
    note_box.press('Enter')
    expect(dash_message(bob, NOTE, 'note')).to_have_count(1)
    expect(dash_message(alice, NOTE, 'note')).to_have_count(1)
    expect(alice.locator('#messages li.msg-note .msg-author')).to_contain_text('Internal note · Bob')

    # Alice answers with a saved reply: "/" opens the picker, Enter inserts it expanded, Enter sends.
    box = alice.get_by_role('textbox', name='Reply to visitor')
    box.press_sequentially('/tha')
    expect(alice.locator('#saved-picker [role=option]')).to_have_count(1)
    expect(alice.locator('#saved-picker [aria-selected=true]')).to_contain_text('/thanks')
    screenshot(alice, 'saved-reply-picker')
    box.press('Enter')
    expect(alice.locator('#saved-picker')).to_be_hidden()
    expect(box).to_have_value('Thanks Ada Lovelace, Alice here.')
    box.press('Escape')
    box.press('Enter')
    expect(widget_message(visitor, 'Thanks Ada Lovelace, Alice here.', 'human')).to_have_count(1)

    # The visitor has it on screen: "Seen" under Alice's message.
    seen = dash_message(alice, 'Thanks Ada Lovelace', 'human').locator('.msg-seen')
    expect(seen).to_have_text('Seen')
    screenshot(alice, 'team-notes')

    # The note is nowhere on the visitor's side, and the widget does not wait for its number.
    widget_is_caught_up(visitor)
    expect(visitor.locator('#handoff-widget')).not_to_contain_text('NOTE-7731')
    assert not [f for f in visitor.evaluate('() => window.__frames') if 'NOTE-7731' in f]
    visitor.reload()                     # a new socket, a replay from the saved watermark (the panel stays open)
    expect(widget_message(visitor, 'Thanks Ada Lovelace', 'human')).to_have_count(1)
    visitor.evaluate("() => window.HandoffWidget.socket.send({action: 'resume', after: 0})")   # the whole replay
    visitor.wait_for_function("() => window.__frames.some((f) => f.includes('\"complete\": true') || "
                              "f.includes('\"complete\":true'))")
    widget_is_caught_up(visitor)
    expect(visitor.locator('#handoff-widget')).not_to_contain_text('NOTE-7731')
    assert not [f for f in visitor.evaluate('() => window.__frames') if 'NOTE-7731' in f]

    # The rule itself: hidden numbers are skipped, a real gap is not.
    assert visitor.evaluate('''async () => {
        const { Transcript } = await import('/static/lib/transcript.js');
        const t = new Transcript(null, { chained: true });
        t.add({ seq: 1 }); t.add({ seq: 3, prev_seq: 1 });
        const hidden = t.watermark;
        t.add({ seq: 6, prev_seq: 5 });
        const gap = t.watermark;
        t.add({ seq: 4 }); t.add({ seq: 5 });
        return [hidden, gap, t.watermark];
    }''') == [3, 3, 6]

    # Alice looks at Settings (the saved reply is listed there); the visitor writes: the title counts it.
    alice.get_by_role('tab', name='Settings').click()
    expect(alice.locator('#sr-list')).to_contain_text('/thanks')
    widget_send(visitor, 'Are you still there?')
    expect(alice).to_have_title(re.compile(r'^\(1\) Inbox'))
    alice.get_by_role('tab', name=re.compile('Inbox')).click()
    expect(dash_message(alice, 'Are you still there?', 'visitor')).to_have_count(1)
    expect(alice).to_have_title('Inbox · Handoff')
