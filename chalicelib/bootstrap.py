"""The object graph: adapters built once per Lambda container, use cases reached through `Services`.

`Services` is the only thing app.py talks to: one thin method per route or socket event, each
calling one use case.
"""
from chalicelib.usecases import (commands, inbox, operator_actions, privacy, replay, sessions,
                                 settings as agent_settings, team)
from chalicelib.usecases.context import Context, now_iso


class Services:
    def __init__(self, ctx):
        self.ctx = ctx

    # identities and sockets
    def operator_from_header(self, header):
        return sessions.operator_from_header(self.ctx, header)

    def create_session(self, body, source_ip=None):
        return sessions.create_session(self.ctx, body, source_ip)

    def connect(self, connection_id, query):
        return sessions.connect(self.ctx, connection_id, query)

    def socket_ticket(self, header):
        return sessions.socket_ticket(self.ctx, header)

    def disconnect(self, connection_id):
        sessions.disconnect(self.ctx, connection_id)

    def on_frame(self, connection_id, body):
        commands.on_frame(self.ctx, connection_id, body)

    # operators over REST
    def operator_profile(self, operator):
        return agent_settings.operator_profile(self.ctx, operator)

    def inbox(self, operator, agent_id, statuses=None, limit=50):
        return inbox.inbox(self.ctx, operator, agent_id, statuses, limit)

    def conversation(self, operator, conversation_id):
        return replay.conversation(self.ctx, operator, conversation_id)

    def history(self, operator, conversation_id, after, limit):
        return replay.history(self.ctx, operator, conversation_id, after, limit)

    def reply(self, operator, conversation_id, body):
        return operator_actions.rest_reply(self.ctx, operator, conversation_id, body)

    def transition(self, operator, conversation_id, action, body):
        return operator_actions.rest_transition(self.ctx, operator, conversation_id, action, body)

    def get_settings(self, operator, agent_id):
        return agent_settings.get_settings(self.ctx, operator, agent_id)

    def save_settings(self, operator, agent_id, body):
        return agent_settings.save_settings(self.ctx, operator, agent_id, body)

    def list_knowledge(self, operator, agent_id):
        return agent_settings.list_knowledge(self.ctx, operator, agent_id)

    def put_knowledge(self, operator, agent_id, body, entry_id=None):
        return agent_settings.put_knowledge(self.ctx, operator, agent_id, body, entry_id)

    def delete_knowledge(self, operator, agent_id, entry_id):
        agent_settings.delete_knowledge(self.ctx, operator, agent_id, entry_id)

    # the Team page (admins)
    def team(self, operator, agent_id):
        return team.list_team(self.ctx, operator, agent_id)

    def invite_operator(self, operator, agent_id, body):
        return team.invite(self.ctx, operator, agent_id, body)

    def set_operator_role(self, operator, agent_id, operator_id, body):
        return team.set_role(self.ctx, operator, agent_id, operator_id, body)

    def remove_operator(self, operator, agent_id, operator_id):
        team.remove(self.ctx, operator, agent_id, operator_id)

    # per-agent secrets (admins)
    def secrets(self, operator, agent_id):
        from chalicelib.usecases import secrets
        return secrets.describe(self.ctx, operator, agent_id)

    def issue_secret(self, operator, agent_id, kind, body):
        from chalicelib.usecases import secrets
        return secrets.create_or_rotate(self.ctx, operator, agent_id, kind, body)

    # a visitor's data (admins)
    def export_visitor(self, operator, agent_id, visitor_id):
        return privacy.export(self.ctx, operator, agent_id, visitor_id)

    def erase_visitor(self, operator, agent_id, visitor_id):
        return privacy.erase(self.ctx, operator, agent_id, visitor_id)

    # the team inbox: presence, transfer
    def team_presence(self, operator, agent_id):
        from chalicelib.usecases import presence
        return presence.team_presence(self.ctx, operator, agent_id)

    def set_presence(self, operator, agent_id, body):
        from chalicelib.usecases import presence
        return presence.rest_set_presence(self.ctx, operator, agent_id, body)

    def transfer(self, operator, conversation_id, body):
        from chalicelib.usecases import assignment
        return assignment.rest_transfer(self.ctx, operator, conversation_id, body)
    # the team inbox: internal notes, read positions, saved replies
    def note(self, operator, conversation_id, body):
        from chalicelib.usecases import notes
        return notes.rest_note(self.ctx, operator, conversation_id, body)

    def read(self, operator, conversation_id, body):
        from chalicelib.usecases import reads
        return reads.rest_read(self.ctx, operator, conversation_id, body)

    def saved_replies(self, operator, agent_id):
        from chalicelib.usecases import saved_replies
        return saved_replies.list_replies(self.ctx, operator, agent_id)

    def create_saved_reply(self, operator, agent_id, body):
        from chalicelib.usecases import saved_replies
        return saved_replies.create(self.ctx, operator, agent_id, body)

    def update_saved_reply(self, operator, agent_id, reply_id, body):
        from chalicelib.usecases import saved_replies
        return saved_replies.update(self.ctx, operator, agent_id, reply_id, body)

    def delete_saved_reply(self, operator, agent_id, reply_id):
        from chalicelib.usecases import saved_replies
        saved_replies.delete(self.ctx, operator, agent_id, reply_id)
    # the outbox sweeper (scheduled): delivers what SQS never got
    def sweep_outbox(self, webhook_secret):
        from chalicelib.usecases import outbox
        return outbox.sweep(self.ctx, self.notification_consumer(webhook_secret))
    # analytics (every operator of the agent)
    def analytics(self, operator, agent_id, query):
        from chalicelib.usecases import analytics
        return analytics.report(self.ctx, operator, agent_id, query)
    # learning from handoffs: suggestions, summary, transcripts
    def suggestions(self, operator, agent_id):
        from chalicelib.usecases import suggestions
        return suggestions.list_suggestions(self.ctx, operator, agent_id)

    def suggestion_action(self, operator, agent_id, group_id, action, body):
        from chalicelib.usecases import suggestions
        if action == 'dismiss':
            protocol_only(body, 'dismiss')
            return suggestions.dismiss(self.ctx, operator, agent_id, group_id)
        return getattr(suggestions, action)(self.ctx, operator, agent_id, group_id, body)

    def handoff_summary(self, operator, conversation_id):
        from chalicelib.usecases import transcripts
        return transcripts.summary(self.ctx, operator, conversation_id)

    def transcript(self, operator, conversation_id, query):
        from chalicelib.usecases import transcripts
        return transcripts.transcript(self.ctx, operator, conversation_id, transcripts.parse_format(query))

    # the queue consumer
    def notification_consumer(self, webhook_secret):
        from chalicelib.usecases.notifications import NotificationConsumer
        return NotificationConsumer(self.ctx, webhook_secret)

    # the timers consumer (timed work: escalation, inactivity)
    def timers(self, event, context):
        from chalicelib.usecases import timers
        return timers.consume_batch(event, context, self.ctx)


def protocol_only(body, action):
    from chalicelib.protocol import only
    only(body, set(), action)


def build(config, sender=None, notifier=None, clock=now_iso, limits=None):
    """The production object graph; tests pass their own sender to watch the sockets."""
    from chalicelib.adapters.queue import Notifier
    from chalicelib.adapters.sockets import Sender
    from chalicelib.adapters.store import Stores
    from chalicelib.config import session_secret
    from chalicelib.domain.bot import KnowledgeBaseResponder
    from chalicelib.unit_of_work import UnitOfWork
    from chalicelib.usecases.fanout import Fanout
    stores = Stores()
    sender = sender or Sender(config.ws_endpoint_url, config.region)
    notifier = notifier or Notifier(config.notify_queue_url, config.region)
    ctx = Context(stores=stores, fanout=Fanout(sender, stores.connections),
                  uow=UnitOfWork(stores.conversations, notifier),
                  responder=KnowledgeBaseResponder(config.bot_confidence_threshold), config=config,
                  session_secret=lambda: session_secret(config), now=clock)
    ctx.limits = limits or _limits_from_env()        # domain.rate_limit.Limits (OFF to switch them off)
    ctx.scheduler = _scheduler(config, ctx)
    ctx.mailer = _mailer(config)                      # adapters.mail.Mailer, or None without MAIL_FROM
    return Services(ctx)


def _scheduler(config, ctx):
    """Timed work on the timers queue (contract C1), on the app's one clock; None without a queue (then
    nothing is scheduled: use cases tolerate it)."""
    if not config.timers_queue_url:
        return None
    from chalicelib.adapters.scheduler import Scheduler
    from chalicelib.domain.escalation import epoch
    return Scheduler(config.timers_queue_url, config.region, lambda: epoch(ctx.now()))


def _limits_from_env():
    import os
    from chalicelib.domain.rate_limit import Limits
    return Limits.from_env(os.environ)


def _mailer(config):
    if not config.mail_from:
        return None
    from chalicelib.adapters.mail import Mailer
    return Mailer(config.mail_from, config.region)
