"""The portal's local password check costs one run of the default hasher (argon2id) for every wrong
answer: an unknown user ID, a wrong password against an argon2id hash, and a wrong password against an
imported SPSE MD5 hash, which on its own costs next to nothing. Counted, not timed."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.hashers import get_hasher, make_password

from satupintu.portal.login.passwords import matches

SPSE_MD5 = "spse_md5$$" + hashlib.md5(b"Lama#2020", usedforsecurity=False).hexdigest()


@pytest.fixture
def default_hasher_runs(monkeypatch):
    """How many times the default hasher has hashed or verified a password (the real work still runs)."""
    hasher = type(get_hasher())
    runs = []
    for name in ("encode", "verify"):
        real = getattr(hasher, name)

        def counted(self, *args, _real=real, _name=name, **kwargs):
            runs.append(_name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(hasher, name, counted)
    return runs


@pytest.mark.parametrize(
    "stored",
    [None, "!unusable", "spse_md5", "argon2id"],
    ids=["no account", "unusable password", "SPSE MD5", "argon2id"],
)
def test_a_wrong_answer_runs_the_default_hasher_once(stored, default_hasher_runs):
    encoded = {"spse_md5": SPSE_MD5, "argon2id": make_password("Lama#2020")}.get(stored, stored)
    default_hasher_runs.clear()
    assert matches("wrong#Pw1", encoded) is False
    assert len(default_hasher_runs) == 1, default_hasher_runs


def test_the_right_password_matches_and_an_md5_hash_is_upgraded():
    upgraded = []
    assert matches("Lama#2020", SPSE_MD5, upgraded.append) is True
    assert upgraded == ["Lama#2020"]
    assert matches("Lama#2020", make_password("Lama#2020")) is True
