"""Accounts held back for a missing region or address, proposed to the one group they most likely
belong to: they share its group id but stay in review, and nothing else about the group changes."""

from __future__ import annotations

import pytest
from test_engine import acct, same_group

from satupintu.aggregation.engine import Finding, Role, aggregate

F = Finding
MAIL = "info@majujaya.co.id"


def group_of(result, i):
    return result.groups[result.group_of[i]]


def test_empty_province_is_proposed_to_the_group_at_the_same_address():
    records = [
        acct("lkpp", "oops", province="", packages=50, address="JL. MERDEKA NOMOR 10 RT 3 RW 5"),
        acct("jakarta", "tunggal", packages=2),
        acct("bandung", "anggota", packages=1, address="Jalan Merdeka No.10"),
    ]
    result = aggregate(records)
    group = group_of(result, 1)
    assert same_group(result, 0, 1) and same_group(result, 1, 2)
    assert group.proposed == [0]
    assert group.waiting and not group.review
    # The proposed account waits for a person: it is neither elected (despite its 50 packages) nor a member.
    assert result.roles == [Role.REVIEW, Role.SINGLE, Role.MEMBER]
    assert group.single == 1
    assert result.findings[0] == (F.REGION_INVALID,)
    assert any("lkpp/oops is proposed" in note for note in group.notes)
    assert any("province is empty" in note for note in group.notes)
    assert "lkpp/oops" in result.explain(group)


def test_a_proposal_does_not_change_the_group_id():
    without = aggregate([acct("jakarta", "tunggal"), acct("bandung", "anggota")])
    with_proposal = aggregate(
        [acct("aaa", "oops", province=""), acct("jakarta", "tunggal"), acct("bandung", "anggota")]
    )
    assert (
        with_proposal.groups[with_proposal.group_of[1]].group_id
        == without.groups[without.group_of[0]].group_id
    )


@pytest.mark.parametrize(
    ("in_bogor", "proposed"),
    [("Jl. Pajajaran No. 7", True), ("Jl. Merdeka No. 10", False)],
    ids=["one-place-is-the-same", "places-in-two-regencies-are-the-same"],
)
def test_empty_regency_is_proposed_only_where_one_place_of_the_npwp_is_the_same(in_bogor, proposed):
    records = [
        acct("lkpp", "kosong", regency="", address="Jl. Merdeka No. 10"),
        acct("jakarta", "bandung", regency="Kota Bandung", address="Jl. Merdeka No. 10"),
        acct("bogor", "bogor", regency="Kota Bogor", address=in_bogor),
    ]
    result = aggregate(records)
    assert same_group(result, 0, 1) is proposed
    assert not same_group(result, 0, 2)
    assert group_of(result, 1).proposed == ([0] if proposed else [])
    assert group_of(result, 0).waiting


def test_ambiguous_regency_is_proposed_only_within_its_candidates():
    bogor = acct("lkpp", "bogor", regency="Bogor", address="Jl. Merdeka No. 10")
    in_kota = aggregate([bogor, acct("jakarta", "x", regency="Kota Bogor", address="Jl. Merdeka No. 10")])
    assert same_group(in_kota, 0, 1)
    in_bandung = aggregate(
        [bogor, acct("jakarta", "x", regency="Kota Bandung", address="Jl. Merdeka No. 10")]
    )
    assert not same_group(in_bandung, 0, 1)


@pytest.mark.parametrize(
    "address",
    ["Jl. Merdeka", "Jl. Merdeka No. 12", "Jl. Merdekaa No. 10 Blok C", "Jl. Asia Afrika No. 10"],
    ids=["no-number", "other-number", "extra-block", "other-street"],
)
def test_region_unreadable_with_an_address_that_is_not_surely_the_same_stays_alone(address):
    result = aggregate([acct("lkpp", "kosong", province="", address=address), acct("jakarta", "x")])
    assert not same_group(result, 0, 1)
    assert result.roles[0] is Role.REVIEW


def test_region_unreadable_is_not_proposed_to_a_group_that_waits_for_review():
    records = [
        acct("lkpp", "kosong", province="", address="Jl. Merdeka No. 10"),
        acct("jakarta", "a", address="Jl. Merdeka No. 10"),
        acct("bandung", "b", address="Jl. Merdeka"),  # undecided against the first: that group waits
    ]
    result = aggregate(records)
    assert group_of(result, 1).review
    assert not same_group(result, 0, 1)


def test_no_region_and_no_address_is_never_proposed():
    result = aggregate(
        [acct("lkpp", "kosong", province="", address="", email=MAIL), acct("jakarta", "x", email=MAIL)]
    )
    assert not same_group(result, 0, 1)


def test_empty_address_is_proposed_to_the_only_place_of_its_npwp_with_the_same_email():
    records = [
        acct("lkpp", "tanpa-alamat", address="-", email=MAIL.upper(), status="pusat"),
        acct("jakarta", "tunggal", email=MAIL, status="pusat"),
        acct("bandung", "anggota", email="", status=""),
    ]
    result = aggregate(records)
    assert same_group(result, 0, 1)
    assert group_of(result, 1).proposed == [0]
    assert result.findings[0] == (F.ADDRESS_MISSING,)
    assert any("gives no address" in note for note in group_of(result, 1).notes)


@pytest.mark.parametrize(
    ("missing", "others"),
    [
        ({"email": "lain@contoh.id"}, [{}]),
        ({"email": ""}, [{}]),
        ({"status": "cabang"}, [{"status": "pusat"}]),
        ({}, [{}, {"address": "Jl. Merdeka No. 12", "user_id": "cabang"}]),
        ({}, [{"regency": "Kota Bogor"}]),
    ],
    ids=["other-email", "no-email", "other-status", "two-places", "other-regency"],
)
def test_empty_address_without_one_sure_place_stays_alone(missing, others):
    records = [acct("lkpp", "tanpa-alamat", **{"address": "", "email": MAIL, **missing})]
    records += [acct("jakarta", o.pop("user_id", "x"), **{"email": MAIL, **o}) for o in others]
    result = aggregate(records)
    assert group_of(result, 0).members == [0]
    assert result.roles[0] is Role.REVIEW


def test_a_user_id_shared_with_a_proposed_account_is_no_collision():
    records = [acct("lkpp", "MAJU", province=""), acct("jakarta", "maju")]
    result = aggregate(records)
    assert same_group(result, 0, 1)
    assert F.USER_ID_COLLISION not in result.findings[0]


@pytest.mark.parametrize(
    "written",
    ["", "-", "000000000000000", "02.123.456.3-091.000", "0021234563091000"],
    ids=["empty", "dash", "placeholder", "one-digit-off", "one-digit-off-16"],
)
def test_missing_or_mistyped_npwp_is_proposed_to_the_group_with_its_address_and_email(written):
    # NPWP_B is 02.123.456.2-091.000: the mistyped forms break its check digit.
    records = [
        acct("lkpp", "tanpa-npwp", npwp=written, email=MAIL, address="JL. MERDEKA NO. 10"),
        acct("jakarta", "tunggal", email=MAIL),
    ]
    result = aggregate(records)
    assert same_group(result, 0, 1)
    assert result.findings[0][0] is F.NPWP_INVALID
    assert result.roles[0] is Role.REVIEW
    assert any("NPWP is missing or one digit off" in note for note in group_of(result, 1).notes)


@pytest.mark.parametrize(
    ("fields", "others"),
    [
        ({"npwp": "02.123.457.3-091.000"}, [{}]),
        ({"npwp": "", "email": "lain@contoh.id"}, [{}]),
        ({"npwp": ""}, [{"regency": "Kota Bogor"}]),
        ({"npwp": "", "address": "Jl. Merdeka No. 12"}, [{}]),
        # Two companies in one building with one consultant's email: which one is it?
        ({"npwp": ""}, [{}, {"npwp": "037654324091000", "user_id": "tetangga"}]),
    ],
    ids=["two-digits-off", "other-email", "other-regency", "other-number", "two-companies-one-building"],
)
def test_invalid_npwp_without_one_sure_group_stays_alone(fields, others):
    records = [acct("lkpp", "tanpa-npwp", **{"email": MAIL, **fields})]
    records += [acct("jakarta", o.pop("user_id", "x"), **{"email": MAIL, **o}) for o in others]
    result = aggregate(records)
    assert group_of(result, 0).members == [0]
