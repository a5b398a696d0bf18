"""Use cases: what happens when a visitor or an operator does something.

Talks to the repository, the sender and the notifier through their small interfaces; the
rules themselves live in handoff.py (lifecycle, routing) and triggers.py (when to hand off).
Every write that must hold together is one conditional transaction (Repository.append);
on a lost race we re-read and decide again.
"""
import logging
import uuid
from datetime import datetime, timezone

from chalicelib.domain import handoff as rules
from chalicelib import protocol
from chalicelib.domain import triggers
from chalicelib.agents import AgentSettings, settings_of
from chalicelib.auth import OperatorIdentity, bearer, sign_session, verify_session
from chalicelib.domain.bot import DECLINED, ERROR, BotAnswer, Entry
from chalicelib.errors import AppError, conflict, not_found, unauthorized
from chalicelib.domain.handoff import Actor, Handoff, Reason, Route
from chalicelib.store import ConflictError

logger = logging.getLogger(__name__)
ATTEMPTS = 6
REPLAY_LIMIT = 1000
NOTICES = {
    'handoff.requested': 'You asked to talk to a person. A team member will join shortly.',
    'handoff.requested.detected': 'I am bringing in a team member to help you. They will join shortly.',
    'handoff.requested.offline': ('Nobody from the team is online right now. Your request is queued and a team '
                                  'member will answer here as soon as they are back; you can keep this page or '
                                  'come back later.'),
    'handoff.acknowledged': '{name} joined the conversation.',
    'handoff.resolved': '{name} closed the conversation. The assistant is back to help you.',
    'handoff.cancelled': 'The request for a person was cancelled. The assistant is back to help you.',
}


def now_iso():
    return datetime.now(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def summary(conv):
    current = Handoff.from_dict(conv.handoff)
    visitor = dict(conv.visitor or {})
    visitor['id'] = conv.visitor_id
    return {'id': conv.conversation_id, 'agent_id': conv.agent_id, 'visitor': visitor, 'status': conv.status,
            'handoff': current.to_dict() if current else None, 'last_message': conv.last_message,
            'updated_at': conv.updated_at, 'seq': conv.seq,
            'waiting_since': current.requested_at if current and current.status == rules.Status.PENDING else None}


class Services:
    def __init__(self, repo, sender, notifier, responder, config, session_secret, clock=now_iso):
        self.repo = repo
        self.sender = sender
        self.notifier = notifier
        self.responder = responder
        self.config = config
        self.session_secret = session_secret      # callable: the secret is fetched lazily (SSM)
        self.now = clock
        self.agents = AgentSettings(repo)

    # ---- identities ------------------------------------------------------------------------------

    def operator_from_header(self, header):
        op = self.repo.operator_by_token(bearer(header))
        if op is None:
            raise unauthorized('unknown or revoked token')
        return OperatorIdentity(op.operator_id, op.name, tuple(op.agent_ids))

    def _conversation_for(self, operator, conversation_id, conv=None):
        if not protocol.valid_conversation_id(conversation_id):
            raise not_found('conversation')
        agent_id = conversation_id.split('.', 1)[0]
        operator.check_agent(agent_id)
        conv = conv or self.repo.get_conversation(conversation_id)
        if conv is None or conv.agent_id != agent_id:
            raise not_found('conversation')
        return conv

    # ---- visitor session (public REST) ------------------------------------------------------------

    def create_session(self, body):
        agent_id, old, visitor = protocol.parse_session_request(body)
        agent = self.repo.get_agent(agent_id)
        if agent is None:
            raise not_found('agent')
        visitor_id = None
        if old:
            try:
                old_agent, old_visitor = verify_session(self.session_secret(), old, self.config.session_ttl_seconds)
                visitor_id = old_visitor if old_agent == agent_id else None
            except AppError:
                visitor_id = None          # expired or foreign: start afresh rather than fail the widget
        visitor_id = visitor_id or 'v_' + uuid.uuid4().hex[:20]
        conversation_id = '%s.%s' % (agent_id, visitor_id)
        conv = self.repo.ensure_conversation(conversation_id, agent_id, visitor_id, visitor, self.now())
        settings = settings_of(agent)
        if conv.seq == 0 and settings.get('welcome_message'):
            msg = self._message(conv, 1, 'bot', settings['welcome_message'], meta={'event': 'welcome'})
            try:
                self.repo.append(conv, [msg], {'last_message': self._preview(msg)})
            except ConflictError:
                pass                        # another tab already greeted this visitor
        return {'session': sign_session(self.session_secret(), agent_id, visitor_id), 'visitor_id': visitor_id,
                'conversation_id': conversation_id,
                'agent': {'id': agent_id, 'name': agent.name, 'welcome_message': settings.get('welcome_message'),
                          'allow_human_handoff': settings['allow_human_handoff']}}

    # ---- socket lifecycle ---------------------------------------------------------------------------

    def connect(self, connection_id, query):
        """The HTTP status for the upgrade: 200, or 401 for a missing/bad credential."""
        query = query or {}
        ttl = self.config.connection_ttl_seconds
        try:
            if query.get('token'):
                operator = self.repo.operator_by_token(query['token'])
                if operator is None:
                    return 401
                self.repo.put_operator_connection(connection_id, operator, ttl)
                return 200
            if query.get('session'):
                agent_id, visitor_id = verify_session(self.session_secret(), query['session'],
                                                      self.config.session_ttl_seconds)
                conversation_id = '%s.%s' % (agent_id, visitor_id)
                if self.repo.get_conversation(conversation_id) is None:
                    return 403
                self.repo.put_visitor_connection(connection_id, conversation_id, agent_id, visitor_id, ttl)
                return 200
        except AppError:
            return 401
        return 401

    def disconnect(self, connection_id):
        self.repo.delete_connection(connection_id)

    def on_frame(self, connection_id, body):
        """One socket frame: parse, authorise, run. Errors go back to that socket as `error` events."""
        action, request_id = None, None
        try:
            conn = self.repo.get_connection(connection_id)
            if conn is None:
                raise unauthorized('this connection is not registered; reconnect')
            cmd = protocol.parse_action(body, conn.role)
            action, request_id = cmd.action, cmd.request_id
            if cmd.action == 'ping':
                self.sender.post(connection_id, protocol.event('pong', request_id=request_id))
            elif conn.role == 'visitor':
                self._visitor_action(conn, cmd)
            else:
                self._operator_action(conn, cmd)
        except AppError as err:
            self.sender.post(connection_id, protocol.error_event(
                err.code, err.message, action=err.action or action, request_id=request_id, **err.details))

    # ---- visitor actions --------------------------------------------------------------------------

    def _visitor_action(self, conn, cmd):
        if cmd.action == 'send':
            self.visitor_message(conn, cmd)
        elif cmd.action == 'request_human':
            self.visitor_message(conn, cmd, explicit=True)
        elif cmd.action == 'cancel_handoff':
            actor = Actor('visitor', conn.visitor_id, None)
            self.transition(conn.conversation_id, 'cancel', actor, origin=conn.connection_id, reason=cmd.reason,
                            request_id=cmd.request_id)
        elif cmd.action == 'typing':
            conv = self.repo.get_conversation(conn.conversation_id)
            current = Handoff.from_dict(conv.handoff)
            if current and current.is_open:
                self._to_operators(conv.agent_id, [protocol.event(
                    'typing', conversation_id=conv.conversation_id, role='visitor', name=None,
                    is_typing=cmd.is_typing)])
        elif cmd.action == 'resume':
            self.replay(conn.connection_id, conn.conversation_id, cmd.after)

    def visitor_message(self, conn, cmd, explicit=False):
        """A visitor's message (or the widget's "talk to a person" button): store it, then the bot
        answers, or a handoff opens, or the operators get it. Decided and written in one go."""
        cid, agent_id = conn.conversation_id, conn.agent_ids[0]
        key = 'visitor:' + cmd.client_message_id if cmd.client_message_id else None

        def ack(seq, duplicate):
            self.sender.post(conn.connection_id, protocol.event(
                'ack', action=cmd.action, client_message_id=cmd.client_message_id, seq=seq,
                duplicate=duplicate, request_id=cmd.request_id))

        for _ in range(ATTEMPTS):
            conv, agent, kb = self.repo.load_for_message(cid, agent_id)
            if conv is None or agent is None:
                raise not_found('conversation')
            try:
                plan = self._plan_visitor_message(conv, agent, kb, cmd, explicit)
                self.repo.append(conv, plan['messages'], plan['changes'], dedupe=(key, conv.seq + 1) if key else None,
                                 handoff_event=plan.get('handoff_event'))
                break
            except (ConflictError, rules.HandoffError) as err:
                # A retry of something already stored is answered as the first time, whatever changed since.
                seq = self.repo.get_dedupe(cid, key) if key else None
                if seq is not None:
                    return ack(seq, True)
                if isinstance(err, rules.HandoffError):
                    raise
        else:
            raise conflict('the conversation is busy; retry')
        messages = plan['messages']
        route = plan['route']
        if route == Route.HANDOFF:
            self._publish(conv, 'handoff.requested')      # stored: notify first, whatever happens to the sockets
        if key:
            ack(messages[0]['seq'], False)
        events = [protocol.event('message', conversation_id=cid, message=protocol.public_message(m)) for m in messages]
        if route == Route.HANDOFF:
            events.append(self._handoff_event(conv, plan['previous']))
        # The sending socket learnt its own message's seq from the ack: no echo (a third of the posts).
        echo = events[0] if cmd.client_message_id and messages[0]['role'] == 'visitor' else None
        self._to_visitor(conv, events, origin=conn.connection_id, acked=echo)
        if route in (Route.HUMAN, Route.HANDOFF):
            self._to_operators(agent_id, events, plan.get('operators'))

    def _plan_visitor_message(self, conv, agent, kb, cmd, explicit):
        settings = settings_of(agent)
        current = Handoff.from_dict(conv.handoff)
        now = self.now()
        seq = conv.seq
        messages, changes = [], {'updated_at': now}
        if cmd.text is not None:
            seq += 1
            messages.append(self._message(conv, seq, 'visitor', cmd.text, client_message_id=cmd.client_message_id))
        if explicit:
            if current and current.is_open:
                raise rules.HandoffError('handoff_already_open', 'a person has already been asked for',
                                         handoff=current.to_dict())
            reason = Reason('visitor_request', 'pressed "talk to a person"')
        else:
            reason = None if current and current.is_open else triggers.detect(
                cmd.text, conv.visitor, settings['triggers'], conv.handoff_count)
        route = rules.route(current, settings['allow_human_handoff'], reason)
        bot_misses = conv.bot_misses
        if route == Route.BOT and cmd.text is not None:
            answer = self._bot_answer(cmd.text, kb, settings)
            bot_misses = 0 if answer.understood(settings['confidence_threshold']) else bot_misses + 1
            seq += 1
            messages.append(self._message(conv, seq, 'bot', answer.text,
                                          meta={'confidence': answer.confidence, 'entry_id': answer.entry_id}))
            changes['bot_misses'] = bot_misses
            reason = triggers.after_bot_miss(bot_misses, settings['triggers'])
            if reason and settings['allow_human_handoff']:
                route = Route.HANDOFF
        elif route == Route.DECLINE:
            seq += 1
            messages.append(self._message(conv, seq, 'bot', DECLINED, meta={'event': 'handoff.declined',
                                                                             'reason': reason.to_dict()}))
        plan = {'route': route, 'messages': messages, 'changes': changes, 'previous': current}
        if route == Route.HANDOFF:
            opened = rules.open_handoff(current, 'h_' + uuid.uuid4().hex[:16], reason, now)
            seq += 1
            notice = NOTICES['handoff.requested' if reason.code == 'visitor_request' else 'handoff.requested.detected']
            plan['operators'] = self.repo.operator_connections(conv.agent_id)   # delivered to after the write
            if not plan['operators']:
                notice = NOTICES['handoff.requested.offline']   # say so, rather than leave the visitor waiting
            messages.append(self._message(conv, seq, 'system', notice, meta={
                'event': 'handoff.requested', 'handoff_id': opened.id, 'reason': reason.to_dict()}))
            changes.update(self._handoff_changes(conv, opened, now))
            changes['handoff_count'] = conv.handoff_count + 1
            changes['bot_misses'] = 0
            plan['handoff_event'] = self._transition_record(opened, 'requested', Actor('visitor', conv.visitor_id),
                                                            reason.to_dict(), now)
        if messages:
            changes['last_message'] = self._preview(messages[-1] if messages[-1]['role'] != 'system' else messages[0])
        return plan

    def _bot_answer(self, text, kb, settings):
        entries = [Entry(eid, e['question'], e['answer']) for eid, e in (kb.as_dict().items() if kb else [])]
        try:
            return self.responder.answer(text, entries, threshold=settings['confidence_threshold'])
        except Exception:  # the visitor is never left without an answer because the bot broke
            logger.exception('responder failed')
            return BotAnswer(ERROR, 0.0)

    # ---- operator actions (socket and REST share these) ----------------------------------------

    def _operator_action(self, conn, cmd):
        operator = OperatorIdentity(conn.operator_id, conn.operator_name, tuple(conn.agent_ids))
        conv = self._conversation_for(operator, cmd.conversation_id) if cmd.conversation_id else None
        actor = Actor('operator', operator.id, operator.name)
        if cmd.action in ('acknowledge', 'resolve', 'cancel'):
            self.transition(cmd.conversation_id, cmd.action, actor, conv=conv, origin=conn.connection_id,
                            reason=cmd.reason, request_id=cmd.request_id)
        elif cmd.action == 'reply':
            self.reply(operator, cmd.conversation_id, cmd.client_message_id, cmd.text, conv=conv,
                       ack_to=(conn.connection_id, cmd.request_id))
        elif cmd.action == 'typing':
            self._to_visitor(conv, [protocol.event('typing', conversation_id=conv.conversation_id, role='human',
                                                   name=operator.name, is_typing=cmd.is_typing)])
        elif cmd.action in ('open', 'resume'):
            self.replay(conn.connection_id, conv.conversation_id, cmd.after, conv=conv)

    def operator_reply(self, operator, conversation_id, body):
        conv = self._conversation_for(operator, conversation_id)
        client_message_id, text = protocol.parse_reply(body)
        return self.reply(operator, conversation_id, client_message_id, text, conv=conv)

    def reply(self, operator, conversation_id, client_message_id, text, conv=None, ack_to=None):
        """An operator's message to the visitor. `ack_to` (socket, request id) is acknowledged as soon as
        the message is stored, before it is fanned out."""
        conv = self._conversation_for(operator, conversation_id, conv)

        def ack(seq, duplicate):
            if ack_to:
                self.sender.post(ack_to[0], protocol.event(
                    'ack', action='reply', client_message_id=client_message_id, seq=seq, duplicate=duplicate,
                    request_id=ack_to[1], conversation_id=conversation_id))
            return seq, duplicate

        key = 'operator:%s:%s' % (operator.id, client_message_id)
        for attempt in range(ATTEMPTS):
            if attempt:
                conv = self.repo.get_conversation(conversation_id)
            try:
                rules.check_can_reply(Handoff.from_dict(conv.handoff), operator.id)
                msg = self._message(conv, conv.seq + 1, 'human', text, client_message_id=client_message_id,
                                    author=operator.name, author_id=operator.id)
                self.repo.append(conv, [msg], {'last_message': self._preview(msg), 'updated_at': msg['created_at']},
                                 dedupe=(key, msg['seq']))
                break
            except (ConflictError, rules.HandoffError) as err:
                seq = self.repo.get_dedupe(conversation_id, key)   # already stored: same answer as the first time
                if seq is not None:
                    return ack(seq, True)
                if isinstance(err, rules.HandoffError):
                    raise
        else:
            raise conflict()
        result = ack(msg['seq'], False)
        events = [protocol.event('message', conversation_id=conversation_id, message=protocol.public_message(msg))]
        self._to_visitor(conv, events)
        self._to_operators(conv.agent_id, events)
        return result

    def transition(self, conversation_id, action, actor, conv=None, origin=None, reason=None, request_id=None):
        """acknowledge / resolve / cancel: the domain decides, a conditional write makes it stick."""
        conv = conv or self.repo.get_conversation(conversation_id)
        if conv is None:
            raise not_found('conversation')
        for attempt in range(ATTEMPTS):
            if attempt:
                conv = self.repo.get_conversation(conversation_id)
            now = self.now()
            current = Handoff.from_dict(conv.handoff)
            if action == 'acknowledge' and current and current.status == rules.Status.ACKNOWLEDGED \
                    and current.owner_id == actor.id:
                self._ack_action(origin, action, request_id, conv.seq)
                return current                      # a repeated click by the owner changes nothing
            new = rules.apply(current, action, actor, now)
            event_name = 'handoff.' + new.status.value
            text = NOTICES[event_name].format(name=actor.name or 'A team member')
            meta = {'event': event_name, 'handoff_id': new.id, 'by': actor.to_dict()}
            if reason:
                meta['note'] = reason
            msg = self._message(conv, conv.seq + 1, 'system', text, meta=meta)
            changes = self._handoff_changes(conv, new, now)
            changes['last_message'] = self._preview(msg)
            changes['updated_at'] = now
            record = self._transition_record(new, new.status.value, actor, {'note': reason} if reason else None, now)
            try:
                self.repo.append(conv, [msg], changes, handoff_event=record)
                break
            except ConflictError:
                continue
        else:
            raise conflict()
        self._publish(conv, event_name)
        self._ack_action(origin, action, request_id, msg['seq'])
        events = [protocol.event('message', conversation_id=conversation_id, message=protocol.public_message(msg)),
                  self._handoff_event(conv, current)]
        self._to_visitor(conv, events)
        self._to_operators(conv.agent_id, events)
        return new

    def _ack_action(self, connection_id, action, request_id, seq):
        if connection_id:       # over the socket: say it is done, as REST's 200 does
            self.sender.post(connection_id, protocol.event('ack', action=action, client_message_id=None, seq=seq,
                                                           duplicate=False, request_id=request_id))

    def operator_transition(self, operator, conversation_id, action, reason=None):
        if reason is not None and (not isinstance(reason, str) or len(reason) > 500):
            raise AppError('invalid_field', 'reason must be a string of at most 500 characters')
        conv = self._conversation_for(operator, conversation_id)
        return self.transition(conversation_id, action, Actor('operator', operator.id, operator.name),
                               conv=conv, reason=reason)

    def notification_consumer(self, webhook_secret):
        from chalicelib.notifications import NotificationConsumer
        return NotificationConsumer(self.repo, self.sender, self.inbox_entry, webhook_secret)

    # ---- reads ------------------------------------------------------------------------------------

    def replay(self, connection_id, conversation_id, after, conv=None):
        """Everything after `after`, in order, in as few socket messages as the size limit allows."""
        conv = conv or self.repo.get_conversation(conversation_id)
        current = Handoff.from_dict(conv.handoff) if conv else None
        messages = []
        while True:                       # pages of REPLAY_LIMIT until the end: the last event says complete
            page = self.repo.messages(conversation_id, after, REPLAY_LIMIT)
            messages.extend(page)
            if len(page) < REPLAY_LIMIT:
                break
            after = page[-1]['seq']
        batches = list(protocol.chunk_messages([protocol.public_message(m) for m in messages]))
        for i, batch in enumerate(batches):
            last = i == len(batches) - 1
            self.sender.post(connection_id, protocol.event(
                'history', conversation_id=conversation_id, messages=batch, complete=last,
                handoff=(current.to_dict() if current else None) if last else None))

    def history(self, operator, conversation_id, after, limit):
        self._conversation_for(operator, conversation_id)
        messages = [protocol.public_message(m) for m in self.repo.messages(conversation_id, after, limit + 1)]
        more = len(messages) > limit
        messages = messages[:limit]
        return {'messages': messages, 'next_after': messages[-1]['seq'] if more else None}

    def conversation(self, operator, conversation_id):
        conv = self._conversation_for(operator, conversation_id)
        result = summary(conv)
        result['handoffs'] = self.repo.handoff_events(conversation_id)
        return result

    def inbox(self, operator, agent_id, statuses=None, limit=50):
        """Pending first (longest waiting on top), then acknowledged, then the most recent others.
        One index query per status: the cost does not grow with closed history."""
        operator.check_agent(agent_id)
        wanted = statuses or ['pending', 'acknowledged', 'resolved', 'cancelled', 'bot']
        pending = self.repo.inbox_keys(agent_id, 'pending', 200, True) if 'pending' in wanted else []
        acked = self.repo.inbox_keys(agent_id, 'acknowledged', 200, False) if 'acknowledged' in wanted else []
        rest = []
        for status in ('resolved', 'cancelled', 'bot'):
            if status in wanted:
                rest.extend(self.repo.inbox_keys(agent_id, status, limit, False))
        recent = sorted(self.repo.conversations(rest), key=lambda c: c.updated_at, reverse=True)[:limit]
        conversations = self.repo.conversations(pending + acked) + recent
        return {'conversations': [summary(c) for c in conversations],
                'counts': {'pending': len(pending), 'acknowledged': len(acked)}}

    def inbox_entry(self, agent_id, conversation_id):
        """For the notification consumer: the conversation's summary and the agent's live counts."""
        conv = self.repo.get_conversation(conversation_id)
        counts = {s: len(self.repo.inbox_keys(agent_id, s, 200, True)) for s in ('pending', 'acknowledged')}
        return (summary(conv) if conv else None), counts

    # ---- helpers ------------------------------------------------------------------------------

    def _message(self, conv, seq, role, text, client_message_id=None, author=None, author_id=None, meta=None):
        return {'seq': seq, 'role': role, 'text': text, 'author': author, 'author_id': author_id,
                'client_message_id': client_message_id, 'created_at': self.now(), 'meta': meta}

    @staticmethod
    def _preview(m):
        return {'seq': m['seq'], 'role': m['role'], 'text': m['text'][:200], 'created_at': m['created_at']}

    @staticmethod
    def _handoff_changes(conv, h, now):
        """Moves the conversation between inbox lists; its index keys change only here."""
        status = h.status.value
        return {'handoff': h.to_dict(), 'status': status, 'gsi1pk': 'INBOX#%s#%s' % (conv.agent_id, status),
                'gsi1sk': h.requested_at if h.status == rules.Status.PENDING else now}

    @staticmethod
    def _transition_record(h, status, actor, reason, now):
        return {'handoff_id': h.id, 'status': status, 'at': now, 'by': actor.to_dict(), 'reason': reason}

    @staticmethod
    def _handoff_event(conv, previous):
        current = Handoff.from_dict(conv.handoff)
        return protocol.event('handoff', conversation_id=conv.conversation_id,
                              handoff=current.to_dict() if current else None,
                              previous=previous.status.value if previous else None)

    def _to_visitor(self, conv, events, origin=None, acked=None):
        """To every socket of the visitor; `origin` already holds `acked` and gets the rest."""
        others = sorted(set(conv.connections or ()) - {origin})
        gone = self.sender.fan_out(others, events)
        if origin in (conv.connections or ()):
            gone += self.sender.fan_out([origin], [e for e in events if e is not acked])
        self._forget(gone, conversation_id=conv.conversation_id)

    def _to_operators(self, agent_id, events, connections=None):
        """To every operator socket of the agent (`connections` if the caller has just queried them)."""
        if connections is None:
            connections = self.repo.operator_connections(agent_id)
        self._forget(self.sender.fan_out(connections, events), agent_id=agent_id)

    def _forget(self, gone, conversation_id=None, agent_id=None):
        """Drop sockets API Gateway called gone. Cleanup is best effort: the message is stored, and a
        failure here must not stop the notifications or the other deliveries."""
        for connection_id in gone:
            try:
                self.repo.forget_gone_connection(connection_id, conversation_id=conversation_id, agent_id=agent_id)
            except Exception:
                logger.exception('could not forget gone socket %s', connection_id)

    def _publish(self, conv, event_name):
        current = Handoff.from_dict(conv.handoff)
        event = {'event_id': '%s:%s' % (current.id, current.status.value), 'event': event_name,
                 'agent_id': conv.agent_id, 'conversation_id': conv.conversation_id,
                 'handoff': current.to_dict(), 'at': current.updated_at}
        try:
            self.notifier.publish(event)
        except Exception:   # stored and pushed live already; a lost notification must not fail the action
            logger.exception('could not publish %s', event['event_id'])


def build(config, sender=None, notifier=None):
    """The production object graph; tests pass their own sender to watch the sockets."""
    from chalicelib.domain.bot import KnowledgeBaseResponder
    from chalicelib.config import session_secret
    from chalicelib.delivery import Sender
    from chalicelib.notifications import Notifier
    from chalicelib.store import Repository
    return Services(Repository(), sender or Sender(config.ws_endpoint_url, config.region),
                    notifier or Notifier(config.notify_queue_url, config.region),
                    KnowledgeBaseResponder(config.bot_confidence_threshold), config,
                    session_secret=lambda: session_secret(config))
