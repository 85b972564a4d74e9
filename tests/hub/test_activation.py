"""Activation outcomes at the service level, on hand-written accounts imported through the real import."""

import pytest
from django.contrib.auth import get_user_model

from export_rows import CAHAYA, PT_CAHAYA, password_of
from satupintu.hub.activation import services
from satupintu.hub.activation.models import UserIdChange
from satupintu.hub.activation.services import ActivationRefused, Outcome, Refusal
from satupintu.hub.audit.models import AuditEvent
from satupintu.hub.events.models import Event
from satupintu.hub.vendors.models import State

pytestmark = pytest.mark.django_db

LONE = {
    **CAHAYA,
    "portal": "depkes",
    "user_id": "SINAR",
    "npwp": "02.417.654.7-404.000",
    "name": "CV Sinar Abadi",
    "address": "Jl. Pajajaran No. 12",
    "province": "Jawa Barat",
    "regency": "Kota Bogor",
    "postal_code": "16143",
    "email": "sinar@abadi.id",
}
MAJU_A = {**LONE, "portal": "lkpp", "user_id": "MAJU", "npwp": "03.555.120.9-011.000", "name": "PT Maju"}
MAJU_B = {
    **LONE,
    "portal": "kemdiknas",
    "user_id": "maju",
    "npwp": "04.222.333.9-022.000",
    "name": "CV Maju Bersama",
    "address": "Jl. Diponegoro No. 9",
}


def activate(row: dict, password: str | None = None) -> services.ActivationResult:
    password = password or password_of(row)
    account = services.authenticate_account(row["portal"], row["user_id"], password)
    return services.activate(account, password)


def test_an_account_without_duplicate_becomes_its_own_user_id_tunggal(portal_accounts):
    portal_accounts(LONE)
    result = activate(LONE)
    assert result.outcome is Outcome.ACTIVATED
    account = result.account
    account.refresh_from_db()
    user = account.identity
    assert account.state == State.ACTIVATED and user.username == "SINAR"
    # The imported MD5 verified the password once; the hub keeps argon2id from then on.
    assert user.password.startswith("argon2$argon2id$") and user.check_password(password_of(LONE))
    assert user.vendor.npwp_canonical == "0024176547404000" and user.vendor.home_portal.code == "depkes"
    assert AuditEvent.objects.filter(action="activation.activated", object_id=str(account.pk)).exists()
    # Its portal is told (the outbox), and every aggregated portal learns the new identity.
    activated = Event.objects.get(type="account.activated")
    assert activated.portal.code == "depkes" and activated.payload == {
        "portal": "depkes",
        "user_id": "SINAR",
        "sub": str(user.sub),
        "user_id_tunggal": "SINAR",
    }
    updated = Event.objects.get(type="vendor.updated")
    assert updated.portal is None and updated.payload["sub"] == str(user.sub)
    assert (
        updated.payload["npwp"] == "0024176547404000" and updated.payload["home_portal"]["code"] == "depkes"
    )
    # Activating again tells that it is done, and changes nothing.
    again = activate(LONE)
    assert again.outcome is Outcome.ALREADY_ACTIVE
    assert get_user_model().objects.filter(username__iexact="sinar").count() == 1
    assert Event.objects.count() == 2


def test_wrong_password_and_unknown_user_id_are_refused_alike(portal_accounts):
    portal_accounts(LONE)
    for user_id, password in (("SINAR", "wrong#Pw1"), ("NOBODY", "wrong#Pw1"), ("sinar", "SINAR#pw1")):
        with pytest.raises(ActivationRefused) as refused:
            services.authenticate_account("depkes", user_id, password)
        assert refused.value.reason is Refusal.WRONG_CREDENTIALS
    # User IDs ignore case; passwords do not.
    assert services.authenticate_account("depkes", "sinar", password_of(LONE)).user_id == "SINAR"
    assert AuditEvent.objects.filter(action="activation.credentials_rejected").count() == 3


def test_unverified_accounts_and_non_aggregated_portals_are_told_apart(portal_accounts):
    accounts = portal_accounts(LONE, {**MAJU_A, "portal": "kotabogor"})
    accounts["SINAR"].verified = False
    accounts["SINAR"].save()
    with pytest.raises(ActivationRefused) as refused:
        services.authenticate_account("depkes", "SINAR", password_of(LONE))
    assert refused.value.reason is Refusal.NOT_VERIFIED
    with pytest.raises(ActivationRefused) as refused:
        services.authenticate_account("kotabogor", "MAJU", password_of(MAJU_A))
    assert refused.value.reason is Refusal.PORTAL_NOT_AGGREGATED


def test_user_id_collision_needs_a_new_unique_user_id_and_tells_the_home_portal(portal_accounts):
    portal_accounts(MAJU_A, MAJU_B)
    result = activate(MAJU_A)
    assert result.outcome is Outcome.NEEDS_NEW_USER_ID
    account = result.account
    with pytest.raises(services.UserIdTaken):  # the other vendor's ID, in another case
        services.change_user_id(account, "MAJU", reason="activation_collision")
    with pytest.raises(services.UserIdInvalid):
        services.change_user_id(account, "maju jaya", reason="activation_collision")
    services.change_user_id(account, "MAJU_JAYA", reason="activation_collision")
    account.refresh_from_db()
    assert account.user_id == "MAJU_JAYA" and account.user_id_key == "maju_jaya"
    assert UserIdChange.objects.get(account=account).old_user_id == "MAJU"
    event = Event.objects.get(type="account.user_id_changed")
    assert event.portal.code == "lkpp" and event.payload == {
        "portal": "lkpp",
        "user_id": "MAJU",
        "new_user_id": "MAJU_JAYA",
        "reason": "activation_collision",
        "sub": None,  # not activated yet
    }
    # With the collision gone, it activates; so does the other vendor, whose "maju" is now its own.
    assert activate({**MAJU_A, "user_id": "MAJU_JAYA"}, password_of(MAJU_A)).outcome is Outcome.ACTIVATED
    assert activate(MAJU_B).outcome is Outcome.ACTIVATED


def test_the_single_of_a_group_activates_and_is_told_of_its_unactivated_members(portal_accounts):
    portal_accounts(CAHAYA, PT_CAHAYA)
    result = activate(CAHAYA)
    assert result.outcome is Outcome.ACTIVATED
    assert [a.user_id for a in result.standing.unactivated] == ["PT_CAHAYA"]


def test_a_member_names_its_tunggal_and_links_with_the_tunggals_password(portal_accounts):
    portal_accounts(CAHAYA, PT_CAHAYA)
    activate(CAHAYA)
    result = activate(PT_CAHAYA)
    assert result.outcome is Outcome.MEMBER
    assert (result.tunggal.user_id, result.tunggal.portal.code) == ("CAHAYA", "lkpp")
    with pytest.raises(ActivationRefused):  # its own password is not the Tunggal's
        services.link_member(result.account, password_of(PT_CAHAYA))
    linked = services.link_member(result.account, password_of(CAHAYA))
    assert linked.outcome is Outcome.LINKED
    member = linked.account
    member.refresh_from_db()
    assert member.state == State.LINKED and member.identity.username == "CAHAYA"
    assert get_user_model().objects.count() == 1  # kept as an alias, not a second account
    assert AuditEvent.objects.filter(action="activation.linked", object_id=str(member.pk)).exists()
    linked_event = Event.objects.get(type="account.linked")
    assert linked_event.portal.code == "jakarta" and linked_event.payload == {
        "portal": "jakarta",
        "user_id": "PT_CAHAYA",
        "sub": str(member.identity.sub),
        "user_id_tunggal": "CAHAYA",
    }
    # Linking changes no identity: the one vendor.updated is the Tunggal's activation.
    assert Event.objects.filter(type="vendor.updated").count() == 1


def test_a_member_first_activates_its_tunggal_with_the_tunggals_password(portal_accounts):
    portal_accounts(CAHAYA, PT_CAHAYA)
    result = activate(PT_CAHAYA)
    assert result.outcome is Outcome.MEMBER and result.tunggal.state == State.LOCAL
    linked = services.link_member(result.account, password_of(CAHAYA))
    assert linked.outcome is Outcome.LINKED
    tunggal = linked.standing.tunggal
    tunggal.refresh_from_db()
    assert tunggal.state == State.ACTIVATED and tunggal.identity.check_password(password_of(CAHAYA))
    # Each portal hears of its own account, in the order it happened.
    assert [(e.type, e.portal.code if e.portal else None) for e in Event.objects.order_by("id")] == [
        ("account.activated", "lkpp"),
        ("vendor.updated", None),
        ("account.linked", "jakarta"),
    ]
    assert activate(CAHAYA).outcome is Outcome.ALREADY_ACTIVE


def test_the_tunggal_stays_when_a_member_later_has_more_packages(portal_accounts):
    accounts = portal_accounts(CAHAYA, PT_CAHAYA)
    activate(CAHAYA)
    accounts["PT_CAHAYA"].packages = 50  # now the election would pick PT_CAHAYA
    accounts["PT_CAHAYA"].save()
    result = activate(PT_CAHAYA)
    assert result.outcome is Outcome.MEMBER and result.tunggal.user_id == "CAHAYA"


def test_an_empty_province_gets_the_administrators_notice_not_an_error(portal_accounts):
    row = {**LONE, "province": "", "regency": ""}
    portal_accounts(row)
    result = activate(row)
    assert result.outcome is Outcome.REVIEW
    assert [f.value for f in result.standing.findings] == ["REGION_INVALID"]
    assert result.standing.reasons  # the engine's words on what is missing
    assert result.account.state == State.LOCAL


def test_a_user_id_held_by_a_hub_account_is_a_collision_too(portal_accounts, django_user_model):
    portal_accounts(LONE)
    django_user_model.objects.create_user("sinar", password="Staf#2026pw")  # a member of staff
    result = activate(LONE)
    assert result.outcome is Outcome.NEEDS_NEW_USER_ID
    result.account.refresh_from_db()
    assert result.account.state == State.LOCAL and django_user_model.objects.count() == 1
