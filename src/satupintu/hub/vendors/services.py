"""Importing a portal's vendor export into the hub.

Rows are read and checked by the aggregation reader (one reader for every front end), then upserted on
(portal, case-folded user ID). An account whose exported values are all unchanged is not written, so a
re-import of the same file changes nothing. PostgreSQL gets the rows through COPY: straight into the
table when the portal has no accounts yet, otherwise into a staging table followed by one
INSERT ... ON CONFLICT. Other databases get them in batches through the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from satupintu.aggregation.io import Rejection, open_export, read_accounts
from satupintu.aggregation.records import AccountRecord, user_id_key
from satupintu.bulk import paused_gc
from satupintu.core import npwp
from satupintu.hub.audit.services import record
from satupintu.hub.portals.models import Portal
from satupintu.hub.vendors.models import ImportRejection, ImportRun, PortalAccount

# The exported values, in the order the loaders use; what an import compares to tell "changed".
VALUE_FIELDS = (
    "user_id",
    "npwp",
    "npwp_canonical",
    "name",
    "address",
    "province",
    "regency",
    "postal_code",
    "email",
    "phone",
    "packages",
    "registered_at",
    "status",
    "password_hash",
)
BATCH = 5000


class UnknownPortal(LookupError):
    pass


@dataclass
class ImportSummary:
    portal: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    run_id: int | None = None

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def accounted_for(self) -> bool:
        """Rows in equal accounts imported (new, changed or unchanged) plus rows rejected."""
        return self.rows == self.created + self.updated + self.unchanged + self.rejected


def _values(r: AccountRecord) -> tuple:
    return (
        r.user_id,
        r.npwp,
        npwp.canonical(r.npwp) or "",
        r.name,
        r.address,
        r.province,
        r.regency,
        r.postal_code,
        r.email,
        r.phone,
        r.packages,
        r.registered_at,
        r.status,
        r.password_hash,
    )


def import_accounts(
    portal_code: str, path: Path, *, actor=None, progress: Callable[[int], None] | None = None
) -> ImportSummary:
    """Import one portal's export. Raises UnknownPortal, or CsvFormatError when the file cannot be read."""
    try:
        portal = Portal.objects.get(code=portal_code)
    except Portal.DoesNotExist:
        raise UnknownPortal(portal_code) from None
    summary = ImportSummary(portal.code)
    records: list[AccountRecord] = []
    with open_export(path) as stream, paused_gc():
        for item in read_accounts(stream, portal_code=portal.code):
            summary.rows += 1
            if isinstance(item, Rejection):
                summary.rejections.append(item)
            else:
                records.append(item)
            if progress and summary.rows % BATCH == 0:
                progress(BATCH)
    if progress:
        progress(summary.rows % BATCH)
    with transaction.atomic():
        run = ImportRun.objects.create(portal=portal, file_name=path.name, actor=actor)
        if connection.vendor == "postgresql":
            created, updated = _load_postgresql(portal, records)
        else:
            created, updated = _load_orm(portal, records)
        summary.created, summary.updated = created, updated
        summary.unchanged = len(records) - created - updated
        ImportRejection.objects.bulk_create(
            (
                ImportRejection(run=run, line=r.line, field=r.field, reason=r.reason, user_id=r.user_id)
                for r in summary.rejections
            ),
            batch_size=BATCH,
        )
        for name in ("rows", "created", "updated", "unchanged", "rejected"):
            setattr(run, name, getattr(summary, name))
        run.finished_at = timezone.now()
        run.save()
        record(
            "accounts.imported",
            run,
            actor,
            portal=portal.code,
            file=path.name,
            rows=summary.rows,
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
            rejected=summary.rejected,
        )
    summary.run_id = run.pk
    return summary


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_orm(portal: Portal, records: Iterable[AccountRecord]) -> tuple[int, int]:
    created = updated = 0
    now = timezone.now()
    for chunk in _chunks(list(records), BATCH):
        keys = [user_id_key(r.user_id) for r in chunk]
        existing = {
            a.user_id_key: a for a in PortalAccount.objects.filter(portal=portal, user_id_key__in=keys)
        }
        new, changed = [], []
        for r, key in zip(chunk, keys, strict=True):
            values = dict(zip(VALUE_FIELDS, _values(r), strict=True))
            account = existing.get(key)
            if account is None:
                new.append(PortalAccount(portal=portal, user_id_key=key, **values))
            elif any(getattr(account, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(account, k, v)
                account.updated_at = now
                changed.append(account)
        PortalAccount.objects.bulk_create(new, batch_size=1000)
        PortalAccount.objects.bulk_update(changed, [*VALUE_FIELDS, "updated_at"], batch_size=1000)
        created += len(new)
        updated += len(changed)
    return created, updated


def _load_postgresql(portal: Portal, records: list[AccountRecord]) -> tuple[int, int]:
    table = PortalAccount._meta.db_table
    columns = ("user_id_key", *VALUE_FIELDS)
    with connection.cursor() as cursor:
        # A portal's first import has nothing to compare against (the reader already refused repeated
        # user IDs): its rows are copied straight into the table, without staging and upsert. The
        # portal's row is locked first, so a second import of the same portal waits instead of racing.
        cursor.execute(
            f"SELECT 1 FROM {Portal._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608 -- model's table
            [portal.pk],
        )
        if not PortalAccount.objects.filter(portal=portal).exists():
            with cursor.copy(
                f"COPY {table} (portal_id, {', '.join(columns)}, imported_at, updated_at) FROM STDIN"
            ) as copy:
                now = timezone.now()
                for r in records:
                    copy.write_row((portal.pk, user_id_key(r.user_id), *_values(r), now, now))
            return len(records), 0
        cursor.execute(
            f"CREATE TEMP TABLE account_stage ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY account_stage ({', '.join(columns)}) FROM STDIN") as copy:
            for r in records:
                copy.write_row((user_id_key(r.user_id), *_values(r)))
        assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*VALUE_FIELDS, "updated_at"))
        stored = ", ".join(f"{table}.{c}" for c in VALUE_FIELDS)
        incoming = ", ".join(f"EXCLUDED.{c}" for c in VALUE_FIELDS)
        cursor.execute(
            f"""
            INSERT INTO {table} (portal_id, {", ".join(columns)}, imported_at, updated_at)
            SELECT %s, {", ".join(columns)}, now(), now() FROM account_stage
            ON CONFLICT (portal_id, user_id_key) DO UPDATE SET {assignments}
            WHERE ({stored}) IS DISTINCT FROM ({incoming})
            RETURNING (xmax = 0)
            """,  # noqa: S608 -- identifiers come from the model, values are parameters
            [portal.pk],
        )
        flags = [row[0] for row in cursor.fetchall()]
        # Dropped now, not only at commit: an outer transaction may import several files.
        cursor.execute("DROP TABLE account_stage")
    created = sum(1 for f in flags if f)
    return created, len(flags) - created
