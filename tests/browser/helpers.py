"""Shared steps of the browser tests: the widget (in its shadow root; Playwright's CSS and role
locators pierce open shadow roots) and the dashboard."""
import json
import os
import shutil
import urllib.request

from playwright.sync_api import expect

from .conftest import ARTIFACTS, DOC_SHOTS

W = '#handoff-widget '


def screenshot(page, name, doc=False):
    """Save test-artifacts/NAME.png; copy it to docs/screenshots/ when UPDATE_DOC_SCREENSHOTS=1."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, name + '.png')
    page.screenshot(path=path)
    if doc and os.environ.get('UPDATE_DOC_SCREENSHOTS') == '1':
        os.makedirs(DOC_SHOTS, exist_ok=True)
        shutil.copyfile(path, os.path.join(DOC_SHOTS, name + '.png'))
    return path


# ---- visitor widget ---------------------------------------------------------------------------

def widget_log(page):
    return page.locator(W + '.hw-log li')


def widget_send(page, text):
    box = page.get_by_role('textbox', name='Message')
    box.fill(text)
    box.press('Enter')


def widget_message(page, text, role=None):
    sel = W + '.hw-log li' + ('.hw-' + role if role else '')
    return page.locator(sel).filter(has=page.locator('.hw-text', has_text=text))


def expect_once(locator):
    expect(locator).to_have_count(1)


def conversation_id(page):
    page.wait_for_function('() => window.HandoffWidget && window.HandoffWidget.state && '
                           'window.HandoffWidget.state.conversationId')
    return page.evaluate('() => window.HandoffWidget.state.conversationId')


def banner(page):
    return page.locator(W + '.hw-banner')


def widget_seqs(page):
    """Every data-seq shown in the widget's log, in page order."""
    return page.eval_on_selector_all(W + '.hw-log li[data-seq]', 'els => els.map(e => Number(e.dataset.seq))')


# ---- operator dashboard -----------------------------------------------------------------------

def inbox_row(page, conv_id):
    return page.locator('.conv-item[data-conv="%s"]' % conv_id)


def open_conversation(page, conv_id):
    inbox_row(page, conv_id).click()
    expect(page.locator('#conv')).to_be_visible()


def dash_message(page, text, role=None):
    sel = '#messages li' + ('.msg-' + role if role else '')
    return page.locator(sel).filter(has=page.locator('.msg-text', has_text=text))


def dash_seqs(page):
    return page.eval_on_selector_all('#messages li[data-seq]', 'els => els.map(e => Number(e.dataset.seq))')


# ---- REST, as an operator --------------------------------------------------------------------

def rest(stack, method, path, body=None, who='Alice'):
    """(status, JSON body) of an operator's REST call to the local stack."""
    req = urllib.request.Request(stack['http_url'] + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={'Authorization': 'Bearer ' + stack['operators'][who],
                                          'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=10) as r:
        raw = r.read()
        return r.status, (json.loads(raw) if raw else None)


def set_allow_handoff(stack, on):
    """Switch the demo agent's Allow Human Handoff setting (as the Settings tab does)."""
    path = '/agents/%s/settings' % stack['agent_id']
    _, current = rest(stack, 'GET', path)
    status, _ = rest(stack, 'PUT', path, {'settings': {'allow_human_handoff': on}, 'version': current['version']})
    assert status == 200
