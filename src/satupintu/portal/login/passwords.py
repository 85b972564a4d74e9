"""Checking a local password so that a wrong answer takes as long whether or not the user ID exists.

An unknown user ID costs one run of the default hasher (argon2id). Django evens out a wrong password only
between hashes of one algorithm: a wrong password against an imported SPSE MD5 hash would cost next to
nothing and tell that the account exists. Kept apart from the models so that it can be tested alone."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.hashers import (
    check_password,
    get_hasher,
    identify_hasher,
    is_password_usable,
    make_password,
)


def matches(password: str, encoded: str | None, setter: Callable[[str], None] | None = None) -> bool:
    """Whether ``password`` is the one ``encoded`` holds (``None``: no account to check it against).
    Every wrong answer runs the default hasher at least once; ``setter`` re-hashes on success."""
    if encoded is None or not is_password_usable(encoded):
        make_password(password)
        return False
    if check_password(password, encoded, setter):
        return True
    try:
        algorithm = identify_hasher(encoded).algorithm
    except ValueError:
        return False  # an unknown format: Django has already run the default hasher for it
    if algorithm != get_hasher().algorithm:
        make_password(password)
    return False
