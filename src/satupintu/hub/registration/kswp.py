"""The tax-status check ("Cek KSWP": Konfirmasi Status Wajib Pajak) behind a replaceable interface.

The real check is a DJP service that the hub cannot reach from here, so the shipped adapter answers from
a table that operators load (`satupintu kswp load FILE.csv`, see docs/api.md). Another adapter is a class
with the method ``check`` below, named in the setting ``SATUPINTU_KSWP_SERVICE``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from satupintu.core import npwp
from satupintu.hub.registration.models import TaxStatus, TaxStatusRecord


@dataclass(frozen=True)
class TaxStatusAnswer:
    status: TaxStatus
    taxpayer_name: str = ""


class TaxStatusService(Protocol):
    def check(self, npwp_canonical: str) -> TaxStatusAnswer:
        """The status of the taxpayer of this NPWP (16 digits). Raises OSError when the service cannot
        be reached: the page then says so, and never that the NPWP is wrong."""
        ...


class OfflineTaxStatus:
    """Answers from `TaxStatusRecord`; an NPWP missing from the table is UNKNOWN."""

    def check(self, npwp_canonical: str) -> TaxStatusAnswer:
        row = TaxStatusRecord.objects.filter(npwp_canonical=npwp_canonical).first()
        if row is None:
            return TaxStatusAnswer(TaxStatus.UNKNOWN)
        return TaxStatusAnswer(TaxStatus(row.status), row.taxpayer_name)


def service() -> TaxStatusService:
    path = getattr(settings, "SATUPINTU_KSWP_SERVICE", "satupintu.hub.registration.kswp.OfflineTaxStatus")
    return import_string(path)()


@dataclass(frozen=True)
class LoadResult:
    loaded: int
    rejected: list[tuple[int, str]]  # (line, reason)


_STATUSES = {"valid": TaxStatus.VALID, "tidak valid": TaxStatus.INVALID, "invalid": TaxStatus.INVALID}


def load_table(path: Path) -> LoadResult:
    """Load ``npwp,status,name,checked_on`` rows (status "valid" or "tidak valid"; checked_on as
    YYYY-MM-DD or empty) into the table; a row of a known NPWP replaces it. Every rejected row is
    returned with its line and reason."""
    loaded, rejected = 0, []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"npwp", "status"} - set(reader.fieldnames or ())
        if missing:
            return LoadResult(0, [(1, f"missing column(s): {', '.join(sorted(missing))}")])
        for row in reader:
            line = reader.line_num
            parsed = npwp.check(row.get("npwp"))
            if parsed.canonical is None:
                rejected.append((line, f"npwp: {npwp.DESCRIPTIONS[parsed.problem]}"))
                continue
            status = _STATUSES.get((row.get("status") or "").strip().lower())
            if status is None:
                rejected.append((line, "status: must be 'valid' or 'tidak valid'"))
                continue
            written = (row.get("checked_on") or "").strip()
            try:
                checked = date.fromisoformat(written) if written else None
            except ValueError:
                rejected.append((line, "checked_on: write the date as YYYY-MM-DD"))
                continue
            TaxStatusRecord.objects.update_or_create(
                npwp_canonical=parsed.canonical,
                defaults={
                    "status": status,
                    "taxpayer_name": (row.get("name") or "").strip(),
                    "checked_on": checked,
                },
            )
            loaded += 1
    return LoadResult(loaded, rejected)
