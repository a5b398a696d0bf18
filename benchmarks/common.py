"""What every figure shares: its result format and how it hands the result to benchmarks.run."""
import json
import sys

MARK = 'BENCH-RESULT '


def row(figure, name, measured, target, passed, value=None, note=''):
    """One line of the table. `passed` is True, False or None (information only)."""
    return {'figure': figure, 'name': name, 'measured': measured, 'target': target, 'pass': passed,
            'value': value, 'note': note}


def emit(rows, details=()):
    """Print the result where benchmarks.run finds it (the last line starting with MARK)."""
    sys.stdout.flush()
    print(MARK + json.dumps({'rows': rows, 'details': list(details)}), flush=True)


def fmt(value, digits=2):
    return ('%.*f' % (digits, value)).rstrip('0').rstrip('.') if isinstance(value, float) else str(value)
