"""Team routing state: per (agent, operator) an open-handoff counter, the last offer time and the away
flag, on ROUTE#{agent} / OP#{operator}: a partition of its own, not beside the memberships (AGENTOP#, which
hold token hashes and only the API function may write), so the socket function's grant stays narrow.

The counter is changed only inside the conversation's own transaction (Conversations.commit), an
increment for an auto offer conditioned on `open < capacity`: capacity holds under concurrency.
"""
from pynamodb.exceptions import UpdateError

from chalicelib.adapters.store.models import (AgentItem, ConversationItem, Entity, MembershipItem, RoutingItem,
                                              condition_failed, key)
from chalicelib.adapters.store.agents import agent_from_item
from chalicelib.domain import routing as rules


def _route(agent_id, operator_id):
    return RoutingItem(key('ROUTE', agent_id), key('OP', operator_id))


def holder_action(handoff):
    """The conversation's `holder` attribute follows its handoff (see commit_condition)."""
    who = rules.holder(handoff)
    return ConversationItem.holder.set(who) if who else ConversationItem.holder.remove()


def commit_condition(conv, change):
    """The commit holds only if `seq` is what was read and, for a change of the handoff, the holder too: an
    offer adds no message (seq stays), so without this two offers, or an offer and an acknowledge, could
    both pass and the counters drift. Items from before this attribute existed have none."""
    cond = ConversationItem.seq == conv.seq
    if 'handoff' not in change.updates:
        return cond
    before = rules.holder(conv.handoff)
    if before:
        return cond & (ConversationItem.holder.does_not_exist() | (ConversationItem.holder == before))
    return cond & ConversationItem.holder.does_not_exist()


def add_counter(tx, counter):
    """One operator's open count, in the caller's transaction. A limited increment fails the whole
    transaction when the operator is full (ConditionalCheckFailed: the unit of work re-reads and decides
    again, e.g. offers to someone else)."""
    r = RoutingItem
    actions = [r.kind.set(RoutingItem), r.open.add(counter.delta)]
    if counter.stamp:
        actions.append(r.last_offered_at.set(counter.stamp))
    condition = (r.open.does_not_exist() | (r.open < counter.limit)) if counter.limit is not None else None
    tx.update(_route(counter.agent_id, counter.operator_id), actions=actions, condition=condition)


class Routing:
    def team(self, agent_id, sockets, assignment):
        """The agent's operators with presence and load: a Query of AGENTOP#{agent} (memberships) and one of
        ROUTE#{agent} (loads, away flags), given the agent's live sockets (Connections.operators_of)."""
        members = {m.operator_id: m for m in MembershipItem.query(key('AGENTOP', agent_id), consistent_read=True)
                   if m.expires_at is None or m.expires_at.timestamp() > _now()}
        routes = {r.sk.split('#', 1)[1]: r for r in RoutingItem.query(key('ROUTE', agent_id), consistent_read=True)}
        live = {}
        for s in sockets:
            live[s.operator_id] = live.get(s.operator_id, 0) + 1
        out = []
        for op_id, m in sorted(members.items()):
            r = routes.get(op_id)
            out.append(rules.Member(op_id, m.name, rules.presence(live.get(op_id, 0), bool(r and r.away)),
                                    int(r.open or 0) if r else 0, assignment.capacity_of(op_id),
                                    (r.last_offered_at or '') if r else ''))
        return out

    def away_of(self, agent_id, operator_ids):
        """Which of these operators set themselves away (BatchGetItem by key): the "anyone online?" check."""
        keys = [(key('ROUTE', agent_id), key('OP', o)) for o in sorted(set(operator_ids))]
        return {i.sk.split('#', 1)[1] for i in RoutingItem.batch_get(keys) if i.away} if keys else set()

    def set_away(self, agent_id, operator_id, away):
        """The operator's own toggle (one UpdateItem); only for a member of the agent's team."""
        try:
            _route(agent_id, operator_id).update(
                actions=[RoutingItem.kind.set(RoutingItem), RoutingItem.away.set(True) if away
                         else RoutingItem.away.remove()])
        except UpdateError as exc:
            if not condition_failed(exc):
                raise

    def conversation_and_agent(self, conversation_id, agent_id):
        """The conversation and its agent in one BatchGetItem."""
        from chalicelib.adapters.store.conversations import _domain
        items = Entity.batch_get([(key('CONV', conversation_id), 'META'), (key('AGENT', agent_id), 'META')],
                                 consistent_read=True)
        found = {type(i): i for i in items}
        return _domain(found.get(ConversationItem)), agent_from_item(found.get(AgentItem))


def _now():
    import time
    return time.time()
