"""Rows of portals' SPSE exports shared by the hub's tests and the end-to-end tests, their passwords, and
the writer of an export file (a module of its own, so that test modules import it by a name no test folder
uses)."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from pathlib import Path

from satupintu.aggregation.io import OPTIONAL_COLUMNS, REQUIRED_COLUMNS


def md5(password: str) -> str:
    """A password as older SPSE versions store it: bare MD5 hex."""
    return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()


def password_of(row: dict) -> str:
    """Every test account's password: its user ID + "#Pw1"."""
    return f"{row['user_id']}#Pw1"


def write_export(rows: Iterable[dict], path: Path) -> Path:
    """A portal's SPSE export with these rows (dicts of export columns); each row's password hash is the
    MD5 of `password_of(row)` unless the row gives its own ``password_hash``."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS], restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow({"password_hash": md5(password_of(row)), **row})
    return path


# The FAQ's example: one company at two portals (one NPWP in both forms, one address written two ways).
# The account with more packages (lkpp) is the User ID Tunggal, the other a member.
CAHAYA = {
    "portal": "lkpp",
    "user_id": "CAHAYA",
    "npwp": "01.312.166.0-091.000",
    "name": "PT Cahaya",
    "address": "Jl. Jend. Sudirman No. 5 RT 03/RW 05",
    "province": "DKI Jakarta",
    "regency": "Jakarta Selatan",
    "postal_code": "12920",
    "email": "info@cahaya.co.id",
    "phone": "0215551234",
    "packages": "12",
    "registered_at": "2010-09-20",
    "status": "pusat",
}
PT_CAHAYA = {
    **CAHAYA,
    "portal": "jakarta",
    "user_id": "PT_CAHAYA",
    "npwp": "0013121660091000",
    "name": "PT. CAHAYA",
    "address": "JALAN SUDIRMAN NOMOR 05 RT.003 RW.005",
    "regency": "Kota Adm. Jakarta Selatan",
    "packages": "3",
    "registered_at": "2011-03-02",
}
