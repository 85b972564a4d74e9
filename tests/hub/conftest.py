import pytest

from export_rows import write_export
from satupintu.hub.vendors.models import PortalAccount
from satupintu.hub.vendors.services import import_accounts


@pytest.fixture
def portal_accounts(tmp_path):
    """Import rows (dicts of export columns) through the real import, one file per portal; each row's
    password is `password_of(row)` unless it gives a ``password_hash``."""

    def load(*rows: dict) -> dict[str, PortalAccount]:
        by_portal: dict[str, list[dict]] = {}
        for row in rows:
            by_portal.setdefault(row["portal"], []).append(row)
        for portal, portal_rows in by_portal.items():
            summary = import_accounts(portal, write_export(portal_rows, tmp_path / f"{portal}.csv"))
            assert not summary.rejections, summary.rejections
        return {a.user_id: a for a in PortalAccount.objects.select_related("portal")}

    return load
