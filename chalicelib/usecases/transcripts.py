"""Transcripts: an operator's download (JSON or plain text) and the visitor's copy by email; the operator's
handoff summary (domain.summary) on top of a handed-off conversation."""
import time

from chalicelib import protocol
from chalicelib.domain import summary as summaries
from chalicelib.domain import transcript as render
from chalicelib.domain.rate_limit import FixedWindow, RateLimited
from chalicelib.errors import AppError, not_found
from chalicelib.protocol import insights as wire
from chalicelib.usecases.sessions import conversation_for

MAX_MESSAGES = 5000                               # a download stays far under Lambda's 6 MB response
EMAILS = FixedWindow(limit=3, seconds=3600)       # transcript emails per conversation per hour
SUMMARY_BEFORE = 20                               # messages read before the request, for the summary
SUMMARY_AFTER = 30


def _lines(ctx, conversation_id):
    lines, truncated = [], False
    for page in ctx.conversations.pages(conversation_id, 0, 1000):
        lines += render.visible(page)
        if len(lines) >= MAX_MESSAGES:
            lines, truncated = lines[:MAX_MESSAGES], True
            break
    return lines, truncated


def transcript(ctx, operator, conversation_id, fmt):
    """(body, content type, file name)."""
    conv = conversation_for(ctx, operator, conversation_id)
    lines, truncated = _lines(ctx, conversation_id)
    name = 'transcript-%s' % conversation_id
    if fmt == 'text':
        agent = ctx.stores.agents.get(conv.agent_id)
        title = 'Conversation %s with %s' % (agent.name if agent else conv.agent_id, _visitor_label(conv))
        body = render.render_text(lines, title, 'Visitor')
        return body + ('\n[truncated after %d messages]\n' % MAX_MESSAGES if truncated else ''), \
            'text/plain; charset=utf-8', name + '.txt'
    visitor = protocol.summary(conv)['visitor']
    return {'conversation_id': conv.id, 'agent_id': conv.agent_id, 'exported_at': ctx.now(),
            'visitor': {k: visitor.get(k) for k in ('id', 'name', 'email', 'verified') if k in visitor},
            'messages': lines, 'truncated': truncated}, 'application/json', name + '.json'


def _visitor_label(conv):
    v = conv.visitor or {}
    return v.get('name') or 'Visitor'


def email_transcript(ctx, sock, cmd):
    """The visitor's own transcript, sent to the address they give (not stored). 3 an hour per
    conversation; `mail_unavailable` (503) where no mailer is configured."""
    mailer = getattr(ctx, 'mailer', None)
    if mailer is None:
        raise AppError('mail_unavailable', 'email is not set up for this service', 503)
    now = time.time()
    if not ctx.stores.suggestions.count_transcript_mail(sock.conversation_id, EMAILS, now):
        raise RateLimited(EMAILS.retry_after(now), 'transcript emails')
    conv = ctx.conversations.get(sock.conversation_id)
    if conv is None:
        raise not_found('conversation')
    agent = ctx.stores.agents.get(conv.agent_id)
    name = agent.name if agent else conv.agent_id
    lines, _ = _lines(ctx, conv.id)
    text = render.render_text(lines, 'Your conversation with %s' % name, 'You')
    mailer.send(cmd.email, 'Your conversation with %s' % name, text)
    ctx.fanout.post(sock.connection_id, protocol.ack_event(cmd.action, conv.seq, cmd.request_id))


def summary(ctx, operator, conversation_id, summariser=None):
    """The summary of the conversation's latest handoff (GET /conversations/{id}/summary): two Queries
    (transitions, the messages around the request) after the conversation's GetItem, and one agent read."""
    conv = conversation_for(ctx, operator, conversation_id)
    records = ctx.stores.suggestions.handoff_records(conversation_id)
    current = conv.handoff
    request_seq, messages = None, []
    if current is not None:
        request_seq = next((seq for seq, r in records if r.get('handoff_id') == current.id
                            and r.get('status') == 'requested'), None)
    if request_seq is not None:
        earlier = [seq for seq, r in records if r.get('handoff_id') != current.id and seq < request_seq]
        start = max([request_seq - SUMMARY_BEFORE] + earlier + [0])
        messages = ctx.conversations.messages(conversation_id, start, request_seq - start + SUMMARY_AFTER)
    agent = ctx.stores.agents.get(conv.agent_id)
    threshold = agent.effective_settings['confidence_threshold'] if agent else 0.35
    facts = summaries.Facts(handoff=current.to_dict() if current else None, visitor=protocol.summary(conv)['visitor'],
                            messages=messages, transitions=[r for _, r in records], threshold=threshold,
                            request_seq=request_seq)
    chosen = summariser or getattr(ctx, 'summariser', None) or summaries.DEFAULT
    return dict(chosen.summarise(facts), conversation_id=conv.id)


def parse_format(params):
    return wire.parse_format(params)
