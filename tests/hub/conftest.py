import csv
import io

import pytest
from hub_rows import md5, password_of

from satupintu.aggregation.io import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from satupintu.hub.vendors.models import PortalAccount
from satupintu.hub.vendors.services import import_accounts


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
