"""Reading portal exports and writing group files.

The input is a portal's SPSE vendor export as UTF-8 CSV (optional BOM, LF or CRLF), columns by name in
any order, extra columns ignored. Every row either becomes an `AccountRecord` or a `Rejection` that
names its line, its field and the fix: nothing is dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from satupintu.aggregation.records import AccountRecord, user_id_key
from satupintu.core import npwp
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


# Text read with errors="surrogateescape" carries each undecodable byte as a lone surrogate.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
# The common writings of a registration time, checked by the C datetime parser directly.
_ISO_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")


def _registered_at(value: str) -> str | None:
    """`parse_registered_at`, with a fast path for the plain ISO writing most exports use."""
    if _ISO_TEXT.fullmatch(value):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        if len(value) == 19 and value.isascii():
            # To the second, as most exports write it: already the ISO text but for the separator, and
            # formatting the time again would cost more than reading it.
            return f"{value[:10]}T{value[11:]}"
        return moment.isoformat(timespec="seconds")
    return parse_registered_at(value)


class _RowError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def _to_record(
    row: list[str], index: dict[str, int], portal_code: str | None, line: int, lean: bool
) -> AccountRecord:
    """The record of one row, or `_RowError` naming the field that makes it unusable."""
    portal = row[index["portal"]].strip()
    if not portal:
        raise _RowError(
            "portal", "portal code is empty: fill in the code of the portal the account belongs to"
        )
    if portal_code is not None and portal != portal_code:
        raise _RowError(
            "portal", f"row belongs to portal '{portal}', but this import is for portal '{portal_code}'"
        )
    user_id = row[index["user_id"]].strip()
    if not user_id:
        raise _RowError("user_id", "user ID is empty: every account needs its user ID")
    if not _USER_ID.fullmatch(user_id):
        raise _RowError("user_id", "user ID must be 1 to 100 characters without spaces or control characters")
    packages = row[index["packages"]].strip()
    if packages and not (packages.isascii() and packages.isdigit()):
        raise _RowError("packages", f"packages must be a whole number of 0 or more, not '{packages}'")
    written = row[index["registered_at"]]
    registered_at = _registered_at(written.strip())
    if registered_at is None:
        raise _RowError(
            "registered_at",
            f"registration time '{written}' is not a date: use YYYY-MM-DD or DD/MM/YYYY",
        )
    status = row[index["status"]].strip().lower() if "status" in index else ""
    if status and status not in STATUSES:
        raise _RowError(
            "status", f"status must be 'pusat' (head office) or 'cabang' (branch), not '{status}'"
        )
    password_hash = row[index["password_hash"]].strip() if "password_hash" in index else ""
    if password_hash and hash_format(password_hash) is None:
        raise _RowError(
            "password_hash",
            "password hash is in an unknown format: expected argon2, pbkdf2_sha256, bcrypt_sha256, "
            "scrypt (Django encoding) or the 32-hex MD5 of SPSE",
        )
    # Columns with few distinct values are interned: a million accounts share a few thousand strings.
    # Positional, in the order of AccountRecord's fields: a million records are built three times
    # faster than with keywords.
    return AccountRecord(
        sys.intern(portal),
        user_id,
        row[index["npwp"]].strip(),
        "" if lean else row[index["name"]].strip(),
        row[index["address"]].strip(),
        sys.intern(row[index["province"]].strip()),
        sys.intern(row[index["regency"]].strip()),
        sys.intern(row[index["postal_code"]].strip()),
        row[index["email"]].strip(),
        "" if lean else row[index["phone"]].strip(),
        int(packages) if packages else 0,
        registered_at,
        sys.intern(status),
        "" if lean else password_hash,
        line,
    )


@dataclass(frozen=True, slots=True)
class Guest:
    """A row of another shard whose NPWP is invalid: it may belong to a group of this shard's NPWPs (see
    aggregation.files), so this shard is asked too. Its own shard reports its problems, if any."""

    record: AccountRecord


def npwp_shard(value: str, shards: int) -> int:
    """The shard of an NPWP as written: the 15- and 16-digit forms of one number share a shard."""
    return zlib.crc32(npwp.compact(value)[-15:].encode("utf-8", "surrogateescape")) % shards


def read_accounts(
    stream: TextIO,
    *,
    portal_code: str | None = None,
    shard: tuple[int, int] | None = None,
    lean: bool = False,
    guests: bool = False,
) -> Iterator[AccountRecord | Rejection | Guest]:
    """Yield one AccountRecord or Rejection per data row of a CSV export, in file order.

    ``portal_code``, when given, rejects rows of any other portal. A (portal, user ID) seen twice in one
    file keeps the first row and rejects the later ones, naming the first line.

    ``shard`` = (index, count) yields only the rows whose NPWP falls in that shard (see `npwp_shard`);
    rows that cannot be read far enough to find their NPWP belong to shard 0. Every row belongs to
    exactly one shard, so the shards of one file together yield what the whole file yields, except that
    a user ID repeated across shards is only caught by the caller. With ``guests``, the readable rows of
    other shards whose NPWP is not valid come as `Guest`, and nothing is rejected for them.

    ``lean`` leaves the name, phone and password hash out of the records (they are still checked): the
    aggregation engine does not use them, and a million records are lighter by about 150 MB.
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
    npwp_column = index["npwp"]
    seen: dict[tuple[str, str], int] = {}
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if shard is None or shard[0] == 0:
                yield Rejection(line, "(row)", f"the row cannot be read as CSV: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not row:
            continue  # a blank line is not a row
        guest = False
        if shard is not None:
            mine = npwp_shard(row[npwp_column], shard[1]) if len(row) == width else 0
            if mine != shard[0]:
                if not guests or len(row) != width or npwp.is_valid_quick(row[npwp_column]):
                    continue
                guest = True
        if guest:
            record = _guest(row, index, portal_code, start, lean)
            if record is not None:
                yield Guest(record)
            continue
        if len(row) != width:
            yield Rejection(start, "(row)", f"the row has {len(row)} fields but the header has {width}")
            continue
        text = "".join(row)
        # An ASCII row (most of them; the check is free) holds no undecodable byte: no search needed.
        if not text.isascii() and _UNDECODABLE.search(text):
            yield Rejection(start, "(row)", "the row is not valid UTF-8 text: save the export as UTF-8")
            continue
        if "\x00" in text:
            # No text column can store it (PostgreSQL refuses it), and it only comes from a damaged file.
            yield Rejection(
                start, "(row)", "the row holds a NUL character: the export is damaged, export it again"
            )
            continue
        record = account_or_rejection(row, index, start, portal_code=portal_code, lean=lean)
        if isinstance(record, Rejection):
            yield record
            continue
        first = seen.setdefault(record.key, start)
        if first != start:
            yield repeated_account(record.portal, record.user_id, start, first)
            continue
        yield record


def account_or_rejection(
    row: list[str], index: dict[str, int], line: int, *, portal_code: str | None = None, lean: bool = False
) -> AccountRecord | Rejection:
    """The record of one row of the right width, or the Rejection naming the field that makes it
    unusable (``index``: the column of each known field)."""
    try:
        return _to_record(row, index, portal_code, line, lean)
    except _RowError as problem:
        return Rejection(
            line, problem.field, problem.reason, row[index["portal"]].strip(), row[index["user_id"]].strip()
        )


def repeated_account(portal: str, user_id: str, line: int, first: int) -> Rejection:
    """The rejection of a row whose (portal, user ID) an earlier row of the file, on line ``first``, has."""
    return Rejection(
        line,
        "user_id",
        f"user ID '{user_id}' of portal '{portal}' "
        f"already appears on line {first} of this file (user IDs ignore case)",
        portal,
        user_id,
    )


def _guest(
    row: list[str], index: dict[str, int], portal_code: str | None, line: int, lean: bool
) -> AccountRecord | None:
    """The record of another shard's row, or None where its own shard rejects it."""
    text = "".join(row)
    if (not text.isascii() and _UNDECODABLE.search(text)) or "\x00" in text:
        return None
    record = account_or_rejection(row, index, line, portal_code=portal_code, lean=lean)
    return record if isinstance(record, AccountRecord) else None


def open_export(path: Path) -> TextIO:
    """Open an export for `read_accounts`: BOM dropped, line ends kept for the csv module, bad bytes
    kept as markers so that the row holding them is rejected rather than the whole file."""
    return path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")


def split_by_portal(source: Path, folder: Path, extra: Iterable[dict[str, str]] = ()) -> dict[str, Path]:
    """Write one export per portal into ``folder`` (``<portal>.csv``) from the rows of the export file
    ``source`` and the ``extra`` rows (dicts of export columns, placed first); returns them by portal."""
    by_portal: dict[str, list[dict[str, str]]] = {}
    for row in extra:
        by_portal.setdefault(row["portal"], []).append(row)
    with source.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_portal.setdefault(row["portal"], []).append(row)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for portal, rows in by_portal.items():
        paths[portal] = folder / f"{portal}.csv"
        with paths[portal].open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(
                f,
                (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS),
                restval="",
                extrasaction="ignore",
                lineterminator="\n",
            )
            writer.writeheader()
            writer.writerows(rows)
    return paths


def write_groups(stream: TextIO, rows: Iterable[tuple[str, str, str, str, str]]) -> int:
    """Write GROUPS.csv: header ``portal,user_id,group_id,role,findings``; returns the row count."""
    stream.write(group_row(*GROUP_COLUMNS))
    count = 0
    for row in rows:
        stream.write(group_row(*row))
        count += 1
    return count


def group_row(portal: str, user_id: str, group_id: str, role: str, findings: str) -> str:
    """One line of GROUPS.csv, line end included, as the csv module writes it (a field is quoted
    where it holds a comma, a quote or a line break). Only a portal code or a user ID can: the group
    id, the role and the finding codes are letters, digits, underscores and semicolons."""
    account = f"{portal},{user_id}"
    if account.count(",") == 1 and not any(c in account for c in _QUOTED):
        return f"{account},{group_id},{role},{findings}\n"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow((portal, user_id, group_id, role, findings))
    return buffer.getvalue()


_QUOTED = ('"', "\r", "\n")


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
    "group_row",
    "npwp_shard",
    "open_export",
    "parse_registered_at",
    "read_accounts",
    "user_id_key",
    "write_groups",
    "write_rejections",
]
