"""Handoff detection quality: per-class precision/recall, false handoffs, confusion, latency.

    python -m benchmarks.detection_eval              both splits, table + BENCH-RESULT line
    python -m benchmarks.detection_eval --errors     also list the DEV split's mistakes (never the held-out's:
                                                     rules are tuned on dev only)

Data: benchmarks/data/detection/{dev,heldout}.jsonl (see the README there). Each message goes through
`chalicelib.domain.triggers.detect(text, None, {}, recent=...)` with every trigger on and no VIP visitor;
the reason code is mapped to the set's labels (visitor_request -> human_request, billing -> billing_dispute,
no reason -> none). Targets (issue 10), judged on the held-out split: recall >= 0.90 and precision >= 0.90
for every class, false-handoff rate on `none` <= 3 %. Latency: each message's median time over REPEAT
runs, p50/p99 across the messages of both splits (after a warm-up pass; import + first call in a fresh
process, which compiles the patterns and loads the model, is reported apart). The dev numbers include the fallback model trained on dev (in-sample).
"""
import argparse
import json
import os
import subprocess
import sys
import time

from benchmarks.common import emit, fmt, row
from chalicelib.domain import triggers

FIGURE = '7'
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'data', 'detection')
SPLITS = ('dev', 'heldout')
LABELS = ('human_request', 'complaint', 'billing_dispute', 'sales', 'emotional', 'complex', 'none')
CODE_TO_LABEL = {'visitor_request': 'human_request', 'billing': 'billing_dispute'}
TARGET_RECALL = 0.90
TARGET_PRECISION = 0.90
TARGET_FALSE_HANDOFF = 0.03
TARGET_P99_MS = 5.0
REPEAT = 7
HELDOUT_BATCHES = {1: 'written first, the same situations in 7 languages as dev batch 1',
                   2: 'fresh wording, written before any rule change from dev batch 2 and before dev batches 3-11',
                   3: 'a second author, written before dev batches 12-20 and before any rule change by that author'}


def load(split):
    with open(os.path.join(DATA, split + '.jsonl'), encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def predict(item):
    reason = triggers.detect(item['text'], None, {}, recent=item.get('recent') or ())
    if reason is None:
        return 'none', ''
    return CODE_TO_LABEL.get(reason.code, reason.code), reason.detail


def score(items):
    """Per-class precision/recall, false-handoff rate, confusion[gold][predicted], errors."""
    confusion = {g: {p: 0 for p in LABELS} for g in LABELS}
    errors = []
    for item in items:
        predicted, detail = predict(item)
        confusion[item['label']][predicted if predicted in LABELS else 'none'] += 1
        if predicted != item['label']:
            errors.append((item, predicted, detail))
    per_class = {}
    for label in LABELS:
        tp = confusion[label][label]
        gold = sum(confusion[label].values())
        pred = sum(confusion[g][label] for g in LABELS)
        per_class[label] = {'precision': tp / pred if pred else 1.0, 'recall': tp / gold if gold else 1.0,
                            'support': gold}
    none_total = sum(confusion['none'].values())
    false_handoff = (none_total - confusion['none']['none']) / none_total if none_total else 0.0
    handoff_gold = [i for i in items if i['label'] != 'none']
    missed = sum(confusion[g]['none'] for g in LABELS if g != 'none')
    return {'per_class': per_class, 'false_handoff': false_handoff, 'confusion': confusion, 'errors': errors,
            'handoff_recall': 1 - missed / len(handoff_gold) if handoff_gold else 1.0,
            'accuracy': sum(confusion[g][g] for g in LABELS) / len(items), 'n': len(items)}


def cold_start_ms():
    """Import + first call in a fresh process: compiles the patterns and loads the model's weights."""
    code = ('import time; t0 = time.perf_counter(); from chalicelib.domain import triggers; '
            'triggers.detect("hi, what are your opening hours?", None, {}); print((time.perf_counter() - t0) * 1000)')
    root = os.path.dirname(HERE)
    out = subprocess.run([sys.executable, '-c', code], cwd=root, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=root))
    try:
        return float(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return float('nan')


def latency(items):
    """(p50, p99) over messages of each message's median time in REPEAT runs, in ms, and the first-call time.

    The median per message takes out other processes on a shared machine (one slow run of a fast message
    is the machine, not the detector); the p99 across messages still shows the slowest messages."""
    first = cold_start_ms()
    for item in items:                      # warm-up
        predict(item)
    per_message = []
    for item in items:
        runs = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            predict(item)
            runs.append((time.perf_counter() - t0) * 1000)
        runs.sort()
        per_message.append(runs[len(runs) // 2])
    per_message.sort()
    return per_message[len(per_message) // 2], per_message[min(len(per_message) - 1, int(len(per_message) * 0.99))], first


def confusion_lines(result):
    short = {'human_request': 'human', 'complaint': 'compl', 'billing_dispute': 'billing', 'sales': 'sales',
             'emotional': 'emot', 'complex': 'complex', 'none': 'none'}
    lines = ['%-16s' % 'gold \\ detected' + ''.join('%8s' % short[p] for p in LABELS)]
    for g in LABELS:
        lines.append('%-16s' % g + ''.join('%8d' % result['confusion'][g][p] for p in LABELS))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m benchmarks.detection_eval', description=__doc__.split('\n\n')[0])
    parser.add_argument('--errors', action='store_true', help="list the dev split's mistakes")
    args = parser.parse_args(argv)
    data = {split: load(split) for split in SPLITS}
    results = {split: score(data[split]) for split in SPLITS}
    p50, p99, first = latency(data['dev'] + data['heldout'])

    details = []
    for split in SPLITS:
        r = results[split]
        details.append('%s split: %d messages, accuracy %.3f, handoff recall (any reason) %.3f, '
                       'false handoffs on none %.1f %%' % (split, r['n'], r['accuracy'], r['handoff_recall'],
                                                           100 * r['false_handoff']))
        details.append('  %-16s %9s %7s %8s' % ('class', 'precision', 'recall', 'messages'))
        for label in LABELS:
            c = r['per_class'][label]
            details.append('  %-16s %9.3f %7.3f %8d' % (label, c['precision'], c['recall'], c['support']))
        details += ['  ' + line for line in confusion_lines(r)]
        if split == 'heldout':
            for batch in sorted({item.get('batch', 1) for item in data[split]}):
                part = score([item for item in data[split] if item.get('batch', 1) == batch])
                details.append('  held-out batch %d (%s): %d messages, accuracy %.3f, false handoffs on none %.1f %%, recall %s'
                               % (batch, HELDOUT_BATCHES.get(batch, ''), part['n'], part['accuracy'], 100 * part['false_handoff'],
                                  ', '.join('%s %.2f' % (label, part['per_class'][label]['recall']) for label in LABELS
                                            if label != 'none')))
    details.append('detector latency per message (median of %d runs each, %d messages): p50 %.3f ms, p99 %.3f ms; '
                   'import + first call in a fresh process (patterns compiled, model loaded) %.0f ms' % (REPEAT, len(data['dev']) + len(data['heldout']), p50, p99, first))
    for line in details:
        print(line)
    if args.errors:
        print('\ndev errors (gold -> detected):')
        for item, predicted, detail in results['dev']['errors']:
            print('  [%s] %s -> %s  %r  %s' % (item['lang'], item['label'], predicted, item['text'], detail))

    rows = []
    held = results['heldout']
    dev = results['dev']
    for label in LABELS:
        if label == 'none':
            continue
        h, d = held['per_class'][label], dev['per_class'][label]
        passed = h['recall'] >= TARGET_RECALL and h['precision'] >= TARGET_PRECISION
        rows.append(row(FIGURE, 'Detection %s: precision / recall, held-out (dev)' % label,
                        '%.2f / %.2f (%.2f / %.2f)' % (h['precision'], h['recall'], d['precision'], d['recall']),
                        'P >= %s, R >= %s' % (fmt(TARGET_PRECISION), fmt(TARGET_RECALL)), passed,
                        value={'heldout': h, 'dev': d}))
    rows.append(row(FIGURE, 'Detection false handoffs on `none`, held-out (dev)',
                    '%.1f %% (%.1f %%)' % (100 * held['false_handoff'], 100 * dev['false_handoff']),
                    '<= %d %%' % round(100 * TARGET_FALSE_HANDOFF), held['false_handoff'] <= TARGET_FALSE_HANDOFF,
                    value={'heldout': held['false_handoff'], 'dev': dev['false_handoff']}))
    rows.append(row(FIGURE, 'Detector latency per message p50 / p99', '%.2f / %.2f ms' % (p50, p99),
                    'p99 <= %s ms' % fmt(TARGET_P99_MS), p99 <= TARGET_P99_MS,
                    value={'p50_ms': p50, 'p99_ms': p99, 'first_call_ms': first}))
    emit(rows, details)
    return 0


if __name__ == '__main__':
    sys.exit(main())
