"""Password hashers of the hub.

New and upgraded passwords use argon2id with the parameters below. Hashes imported from SPSE are
verified with the algorithm they were made with and, because they are not the first hasher in
``PASSWORD_HASHERS``, Django rewrites them with argon2id at the first successful login.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.hashers import Argon2PasswordHasher, BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop as _

from satupintu.core.passwords import LEGACY_MD5, hash_format


class Argon2idHasher(Argon2PasswordHasher):
    """argon2id, t=5, m=7 MiB, p=1: the parameters of Keycloak's published sizing run, so that the login
    benchmark compares like with like. Changing them re-hashes each password at its next login."""

    time_cost = 5
    memory_cost = 7168  # KiB
    parallelism = 1


class DigestHasher(BasePasswordHasher):
    """A one-pass digest stored as ``<algorithm>$<salt>$<hex>``; subclasses say which digest. For
    values that are not passwords to protect (client secrets) or that only need verifying (imports)."""

    def digest(self, password: str, salt: str) -> str:
        raise NotImplementedError

    def encode(self, password: str, salt: str) -> str:
        return f"{self.algorithm}${salt}${self.digest(password, salt)}"

    def decode(self, encoded: str) -> dict:
        algorithm, salt, digest = encoded.split("$", 2)
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        return constant_time_compare(self.encode(password, self.decode(encoded)["salt"]), encoded)

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {_("algorithm"): decoded["algorithm"], _("hash"): mask_hash(decoded["hash"])}

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass


class SpseMD5Hasher(DigestHasher):
    """The bare MD5 that older SPSE versions store, imported as ``spse_md5$$<hex>``. Verify only: a
    password is never stored this way by the hub."""

    algorithm = LEGACY_MD5

    def salt(self) -> str:
        return ""

    def digest(self, password: str, salt: str) -> str:
        return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()


def from_export(stored: str) -> str:
    """The Django encoding of a hash as a portal exported it; "" when there is none or it is unknown
    (an unusable password: the account cannot be signed in to with any password)."""
    stored = stored.strip()
    kind = hash_format(stored)
    if kind == LEGACY_MD5:
        return f"{LEGACY_MD5}$${stored.lower()}"
    return stored if kind else ""
