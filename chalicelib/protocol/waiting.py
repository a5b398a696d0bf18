"""The waiting settings (`escalation`, `inactivity`) as the Settings tab saves them: refused when malformed."""
from chalicelib.domain import escalation, inactivity
from chalicelib.protocol.fields import ProtocolError


def check_waiting(settings):
    for name, check in (('escalation', escalation.check), ('inactivity', inactivity.check)):
        if name in settings:
            problem = check(settings[name])
            if problem:
                raise ProtocolError('invalid_field', problem, 'settings')
