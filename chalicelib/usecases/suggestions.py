"""Knowledge-gap suggestions: recorded when a handoff is resolved, listed, accepted, merged or dismissed.

Recording runs in the notification consumer (one call per queue record, `on_event`), after the inbox push:
a `handoff.resolved` event whose handoff had an operator answer a question the bot missed adds one
occurrence to the group asking the same thing (domain.suggestions), or starts a group. Idempotent per
event: a marker (NOTIFY#{event}/suggest) is written last, and a group also keeps the handoff ids it
counted, so a redelivery after a crash between the two writes counts nothing twice. A lost race on a
group (two resolutions at once) raises: the record fails and SQS delivers it again.
"""
import uuid

from chalicelib.domain import suggestions as rules
from chalicelib.errors import not_found
from chalicelib.protocol import insights as wire
from chalicelib.usecases.settings import _entry_view

CHANNEL = 'suggest'
BEFORE = 20                 # messages read before a handoff's request: the questions the bot missed
MAX_WINDOW = 200            # messages read for one handoff at most


def on_event(ctx, event):
    """The notification consumer's hook (contract C6)."""
    if event.get('event') != 'handoff.resolved':
        return
    markers = ctx.stores.markers
    if markers.was_notified(event['event_id'], CHANNEL):
        return
    record(ctx, event['agent_id'], event['conversation_id'], (event.get('handoff') or {}).get('id'), ctx.now())
    markers.mark_notified(event['event_id'], CHANNEL)


def handoff_window(ctx, conversation_id, handoff_id):
    """(request seq, messages from the end of the previous handoff to this one's last transition), or
    (None, []): one Query of the transitions, one of the messages, both bounded."""
    records = ctx.stores.suggestions.handoff_records(conversation_id)
    mine = [(seq, r) for seq, r in records if r.get('handoff_id') == handoff_id]
    requested = next((seq for seq, r in mine if r.get('status') == 'requested'), None)
    if requested is None:
        return None, []
    end = max(seq for seq, _ in mine)
    earlier = [seq for seq, r in records if r.get('handoff_id') != handoff_id and seq < requested]
    start = max([requested - BEFORE] + earlier + [0], default=0)
    start = max(start, end - MAX_WINDOW)
    messages = [m for m in ctx.conversations.messages(conversation_id, start, end - start) if m['seq'] <= end]
    return requested, messages


def record(ctx, agent_id, conversation_id, handoff_id, now):
    if not handoff_id:
        return None
    conv, agent, entries = ctx.conversations.load_turn(conversation_id, agent_id)
    if conv is None or agent is None:
        return None
    threshold = agent.effective_settings['confidence_threshold']
    requested, messages = handoff_window(ctx, conversation_id, handoff_id)
    if requested is None:
        return None
    reason = next((m.get('meta', {}).get('reason', {}).get('code') for m in messages
                   if m['seq'] == requested and m.get('meta')), None)
    occ = rules.occurrence(messages, requested, threshold, reason)
    if occ is None:
        return None
    # Added to the knowledge base meanwhile (the bot would now answer): nothing to suggest.
    if entries and all(ctx.responder.answer(q, entries).understood(threshold) for q in occ['questions']):
        return None
    groups = ctx.stores.suggestions.list(agent_id)
    found = rules.match_group(occ['questions'], groups)
    if found:
        group = next(g for g in groups if g['id'] == found)
        updated = rules.add(group, occ, handoff_id, conversation_id, now)
        if updated is group:
            return group            # counted already (a redelivery)
    else:
        if len(groups) >= ctx.stores.suggestions.max_groups:
            return None             # full: the oldest expire (TTL) or are handled first
        updated = rules.new_group('g_' + uuid.uuid4().hex[:16], occ, handoff_id, conversation_id, now)
    ctx.stores.suggestions.save(agent_id, updated)
    return updated


# ---- the dashboard: Settings → Knowledge → Suggestions -------------------------------------------------

def _view(group):
    return {'id': group['id'], 'question': group['question'], 'answer': group.get('answer') or '',
            'examples': list(group.get('examples') or []), 'count': int(group.get('count') or 0),
            'recent': group.get('recent', 0), 'window_days': rules.WINDOW_DAYS,
            'first_at': group.get('first_at'), 'last_at': group.get('last_at'),
            'conversations': list(group.get('conversations') or [])}


def list_suggestions(ctx, operator, agent_id):
    operator.check_agent(agent_id)
    groups = rules.ranked(ctx.stores.suggestions.list(agent_id), ctx.now())
    return {'suggestions': [_view(g) for g in groups], 'window_days': rules.WINDOW_DAYS}


def _group_for(ctx, operator, agent_id, group_id):
    operator.require_admin(agent_id)
    group = ctx.stores.suggestions.get(agent_id, group_id) if wire.valid_group_id(group_id) else None
    if group is None:
        raise not_found('suggestion')
    return group


def _drop(ctx, agent_id, group_id):
    try:
        ctx.stores.suggestions.delete(agent_id, group_id)
    except KeyError:
        pass                        # handled by someone else meanwhile: the outcome is the same


def accept(ctx, operator, agent_id, group_id, body):
    """A new knowledge entry (the group's question and draft, as edited), then the group goes. The entry id
    derives from the group's: accepting twice (a retry) writes the same entry, not a second one."""
    group = _group_for(ctx, operator, agent_id, group_id)
    entry = wire.parse_accept(body, group)
    entry_id = 'kb_' + group_id[2:14]
    ctx.stores.agents.put_entry(agent_id, entry_id, entry, must_exist=False)
    _drop(ctx, agent_id, group_id)
    return {'entry': _entry_view(entry_id, entry)}


def merge(ctx, operator, agent_id, group_id, body):
    """The group's phrasings become alternates of an existing entry (at most MAX_ALTERNATES in all)."""
    group = _group_for(ctx, operator, agent_id, group_id)
    entry_id, questions = wire.parse_merge(body, group)
    entry = ctx.stores.agents.knowledge(agent_id).get(entry_id)
    if entry is None:
        raise not_found('knowledge entry')
    known = {q.strip().lower() for q in [entry['question']] + list(entry.get('alternates') or [])}
    alternates = list(entry.get('alternates') or []) + [q for q in questions if q.strip().lower() not in known]
    entry = dict(entry, alternates=alternates[:wire.MAX_ALTERNATES])
    try:
        ctx.stores.agents.put_entry(agent_id, entry_id, entry, must_exist=True)
    except KeyError:
        raise not_found('knowledge entry')
    _drop(ctx, agent_id, group_id)
    return {'entry': _entry_view(entry_id, entry)}


def dismiss(ctx, operator, agent_id, group_id):
    operator.require_admin(agent_id)
    if not wire.valid_group_id(group_id):
        raise not_found('suggestion')
    try:
        ctx.stores.suggestions.delete(agent_id, group_id)
    except KeyError:
        raise not_found('suggestion')
