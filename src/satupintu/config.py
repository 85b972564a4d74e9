"""Settings from the environment, shared by the hub and the reference portal.

- ``SATUPINTU_DATA_DIR``: where SQLite databases, the generated secret key and uploads live
  (default ``./var``).
- ``DATABASE_URL``: a database URL (``postgres://user@host:5432/name``); SQLite in the data folder when
  absent.
- ``REDIS_URL``: optional; the cache (rate limits, sign-in codes across processes) uses Redis when given
  and the database otherwise.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url


def data_dir() -> Path:
    path = Path(os.environ.get("SATUPINTU_DATA_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database(default_sqlite_name: str) -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        config = dj_database_url.parse(f"sqlite:///{data_dir() / default_sqlite_name}")
        # A busy SQLite file waits for the writer instead of failing at once.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    return config


def cache() -> dict:
    url = os.environ.get("REDIS_URL")
    if url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "satupintu_cache"}


def secret_key(name: str) -> str:
    """The secret key from ``SATUPINTU_SECRET_KEY``, or one generated once and kept in the data folder."""
    key = os.environ.get("SATUPINTU_SECRET_KEY")
    if key:
        return key
    path = data_dir() / f"{name}.secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def hosts() -> list[str]:
    return [
        h.strip() for h in os.environ.get("SATUPINTU_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
    ]
