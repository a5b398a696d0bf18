"""The abuse-limit rules (domain.rate_limit): pure arithmetic over (tokens, at) and window numbers."""
import pytest

from chalicelib.domain.rate_limit import OFF, FixedWindow, Limits, RateLimited, TokenBucket


def test_a_full_bucket_allows_its_capacity_then_refuses_with_retry_after():
    bucket = TokenBucket(capacity=3, per_second=0.5)
    state = None
    for _ in range(3):
        state = bucket.take(state, 100.0)
    with pytest.raises(RateLimited) as refused:
        bucket.take(state, 100.0)
    assert refused.value.status == 429 and refused.value.code == 'rate_limited'
    assert refused.value.details == {'retry_after': 2}          # one token back after 2 s at 0.5/s


def test_the_bucket_refills_with_time_up_to_its_capacity():
    bucket = TokenBucket(capacity=3, per_second=0.5)
    empty = [0.0, 100.0]
    assert bucket.level(empty, 101.0) == 0.5
    assert bucket.take(empty, 102.0) == [0.0, 102.0]
    assert bucket.level(empty, 10_000.0) == 3                    # never more than the capacity
    assert bucket.level(None, 0) == 3                            # no state: full


def test_a_clock_going_backwards_adds_nothing():
    bucket = TokenBucket(capacity=3, per_second=1)
    assert bucket.level([1.0, 100.0], 90.0) == 1.0


def test_retry_after_is_whole_seconds_at_least_one():
    assert RateLimited(0.01).details['retry_after'] == 1
    assert RateLimited(2.2).details['retry_after'] == 3


def test_fixed_window_numbers_and_retry():
    window = FixedWindow(limit=5, seconds=60)
    assert window.window(119.0) == 1 and window.window(120.0) == 2
    assert window.retry_after(100.0) == 20.0
    assert window.expires(100.0) == 180                           # a window after the current one ends


def test_limits_from_the_environment():
    assert Limits.from_env({}) == Limits()
    assert Limits.from_env({'RATE_LIMITS': 'off'}) == OFF
    tuned = Limits.from_env({'VISITOR_MESSAGE_BURST': '5', 'VISITOR_MESSAGES_PER_MINUTE': '6',
                             'NEW_SESSIONS_PER_MINUTE_PER_ADDRESS': '0'})
    assert tuned.messages == TokenBucket(5, 0.1) and tuned.sessions_per_address is None


def test_a_visitor_turn_takes_a_token_and_a_refused_one_decides_nothing():
    from chalicelib.domain.conversation import Conversation
    from chalicelib.domain.settings import effective
    from chalicelib.domain.bot import BotAnswer
    conv = Conversation(id='shop.v1', agent_id='shop', visitor_id='v1', bucket=[0.2, 100.0])
    answered = []

    def answer(text):
        answered.append(text)
        return BotAnswer('hi', 1.0)
    with pytest.raises(RateLimited):
        conv.visitor_turn('hello', 'c1', False, effective({}), answer, lambda: False, 'now', 'h1',
                          limit=TokenBucket(5, 1.0), epoch=100.5)
    assert answered == []                                         # the bot never ran
    change = conv.visitor_turn('hello', 'c1', False, effective({}), answer, lambda: False, 'now', 'h1',
                               limit=TokenBucket(5, 1.0), epoch=101.0)
    assert change.updates['bucket'] == [0.2, 101.0] and answered == ['hello']
