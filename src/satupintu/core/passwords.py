"""Passwords: stored hashes as portals export them, and the policy for new passwords.

SatuPintu keeps every imported hash so the vendor's existing password keeps working; it is verified at
the first login and then upgraded to argon2id. Only formats that can be verified are accepted: Django's
encoded hashes of the algorithms below, and the bare 32-hex MD5 that older SPSE versions store.
"""

from __future__ import annotations

import enum
import re

# Django's encoded form is "<algorithm>$<...>"; these are the algorithms Django can verify.
DJANGO_ALGORITHMS = ("argon2", "pbkdf2_sha256", "bcrypt_sha256", "scrypt")
LEGACY_MD5 = "spse_md5"

_MD5 = re.compile(r"[0-9a-fA-F]{32}")
_DJANGO = {
    "argon2": re.compile(r"argon2\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+"),
    "pbkdf2_sha256": re.compile(r"pbkdf2_sha256\$\d+\$[^$]+\$[A-Za-z0-9+/=]+"),
    "bcrypt_sha256": re.compile(r"bcrypt_sha256\$\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}"),
    # scrypt$<work factor n>$<salt>$<block size r>$<parallelism p>$<hash>, as Django encodes it.
    "scrypt": re.compile(r"scrypt\$\d+\$[^$]+\$\d+\$\d+\$[A-Za-z0-9+/=]+"),
}
# Every accepted form, each to be matched whole; the column-wise file path checks hashes with them in SQL.
HASH_PATTERNS = (_MD5, *_DJANGO.values())


def hash_format(value: str) -> str | None:
    """The algorithm of a stored hash (a Django algorithm name or ``spse_md5``), or None if unknown."""
    value = value.strip()
    if _MD5.fullmatch(value):
        return LEGACY_MD5
    algorithm = value.split("$", 1)[0]
    pattern = _DJANGO.get(algorithm)
    if pattern and pattern.fullmatch(value):
        return algorithm
    return None


# The password policy of the hub (seed 003): at least 8 characters, with upper case, lower case, a digit
# and a special character. The strength meter of the hub's pages mirrors these rules in JavaScript
# (hub/static/satupintu/password-meter.js); this function is the authority.
class PolicyRule(enum.StrEnum):
    LENGTH = "length"
    UPPER = "upper"
    LOWER = "lower"
    DIGIT = "digit"
    SPECIAL = "special"


MIN_LENGTH = 8

_CLASS_TESTS = {
    PolicyRule.UPPER: str.isupper,
    PolicyRule.LOWER: str.islower,
    PolicyRule.DIGIT: str.isdecimal,
    # Anything that is neither a letter, a digit nor white space: punctuation, symbols.
    PolicyRule.SPECIAL: lambda c: not c.isalnum() and not c.isspace(),
}


def policy_gaps(password: str) -> tuple[PolicyRule, ...]:
    """The rules of the policy that ``password`` does not meet, in the policy's order (empty: it passes)."""
    gaps = [PolicyRule.LENGTH] if len(password) < MIN_LENGTH else []
    gaps += [rule for rule, test in _CLASS_TESTS.items() if not any(test(c) for c in password)]
    return tuple(gaps)
