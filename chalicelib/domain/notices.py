"""What the visitor reads when the handoff changes: system notices stored in the transcript."""

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


def notice(event, name=None):
    return NOTICES[event].format(name=name or 'A team member')
