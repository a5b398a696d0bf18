"""Hooks of the waiting features into the handoff lifecycle: one call from each place a handoff moves."""
import logging

from chalicelib.usecases import escalation, inactivity, queue_position

logger = logging.getLogger(__name__)


def on_requested(ctx, conv, agent_settings):
    """After a stored request: the escalation ladder's first timer and, per setting, the 'visitor gone' check.
    Best effort: the request is stored and announced; a failed schedule must not fail the visitor's turn."""
    try:
        escalation.start(ctx, conv, agent_settings)
        inactivity.start_pending(ctx, conv, agent_settings)
    except Exception:
        logger.exception('could not schedule the timers of %s', conv.id)


def on_acknowledged(ctx, conv):
    """After a stored acknowledge: the agent's wait statistics and the inactivity timer chain."""
    try:
        queue_position.record_wait(ctx, conv)
        agent = ctx.stores.agents.get(conv.agent_id)
        inactivity.start(ctx, conv, agent.effective_settings if agent else {})
    except Exception:
        logger.exception('could not record the acknowledge of %s', conv.id)
