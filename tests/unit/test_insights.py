"""Pure rules of learning from handoffs: which messages make a suggestion, grouping by the responder's
similarity, the "asked N times in the last 14 days" window, the extractive summary, transcript text."""
from chalicelib.domain import suggestions as rules
from chalicelib.domain.summary import ExtractiveSummariser, Facts
from chalicelib.domain.transcript import render_text, visible

T = '2026-12-03T10:00:00.000Z'


def m(seq, role, text, meta=None, author=None):
    return {'seq': seq, 'role': role, 'text': text, 'meta': meta, 'author': author, 'author_id': 'op-secret',
            'created_at': T, 'client_message_id': None}


MISS = {'confidence': 0.1, 'entry_id': None, 'reason': 'no_match'}
HIT = {'confidence': 0.9, 'entry_id': 'kb_ship'}
REQUEST = {'event': 'handoff.requested', 'handoff_id': 'h1', 'reason': {'code': 'visitor_request'}}


def handoff(*extra):
    return [m(1, 'bot', 'Welcome!', {'event': 'welcome'}),
            m(2, 'visitor', 'Do you sell gift cards for birthdays?'), m(3, 'bot', "I'm not sure", MISS),
            m(4, 'visitor', 'How long does shipping take?'), m(5, 'bot', '3-5 days', HIT),
            m(6, 'visitor', 'talk to a human please'), m(7, 'system', 'Asked', REQUEST)] + list(extra)


def test_occurrence_takes_the_missed_questions_and_the_longest_reply():
    msgs = handoff(m(8, 'visitor', 'hello?'), m(9, 'visitor', 'Are gift cards sent by email?'),
                   m(10, 'human', 'Hi, let me check.', author='Alice'),
                   m(11, 'human', 'Yes, gift cards from $10, sent by email.', author='Alice'),
                   m(12, 'visitor', 'Great, and can I pay with one?'))
    occ = rules.occurrence(msgs, 7, 0.35, 'visitor_request')
    # the answered question, the ask for a person, "hello?" and what came after the first reply are not questions
    assert occ == {'questions': ['Do you sell gift cards for birthdays?', 'Are gift cards sent by email?'],
                   'answer': 'Yes, gift cards from $10, sent by email.'}


def test_no_occurrence_without_an_operator_reply_or_a_question():
    assert rules.occurrence(handoff(), 7, 0.35, 'visitor_request') is None
    only_answered = [m(1, 'visitor', 'How long does shipping take?'), m(2, 'bot', '3-5 days', HIT),
                     m(3, 'system', 'Asked', REQUEST), m(4, 'human', 'Anything else?')]
    assert rules.occurrence(only_answered, 3, 0.35, 'visitor_request') is None


def test_a_detected_handoff_counts_its_trigger_message():
    msgs = [m(1, 'visitor', 'I was charged twice for my order'), m(2, 'system', 'Asked', REQUEST),
            m(3, 'human', 'Refunded the duplicate charge.')]
    assert rules.occurrence(msgs, 2, 0.35, 'billing')['questions'] == ['I was charged twice for my order']
    assert rules.occurrence(msgs, 2, 0.35, 'visitor_request') is None      # that was only the ask for a person


def occ(q, answer='A.'):
    return {'questions': [q], 'answer': answer}


def test_grouping_uses_the_responders_similarity():
    groups = [rules.new_group('g_1', occ('Do you offer a student discount?'), 'h1', 'c1', T),
              rules.new_group('g_2', occ('Is there a warranty on hiking boots?'), 'h2', 'c2', T)]
    assert rules.match_group(['Is there a student discount?'], groups) == 'g_1'
    assert rules.match_group(['What warranty do the boots have?'], groups) == 'g_2'
    assert rules.match_group(['Do you ship to Mars?'], groups) is None
    assert rules.match_group(['anything'], []) is None


def test_add_counts_a_handoff_once_and_keeps_lists_bounded():
    g = rules.new_group('g_1', occ('Do you offer a student discount?'), 'h1', 'c1', T)
    assert rules.add(g, occ('Is there a student discount?'), 'h1', 'c1', T) is g
    for i in range(2, 80):
        g = rules.add(g, occ('Student discount #%d?' % (i % 9), 'Yes %d' % i), 'h%d' % i, 'c%d' % i, T)
    assert g['count'] == 79 and len(g['times']) == rules.MAX_TIMES and len(g['handoffs']) == rules.MAX_HANDOFFS
    assert len(g['examples']) == rules.MAX_EXAMPLES and g['conversations'][0] == 'c79'
    assert len(g['conversations']) == rules.MAX_LINKS and g['answer'] == 'Yes 79'


def test_window_and_ranking():
    now = '2026-12-15T00:00:00.000Z'
    old = dict(rules.new_group('g_old', occ('a b'), 'h', 'c', '2026-11-01T00:00:00.000Z'), count=9,
               times=['2026-11-01T00:00:00.000Z'] * 9)
    recent = dict(rules.new_group('g_new', occ('c d'), 'h', 'c', '2026-12-10T00:00:00.000Z'), count=2,
                  times=['2026-12-01T00:00:01.000Z', '2026-12-10T00:00:00.000Z'])
    edge = dict(recent, id='g_edge', times=['2026-11-30T23:59:59.000Z', '2026-12-10T00:00:00.000Z'])
    assert rules.asked_within(recent, now) == 2 and rules.asked_within(edge, now) == 1
    assert [g['id'] for g in rules.ranked([old, edge, recent], now)] == ['g_new', 'g_edge', 'g_old']


def test_extractive_summary():
    msgs = handoff(m(8, 'visitor', 'Do you sell gift cards for birthdays??'))
    transitions = [
        {'handoff_id': 'h0', 'status': 'requested', 'at': '2026-11-20T09:00:00Z', 'reason': {'code': 'billing',
                                                                                             'detail': 'x'}},
        {'handoff_id': 'h0', 'status': 'acknowledged', 'at': '2026-11-20T09:01:00Z',
         'by': {'kind': 'operator', 'name': 'Bob'}},
        {'handoff_id': 'h0', 'status': 'resolved', 'at': '2026-11-20T09:05:00Z',
         'by': {'kind': 'operator', 'name': 'Bob'}},
        {'handoff_id': 'h1', 'status': 'requested', 'at': T, 'reason': {'code': 'visitor_request'}}]
    s = ExtractiveSummariser().summarise(Facts(
        handoff={'id': 'h1', 'reason': {'code': 'visitor_request', 'detail': 'pressed the button'}},
        visitor={'id': 'v1', 'name': 'Ada', 'verified': True}, messages=msgs, transitions=transitions,
        threshold=0.35, request_seq=7))
    assert s['why'] == {'code': 'visitor_request', 'detail': 'pressed the button'}
    assert s['questions'] == ['Do you sell gift cards for birthdays?', 'How long does shipping take?',
                              'talk to a human please']          # deduplicated ("??" is the same question)
    assert [(a['understood'], a['confidence']) for a in s['bot_answers']] == [(False, 0.1), (True, 0.9)]
    assert s['visitor'] == {'id': 'v1', 'name': 'Ada', 'verified': True}
    assert s['earlier_handoffs'] == [{'id': 'h0', 'requested_at': '2026-11-20T09:00:00Z', 'outcome': 'resolved',
                                      'by': 'Bob', 'ended_at': '2026-11-20T09:05:00Z',
                                      'reason': {'code': 'billing', 'detail': 'x'}}]
    assert s['text'].splitlines()[:2] == ['Why: visitor_request (pressed the button)', 'Visitor: Ada, verified']
    assert 'Earlier handoffs: 2026-11-20 billing → resolved' in s['text']


def test_transcript_text_leaves_out_notes_and_meta():
    msgs = [m(1, 'visitor', 'Hi\nBot: I am not the bot'), m(2, 'bot', 'Hello', HIT), m(3, 'note', 'VIP, be nice'),
            m(4, 'human', 'How can I help?', author='Alice'), m(5, 'system', 'Alice joined', {'note': 'internal'})]
    lines = visible(msgs)
    assert [x['seq'] for x in lines] == [1, 2, 4, 5]
    assert all(set(x) == {'seq', 'role', 'author', 'text', 'created_at'} for x in lines)
    text = render_text(lines, 'Conversation with Ada', 'You')
    assert text.splitlines()[3:] == ['[2026-12-03 10:00 UTC] You: Hi', '    Bot: I am not the bot',
                                     '[2026-12-03 10:00 UTC] Bot: Hello',
                                     '[2026-12-03 10:00 UTC] Alice: How can I help?',
                                     '[2026-12-03 10:00 UTC] —: Alice joined']
    assert 'VIP' not in text and 'internal' not in text and 'kb_ship' not in text
