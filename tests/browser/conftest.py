"""Browser tests: Debian's Chromium driven by Playwright against the local stack.

One stack and one browser per module (``stack`` and ``browser`` fixtures). Each test opens its own
browser contexts: a visitor on /demo, operators on the dashboard. Screenshots go to
test-artifacts/ (gitignored); with UPDATE_DOC_SCREENSHOTS=1 the ones the README shows are also
copied to docs/screenshots/.
"""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.local_stack import local_stack  # noqa: E402

CHROMIUM = os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']
ARTIFACTS = os.path.join(ROOT, 'test-artifacts')
DOC_SHOTS = os.path.join(ROOT, 'docs', 'screenshots')
TIMEOUT_MS = 10000


# Module scope, not session: while Playwright's sync API runs, its event loop counts as running in
# this thread, and tests collected after these (asyncio.run in tests/e2e) would fail.
@pytest.fixture(scope='module')
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail('Chromium is not installed at %s: the browser tests need it. Install it with '
                    '`make system-deps` (apt-get install chromium), or point CHROMIUM_PATH at a '
                    'Chromium binary.' % CHROMIUM, pytrace=False)
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception as e:  # noqa: BLE001 - the message is what matters
        pw.stop()
        pytest.fail('Chromium at %s did not start: %s' % (CHROMIUM, e), pytrace=False)
    yield b
    b.close()
    pw.stop()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, 'rep_' + rep.when, rep)


def _tail(path, lines=120):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return ''.join(f.readlines()[-lines:])
    except OSError:
        return ''


@pytest.fixture(scope='module')
def stack():
    with local_stack() as info:
        yield info


class PageWatch:
    """Collects what must never happen on our pages: dialogs (alert() from an XSS payload),
    uncaught exceptions, console errors."""

    def __init__(self, page, name):
        self.name = name
        self.dialogs = []
        self.errors = []
        page.on('dialog', self._dialog)
        page.on('pageerror', lambda e: self.errors.append('%s: uncaught %s' % (name, e)))
        page.on('console', self._console)

    def _dialog(self, dialog):
        self.dialogs.append('%s: %s %r' % (self.name, dialog.type, dialog.message))
        dialog.dismiss()

    def _console(self, msg):
        if msg.type == 'error':
            text = msg.text
            # A socket torn down on purpose (reload, forced reconnect) is not a page error, nor is
            # the 409 an operator gets when a colleague acknowledged first (the UI shows it).
            if 'WebSocket' in text or 'status of 409' in text:
                return
            self.errors.append('%s: console error %s' % (self.name, text))


@pytest.fixture
def pages(browser, stack, request):
    """Factory for pages: pages.visitor(), pages.operator('Alice'). All closed after the test,
    which fails if any of them showed a dialog or an uncaught error."""
    made = []

    class Factory:
        watches = []

        def _page(self, name, viewport, permissions=(), init_script=None):
            ctx = browser.new_context(viewport=viewport, base_url=stack['http_url'])
            if init_script:
                ctx.add_init_script(init_script)
            if permissions:
                ctx.grant_permissions(list(permissions), origin=stack['http_url'])
            ctx.set_default_timeout(TIMEOUT_MS)
            made.append(ctx)
            page = ctx.new_page()
            self.watches.append(PageWatch(page, name))
            return page

        def visitor(self, open_chat=True, name='visitor', init_script=None, query=''):
            page = self._page(name, {'width': 1100, 'height': 780}, init_script=init_script)
            page.goto('/demo' + query)
            if open_chat:
                page.get_by_role('button', name='Open chat').click()
                page.get_by_role('textbox', name='Message').wait_for()
            return page

        def operator(self, who='Alice', viewport=None, init_script=None):
            page = self._page(who, viewport or {'width': 1360, 'height': 820}, permissions=['notifications'],
                              init_script=init_script)
            page.goto('/')
            page.get_by_label('Operator token').fill(stack['operators'][who])
            page.get_by_role('button', name='Sign in').click()
            page.locator('#conn[data-state="open"]').wait_for()
            return page

    factory = Factory()
    yield factory
    call = getattr(request.node, 'rep_call', None)
    if call is not None and call.failed:
        sys.stderr.write('--- local stack log (last lines) ---\n%s\n' % _tail(stack['log_path']))
    problems = [p for w in factory.watches for p in w.dialogs + w.errors]
    for ctx in made:
        ctx.close()
    assert not problems, problems
