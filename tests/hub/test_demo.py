"""The demo's showcase rows show what they say they show."""

import pytest

from satupintu.hub.demo import _exports
from satupintu.hub.groups.models import Membership
from satupintu.hub.groups.services import aggregate_all
from satupintu.hub.vendors.services import import_accounts


@pytest.mark.django_db
def test_each_showcase_row_lands_in_its_case(tmp_path):
    for portal, path in _exports(0, tmp_path).items():
        assert not import_accounts(portal, path).rejections
    aggregate_all()
    seen = {
        m.account.user_id: (m.role, m.findings, m.group_id)
        for m in Membership.objects.select_related("account")
    }
    assert seen["CAHAYA"][:2] == ("single", "") and seen["PT_CAHAYA"][:2] == ("member", "")
    assert seen["CAHAYA"][2] == seen["PT_CAHAYA"][2]
    # Branches: one NPWP, two addresses, two groups, each noted as a branch of the NPWP.
    assert seen["SINAR_BGR"][:2] == seen["SINAR_BGR2"][:2] == ("single", "BRANCH_SAME_NPWP")
    assert seen["SINAR_BGR"][2] != seen["SINAR_BGR2"][2]
    assert seen["MAJU"][1] == seen["maju"][1] == "USER_ID_COLLISION"
    assert seen["KARYA_PTK"][:2] == ("review", "REGION_INVALID")
    assert (
        seen["TUNAS"][:2] == ("single", "") and len(Membership.objects.filter(group_id=seen["TUNAS"][2])) == 1
    )
