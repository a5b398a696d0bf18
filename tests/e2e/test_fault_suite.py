"""The fault suite, small: benchmarks/fault.py against the local runtime, every check must hold.

Sockets aborted without a close frame at random moments, resends with the same
client_message_id, deliberate duplicates, reconnect + resume, a handoff raced by every operator
at once over REST and sockets, replies during the handoff (one refused: not the owner), posts
to gone sockets, and a notification queue that redelivers and crashes mid-batch. Then the store
is compared with what the clients were told. `python -m benchmarks.fault` is the large version
(>= 1,000 messages).
"""
from benchmarks import fault

OPERATORS = 4


def test_no_acknowledged_write_is_lost_or_doubled_under_faults(demo_stack):
    """demo_stack (conftest.py): demo data, four operators, a queue consumer that crashes and redelivers."""
    run = fault.execute(demo_stack, conversations=8, messages=6, handoff_share=0.3, abort_rate=0.3, dup_rate=0.15,
                        replies=3, seed=9, pace=0.1, settle=2.0)
    logs = fault.log_counts(demo_stack['log_path'])
    s = fault.summary(run, logs)
    problems = run.tally.problems
    assert s['lost'] == 0 and s['duplicated'] == 0 and s['seq_gaps'] == 0, problems
    assert s['owner_violations'] == 0 and s['replay_faults'] == 0, problems
    assert s['other_faults'] == 0, problems
    # the faults really happened
    assert s['sends_acked'] == 8 * 6
    assert s['handoffs'] == 2 and s['acknowledge_attempts'] == 2 * OPERATORS
    assert s['aborts'] >= 3 and s['resumes'] >= 8 + 3 and s['replayed'] > 0
    assert s['deliberate_duplicates'] >= 1 and s['replies_acked'] >= 6
    assert s['gone_posts'] >= 1                     # the app met GoneException on aborted sockets
    assert s['sqs_crashes'] >= 1                    # and the queue brought the batch back (inbox checks hold)
