"""The shared front-end modules, run in Chromium as the pages load them (native ES modules from
/static/lib/ and /static/dashboard/), without a page around them."""
import json

import pytest


@pytest.fixture
def page(browser, stack):
    ctx = browser.new_context(base_url=stack['http_url'])
    page = ctx.new_page()
    errors = []
    page.on('pageerror', lambda e: errors.append(str(e)))
    page.goto('/demo')
    yield page
    ctx.close()
    assert not errors, errors


def run(page, module, body):
    """Evaluate `body` (an async function body) with the module bound to `m`."""
    return page.evaluate('async () => { const m = await import(%s); %s }' % (json.dumps(module), body))


def test_transcript_shows_each_seq_once_and_resumes_after_the_watermark(page):
    out = run(page, '/static/lib/transcript.js', '''
        const t = new m.Transcript();
        const msg = (seq) => ({seq, role: 'bot', text: 'm' + seq});
        const r = {};
        r.first = [t.add(msg(1)), t.add(msg(1)), t.add(msg(2))];
        r.w1 = t.watermark;
        r.gap = t.add(msg(4));                      // 3 not seen yet: the watermark waits
        r.w2 = t.watermark;
        r.partial = t.replay([msg(3), msg(5)], false).map((x) => x.seq);
        r.w3 = t.watermark;
        r.complete = t.replay([msg(7)], true).map((x) => x.seq);   // 6 was never ours to see
        r.w4 = t.watermark;
        r.again = t.replay([msg(5), msg(7)], true).length;
        r.order = t.list().map((x) => x.seq);
        r.invalid = [t.add(null), t.add({seq: '8'}), t.add({text: 'x'})];
        const saved = JSON.parse(JSON.stringify(t.snapshot(2)));
        const back = new m.Transcript(saved);
        r.restored = [back.watermark, back.list().map((x) => x.seq), back.seen(1), back.add(msg(3)), back.add(msg(8))];
        back.trim(1);
        r.trimmed = [back.size, back.seen(7), back.add(msg(7))];
        return r;
    ''')
    assert out['first'] == [True, False, True] and out['w1'] == 2
    assert out['gap'] is True and out['w2'] == 2
    assert out['partial'] == [3, 5] and out['w3'] == 5
    assert out['complete'] == [7] and out['w4'] == 7
    assert out['again'] == 0
    assert out['order'] == [1, 2, 3, 4, 5, 7]
    assert out['invalid'] == [False, False, False]
    assert out['restored'] == [7, [5, 7], True, False, True]
    assert out['trimmed'] == [1, True, False]


def test_reasons_and_bot_answers_read_as_sentences(page):
    out = run(page, '/static/dashboard/format.js', '''
        const names = {e1: 'How long does shipping take?', e2: 'Do you ship abroad?'};
        const q = (id) => (id in names ? names[id] : (id === 'loading' ? null : undefined));
        return {
            billing: m.reasonText({code: 'billing', detail: 'matched "charged twice"'}),
            asked: m.reasonText({code: 'visitor_request', detail: 'pressed "talk to a person"'}),
            emotional: m.reasonText({code: 'emotional', detail: ''}),
            unknown: m.reasonText({code: 'angry_parrot', detail: 'matched "squawk"'}),
            none: m.reasonText(null),
            answer: m.botExplanation({confidence: 0.8234, entry_id: 'e1'}, q),
            several: m.botExplanation({confidence: 0.5, entry_ids: ['e1', 'e2']}, q),
            loading: m.botExplanation({confidence: 0.5, entry_id: 'loading'}, q),
            deleted: m.botExplanation({confidence: 0.5, entry_id: 'gone'}, q),
            miss: m.botExplanation({confidence: 0.12, entry_id: null}, q),
            welcome: m.botExplanation({event: 'welcome'}, q),
            declined: m.botExplanation({event: 'handoff.declined', reason: {code: 'visitor_request', detail: ''}}, q),
            plain: m.botExplanation(null, q),
            alternate: m.botExplanation({confidence: 0.7, entry_id: 'e1', matched: '¿Cuánto tarda el envío?',
                                         lang: 'en', visitor_lang: 'es', reason: 'cross_language'}, q),
            unsupported: m.botExplanation({confidence: 0, reason: 'unsupported_language', visitor_lang: 'fi'}, q),
            trigger: [m.triggerLabel('complaint'), m.triggerLabel('emotional'), m.triggerLabel('new_rule_x')],
        };
    ''')
    assert out['billing'] == 'Billing dispute \u2014 matched \u201ccharged twice\u201d'
    assert out['asked'] == 'Asked for a person \u2014 pressed \u201ctalk to a person\u201d'
    assert out['emotional'] == 'Visitor in distress'
    assert out['unknown'] == 'Angry parrot \u2014 matched \u201csquawk\u201d'
    assert out['none'] == ''
    assert out['answer'] == '82 % confident \u00b7 entry: How long does shipping take?'
    assert out['several'] == '50 % confident \u00b7 entries: How long does shipping take?; Do you ship abroad?'
    assert out['loading'] == '50 % confident \u00b7 entry: \u2026'
    assert out['deleted'] == '50 % confident \u00b7 entry: an entry since deleted'
    assert out['miss'] == 'no confident answer (best match 12 %)'
    assert out['welcome'] == 'welcome message'
    assert out['declined'] == 'handoff is switched off: request declined (Asked for a person)'
    assert out['plain'] == ''
    assert out['alternate'] == ('70 % confident \u00b7 entry: How long does shipping take? (matched \u201c¿Cuánto tarda '
                                'el envío?\u201d) \u00b7 visitor wrote in Spanish, answered in English')
    assert out['unsupported'] == 'nothing in the knowledge base in Finnish: offered a person'
    assert out['trigger'] == ['The visitor complains', 'The visitor is distressed or anxious', 'New rule x']


def test_dom_helpers_never_parse_html(page):
    out = run(page, '/static/lib/dom.js', '''
        const payload = '<img src=x onerror="window.__xss = 1"><b>bold</b>';
        const li = m.el('li', {className: 'x', text: payload, 'data-x': payload, hidden: false, skip: null}, [payload, null]);
        const list = m.el('ol');
        for (const seq of [3, 1, 2]) { const n = m.el('li', {'data-seq': String(seq)}); m.insertBySeq(list, n, seq); }
        const pending = m.el('li');
        list.appendChild(pending);
        m.insertBySeq(list, m.el('li', {'data-seq': '4'}), 4);
        return {
            children: li.children.length, text: li.textContent, attr: li.getAttribute('data-x'),
            hidden: li.hasAttribute('hidden'), skip: li.hasAttribute('skip'),
            order: Array.from(list.children).map((c) => c.getAttribute('data-seq')),
            uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(m.uuid()),
        };
    ''')
    assert out['children'] == 0 and out['text'].count('<img') == 2 and out['attr'].startswith('<img')
    assert out['hidden'] is False and out['skip'] is False
    assert out['order'] == ['1', '2', '3', '4', None]    # pending (no seq) stays last
    assert out['uuid'] is True
