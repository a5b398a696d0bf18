"""A small Naive Bayes model that backs up the rules in triggers.py: pure Python, weights in a JSON file.

Trained from the dev split of benchmarks/data/detection by `python -m benchmarks.train_detector`;
read lazily on first use (the Lambda cold start does not pay for it unless a message reaches it).
"""
import functools
import json
import os
import re

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'detector_model.json')


def features(text):
    """Words and character 3- to 5-grams inside words of the normalised text (accents folded)."""
    from chalicelib.domain.triggers import normalise
    words = re.findall(r'\w+', normalise(text))
    out = ['w:' + w for w in words]
    for w in words:
        padded = ' %s ' % w
        for n in (3, 4, 5):
            out.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return out


@functools.lru_cache(maxsize=1)
def load(path=PATH):
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def scores(text, model):
    labels = model['labels']
    total = [model['prior'][label] + 0.0 for label in labels]
    unseen = [model['unseen'][label] for label in labels]
    logp = model['logp']
    for f in features(text):
        row = logp.get(f)
        for i in range(len(labels)):
            total[i] += unseen[i] + (row[i] if row else 0.0)
    return dict(zip(labels, total))


def predict(text, model=None, margin=None):
    """(label, margin over `none`) when a handoff class beats `none` by at least `margin`, else None."""
    model = model or load()
    if not model:
        return None
    margin = model.get('margin', 3.0) if margin is None else margin
    s = scores(text, model)
    best = max((label for label in s if label != 'none'), key=s.get)
    lead = s[best] - s['none']
    return (best, lead) if lead >= margin else None
