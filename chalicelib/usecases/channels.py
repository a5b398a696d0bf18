"""What each notification channel sends (issue 12 item 5): the team's email (SES) and Slack (an incoming
webhook: plain Block Kit text with a link to the conversation), plus the visitor's emailed reply.

Each function sends ONE thing and raises on failure; the consumer (usecases/notifications.py) claims the
(event, channel) marker first, so every channel is idempotent per event and a failing one blocks no other.
"""
from chalicelib.adapters.webhooks import post_json

TITLES = {'handoff.requested': 'A visitor asks for a person', 'handoff.escalated': 'A visitor is still waiting',
          'handoff.acknowledged': 'Conversation taken', 'handoff.resolved': 'Conversation resolved',
          'handoff.cancelled': 'Request cancelled', 'handoff.transferred': 'Conversation transferred'}
PREVIEW = 300


def settings_of(agent):
    """The agent's `channels` setting, every key present (protocol/offhours.py writes it normalized)."""
    channels = (agent.effective_settings.get('channels') if agent else None) or {}
    return {'email': dict({'to': [], 'events': []}, **(channels.get('email') or {})),
            'slack': dict({'url': None, 'events': []}, **(channels.get('slack') or {}))}


def wanted(agent, event_name):
    """{channel: configuration} of the team channels that take this event."""
    chosen = settings_of(agent)
    out = {}
    if chosen['email']['to'] and event_name in chosen['email']['events']:
        out['email'] = chosen['email']
    if chosen['slack']['url'] and event_name in chosen['slack']['events']:
        out['slack'] = chosen['slack']
    return out


def link(ctx, conversation_id):
    base = ctx.config.dashboard_url
    return '%s/#c=%s' % (base, conversation_id) if base else None


def describe(ctx, agent, event, summary):
    """(title, lines) in plain words: who, why, the last message, the link."""
    title = '%s: %s' % (agent.name if agent else event['agent_id'], TITLES.get(event['event'], event['event']))
    handoff = event.get('handoff') or {}
    visitor = (summary or {}).get('visitor') or {}
    who = visitor.get('name') or visitor.get('email') or 'a visitor'
    lines = ['Visitor: %s' % who]
    reason = (handoff.get('reason') or {})
    if reason.get('code'):
        lines.append('Reason: %s%s' % (reason['code'], ' (%s)' % reason['detail'] if reason.get('detail') else ''))
    if handoff.get('contact'):
        lines.append('Left an email for a reply: %s' % handoff['contact'].get('email'))
    last = (summary or {}).get('last_message') or {}
    if last.get('text'):
        lines.append('Last message: %s' % last['text'][:PREVIEW])
    url = link(ctx, event['conversation_id'])
    if url:
        lines.append('Open it: %s' % url)
    return title, lines


def send_team_email(ctx, agent, event, summary, config):
    if ctx.mailer is None:
        raise RuntimeError('email channel configured but MAIL_FROM is not set')
    title, lines = describe(ctx, agent, event, summary)
    ctx.mailer.send(config['to'], title, '\n'.join(lines) + '\n')


def slack_body(ctx, agent, event, summary):
    """Block Kit with plain text only (mrkdwn off): visitor text cannot format, mention or link."""
    title, lines = describe(ctx, agent, event, summary)
    text = '\n'.join(lines)
    return {'text': title, 'blocks': [
        {'type': 'header', 'text': {'type': 'plain_text', 'text': title[:150]}},
        {'type': 'section', 'text': {'type': 'plain_text', 'text': text[:2900], 'emoji': False}}]}


def send_slack(ctx, agent, event, summary, config):
    post_json(config['url'], slack_body(ctx, agent, event, summary),
              allow_loopback_http=ctx.config.webhook_allow_loopback_http)


def send_visitor_reply(ctx, event):
    """An operator's reply to a visitor who left an email while the team was away."""
    if ctx.mailer is None:
        raise RuntimeError('a reply by email is due but MAIL_FROM is not set')
    agent = ctx.stores.agents.get(event['agent_id'])
    name = agent.name if agent else 'our team'
    author = event.get('author') or 'The team'
    text = ('%s\n\n-- %s, %s\n\nThis answers the message you left on our website; the conversation is there '
            'too when you come back.\n' % (event['text'], author, name))
    ctx.mailer.send(event['to'], 'Re: ' + DEFAULT_SUBJECT % name, text)


DEFAULT_SUBJECT = 'your message to %s'
