"""An agent (one chatbot) and its settings: defaults, and what a saved partial update means."""
from dataclasses import dataclass, field

from chalicelib.domain import escalation, inactivity, routing, triggers

DEFAULT_SETTINGS = {'allow_human_handoff': False, 'triggers': dict(triggers.DEFAULT_TRIGGERS),
                    'welcome_message': None, 'webhook_url': None, 'confidence_threshold': 0.35,
                    'llm': {'enabled': False, 'model_id': None},   # answer and judge with a Bedrock model
                    'retention_days': 365}      # messages and conversations expire this long after their last write
DEFAULT_SETTINGS.update(escalation=dict(escalation.DEFAULTS), inactivity=dict(inactivity.DEFAULTS))   # waiting visitors
DEFAULT_SETTINGS.update(assignment=dict(routing.DEFAULT_ASSIGNMENT))   # team inbox: manual / auto (domain.routing)
DEFAULT_SETTINGS.update(hours=None,        # business hours (domain/hours.py); None: always open
                        channels=None)     # team email + Slack (protocol/offhours.py); None: none


def effective(stored):
    """Stored settings over the defaults, every trigger switch present."""
    merged = dict(DEFAULT_SETTINGS)
    merged.update(stored or {})
    merged['triggers'] = triggers.enabled(merged.get('triggers'))
    return merged


def merge(stored, update):
    """The settings after a (partial) update from the Settings tab; triggers merge switch by switch."""
    merged = effective(stored)
    merged.update({k: v for k, v in update.items() if k != 'triggers'})
    merged['triggers'] = dict(merged['triggers'], **update.get('triggers', {}))
    return merged


@dataclass(frozen=True)
class Agent:
    id: str
    name: str
    settings: dict = field(default_factory=dict)    # as stored; `effective` fills the defaults
    version: int = 1

    @property
    def effective_settings(self):
        return effective(self.settings)
