"""Wire shapes of suggestions (accept / merge bodies), transcripts and the visitor's transcript email."""
import re

from chalicelib.protocol.bodies import MAX_ALTERNATES, only, parse_knowledge_entry
from chalicelib.protocol.fields import ProtocolError, id_field, text_field

MAX_EMAIL = 254
_EMAIL = re.compile(r'[^@\s<>",;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]{1,63})+')
FORMATS = ('json', 'text')
_GROUP_ID = re.compile(r'g_[a-f0-9]{6,32}')


def valid_group_id(value):
    return isinstance(value, str) and bool(_GROUP_ID.fullmatch(value))


def parse_accept(data, group):
    """An accepted suggestion's entry: the body's question/answer/alternates/lang, each defaulting to the
    group's (question, draft answer, other phrasings asked)."""
    only(data, {'question', 'answer', 'alternates', 'lang'}, 'accept')
    body = {'question': data.get('question', group['question']), 'answer': data.get('answer', group.get('answer')),
            'alternates': data.get('alternates', [q for q in group.get('examples') or []
                                                  if q != data.get('question', group['question'])][:MAX_ALTERNATES])}
    if data.get('lang') is not None:
        body['lang'] = data['lang']
    try:
        return parse_knowledge_entry(body)
    except ProtocolError as err:
        raise ProtocolError(err.code, err.message, 'accept', err.status)


def parse_merge(data, group):
    """{entry_id, questions?}: the existing entry, and which phrasings to add (default: the group's)."""
    only(data, {'entry_id', 'questions'}, 'merge')
    entry_id = id_field(data, 'entry_id', 'merge')
    questions = data.get('questions', group.get('examples') or [group['question']])
    if not isinstance(questions, list) or not questions or len(questions) > MAX_ALTERNATES:
        raise ProtocolError('invalid_field', 'questions must be a list of 1 to %d questions' % MAX_ALTERNATES,
                            'merge')
    return entry_id, [text_field({'q': q}, 'q', 'merge', limit=1000) for q in questions]


def parse_format(params):
    value = (params or {}).get('format', 'json')
    if value not in FORMATS:
        raise ProtocolError('invalid_field', 'format must be one of: %s' % ', '.join(FORMATS), 'transcript')
    return value


def parse_email(data, action='email_transcript'):
    value = data.get('email')
    if not isinstance(value, str) or len(value) > MAX_EMAIL or not _EMAIL.fullmatch(value.strip()):
        raise ProtocolError('invalid_field', 'email must be an email address', action)
    return value.strip()
