"""Socket resilience with API Gateway's limits shrunk to seconds: the local gateway closes idle
sockets after 3 s and any socket after 6 s; the pages' timers are shrunk to match."""
import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.support.local_stack import local_stack

from .helpers import (banner, conversation_id, dash_message, dash_seqs, expect_once, open_conversation,
                      set_allow_handoff, widget_message, widget_send, widget_seqs)

IDLE_S, MAX_AGE_S = 3, 6


@pytest.fixture(scope='module')
def stack():
    with local_stack(args=['--idle-timeout', str(IDLE_S), '--max-connection-age', str(MAX_AGE_S)]) as info:
        yield info


def timings(**t):
    return 'window.HandoffSocketTimings = %s;' % json.dumps(t)


class SocketLog:
    """Every WebSocket a page opens, and the actions it sends."""

    def __init__(self, page):
        self.sockets = []
        self.sent = []
        self.received = []
        page.on('websocket', self._on)

    def _on(self, ws):
        self.sockets.append(ws)
        ws.on('framesent', lambda f: self.sent.append(_action(f)))
        ws.on('framereceived', lambda f: self.received.append(_type(f)))


def _action(frame):
    try:
        return json.loads(frame).get('action')
    except (ValueError, AttributeError):
        return None


def _type(frame):
    try:
        return json.loads(frame).get('type')
    except (ValueError, AttributeError):
        return None


def acknowledged_pair(pages, init_script):
    alice = pages.operator('Alice', init_script=init_script)
    visitor = pages.visitor(init_script=init_script)
    widget_send(visitor, 'Hi there')
    expect(visitor.locator('#handoff-widget .hw-pending')).to_have_count(0)
    conv = conversation_id(visitor)
    visitor.get_by_role('button', name='Talk to a person').click()
    expect(banner(visitor)).to_contain_text('Waiting for a team member')
    open_conversation(alice, conv)
    alice.get_by_role('button', name='Acknowledge', exact=True).click()
    expect(alice.get_by_role('textbox', name='Reply to visitor')).to_be_enabled()
    expect(banner(visitor)).to_contain_text('Alice joined')
    return alice, visitor


def test_pings_and_proactive_reconnect_before_the_connection_limit(pages):
    # Ping every second (idle timeout 3 s); switch to a fresh socket after 2.5 s (limit 6 s).
    script = timings(pingIntervalMs=1000, maxConnectionAgeMs=2500)
    alice, visitor = acknowledged_pair(pages, script)
    alice_log, visitor_log = SocketLog(alice), SocketLog(visitor)
    box = alice.get_by_role('textbox', name='Reply to visitor')
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < 7.5:       # longer than the gateway's 6 s maximum
        box.fill('tick %d' % i)
        box.press('Enter')
        widget_send(visitor, 'tock %d' % i)
        alice.wait_for_timeout(900)
        i += 1
    # A quiet stretch longer than the idle timeout: only pings keep the sockets open.
    alice.wait_for_timeout((IDLE_S + 1) * 1000)
    for n in range(i):
        expect_once(widget_message(visitor, 'tick %d' % n, 'human'))
        expect_once(widget_message(visitor, 'tock %d' % n, 'visitor'))
        expect_once(dash_message(alice, 'tick %d' % n, 'human'))
        expect_once(dash_message(alice, 'tock %d' % n, 'visitor'))
    for page, log in ((alice, alice_log), (visitor, visitor_log)):
        assert len(log.sockets) >= 2, 'no proactive reconnect happened'
        assert 'ping' in log.sent and 'pong' in log.received
    expect(alice.locator('#conn')).to_have_attribute('data-state', 'open')
    expect(visitor.locator('#handoff-widget .hw-conn')).to_have_attribute('data-state', 'open')
    assert visitor.locator('#handoff-widget .hw-pending').count() == 0
    for seqs in (widget_seqs(visitor), dash_seqs(alice)):
        assert seqs == sorted(set(seqs)), seqs
    alice.get_by_role('button', name='Resolve', exact=True).click()
    expect(banner(visitor)).to_contain_text('assistant is back')


def test_reconnect_after_the_gateway_drops_idle_sockets(pages):
    # No pings: the gateway closes both sockets after 3 s; the pages reconnect by themselves.
    script = timings(pingIntervalMs=600000, backoffBaseMs=200)
    alice, visitor = acknowledged_pair(pages, script)
    alice_log, visitor_log = SocketLog(alice), SocketLog(visitor)
    # Sockets opened from now on (one may already have been dropped and reopened while the pair was set up).
    seen = {'alice': alice.evaluate('() => window.HandoffDashboard.socket.opened'),
            'visitor': visitor.evaluate('() => window.HandoffWidget.socket.opened')}
    alice.wait_for_function('n => window.HandoffDashboard.socket.opened >= Math.max(2, n + 1)', arg=seen['alice'],
                            timeout=(IDLE_S + 5) * 1000)
    visitor.wait_for_function('n => window.HandoffWidget.socket.opened >= Math.max(2, n + 1)', arg=seen['visitor'],
                              timeout=(IDLE_S + 5) * 1000)
    assert alice_log.sockets and visitor_log.sockets
    expect(alice.locator('#conn')).to_have_attribute('data-state', 'open')
    box = alice.get_by_role('textbox', name='Reply to visitor')
    box.fill('still here after the drop')
    box.press('Enter')
    expect_once(widget_message(visitor, 'still here after the drop', 'human'))
    widget_send(visitor, 'me too')
    expect_once(dash_message(alice, 'me too', 'visitor'))


def test_operator_catches_up_after_being_offline(pages):
    script = timings(backoffBaseMs=200)
    alice, visitor = acknowledged_pair(pages, script)
    alice.evaluate('() => window.HandoffDashboard.socket.stop()')
    expect(alice.locator('#conn')).to_have_attribute('data-state', 'closed')
    widget_send(visitor, 'Are you still there?')
    widget_send(visitor, 'Hello?')
    expect(visitor.locator('#handoff-widget .hw-pending')).to_have_count(0)
    alice.wait_for_timeout(300)
    expect(dash_message(alice, 'Hello?', 'visitor')).to_have_count(0)
    alice.evaluate('() => window.HandoffDashboard.socket.start()')   # reconnect: open after the last seq
    expect_once(dash_message(alice, 'Are you still there?', 'visitor'))
    expect_once(dash_message(alice, 'Hello?', 'visitor'))
    seqs = dash_seqs(alice)
    assert seqs == sorted(set(seqs)) and seqs == list(range(seqs[0], seqs[-1] + 1)), seqs
    alice.get_by_role('button', name='Cancel handoff', exact=True).click()
    expect(banner(visitor)).to_contain_text('assistant is back')


def test_unacknowledged_message_is_resent_with_the_same_id_and_declines_are_shown(pages, stack):
    """Frames between the widget and the gateway go through a test proxy that can lose them."""
    page = pages._page('visitor', {'width': 1100, 'height': 780},
                       init_script=timings(pingIntervalMs=1000, backoffBaseMs=200))
    proxy = {'drop_next_send': True, 'sent': [], 'routes': []}

    def route(ws):
        server = ws.connect_to_server()
        proxy['routes'].append(ws)

        def from_page(message):
            data = json.loads(message)
            if data.get('action') == 'send':
                proxy['sent'].append(data['client_message_id'])
                if proxy['drop_next_send']:
                    proxy['drop_next_send'] = False
                    return                      # lost on the way: no ack will come
            server.send(message)

        ws.on_message(from_page)
        server.on_message(lambda message: ws.send(message))

    page.route_web_socket(re.compile(r'/ws(\?|$)'), route)
    page.goto('/demo')
    page.get_by_role('button', name='Open chat').click()
    page.locator('#handoff-widget .hw-conn[data-state="open"]').wait_for()

    widget_send(page, 'Can I change or cancel my order?')
    expect(page.locator('#handoff-widget .hw-pending')).to_have_count(1)
    expect(page.locator('#handoff-widget .hw-pending .hw-state')).to_contain_text('Sending')
    proxy['routes'][-1].close()                  # the socket drops before any ack
    expect(page.locator('#handoff-widget .hw-pending')).to_have_count(0)
    expect_once(widget_message(page, 'Can I change or cancel my order?', 'visitor'))
    expect(widget_message(page, 'within one hour', 'bot')).to_have_count(1)
    assert len(proxy['sent']) == 2 and proxy['sent'][0] == proxy['sent'][1], proxy['sent']

    # A declined request is shown as such. The server declines (a stored bot message with
    # meta.event "handoff.declined") when the agent's handoff switch is off.
    set_allow_handoff(stack, False)
    try:
        page.get_by_role('button', name='Talk to a person').click()
        expect(banner(page)).to_contain_text('no team member is available')
    finally:
        set_allow_handoff(stack, True)
