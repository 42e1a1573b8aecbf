"""core.local_cache: what a process keeps, it keeps for LOCAL_CACHE_SECONDS and no longer."""

import time

from core.local_cache import local_cache, local_caches_clear

calls: list[int] = []


@local_cache(maxsize=10)
def square(*, n: int) -> int:
    calls.append(n)
    return n * n


def setup_function() -> None:
    calls.clear()
    local_caches_clear()


def test_a_warm_value_is_not_computed_again(local_caches):
    assert (square(n=3), square(n=3), square(n=4)) == (9, 9, 16)

    assert calls == [3, 4]


def test_a_value_is_read_again_once_the_time_to_live_has_passed(local_caches, settings):
    settings.LOCAL_CACHE_SECONDS = 0.05
    square(n=3)
    time.sleep(0.1)

    square(n=3)

    assert calls == [3, 3]


def test_zero_seconds_turns_the_cache_off(settings):
    settings.LOCAL_CACHE_SECONDS = 0

    square(n=3)
    square(n=3)

    assert calls == [3, 3]
