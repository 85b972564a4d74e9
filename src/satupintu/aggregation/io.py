"""Reading portal exports and writing group files.

The input is a portal's SPSE vendor export as UTF-8 CSV (optional BOM, LF or CRLF), columns by name in
any order, extra columns ignored. Every row either becomes an `AccountRecord` or a `Rejection` that
names its line, its field and the fix: nothing is dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from satupintu.aggregation.records import AccountRecord, user_id_key
from satupintu.core.passwords import hash_format

REQUIRED_COLUMNS = (
    "portal",
    "user_id",
    "npwp",
    "name",
    "address",
    "province",
    "regency",
    "postal_code",
    "email",
    "phone",
    "packages",
    "registered_at",
)
OPTIONAL_COLUMNS = ("status", "password_hash")
GROUP_COLUMNS = ("portal", "user_id", "group_id", "role", "findings")
STATUSES = ("pusat", "cabang")
# SPSE exports are in Western Indonesian Time; a time with an offset is brought to it.
WIB = dt.timezone(dt.timedelta(hours=7))
_DMY = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_USER_ID = re.compile(r"[^\s\x00-\x1f\x7f]{1,100}")


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (no header, missing columns, not text)."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row that was not taken, with the line it starts on, the field at fault and why."""

    line: int
    field: str
    reason: str
    portal: str = ""
    user_id: str = ""


def parse_registered_at(value: str) -> str | None:
    """ISO text of a registration time, or None when it cannot be read. Empty is allowed (unknown)."""
    value = value.strip()
    if not value:
        return ""
    match = _DMY.fullmatch(value)
    try:
        if match:
            day, month, year, hour, minute, second = match.groups()
            moment = dt.datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        else:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(WIB).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def _check_row(values: dict[str, str], portal_code: str | None) -> tuple[str, str] | None:
    """The (field, reason) that makes a row unusable, or None."""
    portal = values["portal"].strip()
    if not portal:
        return "portal", "portal code is empty: fill in the code of the portal the account belongs to"
    if portal_code is not None and portal != portal_code:
        return "portal", f"row belongs to portal '{portal}', but this import is for portal '{portal_code}'"
    user_id = values["user_id"].strip()
    if not user_id:
        return "user_id", "user ID is empty: every account needs its user ID"
    if not _USER_ID.fullmatch(user_id):
        return "user_id", "user ID must be 1 to 100 characters without spaces or control characters"
    packages = values["packages"].strip()
    if packages and not (packages.isascii() and packages.isdigit()):
        return "packages", f"packages must be a whole number of 0 or more, not '{packages}'"
    if parse_registered_at(values["registered_at"]) is None:
        return (
            "registered_at",
            f"registration time '{values['registered_at']}' is not a date: use YYYY-MM-DD or DD/MM/YYYY",
        )
    status = values.get("status", "").strip().lower()
    if status and status not in STATUSES:
        return "status", f"status must be 'pusat' (head office) or 'cabang' (branch), not '{status}'"
    password_hash = values.get("password_hash", "").strip()
    if password_hash and hash_format(password_hash) is None:
        return (
            "password_hash",
            "password hash is in an unknown format: expected argon2, pbkdf2_sha256, bcrypt_sha256, "
            "scrypt (Django encoding) or the 32-hex MD5 of SPSE",
        )
    return None


def read_accounts(stream: TextIO, *, portal_code: str | None = None) -> Iterator[AccountRecord | Rejection]:
    """Yield one AccountRecord or Rejection per data row of a CSV export, in file order.

    ``portal_code``, when given, rejects rows of any other portal. A (portal, user ID) seen twice in one
    file keeps the first row and rejects the later ones, naming the first line.
    """
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFormatError("the file is empty: expected a header row with the column names") from None
    except csv.Error as exc:
        raise CsvFormatError(f"the header row cannot be read as CSV: {exc}") from None
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise CsvFormatError(
            f"missing column(s): {', '.join(missing)}. The header must name at least: "
            + ", ".join(REQUIRED_COLUMNS)
        )
    index = {name: names.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if name in names}
    width = len(names)
    seen: dict[tuple[str, str], int] = {}
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejection(line, "(row)", f"the row cannot be read as CSV: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not row:
            continue  # a blank line is not a row
        if len(row) != width:
            yield Rejection(start, "(row)", f"the row has {len(row)} fields but the header has {width}")
            continue
        if any("\udc80" <= ch <= "\udcff" for cell in row for ch in cell):
            yield Rejection(start, "(row)", "the row is not valid UTF-8 text: save the export as UTF-8")
            continue
        values = {name: row[i] for name, i in index.items()}
        problem = _check_row(values, portal_code)
        if problem:
            yield Rejection(
                start, problem[0], problem[1], values["portal"].strip(), values["user_id"].strip()
            )
            continue
        record = _record(values, start)
        first = seen.setdefault(record.key, start)
        if first != start:
            yield Rejection(
                start,
                "user_id",
                f"user ID '{record.user_id}' of portal '{record.portal}' "
                f"already appears on line {first} of this file (user IDs ignore case)",
                record.portal,
                record.user_id,
            )
            continue
        yield record


def _record(values: dict[str, str], line: int) -> AccountRecord:
    get = values.get
    packages = values["packages"].strip()
    # Columns with few distinct values are interned: a million accounts share a few thousand strings.
    return AccountRecord(
        portal=sys.intern(values["portal"].strip()),
        user_id=values["user_id"].strip(),
        npwp=values["npwp"].strip(),
        name=values["name"].strip(),
        address=values["address"].strip(),
        province=sys.intern(values["province"].strip()),
        regency=sys.intern(values["regency"].strip()),
        postal_code=sys.intern(values["postal_code"].strip()),
        email=values["email"].strip(),
        phone=values["phone"].strip(),
        packages=int(packages) if packages else 0,
        registered_at=parse_registered_at(values["registered_at"]) or "",
        status=sys.intern((get("status") or "").strip().lower()),
        password_hash=(get("password_hash") or "").strip(),
        line=line,
    )


def open_export(path: Path) -> TextIO:
    """Open an export for `read_accounts`: BOM dropped, line ends kept for the csv module, bad bytes
    kept as markers so that the row holding them is rejected rather than the whole file."""
    return path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")


def write_groups(stream: TextIO, rows: Iterable[tuple[str, str, str, str, str]]) -> int:
    """Write GROUPS.csv: header ``portal,user_id,group_id,role,findings``; returns the row count."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(GROUP_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def write_rejections(stream: TextIO, rejections: Iterable[Rejection]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(("line", "portal", "user_id", "field", "reason"))
    count = 0
    for r in rejections:
        writer.writerow((r.line, r.portal, r.user_id, r.field, r.reason))
        count += 1
    return count


__all__ = [
    "GROUP_COLUMNS",
    "REQUIRED_COLUMNS",
    "AccountRecord",
    "CsvFormatError",
    "Rejection",
    "open_export",
    "parse_registered_at",
    "read_accounts",
    "user_id_key",
    "write_groups",
    "write_rejections",
]
