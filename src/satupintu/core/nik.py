"""NIK (Nomor Induk Kependudukan), the 16-digit resident identity number on the KTP."""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.id import nik as stdnum_nik


def is_valid(value: str | None) -> bool:
    """True when the NIK has 16 digits, a real birth date and a known place of registration."""
    if not value:
        return False
    try:
        stdnum_nik.validate(value)
    except ValidationError:
        return False
    return True
