"""Tests for satupintu.core.passwords: which stored hashes SatuPintu can keep and verify."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satupintu.core.passwords import DJANGO_ALGORITHMS, LEGACY_MD5, hash_format

BCRYPT_TAIL = "N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"  # 53 characters of bcrypt's base64
assert len(BCRYPT_TAIL) == 53

# Literal examples in the formats Django writes (no Django import in these tests).
PBKDF2 = "pbkdf2_sha256$870000$salt$DgjRMu6hCbxn72T5IQNiSqdzsyhStavDr+kNs/p4+SA="
ARGON2 = "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
BCRYPT = "bcrypt_sha256$$2b$12$" + BCRYPT_TAIL
# Django's ScryptPasswordHasher: scrypt$<n>$<salt>$<r>$<p>$<base64 hash>.
SCRYPT = (
    "scrypt$16384$saltsaltsalt$8$5$"
    "PsT9VkaJyjrZRAfe2Hr9p9RF+wBa496YglRlvmmaVFtsLZqQr2sDSUTjnL6qej1K0mKbAYlbz7h8ylQfBmI7Ag=="
)
MD5 = "5f4dcc3b5aa765d61d8327deb882cf99"  # md5("password"), as older SPSE versions store it


@pytest.mark.parametrize(
    ("value", "algorithm"),
    [
        (PBKDF2, "pbkdf2_sha256"),
        ("pbkdf2_sha256$870000$salt$base64=", "pbkdf2_sha256"),
        (ARGON2, "argon2"),
        ("argon2$argon2i$v=19$m=512,t=2,p=2$c2FsdA$aGFzaA", "argon2"),
        ("argon2$argon2d$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "argon2"),
        (BCRYPT, "bcrypt_sha256"),
        ("bcrypt_sha256$$2a$10$" + BCRYPT_TAIL, "bcrypt_sha256"),
        ("bcrypt_sha256$$2y$12$" + BCRYPT_TAIL, "bcrypt_sha256"),
        (SCRYPT, "scrypt"),
        ("scrypt$16384$salt$8$1$base64=", "scrypt"),
        (MD5, LEGACY_MD5),
        (MD5.upper(), LEGACY_MD5),
        (f"  {MD5}\n", LEGACY_MD5),
        (f" {PBKDF2} ", "pbkdf2_sha256"),
    ],
    ids=[
        "pbkdf2-real",
        "pbkdf2-example",
        "argon2id",
        "argon2i",
        "argon2d",
        "bcrypt-2b",
        "bcrypt-2a",
        "bcrypt-2y",
        "scrypt-real",
        "scrypt-example",
        "md5",
        "md5-upper",
        "md5-padded",
        "pbkdf2-padded",
    ],
)
def test_known_formats_are_recognised(value, algorithm):
    assert hash_format(value) == algorithm


def test_every_django_algorithm_has_an_example_here():
    recognised = {hash_format(v) for v in (PBKDF2, ARGON2, BCRYPT, SCRYPT)}
    assert recognised == set(DJANGO_ALGORITHMS)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "password",
        "Rahasia123!",
        "sha1$salt$e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4",
        "md5$salt$5f4dcc3b5aa765d61d8327deb882cf99",
        "unsalted_md5$5f4dcc3b5aa765d61d8327deb882cf99",
        "5f4dcc3b5aa765d61d8327deb882cf9",  # 31 hex characters
        "5f4dcc3b5aa765d61d8327deb882cf999",  # 33 hex characters
        "5f4dcc3b5aa765d61d8327deb882cfzz",  # 32 characters, not all hex
        "5f4dcc3b5aa765d6 1d8327deb882cf99",
        "pbkdf2_sha256$abc$salt$hash=",  # iterations not a number
        "pbkdf2_sha256$870000$salt$",  # no hash
        "pbkdf2_sha256$870000$$hash=",  # no salt
        "pbkdf2_sha1$870000$salt$hash=",
        "argon2$argon2x$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA",
        "argon2$argon2id$v=19$m=102400,t=2$c2FsdA$aGFzaA",
        "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA",
        "bcrypt_sha256$$2b$12$" + BCRYPT_TAIL[:-1],  # 52 characters
        "bcrypt_sha256$$2c$12$" + BCRYPT_TAIL,
        "bcrypt$$2b$12$" + BCRYPT_TAIL,
        "scrypt$16384$salt$8$hash=",  # parallelism missing
        "scrypt$16384$salt$8$1$1$hash=",  # one field too many
        "$2b$12$" + BCRYPT_TAIL,  # a bare bcrypt hash, not Django's encoding
    ],
    ids=[
        "empty",
        "plain-text",
        "plain-text-strong",
        "django-sha1",
        "django-salted-md5",
        "django-unsalted-md5",
        "hex-31",
        "hex-33",
        "md5-not-hex",
        "md5-with-space",
        "pbkdf2-bad-iterations",
        "pbkdf2-no-hash",
        "pbkdf2-no-salt",
        "pbkdf2-sha1",
        "argon2-bad-variant",
        "argon2-missing-parallelism",
        "argon2-no-hash",
        "bcrypt-short",
        "bcrypt-bad-prefix",
        "bcrypt-unsupported-algorithm",
        "scrypt-too-few-fields",
        "scrypt-too-many-fields",
        "bare-bcrypt",
    ],
)
def test_unknown_formats_are_refused(value):
    assert hash_format(value) is None


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789abcdefABCDEF", min_size=32, max_size=32))
def test_any_32_hex_is_legacy_md5(value):
    assert hash_format(value) == LEGACY_MD5


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789abcdef", min_size=0, max_size=64).filter(lambda v: len(v) != 32))
def test_hex_of_another_length_is_refused(value):
    assert hash_format(value) is None
