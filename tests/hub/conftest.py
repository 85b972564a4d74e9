import csv
import hashlib
import io

import pytest

from satupintu.aggregation.io import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from satupintu.hub.vendors.models import PortalAccount
from satupintu.hub.vendors.services import import_accounts


def md5(password: str) -> str:
    """A password as older SPSE versions store it: bare MD5 hex."""
    return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()


# The FAQ's example and friends, each a row of a portal's export (password: the user ID + "#Pw1").
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


def password_of(row: dict) -> str:
    return f"{row['user_id']}#Pw1"


@pytest.fixture
def portal_accounts(write_csv):
    """Import rows (dicts of export columns) through the real import, one file per portal; each row's
    password is `password_of(row)` unless it gives a ``password_hash``."""

    def load(*rows: dict) -> dict[str, PortalAccount]:
        by_portal: dict[str, list[dict]] = {}
        for row in rows:
            by_portal.setdefault(row["portal"], []).append({"password_hash": md5(password_of(row)), **row})
        for portal, portal_rows in by_portal.items():
            text = io.StringIO()
            writer = csv.DictWriter(text, [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS], restval="")
            writer.writeheader()
            writer.writerows(portal_rows)
            summary = import_accounts(portal, write_csv(text.getvalue(), f"{portal}.csv"))
            assert not summary.rejections, summary.rejections
        return {a.user_id: a for a in PortalAccount.objects.select_related("portal")}

    return load
