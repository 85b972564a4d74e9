"""The ID-token signing key, parsed once per process.

allauth parses the PEM key for every token it signs, and the parse (with the RSA key's validation in
`cryptography`) is most of the CPU a token exchange costs (docs/benchmarks.md, roaming). allauth has no
hook for the parsed key, so its loader is wrapped with a cache at start-up; allauth is pinned, and
tests/hub/test_sso.py checks both that the wrapper is in place and that tokens still validate.
"""

from __future__ import annotations

import functools
from typing import Any

from allauth.core.internal import jwkkit

_parse_once = functools.lru_cache(maxsize=8)(jwkkit.load_jwk_from_pem)


def load_jwk_from_pem(pem: str) -> tuple[dict[str, Any], Any]:
    jwk, private_key = _parse_once(pem)
    return dict(jwk), private_key  # a copy: a caller that adds to the dict must not change the cache


def install() -> None:
    jwkkit.load_jwk_from_pem = load_jwk_from_pem
