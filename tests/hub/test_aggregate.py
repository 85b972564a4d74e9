import pytest

from satupintu.hub.groups.models import ActivationGroup, Membership
from satupintu.hub.groups.services import aggregate_all
from satupintu.hub.vendors.services import import_accounts

HEADER = "portal,user_id,npwp,name,address,province,regency,postal_code,email,phone,packages,registered_at\n"
LKPP = HEADER + (
    "lkpp,CAHAYA,01.312.166.0-091.000,PT Cahaya,Jl. Jend. Sudirman No. 5 RT 03/RW 05,DKI Jakarta,"
    "Jakarta Selatan,12920,a@cahaya.id,0812,12,2010-09-20\n"
)
JAKARTA = HEADER + (
    "jakarta,PT_CAHAYA,0013121660091000,PT. CAHAYA,JALAN SUDIRMAN NOMOR 05,DKI Jakarta,"
    "Kota Adm. Jakarta Selatan,12920,a@cahaya.id,0812,3,2011-03-02\n"
)
KBN = HEADER + (
    "kbn,KARYA,05.123.456.6-701.000,PT Karya,Jl. Gajah Mada No. 40,,Kota Pontianak,78121,k@k.id,0,1,2016-08-08\n"
)


@pytest.mark.django_db
def test_faq_case_is_one_group_and_rerun_changes_nothing(write_csv):
    import_accounts("lkpp", write_csv(LKPP, "lkpp.csv"))
    import_accounts("jakarta", write_csv(JAKARTA, "jakarta.csv"))
    summary = aggregate_all()
    assert summary["accounts"] == 2 and summary["groups"] == 1
    group = ActivationGroup.objects.get()
    roles = dict(Membership.objects.values_list("account__user_id", "role"))
    assert roles == {"CAHAYA": "single", "PT_CAHAYA": "member"}
    assert (
        "0013121660091000" in group.explanation.replace(" ", "")
        or "01.312.166.0-091.000" in group.explanation
    )

    again = aggregate_all()
    assert again["groups_created"] == again["groups_changed"] == again["groups_removed"] == 0
    assert again["memberships_created"] == again["memberships_changed"] == 0


@pytest.mark.django_db
def test_rerun_after_a_new_import_takes_the_new_accounts(write_csv):
    import_accounts("lkpp", write_csv(LKPP, "lkpp.csv"))
    aggregate_all()
    import_accounts("jakarta", write_csv(JAKARTA, "jakarta.csv"))
    import_accounts("kbn", write_csv(KBN, "kbn.csv"))
    summary = aggregate_all()
    assert summary["accounts"] == 3
    assert Membership.objects.get(account__user_id="KARYA").role == "review"
    assert "REGION_INVALID" in Membership.objects.get(account__user_id="KARYA").findings
    assert ActivationGroup.objects.count() == 2


@pytest.mark.django_db
def test_an_account_proposed_to_a_group_puts_the_group_in_the_review_list(write_csv):
    # The FAQ's "Oops": an empty province. The address and NPWP are PT Cahaya's, so the account is
    # proposed to its group, in review, and the group shows in the directorate's review filter.
    oops = HEADER + (
        "kbn,CAHAYA_KBN,013121660091000,PT Cahaya,Jl. Sudirman No. 5,,"
        "Kota Adm. Jakarta Selatan,12920,a@cahaya.id,0812,40,2012-01-01\n"
    )
    import_accounts("lkpp", write_csv(LKPP, "lkpp.csv"))
    import_accounts("jakarta", write_csv(JAKARTA, "jakarta.csv"))
    import_accounts("kbn", write_csv(oops, "kbn.csv"))
    aggregate_all()
    group = ActivationGroup.objects.get()
    assert group.review and group.size == 3
    roles = dict(Membership.objects.values_list("account__user_id", "role"))
    assert roles == {"CAHAYA": "single", "PT_CAHAYA": "member", "CAHAYA_KBN": "review"}
    assert "kbn/CAHAYA_KBN is proposed" in group.explanation
