import os
import sys

# tests.support is imported by path from the repository root, however pytest was started.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import pytest  # noqa: E402


@pytest.fixture(scope='session')
def demo_stack():
    """One runtime with the demo data, four operators and a notification queue that crashes and redelivers
    (benchmarks/fault.py's settings), shared by the fault suite and the embedded DynamoDB's tests."""
    from benchmarks import fault
    from tests.support.local_stack import local_stack
    # chaos seed 1: the consumer's first batch crashes mid-way; later ones are redelivered half the time
    with local_stack(fault.NO_RATE_LIMITS, args=fault.runtime_args(4, redeliver=0.5, crash=0.2,
                                                                    chaos_seed=1)) as info:
        yield info
