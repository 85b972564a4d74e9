"""The LPSE's review queue (SOP step 7): who may see and act, what each action does to the live
standing and to activation, and the audit trail. Accounts come through the real import, groups
through the real batch aggregation."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from export_rows import CAHAYA, PT_CAHAYA, password_of
from satupintu.aggregation.engine import Role
from satupintu.hub.activation import services as activation
from satupintu.hub.activation.services import Outcome
from satupintu.hub.audit.models import AuditEvent
from satupintu.hub.groups.models import Membership
from satupintu.hub.groups.services import aggregate_all
from satupintu.hub.portals.models import Portal
from satupintu.hub.review.models import Kind, ReviewDecision
from satupintu.hub.vendors.models import PortalAccount, State

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "Verif#2026pw"
# CAHAYA's address written without its number at the second portal: the engine cannot tell whether it
# is the same place, so both accounts wait for review.
PT_CAHAYA_VAGUE = {**PT_CAHAYA, "address": "Jalan Sudirman"}
# An account of CAHAYA's company at lkpp whose regency is empty: proposed to CAHAYA's group.
OOPS = {**PT_CAHAYA, "portal": "lkpp", "user_id": "OOPS", "regency": ""}
# A lone vendor with no province at all: in review for its data alone.
KOSONG = {
    **CAHAYA,
    "user_id": "KOSONG",
    "npwp": "02.417.654.7-404.000",
    "name": "CV Sinar Abadi",
    "address": "Jl. Pajajaran No. 12",
    "province": "",
    "regency": "",
    "postal_code": "16143",
    "email": "sinar@abadi.id",
}


def staff(username, portal=None, group=None, **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username,
        password=STAFF_PASSWORD,
        portal=Portal.objects.get(code=portal) if portal else None,
        **extra,
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def lkpp_verifier():
    return staff("verif_lkpp", "lkpp", "Verifikator LPSE")


@pytest.fixture
def as_lkpp(lkpp_verifier):
    return client_of(lkpp_verifier)


def load(portal_accounts, *rows):
    accounts = portal_accounts(*rows)
    aggregate_all()
    return accounts


def activate(row, password=None):
    password = password or password_of(row)
    account = activation.authenticate_account(row["portal"], row["user_id"], password)
    return activation.activate(account, password)


def standing(user_id):
    return activation.current_standing(PortalAccount.objects.get(user_id=user_id))


def post(client, account, action, **data):
    return client.post(f"/tinjauan/akun/{account.pk}/{action}/", data)


# Who may see and act


def test_the_queue_lists_only_the_staffs_own_portals_accounts_in_review(portal_accounts, as_lkpp):
    load(portal_accounts, CAHAYA, PT_CAHAYA_VAGUE, KOSONG)
    page = as_lkpp.get("/tinjauan/").content.decode()
    assert "KOSONG" in page and "CAHAYA" in page and "PT_CAHAYA" not in page
    assert "REGION_INVALID" in page
    # Filtering by finding and by text.
    page = as_lkpp.get("/tinjauan/", {"finding": "REGION_INVALID"}).content.decode()
    assert "KOSONG" in page and ">CAHAYA<" not in page
    page = as_lkpp.get("/tinjauan/", {"q": "sinar"}).content.decode()
    assert "KOSONG" in page and ">CAHAYA<" not in page


def test_the_queue_is_paginated(portal_accounts, as_lkpp):
    rows = [{**KOSONG, "user_id": f"KOSONG{n:02}", "email": f"k{n}@abadi.id"} for n in range(55)]
    load(portal_accounts, *rows)
    first = as_lkpp.get("/tinjauan/").content.decode()
    assert "55 accounts" in first and "KOSONG49" in first and "KOSONG50" not in first
    second = as_lkpp.get("/tinjauan/", {"page": 2}).content.decode()
    assert "KOSONG50" in second and "KOSONG49" not in second


def test_another_portals_staff_get_404_on_the_account_and_every_action(portal_accounts):
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA_VAGUE)
    jakarta = client_of(staff("verif_jkt", "jakarta", "Verifikator LPSE"))
    cahaya = accounts["CAHAYA"]
    assert jakarta.get(f"/tinjauan/akun/{cahaya.pk}/").status_code == 404
    for action, data in (
        (
            "region",
            {"province": "Daerah Khusus Ibukota Jakarta", "regency": "Kota Administrasi Jakarta Selatan"},
        ),
        ("npwp", {"npwp": "0013121660091000"}),
        ("different", {"other": accounts["PT_CAHAYA"].pk, "reason": "x"}),
        ("split", {"reason": "x"}),
        ("merge", {"others": [accounts["PT_CAHAYA"].pk], "reason": "x"}),
    ):
        assert post(jakarta, cahaya, action, **data).status_code == 404
    assert not ReviewDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="review.").exists()
    # An account that does not exist looks the same.
    assert jakarta.get("/tinjauan/akun/999999/").status_code == 404
    # Its own portal's account is there.
    assert jakarta.get(f"/tinjauan/akun/{accounts['PT_CAHAYA'].pk}/").status_code == 200


def test_vendors_and_staff_without_the_permission_are_refused(portal_accounts, lkpp_verifier):
    accounts = load(portal_accounts, KOSONG)
    kosong = accounts["KOSONG"]
    for user in (staff("vendorku"), staff("helpdesk", "lkpp", is_staff=True)):
        client = client_of(user)
        assert client.get("/tinjauan/").status_code == 403
        assert client.get(f"/tinjauan/akun/{kosong.pk}/").status_code == 403
        assert post(client, kosong, "split", reason="x").status_code == 403
        assert "Review queue" not in client.get("/").content.decode()
    # The permission without a portal is not enough either: it is the portal's queue.
    user = staff("tanpa_portal")
    user.user_permissions.add(*Group.objects.get(name="Verifikator LPSE").permissions.all())
    assert client_of(user).get("/tinjauan/").status_code == 403
    anonymous = Client()
    assert anonymous.get("/tinjauan/")["Location"].startswith("/accounts/login/")
    assert "Review queue" in client_of(lkpp_verifier).get("/").content.decode()


def test_the_directorate_sees_every_portal(portal_accounts):
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA_VAGUE)
    directorate = client_of(staff("lkpp_dir", group="Direktorat LKPP"))
    page = directorate.get("/tinjauan/").content.decode()
    assert ">CAHAYA<" in page and ">PT_CAHAYA<" in page
    page = directorate.get("/tinjauan/", {"portal": "jakarta"}).content.decode()
    assert ">CAHAYA<" not in page and ">PT_CAHAYA<" in page
    assert directorate.get(f"/tinjauan/akun/{accounts['PT_CAHAYA'].pk}/").status_code == 200


def test_staff_sign_in_through_the_hubs_sign_in_page(portal_accounts, lkpp_verifier):
    load(portal_accounts, KOSONG)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/accounts/login/", {"login": "VERIF_LKPP", "password": STAFF_PASSWORD})
    assert "KOSONG" in client.get("/tinjauan/").content.decode()


def test_actions_need_the_csrf_token(portal_accounts, lkpp_verifier):
    accounts = load(portal_accounts, KOSONG)
    client = Client(enforce_csrf_checks=True)
    client.force_login(lkpp_verifier)
    response = post(client, accounts["KOSONG"], "region", province="Jawa Barat", regency="Kota Bogor")
    assert response.status_code == 403
    assert PortalAccount.objects.get(user_id="KOSONG").province == ""


# The detail page


def test_the_case_shows_the_live_verdict_findings_reasons_and_the_other_accounts(portal_accounts, as_lkpp):
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA, OOPS)
    page = as_lkpp.get(f"/tinjauan/akun/{accounts['OOPS'].pk}/").content.decode()
    assert "waiting for review" in page and "REGION_INVALID" in page
    assert "regency is empty" in page  # the engine's own reason
    assert "Jakarta" in page and "PT_CAHAYA" in page  # the other portal's account, with its portal
    assert 'id="merge"' in page and 'id="split"' in page


# Corrections


def test_correcting_the_region_lets_the_vendor_activate(portal_accounts, as_lkpp, lkpp_verifier):
    accounts = load(portal_accounts, KOSONG)
    kosong = accounts["KOSONG"]
    assert activate(KOSONG).outcome is Outcome.REVIEW
    # A regency outside the province: the error names the field and the fix.
    response = post(as_lkpp, kosong, "region", province="Daerah Khusus Ibukota Jakarta", regency="Kota Bogor")
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Kota Bogor is not in Daerah Khusus Ibukota Jakarta but in Jawa Barat: correct the province or the regency."
        in page
    )
    assert PortalAccount.objects.get(pk=kosong.pk).province == ""
    response = post(as_lkpp, kosong, "region", province="Jawa Barat", regency="Kota Bogor")
    assert response.status_code == 302
    page = as_lkpp.get(response["Location"]).content.decode()
    assert "The region is corrected." in page and "The vendor can activate now" in page
    kosong.refresh_from_db()
    assert (kosong.province, kosong.regency) == ("Jawa Barat", "Kota Bogor")
    event = AuditEvent.objects.get(action="review.region_corrected", object_id=str(kosong.pk))
    assert event.actor == lkpp_verifier and event.data["old"] == {"province": "", "regency": ""}
    assert Membership.objects.get(account=kosong).role == Role.SINGLE  # the queue is right at once
    assert "KOSONG" not in as_lkpp.get("/tinjauan/").content.decode()
    assert activate(KOSONG).outcome is Outcome.ACTIVATED


def test_correcting_the_npwp_stores_both_forms(portal_accounts, as_lkpp):
    row = {**KOSONG, "province": "Jawa Barat", "regency": "Kota Bogor", "npwp": "02.417.654.7-404.00"}
    accounts = load(portal_accounts, row)
    account = accounts["KOSONG"]
    assert standing("KOSONG").role is Role.REVIEW
    response = post(as_lkpp, account, "npwp", npwp="02.417.654.8-404.000")
    assert response.status_code == 400
    assert "check digit does not match: compare each digit" in response.content.decode()
    response = post(as_lkpp, account, "npwp", npwp="")
    assert "Enter the NPWP." in response.content.decode()
    assert post(as_lkpp, account, "npwp", npwp="02.417.654.7-404.000").status_code == 302
    account.refresh_from_db()
    assert (account.npwp, account.npwp_canonical) == ("02.417.654.7-404.000", "0024176547404000")
    assert AuditEvent.objects.filter(action="review.npwp_corrected", object_id=str(account.pk)).exists()
    assert activate(row).outcome is Outcome.ACTIVATED


# Decisions


def test_confirming_different_vendors_lets_both_activate_alone(portal_accounts, as_lkpp, lkpp_verifier):
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA_VAGUE)
    assert standing("CAHAYA").role is Role.REVIEW and standing("PT_CAHAYA").role is Role.REVIEW
    other = accounts["PT_CAHAYA"]
    response = post(as_lkpp, accounts["CAHAYA"], "different", other=other.pk, reason="")
    assert response.status_code == 400 and "Write why" in response.content.decode()
    response = post(
        as_lkpp, accounts["CAHAYA"], "different", other=other.pk, reason="Two companies, deeds seen"
    )
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    assert decision.kind == Kind.DIFFERENT and decision.actor == lkpp_verifier
    assert [p.other for p in decision.pairs.all()] == [other]
    event = AuditEvent.objects.get(action="review.decided_different")
    assert event.data["others"] == ["jakarta/PT_CAHAYA"] and event.actor == lkpp_verifier
    assert standing("CAHAYA").role is Role.SINGLE and standing("PT_CAHAYA").role is Role.SINGLE
    # The batch run honours it as well.
    aggregate_all()
    cahaya, pt = (Membership.objects.get(account__user_id=u) for u in ("CAHAYA", "PT_CAHAYA"))
    assert cahaya.group_id != pt.group_id and cahaya.role == pt.role == Role.SINGLE
    assert activate(CAHAYA).outcome is Outcome.ACTIVATED
    assert activate(PT_CAHAYA_VAGUE).outcome is Outcome.ACTIVATED


def test_confirming_a_merge_elects_the_single_and_the_member_links(portal_accounts, as_lkpp):
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA_VAGUE)
    response = post(
        as_lkpp, accounts["CAHAYA"], "merge", others=[accounts["PT_CAHAYA"].pk], reason="Same deed, same NIB"
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="review.decided_same").count() == 1
    assert standing("CAHAYA").role is Role.SINGLE and standing("PT_CAHAYA").role is Role.MEMBER
    aggregate_all()
    assert Membership.objects.get(account__user_id="CAHAYA").group.review is False
    assert activate(CAHAYA).outcome is Outcome.ACTIVATED
    member = activate(PT_CAHAYA_VAGUE)
    assert member.outcome is Outcome.MEMBER and member.tunggal.user_id == "CAHAYA"
    assert activation.link_member(member.account, password_of(CAHAYA)).outcome is Outcome.LINKED


def test_a_merge_may_name_only_the_accounts_the_engine_proposed(portal_accounts, as_lkpp):
    stranger = {
        **KOSONG,
        "portal": "jakarta",
        "user_id": "ASING",
        "province": "Jawa Barat",
        "regency": "Kota Bogor",
    }
    # A branch of CAHAYA's NPWP at another address: part of the case, but a different place.
    branch = {**PT_CAHAYA, "user_id": "CABANG", "address": "Jl. Gatot Subroto No. 40 RT 01/RW 02"}
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA_VAGUE, stranger, branch)
    cahaya, cabang = accounts["CAHAYA"], accounts["CABANG"]
    page = as_lkpp.get(f"/tinjauan/akun/{cahaya.pk}/").content.decode()
    merge_form = page[page.index('id="merge"') : page.index('id="different"')]
    different_form = page[page.index('id="different"') :]
    assert f'value="{accounts["PT_CAHAYA"].pk}"' in merge_form
    assert f'value="{cabang.pk}"' in different_form and f'value="{cabang.pk}"' not in merge_form
    for other in (accounts["ASING"], cabang):
        response = post(as_lkpp, cahaya, "merge", others=[other.pk], reason="takeover")
        assert response.status_code == 400
        assert "Tick only the accounts listed" in response.content.decode()
    assert not ReviewDecision.objects.exists()


def test_confirming_a_proposed_account_lets_it_activate_as_a_member(portal_accounts, as_lkpp):
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA, OOPS)
    oops = accounts["OOPS"]
    assert standing("OOPS").role is Role.REVIEW
    page = as_lkpp.get(f"/tinjauan/akun/{oops.pk}/").content.decode()
    assert f'value="{accounts["CAHAYA"].pk}"' in page and f'value="{accounts["PT_CAHAYA"].pk}"' in page
    response = post(
        as_lkpp,
        oops,
        "merge",
        others=[accounts["CAHAYA"].pk, accounts["PT_CAHAYA"].pk],
        reason="Same company, regency missing",
    )
    assert response.status_code == 302
    now = standing("OOPS")
    assert now.role is Role.MEMBER and now.tunggal.user_id == "CAHAYA"
    result = activate(OOPS)
    assert result.outcome is Outcome.MEMBER
    assert activation.link_member(result.account, password_of(CAHAYA)).outcome is Outcome.LINKED
    # Linked now: it cannot be split away silently.
    response = post(as_lkpp, oops, "split", reason="changed my mind")
    assert response.status_code == 400
    assert "already linked to the User ID Tunggal CAHAYA" in response.content.decode()
    assert ReviewDecision.objects.count() == 1


def test_a_decision_cannot_split_an_activated_group_through_another_account(portal_accounts, as_lkpp):
    # OOPS is confirmed one vendor with CAHAYA's group; CAHAYA activates and PT_CAHAYA links. "OOPS is
    # not PT_CAHAYA" would carry over (OOPS is CAHAYA, so CAHAYA is not PT_CAHAYA) and split the group.
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA, OOPS)
    oops, pt = accounts["OOPS"], accounts["PT_CAHAYA"]
    both = [accounts["CAHAYA"].pk, pt.pk]
    assert post(as_lkpp, oops, "merge", others=both, reason="Same company").status_code == 302
    assert activate(CAHAYA).outcome is Outcome.ACTIVATED
    member = activate(PT_CAHAYA)
    assert activation.link_member(member.account, password_of(CAHAYA)).outcome is Outcome.LINKED
    response = post(as_lkpp, oops, "different", other=pt.pk, reason="Another company after all")
    assert response.status_code == 400
    assert (
        "but both are already one User ID Tunggal (CAHAYA): an activated group cannot be split here"
        in response.content.decode()
    )
    assert ReviewDecision.objects.count() == 1
    assert not AuditEvent.objects.filter(action="review.decided_different").exists()
    now = standing("PT_CAHAYA")
    assert now.role is Role.MEMBER and now.tunggal.user_id == "CAHAYA"


def test_a_decision_updates_the_stored_queue_of_every_account_it_changes(portal_accounts, as_lkpp):
    # A third account at CAHAYA's address: once CAHAYA and PT_CAHAYA are two vendors, it is the same
    # place as both, and waits for review (decision 0007).
    third = {**CAHAYA, "user_id": "KETIGA", "email": "ketiga@cahaya.co.id", "packages": "1"}
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA, third)
    assert Membership.objects.get(account__user_id="KETIGA").role == Role.MEMBER
    assert "KETIGA" not in as_lkpp.get("/tinjauan/").content.decode()
    other = accounts["PT_CAHAYA"].pk
    response = post(as_lkpp, accounts["CAHAYA"], "different", other=other, reason="Two companies")
    assert response.status_code == 302
    assert standing("KETIGA").role is Role.REVIEW
    stored = Membership.objects.get(account__user_id="KETIGA")
    assert stored.role == Role.REVIEW and "ADDRESS_UNCERTAIN" in stored.findings.split(";")
    for user_id in ("CAHAYA", "PT_CAHAYA"):
        assert Membership.objects.get(account__user_id=user_id).role == Role.REVIEW
    assert ">KETIGA<" in as_lkpp.get("/tinjauan/").content.decode()


def test_splitting_a_proposed_account_then_correcting_it_makes_it_its_own_vendor(portal_accounts, as_lkpp):
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA, OOPS)
    oops = accounts["OOPS"]
    assert post(as_lkpp, oops, "split", reason="Another company at the same building").status_code == 302
    decision = ReviewDecision.objects.get()
    assert decision.kind == Kind.SPLIT and decision.pairs.count() == 2
    assert AuditEvent.objects.filter(action="review.decided_split", object_id=str(decision.pk)).exists()
    # Still in review, now for its data alone: nobody proposes it to CAHAYA's group any more.
    now = standing("OOPS")
    assert now.role is Role.REVIEW and now.proposed == ()
    assert activation.current_standing(accounts["CAHAYA"]).proposed == ()
    response = post(
        as_lkpp,
        oops,
        "region",
        province="Daerah Khusus Ibukota Jakarta",
        regency="Kota Administrasi Jakarta Selatan",
    )
    assert response.status_code == 302
    now = standing("OOPS")
    assert now.role is Role.SINGLE and [a.user_id for a in now.group] == ["OOPS"]
    assert activate(OOPS).outcome is Outcome.ACTIVATED
    assert activate(CAHAYA).outcome is Outcome.ACTIVATED
    assert PortalAccount.objects.get(user_id="OOPS").state == State.ACTIVATED


def test_an_activated_account_is_not_corrected_or_split_here(portal_accounts, as_lkpp):
    accounts = load(portal_accounts, CAHAYA, PT_CAHAYA)
    activate(CAHAYA)
    cahaya = accounts["CAHAYA"]
    response = post(as_lkpp, cahaya, "split", reason="x")
    assert (
        response.status_code == 400 and "already activated as a User ID Tunggal" in response.content.decode()
    )
    response = post(as_lkpp, cahaya, "npwp", npwp="02.417.654.7-404.000")
    assert response.status_code == 400
    assert PortalAccount.objects.get(pk=cahaya.pk).npwp == CAHAYA["npwp"]
