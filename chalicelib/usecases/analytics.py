"""Analytics: counting as things happen, and the Analytics tab's report.

Two writers, each counting an occurrence once:
- `record` (the notification consumer, per status event): the event's counters and a marker NOTIFY#{event_id}
  in ONE conditional transaction, so a redelivered event adds nothing.
- `count_turn` (after a visitor turn's fresh commit): the bot's side, one plain ADD on the day's BOT item.
  A retried message is answered as a duplicate by the unit of work and never reaches it; the one window is a
  crash between the commit and this ADD (that turn is then not counted: an undercount, never a double).
  It is outside the conversation's transaction on purpose: every turn of an agent would conflict on it.

Reading a range is one Query on the agent's counter items (stores.stats.read): the same cost at 100 or
100,000 conversations.
"""
import logging

from chalicelib.domain import analytics
from chalicelib.domain.handoff import Route
from chalicelib.errors import not_found
from chalicelib.protocol.analytics import parse_range, to_csv

logger = logging.getLogger(__name__)


def _tz_name(agent):
    return analytics.time_zone_of(agent.effective_settings if agent else {})


def record(ctx, event):
    """Count one published status event, once per event_id (unknown events count nothing)."""
    agent = ctx.stores.agents.get(event['agent_id'])
    tz_name = _tz_name(agent)
    increments = analytics.event_increments(event, analytics.zone(tz_name))
    if increments:
        ctx.stores.stats.record_once(event['agent_id'], event['event_id'], increments)


def count_turn(ctx, conv, change, agent):
    """The bot's side of a freshly committed visitor turn. Best effort: a failure is logged, never the turn's."""
    if change is None or change.route == Route.HUMAN or not change.messages:
        return
    try:
        settings = agent.effective_settings
        first = change.messages[0]['seq'] == 1 or (change.messages[0]['seq'] == 2 and
                                                   bool(settings.get('welcome_message')))
        first_handoff = change.route == Route.HANDOFF and conv.handoff_count == 1
        inc = analytics.turn_increment(change.messages, first, first_handoff, settings['confidence_threshold'],
                                       ctx.now(), analytics.zone(_tz_name(agent)))
        if inc is not None:
            ctx.stores.stats.add(conv.agent_id, inc)
    except Exception:
        logger.exception('could not count a turn of %s', conv.id)


def report(ctx, operator, agent_id, params):
    """GET /agents/{id}/analytics: every operator of the agent may read its figures. Returns (format, body)."""
    operator.check_agent(agent_id)            # first: another tenant's agent is a 404 whatever the query
    wanted, fmt = parse_range(params)
    agent = ctx.stores.agents.get(agent_id)
    if agent is None:
        raise not_found('agent')
    tz_name = _tz_name(agent)
    if wanted[0] == 'range':
        first, last = analytics.range_for(wanted[1], ctx.now(), analytics.zone(tz_name))
    else:
        first, last = wanted[1], wanted[2]
    items, units = ctx.stores.stats.read(agent_id, first, last)
    rep = analytics.report(items, first, last, tz_name)
    rep['agent_id'] = agent_id
    rep['read_units'] = units
    if fmt == 'csv':
        return 'csv', to_csv(analytics.csv_rows(rep)), 'analytics-%s-%s-%s.csv' % (agent_id, first, last)
    return 'json', rep, None

