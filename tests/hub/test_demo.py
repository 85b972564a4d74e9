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


@pytest.mark.django_db
def test_the_demo_staff_and_the_waiting_registration_work_as_the_table_says():
    from django.test import Client

    from satupintu.hub.demo import DEMO_LOGINS, _registration, _staff
    from satupintu.hub.registration.models import Registration

    _staff()
    _registration()
    _registration()  # a second start of the demo adds nothing
    assert Registration.objects.get().verifying_portal.code == "jakarta"
    passwords = {user: password for user, password, _ in DEMO_LOGINS}
    verifier = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert verifier.login(username="verifikator_jakarta", password=passwords["verifikator_jakarta"])
    assert "MITRA_DEMO" in verifier.get("/verifikasi/").content.decode()
    registrant = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert registrant.login(username="MITRA_DEMO", password=passwords["MITRA_DEMO"])
    assert "/verifikasi/daring/" in registrant.get("/").content.decode()
    helpdesk = Client()
    assert helpdesk.login(username="helpdesk_jakarta", password=passwords["helpdesk_jakarta"])
    assert helpdesk.get("/verifikasi/").status_code == 403  # the helpdesk does not verify


@pytest.mark.django_db
def test_the_demo_tickets_fill_the_helpdesk_list_and_reports():
    from django.test import Client

    from satupintu.hub.demo import DEMO_LOGINS, _helpdesk, _staff
    from satupintu.hub.helpdesk.models import Evaluation, Ticket

    _staff()
    _helpdesk()
    _helpdesk()  # a second start of the demo adds nothing
    assert sorted(Ticket.objects.values_list("status", flat=True)) == ["closed", "waiting_for_vendor"]
    assert Evaluation.objects.count() == 1
    passwords = {user: password for user, password, _ in DEMO_LOGINS}
    desk = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert desk.login(username="helpdesk_jakarta", password=passwords["helpdesk_jakarta"])
    assert "Syarat kualifikasi paket konstruksi" in desk.get("/bantuan/").content.decode()
    reports = desk.get("/bantuan/laporan/").content.decode()
    assert "1 evaluation" in reports
    requester = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert requester.login(username="WARGA_DEMO", password=passwords["WARGA_DEMO"])
    assert "Tidak bisa masuk dengan INAPROC" in requester.get("/bantuan/").content.decode()
