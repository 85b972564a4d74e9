"""The hub's Redis cache backend (`satupintu.redis_cache`) against a real Redis on loopback.

Skipped, saying why, where no Redis answers at ``SATUPINTU_TEST_REDIS_URL`` (default: database 13 of the
local Redis); `.ci/run` starts one.
"""

import os
import threading

import pytest
import redis

from satupintu.redis_cache import RedisCache

URL = os.environ.get("SATUPINTU_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis answers at {URL}")
    backend = RedisCache(URL, {"KEY_PREFIX": "satupintu-test"})
    backend.clear()
    yield backend
    backend.clear()


def test_the_cache_reads_and_writes_through_one_client_per_pool(cache):
    cache.set("a", {"x": 1}, 30)
    assert cache.get("a") == {"x": 1}
    assert cache.add("a", "other", 30) is False
    assert cache.add("b", 1, 30) is True
    assert cache.incr("b", 4) == 5
    assert cache.get_many(["a", "b", "missing"]) == {"a": {"x": 1}, "b": 5}
    cache.delete("a")
    assert cache.get("a", "gone") == "gone"
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client  # one server: reads and writes share a pool


def test_threads_share_the_client_safely(cache):
    def count():
        for _ in range(200):
            cache.incr("counter")

    cache.set("counter", 0, 30)
    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("counter") == 800
