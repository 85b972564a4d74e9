"""Indonesian telephone numbers as vendors write them: mobile (08xx, +62 8xx) and fixed lines with their
area code (021, 0251, +62 21).

A number is read by dropping the separators people use (spaces, '-', '.', brackets) and the country
code, so that "+62 812-3456-7890", "62 812 3456 7890" and "0812 3456 7890" are one number.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-.()]")
# After the trunk prefix 0: a mobile number is 8 and 8 to 12 more digits; a fixed line is an area code
# (2 to 4 digits, not starting with 0 or 8) and a subscriber number, 7 to 10 digits in all.
_MOBILE = re.compile(r"8[1-9][0-9]{6,10}")
_FIXED = re.compile(r"[1-79][0-9]{6,9}")


def national(text: str) -> str | None:
    """The number in national form ("0" + digits), or None when it is not an Indonesian number."""
    digits = _SEPARATORS.sub("", text.strip())
    if digits.startswith("+62"):
        rest = digits[3:]
    elif digits.startswith("62") and len(digits) > 10:
        rest = digits[2:]
    elif digits.startswith("0"):
        rest = digits[1:]
    else:
        return None
    if rest.startswith("0") or not rest.isdigit():
        return None
    if _MOBILE.fullmatch(rest) or _FIXED.fullmatch(rest):
        return "0" + rest
    return None
