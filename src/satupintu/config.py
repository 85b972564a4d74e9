"""Settings from the environment, shared by the hub and the reference portal.

- ``SATUPINTU_DATA_DIR``: where SQLite databases, the generated secret key and uploads live
  (default ``./var``).
- ``DATABASE_URL``: a database URL (``postgres://user@host:5432/name``); SQLite in the data folder when
  absent.
- ``SATUPINTU_ISSUER``: the hub's OpenID Connect issuer, its public base URL
  (default ``http://127.0.0.1:8000``); discovery is at ``{issuer}/.well-known/openid-configuration``.
- ``SATUPINTU_OIDC_PRIVATE_KEY``: the PEM key that signs ID tokens (default: generated in the data folder).
- ``REDIS_URL``: optional; the cache (rate limits, sign-in codes across processes) uses Redis when given
  and the database otherwise.
- ``EMAIL_HOST``, ``EMAIL_PORT``: the SMTP server that sends mail (default ``127.0.0.1``, port ``25``);
  ``DEFAULT_FROM_EMAIL``: its sender (default ``SatuPintu <noreply@localhost>``).
- ``SATUPINTU_MAIL_DIR``: write each mail as a file in this folder instead of sending it (the demo does,
  so that a visitor can open the links without a mail server).
- ``SATUPINTU_TRUSTED_PROXIES``: how many reverse proxies of one's own stand before the hub (default 0).
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


def database(default_sqlite_name: str, url_variable: str = "DATABASE_URL") -> dict:
    """The database named by the environment variable ``url_variable``, else a SQLite file of the data
    folder. (A portal reads its own variable: ``DATABASE_URL`` is the hub's.)"""
    url = os.environ.get(url_variable)
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        config = dj_database_url.parse(f"sqlite:///{data_dir() / default_sqlite_name}")
        # A busy SQLite file waits for the writer instead of failing at once.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
        # Tests get a file, not shared memory: a server thread started by a test then has its own
        # connection, as a real server process would.
        config["TEST"] = {"NAME": str(data_dir() / f"test-{default_sqlite_name}")}
    return config


def cache() -> dict:
    url = os.environ.get("REDIS_URL")
    if url:
        return {"BACKEND": "satupintu.redis_cache.RedisCache", "LOCATION": url}
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


def oidc_private_key() -> str:
    """The RSA key (PEM) that signs ID tokens: ``SATUPINTU_OIDC_PRIVATE_KEY``, or one generated once and
    kept in the data folder. Every process of one hub must use the same key."""
    key = os.environ.get("SATUPINTU_OIDC_PRIVATE_KEY")
    if key:
        return key
    path = data_dir() / "oidc-private-key.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(pem)
        temporary.chmod(0o600)
        temporary.replace(path)  # two processes starting at once both end with one whole key
    return path.read_text()


def email() -> tuple[str, int, str]:
    """The SMTP server's host and port, and the sender of the mail it sends."""
    host = os.environ.get("EMAIL_HOST", "127.0.0.1")
    port = int(os.environ.get("EMAIL_PORT", "25"))
    sender = os.environ.get("DEFAULT_FROM_EMAIL", "SatuPintu <noreply@localhost>")
    return host, port, sender


def mail_dir() -> Path | None:
    value = os.environ.get("SATUPINTU_MAIL_DIR")
    return Path(value).resolve() if value else None


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def issuer() -> str:
    return os.environ.get("SATUPINTU_ISSUER", "http://127.0.0.1:8000").rstrip("/")


def hosts() -> list[str]:
    return [
        h.strip() for h in os.environ.get("SATUPINTU_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
    ]


def trusted_proxies() -> int:
    """How many reverse proxies of one's own stand in front of the hub (``SATUPINTU_TRUSTED_PROXIES``).

    Behind a proxy every request comes from the proxy's address: the per-address rate limits would then
    count every vendor of the country as one. With N proxies, the client is the N-th address from the
    right of ``X-Forwarded-For``; addresses further left are the client's to write and are never trusted.
    """
    value = os.environ.get("SATUPINTU_TRUSTED_PROXIES", "").strip() or "0"
    if not value.isdigit():
        raise ValueError(
            f"SATUPINTU_TRUSTED_PROXIES must be a whole number of proxies (0 or more), not {value!r}"
        )
    return int(value)
