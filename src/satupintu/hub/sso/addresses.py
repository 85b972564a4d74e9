"""The portals' addresses that the hub is given (a client's redirect URI, a webhook URL), checked alike."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

_http = URLValidator(schemes=["http", "https"])


def require_http_url(value: str, field: str, example: str) -> None:
    """`ValidationError` naming ``field``, with an example of the fix, unless ``value`` is an http(s)
    address."""
    try:
        _http(value)
    except ValidationError:
        raise ValidationError({field: [f"'{value}' is not an http(s) address, e.g. {example}"]}) from None
