"""Out of hours and the email form (issue 12 item 4).

- A visitor turn that would open a handoff while the agent is closed (business hours, or nobody online
  when the agent says so) is answered with when the team is back and the offer to leave an email.
- `leave_contact` stores the visitor's email and message as a Pending handoff flagged for a reply by email.
- An operator's reply in such a conversation is also emailed to the visitor: the reply's transaction
  stores a `message.email` event in the outbox; the queue consumer sends it through SES once.
"""
import uuid
from datetime import datetime

from chalicelib import protocol
from chalicelib.domain import hours as hours_rules
from chalicelib.domain import offline as rules
from chalicelib.domain.handoff import HandoffError, Route
from chalicelib.errors import not_found

DEFAULT_SUBJECT = 'Your message to %s'


def _instant(iso):
    return datetime.fromisoformat(iso.replace('Z', '+00:00'))


def when_closed(ctx, settings, change, operators_online):
    """`change` (a visitor turn) unchanged inside hours; outside, no handoff and the offer of the email form."""
    if change.route != Route.HANDOFF or not settings.get('allow_human_handoff'):
        return change
    hours = settings.get('hours')
    now = ctx.now()
    at = _instant(now)
    if not hours_rules.closed(hours, at, operators_online):
        return change
    back = hours_rules.next_opening(hours, at) if hours and hours.get('weekly') else None
    back_text = hours_rules.back_text(hours, at) if back else None
    back_at = back.isoformat().replace('+00:00', 'Z') if back else None
    return rules.closed_turn(change, now, back_text, back_at)


def leave_contact(ctx, sock, cmd):
    """The widget's email form: stored (once per client_message_id), acknowledged, shown to both sides."""
    cid = sock.conversation_id
    key = 'visitor:' + cmd.client_message_id if cmd.client_message_id else None

    def load():
        conv, agent = ctx.conversations.load_turn(cid, sock.agent_ids[0])[:2]     # one BatchGetItem
        if conv is None or agent is None:
            raise not_found('conversation')
        return conv, agent

    def decide(conv, agent):
        if not agent.effective_settings.get('allow_human_handoff'):
            raise HandoffError('handoff_disabled', 'this chat does not hand conversations to a person', status=403)
        return rules.leave_contact(conv, cmd.email, cmd.text, ctx.now(), 'h_' + uuid.uuid4().hex[:16],
                                   cmd.client_message_id)

    outcome = ctx.uow.run(load, decide, dedupe_key=key)
    if outcome.duplicate:
        return ctx.fanout.post(sock.connection_id, protocol.ack_event(
            cmd.action, outcome.duplicate_seq, cmd.request_id, cmd.client_message_id, duplicate=True))
    conv, change = outcome.conversation, outcome.change
    seq = change.messages[0]['seq'] if change.messages else conv.seq
    ctx.fanout.post(sock.connection_id, protocol.ack_event(cmd.action, seq, cmd.request_id, cmd.client_message_id))
    if change.noop:
        return
    events = [protocol.message_event(cid, m) for m in change.messages]
    events.append(protocol.handoff_event(conv, change.previous))
    ctx.fanout.to_visitor(conv, events)
    ctx.fanout.to_operators(conv.agent_id, events, conv=conv)


def reply_by_email(ctx, conv, change):
    """Hook of operator_actions.reply's decision: the reply also goes to the contact's email, if any."""
    return rules.with_email(conv, change, ctx.now())
