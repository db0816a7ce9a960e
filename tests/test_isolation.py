"""Parallel test processes take the Redis databases after the one given (tests/isolation.py)."""

from .isolation import shifted


def test_a_redis_url_is_moved_by_the_process_index():
    assert shifted("redis://127.0.0.1:6379/8", 1) == "redis://127.0.0.1:6379/9"
    assert shifted("redis://127.0.0.1:6379", 2) == "redis://127.0.0.1:6379/2"
    assert shifted("rediss://:secret@cache:6380/1?ssl_cert_reqs=none", 3) == (
        "rediss://:secret@cache:6380/4?ssl_cert_reqs=none"
    )
    assert shifted("redis://127.0.0.1:6379/8", 0) == "redis://127.0.0.1:6379/8"
    assert shifted("memory://", 3) == "memory://"
