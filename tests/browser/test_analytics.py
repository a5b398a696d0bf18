"""The Analytics tab draws the seeded history with the right numbers (checked against the domain's own
report of the same history), and a visitor's CSAT answer reaches the conversation view and the counters."""
import time
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from chalicelib.domain import analytics
from infra.local import demo_history

from .helpers import W, conversation_id, open_conversation, rest, screenshot


def expected_report(stack):
    """The 7-day report of the history the stack seeded, computed here from the same deterministic history."""
    ops = []
    for who in ('Alice', 'Bob'):
        me = rest(stack, 'GET', '/operator/me', who=who)[1]['operator']
        ops.append((me['id'], me['name']))
    now = analytics.parse_time(stack['history_seeded_at'])
    turns, events = demo_history.history(ops, now)
    items = turns + [i for e in events for i in analytics.event_increments(e, timezone.utc)]
    today = datetime.now(timezone.utc).date()
    return analytics.report(items, (today - timedelta(days=6)).isoformat(), today.isoformat(), 'UTC')


def metric(page, name):
    return page.locator('[data-metric="%s"] dd' % name)


def table_rows(page, figure):
    return page.eval_on_selector_all('[data-figure="%s"] tbody tr' % figure,
                                     'rows => rows.map(r => Array.from(r.cells, c => c.textContent))')


def test_analytics_tab_and_csat(pages, stack):
    want = expected_report(stack)
    assert want['totals']['conversations'] > 20 and want['totals']['handoffs'] > 5      # the demo shows something
    alice = pages.operator('Alice')
    alice.get_by_role('tab', name='Analytics').click()
    expect(metric(alice, 'conversations')).to_have_text(str(want['totals']['conversations']))
    t = want['totals']
    expect(metric(alice, 'handoff_rate')).to_have_text('%s %%' % (round(t['handoff_rate'] * 1000) / 10))
    expect(metric(alice, 'csat')).to_have_text('%s / 5' % want['csat']['average'])
    by_day = table_rows(alice, 'by-day')
    assert by_day == [[d['date'], str(d['conversations']), str(d['handoffs'])] for d in want['by_day']]
    assert table_rows(alice, 'csat') == [[s, str(n)] for s, n in want['csat']['distribution'].items()]
    assert {r[0]: r[1] for r in table_rows(alice, 'operators')} == \
        {o['name']: str(o['handled']) for o in want['operators']}
    assert alice.locator('[data-figure="by-day"] svg rect').count() == 14          # 7 days × 2 series
    assert table_rows(alice, 'by-hour')[9] == ['09', str(want['by_hour'][9]['conversations']),
                                               str(want['by_hour'][9]['handoffs'])]
    assert alice.locator('[data-figure="by-reason"] svg[role="img"] title').first.text_content() == \
        'Handoffs by reason'
    alice.set_viewport_size({'width': 1360, 'height': 1420})
    screenshot(alice, 'analytics', doc=True)

    # CSAT: the widget asks once the handoff is resolved; the answer shows in the dashboard and is counted.
    visitor = pages.visitor()
    visitor.get_by_role('button', name='Talk to a person').click()
    cid = conversation_id(visitor)
    expect(visitor.locator(W + '.hw-banner')).to_be_visible()
    assert rest(stack, 'POST', '/conversations/%s/acknowledge' % cid)[0] == 200
    assert rest(stack, 'POST', '/conversations/%s/resolve' % cid)[0] == 200
    prompt = visitor.locator(W + '.hw-csat')
    expect(prompt).to_contain_text('How did we do?')
    expect(visitor.get_by_role('textbox', name='Message')).to_be_enabled()          # never blocks chatting
    prompt.get_by_role('button', name='5 out of 5').click()
    prompt.get_by_role('textbox', name='Comment (optional)').fill('Fast and friendly')
    prompt.get_by_role('button', name='Send').click()
    expect(prompt).to_contain_text('Thank you for your feedback!')
    alice.set_viewport_size({'width': 1360, 'height': 820})
    alice.get_by_role('tab', name='Inbox').click()
    alice.locator('#status-filter').select_option('resolved')
    open_conversation(alice, cid)
    badge = alice.locator('#messages .msg-csat')
    expect(badge).to_contain_text('Visitor rated 5/5')
    expect(badge).to_contain_text('Fast and friendly')
    deadline = time.monotonic() + 10             # the queue poller counts it asynchronously
    while True:
        live = rest(stack, 'GET', '/agents/%s/analytics?range=7d' % stack['agent_id'])[1]
        if live['csat']['count'] == want['csat']['count'] + 1 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert live['csat']['count'] == want['csat']['count'] + 1
    assert live['csat']['distribution']['5'] == want['csat']['distribution']['5'] + 1
