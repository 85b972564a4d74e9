"""Django's Redis cache, with one Redis client per connection pool instead of one per operation.

Django's client builds a new ``redis.Redis`` for every cache operation; building one costs more than a
round trip to Redis on loopback, and a sign-in makes about twenty (allauth's rate limits). A
``redis.Redis`` is safe to share: it takes a connection from its pool for each command.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class _ClientPerPool(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ClientPerPool
