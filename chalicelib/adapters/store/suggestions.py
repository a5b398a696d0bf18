"""Knowledge-gap suggestion groups (one item per group, per agent) and the handoff window reader.

  SUGGEST#{agent}  GROUP#{group}   a group: question, draft answer, examples, times, handoff ids, count
                                   (JSON), version (optimistic lock), TTL 30 days after its last occurrence
  CONV#{conv}      MAILRATE#{win}  transcript emails sent in one fixed window (TTL)

An agent's groups are one partition: listing them is one Query (at most MAX_GROUPS items), never a scan.
"""
from datetime import datetime, timedelta, timezone

from pynamodb.attributes import JSONAttribute, NumberAttribute
from pynamodb.exceptions import DeleteError, PutError

from pynamodb.exceptions import UpdateError

from chalicelib.adapters.store.models import (Entity, HandoffEventItem, RateItem, condition_failed, get, key)

MAX_GROUPS = 200            # groups read per listing / per recording: a bounded Query
KEEP_DAYS = 30              # a group nobody asked about for this long expires (TTL)


class SuggestionChanged(Exception):
    """Another writer changed or created the group meanwhile: the record is retried (SQS redelivery)."""


class SuggestionItem(Entity, discriminator='suggestion'):
    group = JSONAttribute()
    version = NumberAttribute(default=1)


def _pk(agent_id):
    return key('SUGGEST', agent_id)


def _group(item):
    return dict(item.group, id=item.sk.split('#', 1)[1], version=int(item.version))


def _expiry(last_at):
    try:
        last = datetime.fromisoformat(last_at.replace('Z', '+00:00'))
    except (AttributeError, ValueError):
        last = datetime.now(timezone.utc)
    return last + timedelta(days=KEEP_DAYS)


class Suggestions:
    max_groups = MAX_GROUPS

    def list(self, agent_id, limit=MAX_GROUPS):
        return [_group(i) for i in SuggestionItem.query(_pk(agent_id), SuggestionItem.sk.startswith('GROUP#'),
                                                        limit=limit)]

    def get(self, agent_id, group_id):
        item = get(SuggestionItem, _pk(agent_id), 'GROUP#' + group_id)
        return _group(item) if item else None

    def save(self, agent_id, group):
        """Create (version 0 → 1) or replace a group held at the version read; SuggestionChanged otherwise."""
        version = int(group.get('version') or 0)
        body = {k: v for k, v in group.items() if k not in ('id', 'version', 'recent')}
        item = SuggestionItem(_pk(agent_id), 'GROUP#' + group['id'], group=body, version=version + 1,
                              expires_at=_expiry(group.get('last_at')))
        condition = SuggestionItem.pk.does_not_exist() if not version else (SuggestionItem.version == version)
        try:
            item.save(condition=condition)
        except PutError as exc:
            if condition_failed(exc):
                raise SuggestionChanged(group['id'])
            raise

    def delete(self, agent_id, group_id):
        try:
            SuggestionItem(_pk(agent_id), 'GROUP#' + group_id).delete(condition=SuggestionItem.pk.exists())
        except DeleteError as exc:
            if condition_failed(exc):
                raise KeyError(group_id)
            raise

    def handoff_records(self, conversation_id, limit=200):
        return handoff_records(conversation_id, limit)

    def count_transcript_mail(self, conversation_id, window, now):
        return count_transcript_mail(conversation_id, window, now)


def handoff_records(conversation_id, limit=200):
    """[(seq, transition record)] of a conversation's handoffs, oldest first: `seq` is the conversation's
    seq right after that transition was stored (its notice's seq). One Query, at most `limit` records."""
    return [(int(i.sk.split('#')[1]), i.event) for i in HandoffEventItem.query(
        key('CONV', conversation_id), HandoffEventItem.sk.startswith('HANDOFF#'), limit=limit)]


def count_transcript_mail(conversation_id, window, now):
    """One more transcript email for this conversation in the current fixed window, or False when full.
    The counter lives in the conversation's own partition (CONV#{conv} / MAILRATE#{window}, TTL): erased with
    it, and writable by the socket function's existing CONV# grant."""
    item = RateItem(key('CONV', conversation_id), 'MAILRATE#%d' % window.window(now))
    expires = datetime.fromtimestamp(window.expires(now), tz=timezone.utc)
    try:
        item.update(actions=[RateItem.kind.set(RateItem), RateItem.count.add(1), RateItem.expires_at.set(expires)],
                    condition=RateItem.count.does_not_exist() | (RateItem.count < window.limit))
    except UpdateError as exc:
        if condition_failed(exc):
            return False
        raise
    return True
