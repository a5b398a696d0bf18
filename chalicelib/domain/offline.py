"""Out of hours: a request for a person is answered "we are away, back at …" with the email form, and
an email + message left by the visitor becomes a Pending handoff flagged "offline, reply by email".

Pure decisions returning `Change`s for the unit of work, like domain/conversation.py.
"""
import re
from dataclasses import replace

from chalicelib.domain import handoff as rules
from chalicelib.domain.conversation import Change, message, preview, transition_record
from chalicelib.domain.handoff import Actor, Reason, Route

OFFLINE = 'offline'                 # the reason code of a handoff opened from the email form
MAX_EMAIL = 254
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+")

CLOSED = ('Our team is away right now and back {back}. Leave your email address and your message: '
          'we will answer by email, and the answer will also be here when you come back.')
CLOSED_NO_TIME = ('Nobody from the team can answer right now. Leave your email address and your message: '
                  'we will answer by email, and the answer will also be here when you come back.')
LEFT = 'Thank you. We will answer {email} by email; the answer will also be here when you come back.'


def valid_email(text):
    return isinstance(text, str) and len(text) <= MAX_EMAIL and bool(_EMAIL.fullmatch(text))


def closed_turn(change: Change, now, back_text=None, back_at=None) -> Change:
    """A visitor turn that would open a handoff while the team is away: no handoff; the notice says when
    the team is back and offers the email form (meta.offer_contact)."""
    messages = list(change.messages)
    seq = messages[-1]['seq']                 # the handoff notice visitor_turn added: replaced, same seq
    reason = (messages[-1].get('meta') or {}).get('reason')
    messages[-1] = message(seq, 'system', CLOSED.format(back=back_text) if back_text else CLOSED_NO_TIME, now,
                           meta={'event': 'handoff.closed', 'offer_contact': True, 'back_at': back_at,
                                 'reason': reason})
    updates = {k: v for k, v in change.updates.items() if k not in ('handoff', 'status_since', 'handoff_count')}
    updates['last_message'] = preview(messages[-1] if messages[-1]['role'] != 'system' else messages[0])
    return Change(tuple(messages), updates, None, None, Route.DECLINE, change.previous)


def leave_contact(conv, email, text, now, new_handoff_id, client_message_id=None) -> Change:
    """The email form: the visitor's message (if any) is stored, and the conversation waits in the inbox as a
    Pending handoff carrying the contact (a new one, or the open one the visitor was waiting on)."""
    contact = {'email': email}
    current, seq, messages = conv.handoff, conv.seq, []
    if text:
        seq += 1
        messages.append(message(seq, 'visitor', text, now, client_message_id=client_message_id))
    actor = Actor('visitor', conv.visitor_id)
    updates = {'updated_at': now}
    event = None
    if conv.open_handoff:
        if current.contact == contact and not text:
            return Change(previous=current)                   # the same form sent twice: nothing new
        handoff = replace(current, contact=contact)
        record = transition_record(handoff, handoff.status.value, actor, {'code': 'contact_left'}, now)
    else:
        reason = Reason(OFFLINE, 'left an email address while the team was away')
        handoff = replace(rules.open_handoff(current, new_handoff_id, reason, now), contact=contact)
        updates.update(status_since=now, handoff_count=conv.handoff_count + 1, bot_misses=0, recent=())
        record = transition_record(handoff, 'requested', actor, reason.to_dict(), now)
        event = 'handoff.requested'
    seq += 1
    messages.append(message(seq, 'system', LEFT.format(email=email), now, meta={
        'event': 'handoff.contact', 'handoff_id': handoff.id, 'reply_by_email': True}))
    updates.update(handoff=handoff, last_message=preview(messages[0]))
    return Change(tuple(messages), updates, record, event, Route.HUMAN, current)


def with_email(conv, change: Change, now) -> Change:
    """An operator's reply in a conversation whose visitor left an email: also sent there (through the
    outbox and the queue consumer: retried, once per message)."""
    h = conv.handoff
    if not (h and h.contact and h.contact.get('email')) or not change.messages:
        return change
    m = change.messages[0]
    mail = {'event_id': 'mail:%s:%d' % (conv.id, m['seq']), 'event': 'message.email', 'agent_id': conv.agent_id,
            'conversation_id': conv.id, 'to': h.contact['email'], 'seq': m['seq'], 'text': m['text'],
            'author': m.get('author'), 'at': now}
    return replace(change, notify=change.notify + (mail,))
