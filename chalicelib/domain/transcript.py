"""A conversation's transcript as people may read it: for an operator's download and the visitor's email.

Only what the visitor saw: the visitor's, the bot's, the operators' messages and the system notices
("Alice joined"). Never internal notes (role 'note', contract C2) nor internal data: no message meta (bot
confidence, entry ids, transfer and cancel notes, reasons), no operator ids, no client ids.
"""
from datetime import datetime

VISIBLE = ('visitor', 'bot', 'human', 'system')
LABELS = {'visitor': 'You', 'bot': 'Bot', 'system': '—'}


def visible(messages):
    """The transcript lines of stored messages: {seq, role, author, text, created_at}, in order."""
    out = []
    for m in messages:
        if m.get('role') not in VISIBLE or not m.get('text'):
            continue
        out.append({'seq': m['seq'], 'role': m['role'], 'author': m.get('author') if m['role'] == 'human' else None,
                    'text': m['text'], 'created_at': m.get('created_at')})
    return out


def _when(ts):
    try:
        return datetime.fromisoformat(ts.replace('Z', '+00:00')).strftime('%Y-%m-%d %H:%M UTC')
    except (AttributeError, ValueError):
        return ts or ''


def render_text(lines, title, visitor_label='Visitor'):
    """Plain text, one message per line block: "[2026-12-03 10:05 UTC] Alice: text". Continuation lines of a
    message are indented, so a message cannot pass itself off as another speaker's line."""
    out = [title, '=' * min(len(title), 72), '']
    for m in lines:
        if m['role'] == 'human':
            who = m['author'] or 'Operator'
        else:
            who = visitor_label if m['role'] == 'visitor' else LABELS.get(m['role'], m['role'])
        text = '\n    '.join(m['text'].splitlines() or [''])
        out.append('[%s] %s: %s' % (_when(m['created_at']), who, text))
    return '\n'.join(out) + '\n'
