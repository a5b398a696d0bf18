"""Internal notes, and how a visitor's client stays gap-free when notes share the message sequence.

A note is a message with role 'note' in the conversation's own sequence (the same `seq` counter as every
other message, written by the unit of work like a reply). Operators see it; a visitor never does.

The visitor's client checks continuity by seq. Numbers taken by notes would look like lost messages, so
a message a visitor may see that follows hidden numbers carries `prev_seq`: the seq of the previous
visitor-visible message (0 for none). Without `prev_seq` the predecessor is `seq - 1`, as before notes
existed, so conversations without notes look exactly as they did. The conversation keeps `visible_seq`,
the last visitor-visible seq, so stamping costs no read.
A client that has seen everything up to `prev_seq` knows nothing visible lies between: it moves past the
hidden numbers without asking for them, and a real loss (prev_seq above what it has seen) still shows.
"""
from chalicelib.domain.conversation import Change, message

NOTE = 'note'
HIDDEN_ROLES = frozenset({NOTE})          # roles never sent to, replayed to or exported for a visitor


def visible_to_visitor(m):
    return m.get('role') not in HIDDEN_ROLES


def for_visitor(messages):
    """The messages a visitor may receive, in order."""
    return [m for m in messages if visible_to_visitor(m)]


def chain(messages, visible_seq):
    """Stamp `prev_seq` on each visitor-visible message of one write that follows hidden numbers (in place:
    the fan-out after the commit sends the same records) and return the conversation's new `visible_seq`."""
    last = visible_seq
    for m in messages:
        if visible_to_visitor(m):
            if last != m['seq'] - 1:
                m['prev_seq'] = last
            last = m['seq']
    return last


def write_note(conv, operator_id, operator_name, text, client_message_id, now):
    """Any operator of the agent may note, whatever the handoff's state (pending, taken by a colleague,
    resolved, or never asked): a note changes nothing the visitor sees, so no ownership rule applies.
    The inbox preview (`last_message`) keeps showing the last message the visitor saw too."""
    msg = message(conv.seq + 1, NOTE, text, now, client_message_id=client_message_id, author=operator_name,
                  author_id=operator_id)
    return Change((msg,), {'updated_at': now})
