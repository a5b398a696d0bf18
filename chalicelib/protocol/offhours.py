"""The settings `hours` and `channels` (checked here, hooked into protocol.bodies.parse_settings by one line)."""
from chalicelib.domain import hours as hours_rules
from chalicelib.domain.offline import valid_email
from chalicelib.protocol.fields import ProtocolError
from chalicelib.protocol.urls import UrlRefused, check_url

# Channel events: which status events reach the team's email and Slack (the signed webhook gets them all).
CHANNEL_EVENTS = ('handoff.requested', 'handoff.escalated', 'handoff.acknowledged', 'handoff.resolved',
                  'handoff.cancelled', 'handoff.transferred')
DEFAULT_CHANNEL_EVENTS = ['handoff.requested', 'handoff.escalated']
MAX_TEAM_ADDRESSES = 10
DEFAULT_CHANNELS = {'email': {'to': [], 'events': DEFAULT_CHANNEL_EVENTS},
                    'slack': {'url': None, 'events': DEFAULT_CHANNEL_EVENTS}}


def _refuse(message):
    raise ProtocolError('invalid_field', message, 'settings')


def check_settings(settings, allow_loopback_http=False):
    """`hours` and `channels` of a settings update, normalized in place (every key present)."""
    if settings.get('hours') is not None:             # null: back to the default (always open)
        try:
            settings['hours'] = hours_rules.validate(settings['hours'])
        except hours_rules.HoursError as bad:
            _refuse('hours: %s' % bad)
    if settings.get('channels') is not None:          # null: no team email, no Slack
        settings['channels'] = check_channels(settings['channels'], allow_loopback_http)


def _events(value, where):
    if value is None:
        return list(DEFAULT_CHANNEL_EVENTS)
    if not isinstance(value, list) or any(e not in CHANNEL_EVENTS for e in value):
        _refuse('%s.events must be a list of: %s' % (where, ', '.join(CHANNEL_EVENTS)))
    return list(dict.fromkeys(value))


def check_channels(channels, allow_loopback_http=False):
    if not isinstance(channels, dict) or set(channels) - {'email', 'slack'}:
        _refuse('channels must be {"email": {"to": [...], "events": [...]}, "slack": {"url": ..., "events": [...]}}')
    email = channels.get('email') or {}
    slack = channels.get('slack') or {}
    if not isinstance(email, dict) or set(email) - {'to', 'events'}:
        _refuse('channels.email must be {"to": ["team@example.com"], "events": [...]}')
    if not isinstance(slack, dict) or set(slack) - {'url', 'events'}:
        _refuse('channels.slack must be {"url": "https://hooks.slack.com/services/...", "events": [...]}')
    to = email.get('to') or []
    if not isinstance(to, list) or len(to) > MAX_TEAM_ADDRESSES or not all(valid_email(a) for a in to):
        _refuse('channels.email.to must be a list of at most %d email addresses' % MAX_TEAM_ADDRESSES)
    url = slack.get('url')
    if url is not None:
        if not isinstance(url, str) or len(url) > 500:
            _refuse('channels.slack.url must be an https URL')
        try:
            check_url(url, allow_loopback_http)
        except UrlRefused as refused:
            _refuse('channels.slack.url: %s' % refused)
    return {'email': {'to': list(dict.fromkeys(to)), 'events': _events(email.get('events'), 'channels.email')},
            'slack': {'url': url or None, 'events': _events(slack.get('events'), 'channels.slack')}}
