"""The pages' Content-Security-Policy in a real browser: nothing the pages load is blocked, and what an
injection would add (an inline script, a foreign script) is."""
import pytest

VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.mark.parametrize('path', ['/', '/demo'])
def test_the_page_loads_without_a_single_violation_and_refuses_injected_scripts(browser, stack, path):
    ctx = browser.new_context(base_url=stack['http_url'])
    ctx.add_init_script(VIOLATIONS)
    page = ctx.new_page()
    errors = []
    page.on('console', lambda m: errors.append(m.text) if m.type == 'error' and 'Content Security' in m.text
            else None)
    try:
        response = page.goto(path)
        assert 'content-security-policy' in response.headers
        if path == '/demo':
            page.get_by_role('button', name='Open chat').click()
            page.get_by_role('textbox', name='Message').wait_for()
        else:
            page.get_by_label('Operator token').wait_for()
        page.wait_for_timeout(300)
        assert page.evaluate('window.__csp') == [] and errors == []
        # what an XSS would try: an inline script and a script from elsewhere
        page.evaluate("""() => {
            const s = document.createElement('script'); s.textContent = 'window.__pwned = 1';
            document.body.appendChild(s);
            const f = document.createElement('script'); f.src = 'https://evil.example/x.js';
            document.body.appendChild(f);
        }""")
        page.wait_for_timeout(300)
        assert page.evaluate('window.__pwned') is None
        blocked = page.evaluate('window.__csp')
        assert any(v.startswith('script-src') for v in blocked), blocked
    finally:
        ctx.close()
