"""A waiting visitor's expected wait, from the agent's recent time-to-acknowledge: rounded, never precise."""

MIN_SAMPLES = 1


def eta_seconds(total, count, position, waited):
    """Average recent wait × position, less what this visitor already waited; None without data.
    (An average wait already includes queueing, so this overestimates long queues a little: better than
    a promise that slips.)"""
    if not count or count < MIN_SAMPLES or not position:
        return None
    average = total / count
    return max(0, int(average * position - max(0.0, waited)))


def eta_text(seconds):
    """'less than a minute', 'about 3 minutes', 'about 15 minutes', 'about 2 hours'; None → None."""
    if seconds is None:
        return None
    if seconds < 60:
        return 'less than a minute'
    minutes = seconds / 60.0
    if minutes < 1.5:
        return 'about 1 minute'
    if minutes <= 5:
        return 'about %d minutes' % _round(minutes)
    if minutes <= 30:
        return 'about %d minutes' % (5 * _round(minutes / 5))
    if minutes < 90:
        return 'about %d minutes' % (10 * _round(minutes / 10))
    hours = _round(minutes / 60)
    return 'about %d hour%s' % (hours, '' if hours == 1 else 's')


def _round(x):
    return int(x + 0.5)          # half up: 2.5 hours reads "about 3 hours", not Python's banker's 2
