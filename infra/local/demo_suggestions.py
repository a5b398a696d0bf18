"""Demo data for Settings → Knowledge → Suggestions: a few questions the demo shop's bot cannot answer,
asked several times over the last days and answered by Alice or Bob (contract C7; called from demo.py).

Written through the same store and grouping rules the notification consumer uses, so the list looks
exactly like one grown from real handoffs.
"""
from datetime import datetime, timedelta, timezone

DEMO = [
    # (answer, [(question, hours ago), ...])
    ('Yes! Students get 10% off everything with a valid student card: verify once on the Student page and '
     'the discount applies at checkout.',
     [('Do you offer a student discount?', 5), ('Is there a student discount?', 30),
      ('Can I get a discount as a student?', 52), ('Is there a student discount?', 101)]),
    ('Our hiking boots carry a 2-year warranty against manufacturing defects; keep your order number and '
     'contact us with a photo of the problem.',
     [('Is there a warranty on hiking boots?', 9), ('What warranty do the boots have?', 75),
      ('Is there a warranty on hiking boots?', 200)]),
    ('Yes: choose "Click & collect" at checkout and pick your order up at 12 Harbor Street, usually the '
     'next day. We email you when it is ready.',
     [('Is click and collect possible at the Harbor Street store?', 20),
      ('Can I collect my order from your shop?', 130)]),
]


def _iso(dt):
    return dt.isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def seed(agent_id, now=None):
    """Record the demo occurrences for `agent_id`; returns how many groups exist afterwards."""
    from chalicelib.adapters.store.suggestions import Suggestions
    from chalicelib.domain import suggestions as rules
    store = Suggestions()
    now = now or datetime.now(timezone.utc)
    n = 0
    for answer, asked in DEMO:
        for question, hours in sorted(asked, key=lambda qa: -qa[1]):     # oldest first, as they happened
            n += 1
            occ = {'questions': [question], 'answer': answer}
            at = _iso(now - timedelta(hours=hours))
            groups = store.list(agent_id)
            found = rules.match_group(occ['questions'], groups)
            group = next((g for g in groups if g['id'] == found), None)
            handoff_id, conv_id = 'h_demo%04d' % n, None        # no conversation behind a demo occurrence
            if group:
                updated = rules.add(group, occ, handoff_id, conv_id, at)
            else:
                updated = rules.new_group('g_%016x' % (0xde300 + n), occ, handoff_id, conv_id, at)
            store.save(agent_id, updated)
    return len(store.list(agent_id))
