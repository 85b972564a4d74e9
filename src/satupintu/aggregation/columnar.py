"""The column-wise file path: the same GROUPS.csv as the engine, with the bookkeeping done in DuckDB.

Most of the engine's time over a large export is not spent deciding anything: it is reading rows,
checking NPWPs, resolving regions and carrying each account through groups, roles and findings, one
Python object at a time. Here DuckDB does all of that over whole columns, and Python does only what
needs the address parser:

1. DuckDB reads the file and checks every row (`_load`). The path is taken only for files that both
   CSV readers read the same way (`_plain_text`, `_LINE`); any other file returns None, and the caller
   runs the engine. The few rows that the SQL does not read as the engine's reader does (`_PLAIN`: a
   field that is not ASCII, a time in another writing, a row to reject) are read by that reader's own
   code, one by one, and rejected with its reasons where it rejects them.
2. NPWPs and regions are resolved (the NIK form of an NPWP and the regions by the core's own code, once
   per distinct value), and the accounts of valid NPWP and region are put in their blocks.
3. The addresses of those accounts are read, the blocks of several accounts clustered and each group
   given its id, by the engine's own `read_address`, `cluster_block` and `group_id`, half in this
   process and half in a helper process (`places`).
4. The accounts that may wait for review (NPWP or region invalid, address missing) and every account
   of an NPWP or email they could be proposed to are run through the engine itself (`aggregate`): they
   are few, and the proposal rules are the engine's alone.
5. DuckDB elects each other group's single, finds what looks across groups (user IDs, NPWPs and
   emails held by several) and writes the rows in file order.

It must write what the engine writes, byte for byte; the tests hold it to that on data full of hard
cases, and where two group ids would collide it hands the file back to the engine too.
"""

from __future__ import annotations

import csv
import multiprocessing
import re
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from satupintu.aggregation.engine import Finding, aggregate, summary_of
from satupintu.aggregation.files import FileAggregation
from satupintu.aggregation.io import (
    GROUP_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    Rejection,
    account_or_rejection,
    group_row,
    repeated_account,
)
from satupintu.aggregation.places import (
    ADDRESS_MISSING,
    POSTAL_CODE_MISMATCH,
    UNCERTAIN,
    helper,
    receive_part,
    send_part,
    settle_part,
)
from satupintu.aggregation.records import AccountRecord, email_key, user_id_key
from satupintu.bulk import paused_gc
from satupintu.core import npwp, regions
from satupintu.core.passwords import HASH_PATTERNS

_BOM = b"\xef\xbb\xbf"
# The findings that look across groups, found here over every account; the others come from the engine
# or the places.
_ACROSS_GROUPS = (Finding.USER_ID_COLLISION, Finding.BRANCH_SAME_NPWP, Finding.EMAIL_SHARED)
_BIT = {f: 1 << k for k, f in enumerate(Finding)}
# One field as RFC 4180 writes it: bare (no quote, no comma) or quoted with quotes doubled. A line made
# only of such fields is read the same by Python's csv module (the engine's reader) and by DuckDB.
_FIELD = r'(?:[^",\t\x0b\x0c\x1c-\x1f]*|"(?:[^"\t\x0b\x0c\x1c-\x1f]|"")*")'
_LINE = f"{_FIELD}(?:,{_FIELD})*\r?"
_TIME = "[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?"
_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
# The fields read in SQL; the address, province and regency are read in Python.
_KEY_FIELDS = (
    "portal",
    "user_id",
    "npwp",
    "postal_code",
    "email",
    "packages",
    "registered_at",
    "status",
    "password_hash",
)
# The registration times the engine's reader takes on its fast path (see io._registered_at).
_TIME_FORMATS = {10: "%Y-%m-%d", 16: "%Y-%m-%d %H:%M", 19: "%Y-%m-%d %H:%M:%S"}


def aggregate_columns(
    source: Path, output: Path, *, workers: int = 2, progress: Callable[[int], None] | None = None
) -> FileAggregation | None:
    """Aggregate ``source`` into ``output`` as the engine would, or return None (and write nothing)
    when this path cannot vouch for the same result: the caller then runs the engine."""
    header = _header(source)
    if header is None or not _plain_text(source):
        return None
    # The helper is started before DuckDB starts its threads: a process forked while threads run may
    # inherit a lock held by one of them.
    context = multiprocessing.get_context("fork")
    helpers = []
    for _ in range(max(0, workers - 1)):
        receiver, sender = context.Pipe()
        process = context.Process(target=helper, args=(sender,), daemon=True)
        process.start()
        sender.close()
        helpers.append((process, receiver))
    try:
        with paused_gc():
            return _Run(source, header, [conn for _, conn in helpers], progress).result(output)
    finally:
        for process, conn in helpers:
            conn.close()
            process.join(timeout=1)  # it has sent its part, or found its pipe closed
            if process.is_alive():
                process.terminate()


def _header(source: Path) -> list[str] | None:
    """The header's column names, or None where the header is not one this path reads: missing
    columns (the engine reports them), a known name given twice, or odd quoting."""
    with source.open("rb") as stream:
        first = stream.readline()
    text = first.removeprefix(_BOM).decode("utf-8", "replace").rstrip("\r\n")
    if not re.fullmatch(_LINE, text):
        return None
    names = [h.strip().lower() for h in next(csv.reader([text]))]
    if any(c not in names for c in REQUIRED_COLUMNS) or any(names.count(c) > 1 for c in _COLUMNS):
        return None
    return names


def _plain_text(source: Path) -> bool:
    """False where a line could be read differently by the two readers: a NUL, a lone carriage return,
    or a byte 0x01 (which reading the raw lines relies on being absent)."""
    data = source.read_bytes()
    if b"\x00" in data or b"\x01" in data:
        return False
    returns = data.count(b"\r")
    return not returns or returns == data.count(b"\r\n")


_HASHES = " OR ".join(f"regexp_full_match(password_hash, '{pattern.pattern}')" for pattern in HASH_PATTERNS)
# A row the engine's reader accepts, and whose fields the SQL below reads as it does: ASCII in every
# field read here (the address, province and regency are read in Python), and the common writings of
# numbers and times. Any other row is read by the reader's own code (`_Run._read_odd_rows`).
_PLAIN = f"""
    portal <> ''
    AND regexp_full_match(user_id, '[!-~]{{1,100}}')
    AND (packages = '' OR regexp_full_match(packages, '[0-9]{{1,18}}'))
    AND (registered_at = '' OR registered IS NOT NULL)
    AND status IN ('', 'pusat', 'cabang')
    AND (password_hash = '' OR {_HASHES})
"""


class _Run:
    """One run of the column-wise path over one file."""

    def __init__(
        self,
        source: Path,
        names: list[str],
        helpers: list[Connection],
        progress: Callable[[int], None] | None,
    ) -> None:
        self.source, self.names, self.helpers, self.progress = source, names, helpers, progress
        # The column of each known field, as the engine's reader indexes them.
        self.index = {name: names.index(name) for name in _COLUMNS if name in names}
        self.rejections: list[Rejection] = []

    def tick(self, n: int) -> None:
        if self.progress and n:
            self.progress(n)

    def result(self, output: Path) -> FileAggregation | None:
        import duckdb

        # As many threads as processes were asked for (`--workers`): one per core by default.
        self.db = duckdb.connect(config={"threads": 1 + len(self.helpers)})
        try:
            if not self._load():
                return None
            n = self.db.execute("SELECT count(*) FROM a").fetchone()[0]
            self.tick(n)  # read; each account is counted again once aggregated
            self._resolve()
            settled = self._settle_places()
            if not self._review():
                return None
            summary = self._write(output)
        except duckdb.Error:
            return None  # a file DuckDB cannot read as this path expects: the engine reads it
        finally:
            self.db.close()
        self.tick(n - settled)
        return FileAggregation(summary, self.rejections, [], 1 + len(self.helpers))

    # -- reading ------------------------------------------------------------------------------------

    def _load(self) -> bool:
        """Read the file into table ``a``, one row per account with the fields as the engine's reader
        gives them. False where the file is not one this path reads (see the module's docstring)."""
        db = self.db
        lines, odd = db.execute(
            f"""SELECT count(*), count(*) FILTER (WHERE NOT regexp_full_match(raw, '{_LINE}'))
                FROM read_csv(?, header = false, skip = 1, columns = {{'raw': 'VARCHAR'}}, delim = chr(1),
                              quote = '', escape = '', auto_detect = false, strict_mode = false)""",
            [str(self.source)],
        ).fetchone()
        if odd:
            return False
        col = {name: f"c{k}" for name, k in self.index.items()}

        def field(name: str) -> str:
            # str.strip() of an ASCII text, now that no line holds a tab or other control character.
            return f"trim(coalesce({col[name]}, ''))" if name in col else "''"

        ascii_fields = " AND ".join(
            f"strlen(coalesce({col[name]}, '')) = length(coalesce({col[name]}, ''))"
            for name in _KEY_FIELDS
            if name in col
        )
        times = " ".join(
            f"WHEN {size} THEN try_strptime(replace(registered_at, 'T', ' '), '{fmt}')"
            for size, fmt in _TIME_FORMATS.items()
        )
        raw = ", ".join(f"raw_{name}" for name in _KEY_FIELDS)
        db.execute(
            f"""CREATE TABLE a AS
                SELECT * EXCLUDE ({raw}, ascii, registered, packages, registered_at, password_hash),
                       {", ".join(f"CASE WHEN plain THEN NULL ELSE raw_{name} END AS raw_{name}" for name in _KEY_FIELDS)}
                FROM (
                    SELECT *, coalesce(ascii AND {_PLAIN}, false) AS plain, lower(user_id) AS uid, lower(email) AS email_key,
                           regexp_replace(npwp, '[ ./-]', '', 'g') AS npwp_digits,
                           CASE WHEN packages = '' THEN 0 ELSE TRY_CAST(packages AS BIGINT) END AS package_count,
                           CASE WHEN registered_at = '' THEN ''
                                ELSE strftime(registered, '%Y-%m-%dT%H:%M:%S') END AS registered_iso
                    FROM (
                        SELECT *, CASE WHEN regexp_full_match(registered_at, '{_TIME}')
                                            AND substr(registered_at, 1, 4) <> '0000'
                                       THEN CASE length(registered_at) {times} END END AS registered
                        FROM (
                            SELECT {ascii_fields} AS ascii,
                                   {", ".join(f"{field(name)} AS {name}" for name in _KEY_FIELDS if name != "status")},
                                   lower({field("status")}) AS status,
                                   {", ".join(f"coalesce({col[name]}, '') AS raw_{name}" if name in col else f"'' AS raw_{name}" for name in _KEY_FIELDS)},
                                   coalesce({col["address"]}, '') AS address,
                                   coalesce({col["province"]}, '') AS province,
                                   coalesce({col["regency"]}, '') AS regency
                            FROM read_csv(?, header = true, columns = ?, delim = ',', quote = '"', escape = '"',
                                          strict_mode = true, auto_detect = false, null_padding = false))))""",
            [str(self.source), {f"c{k}": "VARCHAR" for k in range(len(self.names))}],
        )
        (rows,) = db.execute("SELECT count(*) FROM a").fetchone()
        # More lines than rows: a quoted line break, or a line DuckDB skipped (a blank one).
        if rows != lines or not self._read_odd_rows():
            return False
        self._reject_repeated()
        return True

    def _read_odd_rows(self) -> bool:
        """Read the rows that the SQL does not read as the engine's reader does (see `_PLAIN`) with that
        reader's own code: each becomes the record it gives, or the rejection. False where a number of
        packages is too large for the table."""
        import pyarrow as pa

        db = self.db
        odd = db.execute(
            f"""SELECT rowid, {", ".join(f"raw_{name}" for name in _KEY_FIELDS)}, address, province, regency
                FROM a WHERE NOT plain ORDER BY rowid"""
        ).fetchall()
        if not odd:
            return True
        names = (*_KEY_FIELDS, "address", "province", "regency")
        index = self.index
        fixed: list[AccountRecord] = []
        for position, *values in odd:
            row = [""] * len(self.names)
            for name, value in zip(names, values, strict=True):
                if name in index:
                    row[index[name]] = value
            item = account_or_rejection(row, index, position + 2, lean=True)
            if isinstance(item, Rejection):
                self.rejections.append(item)
            else:
                fixed.append(item)
        if any(r.packages >= 2**63 for r in fixed):
            return False
        db.register(
            "fixed",
            pa.table(
                {
                    "pos": pa.array([r.line - 2 for r in fixed], pa.int64()),
                    "portal": pa.array([r.portal for r in fixed], pa.string()),
                    "user_id": pa.array([r.user_id for r in fixed], pa.string()),
                    "npwp": pa.array([r.npwp for r in fixed], pa.string()),
                    "postal_code": pa.array([r.postal_code for r in fixed], pa.string()),
                    "email": pa.array([r.email for r in fixed], pa.string()),
                    "status": pa.array([r.status for r in fixed], pa.string()),
                    "uid": pa.array([user_id_key(r.user_id) for r in fixed], pa.string()),
                    "email_key": pa.array([email_key(r.email) for r in fixed], pa.string()),
                    "npwp_digits": pa.array([npwp.compact(r.npwp) for r in fixed], pa.string()),
                    "package_count": pa.array([r.packages for r in fixed], pa.int64()),
                    "registered_iso": pa.array([r.registered_at for r in fixed], pa.string()),
                }
            ),
        )
        columns = (
            "portal",
            "user_id",
            "npwp",
            "postal_code",
            "email",
            "status",
            "uid",
            "email_key",
            "npwp_digits",
            "package_count",
            "registered_iso",
        )
        db.execute(
            f"""UPDATE a SET {", ".join(f"{c} = fixed.{c}" for c in columns)}, plain = true
                FROM fixed WHERE a.rowid = fixed.pos"""
        )
        db.unregister("fixed")
        db.execute("DELETE FROM a WHERE NOT plain")  # the rejected rows; rowids of the others stay
        return True

    def _reject_repeated(self) -> None:
        """Reject each row whose (portal, user ID) an earlier row has, as the engine's reader does."""
        repeated = self.db.execute(
            """SELECT rowid, portal, user_id, first FROM (
                   SELECT rowid, portal, user_id, min(rowid) OVER (PARTITION BY portal, uid) AS first FROM a)
               WHERE rowid <> first ORDER BY rowid"""
        ).fetchall()
        if repeated:
            self.rejections.extend(
                repeated_account(portal, user_id, position + 2, first + 2)
                for position, portal, user_id, first in repeated
            )
            self.rejections.sort(key=lambda r: r.line)
            self.db.execute(
                f"DELETE FROM a WHERE rowid IN ({', '.join(str(position) for position, *_ in repeated)})"
            )

    # -- NPWPs, regions and blocks ----------------------------------------------------------------------

    def _resolve(self) -> None:
        """Table ``k``: each account's canonical NPWP, regency code and block size (by position)."""
        import pyarrow as pa

        db = self.db
        digit = [f"CAST(substr(body, {k}, 1) AS INTEGER)" for k in range(1, 10)]
        doubled = [f"(2 * {d} - CASE WHEN {d} >= 5 THEN 9 ELSE 0 END)" for d in digit[1::2]]
        luhn = f"({' + '.join(digit[0::2] + doubled)}) % 10 = 0"
        # The canonical form of each distinct NPWP written, as npwp.check gives it: 15 digits take a
        # leading 0; the all-zero placeholder is refused; a company's number (0 first) must pass the
        # Luhn check of its nine-digit body, a person's (a NIK) is checked by the core.
        db.execute(
            """CREATE TABLE npwps AS SELECT written, sixteen, substr(sixteen, 2, 9) AS body FROM (
                    SELECT written, CASE WHEN regexp_full_match(written, '[0-9]{15}') THEN '0' || written
                                         WHEN regexp_full_match(written, '[0-9]{16}') THEN written END AS sixteen
                    FROM (SELECT DISTINCT npwp_digits AS written FROM a))
                WHERE sixteen IS NOT NULL AND substr(sixteen, 2, 9) <> '000000000'"""
        )
        persons = [
            s for (s,) in db.execute("SELECT DISTINCT sixteen FROM npwps WHERE sixteen[1] <> '0'").fetchall()
        ]
        valid = [s for s in persons if npwp.is_valid(s)]
        db.register("persons", pa.table({"sixteen": pa.array(valid, pa.string())}))
        db.execute(
            f"""CREATE TABLE canonical AS SELECT written, sixteen FROM npwps
                WHERE (sixteen[1] = '0' AND {luhn}) OR sixteen IN (SELECT sixteen FROM persons)"""
        )
        db.unregister("persons")
        pairs = db.execute("SELECT DISTINCT province, regency FROM a").fetchall()
        codes = []
        for province, regency in pairs:
            region = regions.resolve(province.strip(), regency.strip())
            codes.append(region.regency.code if region.ok else None)  # type: ignore[union-attr]
        db.register(
            "regions",
            pa.table(
                {
                    "province": pa.array([p for p, _ in pairs], pa.string()),
                    "regency": pa.array([r for _, r in pairs], pa.string()),
                    "code": pa.array(codes, pa.string()),
                }
            ),
        )
        db.execute(
            """CREATE TABLE k AS SELECT pos, canonical, code,
                   CASE WHEN canonical IS NOT NULL AND code IS NOT NULL
                        THEN count(*) OVER (PARTITION BY canonical, code) END AS block_size
               FROM (SELECT a.rowid AS pos, regions.code, canonical.sixteen AS canonical
                     FROM a JOIN regions USING (province, regency)
                     LEFT JOIN canonical ON canonical.written = a.npwp_digits)"""
        )
        db.unregister("regions")
        db.execute("DROP TABLE npwps")
        db.execute("DROP TABLE canonical")

    # -- places ------------------------------------------------------------------------------------------

    def _settle_places(self) -> int:
        """Read the addresses of the accounts in blocks and cluster the blocks, the parts side by side.
        Table ``c``: each account's group label and flags, and whether it may wait for review. Returns
        how many accounts were in blocks (each was counted as aggregated)."""
        import pyarrow as pa

        db = self.db
        parts = 1 + len(self.helpers)
        # The helpers' parts go first, so that they work while this process reads its own. Each part
        # is read straight into lists: a table of all the parts would stay in memory while they work.
        theirs = []  # of each helper's part, only the positions are kept here
        for number in (*range(1, parts), 0):
            table = db.sql(
                f"""SELECT pos, block_size, a.address, a.postal_code, code, a.portal, a.uid
                    FROM k JOIN a ON a.rowid = k.pos
                    WHERE block_size IS NOT NULL AND hash(canonical) % {parts} = {number}
                    ORDER BY canonical, code, pos"""
            ).to_arrow_table()
            columns = [table.column(k).to_pylist() for k in range(table.num_columns)]
            del table
            if number:
                send_part(self.helpers[number - 1], columns[0], columns[1], columns[2:])
                theirs.append(columns[0])
        positions: list[int] = columns[0]
        labels, flags, ids = settle_part(columns[0], columns[1], columns[2:], tick=self.tick)
        del columns
        for conn, their_positions in zip(self.helpers, theirs, strict=True):
            their_labels, their_flags, their_ids = receive_part(conn)
            positions.extend(their_positions)
            labels.extend(their_labels)
            flags.extend(their_flags)
            ids.extend(their_ids)
            self.tick(len(their_positions))
        db.register(
            "w",
            pa.table(
                {
                    "pos": pa.array(positions, pa.int64()),
                    "label": pa.array(labels.tolist(), pa.int64()),
                    "flags": pa.array(flags.tolist(), pa.int8()),
                    "gid": pa.array(ids, pa.string()),
                }
            ),
        )
        db.execute(
            f"""CREATE TABLE c AS SELECT pos, canonical, code, coalesce(w.label, pos) AS label,
                   coalesce(w.flags, 0) AS flags, w.gid,
                   (canonical IS NULL OR code IS NULL OR (coalesce(w.flags, 0) & {ADDRESS_MISSING}) <> 0) AS held
                FROM k LEFT JOIN w USING (pos)"""
        )
        db.unregister("w")
        db.execute("DROP TABLE k")
        return len(positions)

    # -- review, groups and findings -----------------------------------------------------------------------

    def _review(self) -> bool:
        """Run the engine over the accounts that may wait for review and those they could be proposed
        to, and elect every other group's single. Table ``z``: each account's group id, role and
        findings so far. False where two group ids collide."""
        import pyarrow as pa

        db = self.db
        # Proposals look for a group of the account's own NPWP (region unreadable, address missing) or
        # of an NPWP nearly its own among the groups that use its email (NPWP invalid): every account
        # of those NPWPs goes to the engine, so their groups are formed there exactly as in a whole run.
        db.execute(
            """CREATE TABLE e AS SELECT pos FROM c WHERE held
               UNION SELECT pos FROM c WHERE canonical IN (
                   SELECT canonical FROM c WHERE held AND canonical IS NOT NULL
                   UNION SELECT c.canonical FROM c JOIN a ON a.rowid = c.pos
                         WHERE c.canonical IS NOT NULL AND a.email_key IN (
                             SELECT a.email_key FROM c JOIN a ON a.rowid = c.pos
                             WHERE c.canonical IS NULL AND a.email_key <> ''))"""
        )
        rows = db.execute(
            """SELECT portal, user_id, npwp, address, province, regency, postal_code, email, package_count,
                      registered_iso, status, a.rowid + 2
               FROM e JOIN a ON a.rowid = e.pos ORDER BY e.pos"""
        ).fetchall()
        records = [
            AccountRecord(
                *row[:3],
                "",
                row[3].strip(),
                row[4].strip(),
                row[5].strip(),
                *row[6:8],
                "",
                *row[8:11],
                "",
                row[11],
            )
            for row in rows
        ]
        del rows
        result = aggregate(records, evidence=False)
        own = [f for f in Finding if f not in _ACROSS_GROUPS]
        db.register(
            "reviewed",
            pa.table(
                {
                    "pos": pa.array([r.line - 2 for r in records], pa.int64()),
                    "gid": pa.array([result.groups[g].group_id for g in result.group_of], pa.string()),
                    "role": pa.array([role.value for role in result.roles], pa.string()),
                    "mask": pa.array(
                        [sum(_BIT[f] for f in found if f in own) for found in result.findings], pa.int64()
                    ),
                }
            ),
        )
        groups = len(result.groups)
        del records, result
        # Every other group has its id (see places); its single is elected as the engine elects
        # (engine.elect_single).
        db.execute(
            """CREATE TABLE m AS SELECT c.pos, c.label, c.flags, c.gid, a.portal, a.uid, a.package_count,
                      a.registered_iso
               FROM c JOIN a ON a.rowid = c.pos WHERE c.pos NOT IN (SELECT pos FROM e)"""
        )
        (others,) = db.execute("SELECT count(DISTINCT label) FROM m").fetchone()
        groups += others
        uncertain = _BIT[Finding.ADDRESS_UNCERTAIN]
        postal = _BIT[Finding.POSTAL_CODE_MISMATCH]
        db.execute(
            f"""CREATE TABLE z AS
                SELECT pos, gid,
                       CASE WHEN (flags & {UNCERTAIN}) <> 0 THEN 'review'
                            WHEN row_number() OVER (PARTITION BY label ORDER BY package_count DESC,
                                 registered_iso = '', registered_iso, portal, uid) = 1 THEN 'single'
                            ELSE 'member' END AS role,
                       CASE WHEN (flags & {UNCERTAIN}) <> 0 THEN {uncertain} ELSE 0 END
                       + CASE WHEN (flags & {POSTAL_CODE_MISMATCH}) <> 0 THEN {postal} ELSE 0 END AS mask
                FROM m
                UNION ALL SELECT pos, gid, role, mask FROM reviewed"""
        )
        db.unregister("reviewed")
        db.execute("DROP TABLE e")
        db.execute("DROP TABLE m")
        # Two groups with one id, or an id the engine lengthened to avoid another: the order in which a
        # whole run meets the groups decides which id is lengthened, so the engine settles it.
        (distinct, lengthened) = db.execute(
            "SELECT count(DISTINCT gid), count(*) FILTER (WHERE length(gid) <> 13) FROM z"
        ).fetchone()
        return lengthened == 0 and distinct == groups

    # -- writing -----------------------------------------------------------------------------------------

    def _write(self, output: Path) -> dict[str, int]:
        """Find what looks across groups, write GROUPS.csv in file order and return the summary."""
        db = self.db
        db.execute(
            """CREATE TABLE y AS SELECT z.*, a.portal, a.user_id, a.uid, a.email_key, c.canonical,
                      coalesce(c.canonical, a.npwp_digits) AS npwp_key
               FROM z JOIN a ON a.rowid = z.pos JOIN c USING (pos)"""
        )
        for name in ("z", "c", "a"):
            db.execute(f"DROP TABLE {name}")
        across = {
            Finding.USER_ID_COLLISION: "uid IN (SELECT uid FROM y GROUP BY uid HAVING count(DISTINCT gid) > 1)",
            Finding.BRANCH_SAME_NPWP: """canonical IN (SELECT canonical FROM y WHERE canonical IS NOT NULL
                                         GROUP BY canonical HAVING count(DISTINCT gid) > 1)""",
            Finding.EMAIL_SHARED: """email_key IN (SELECT email_key FROM y WHERE email_key <> ''
                                     GROUP BY email_key HAVING count(DISTINCT npwp_key) > 1)""",
        }
        found = "mask" + "".join(
            f" + CASE WHEN {test} THEN {_BIT[f]} ELSE 0 END" for f, test in across.items()
        )
        codes = ", ".join(f"CASE WHEN (found & {_BIT[f]}) <> 0 THEN '{f.value}' END" for f in Finding)
        db.execute(f"CREATE TABLE x AS SELECT pos, portal, user_id, gid, role, {found} AS found FROM y")
        db.execute("DROP TABLE y")
        table = db.sql(
            f"""SELECT {_quoted("portal")} || ',' || {_quoted("user_id")} || ',' || gid || ',' || role || ','
                       || concat_ws(';', {codes}) || chr(10)
                FROM x ORDER BY pos"""
        ).to_arrow_table()
        with output.open("w", newline="", encoding="utf-8") as stream:
            stream.write(group_row(*GROUP_COLUMNS))
            stream.write("".join(table.column(0).to_pylist()))
        del table
        roles = Counter(dict(db.execute("SELECT role, count(*) FROM x GROUP BY role").fetchall()))
        counts = db.execute(
            "SELECT "
            + ", ".join(f"count(*) FILTER (WHERE (found & {_BIT[f]}) <> 0)" for f in Finding)
            + " FROM x"
        ).fetchone()
        findings = Counter(dict(zip([f.value for f in Finding], counts, strict=True)))
        sizes = [size for (size,) in db.execute("SELECT count(*) FROM x GROUP BY gid").fetchall()]
        return summary_of(sum(sizes), sizes, roles, findings)


def _quoted(column: str) -> str:
    """A GROUPS.csv field as the csv module writes it: quoted where it holds a comma or a quote. (A line
    break cannot occur: a file with one in a field has more lines than rows, and is left to the engine.)"""
    return f"""CASE WHEN contains({column}, ',') OR contains({column}, '"')
                    THEN '"' || replace({column}, '"', '""') || '"' ELSE {column} END"""
