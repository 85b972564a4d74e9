"""Tests for satupintu.aggregation.engine on small hand-written data: every case of the rules table."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satupintu.aggregation.engine import AggregationResult, Finding, Role, aggregate, elect_single
from satupintu.aggregation.records import AccountRecord

F = Finding

# Valid company NPWPs (15 digits, Luhn check digit in 9th place) and their canonical 16 digits.
NPWP_A = "01.312.166.0-091.000"
NPWP_A16 = "0013121660091000"
NPWP_B = "021234562091000"
NPWP_C = "037654324091000"
NPWP_D = "215557778091000"

CAHAYA_LKPP = "Jl. Jend. Soedirman No. 05 RT.003/RW.005"
CAHAYA_JABAR = "JALAN SUDIRMAN NOMOR 5 Rt3/Rw5, Kel. Citarum"


def acct(portal: str, user_id: str, **fields) -> AccountRecord:
    values = {
        "npwp": NPWP_B,
        "name": "CV Maju Jaya",
        "address": "Jl. Merdeka No. 10",
        "province": "Jawa Barat",
        "regency": "Kota Bandung",
        "postal_code": "40111",
        "email": "",
        "packages": 0,
        "registered_at": "2015-01-01T09:00:00",
    }
    values.update(fields)
    return AccountRecord(portal=portal, user_id=user_id, **values)


def by_user(result: AggregationResult) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(portal, user_id) -> (group_id, role, findings) from the GROUPS.csv rows."""
    return {(p, u): (g, role, found) for p, u, g, role, found in result.rows()}


def findings_of(result: AggregationResult, i: int) -> set[Finding]:
    return set(result.findings[i])


def same_group(result: AggregationResult, i: int, j: int) -> bool:
    return result.group_of[i] == result.group_of[j]


def cahaya_pair() -> list[AccountRecord]:
    return [
        acct(
            "lkpp",
            "CAHAYA",
            npwp=NPWP_A,
            name="PT Cahaya",
            address=CAHAYA_LKPP,
            packages=12,
            registered_at="2012-03-01T10:00:00",
        ),
        acct(
            "jabar",
            "PT_CAHAYA",
            npwp=NPWP_A16,
            name="PT. CAHAYA",
            address=CAHAYA_JABAR,
            province="Jabar",
            regency="KOTA BANDUNG",
            packages=3,
            registered_at="2010-01-01T10:00:00",
        ),
    ]


# --- case 2b: one NPWP, one address: one group ------------------------------------------------------


def test_faq_cahaya_accounts_are_one_group_with_the_busier_one_single():
    records = cahaya_pair()
    result = aggregate(records)
    assert same_group(result, 0, 1)
    assert result.roles == [Role.SINGLE, Role.MEMBER]
    assert result.findings == [(), ()]
    (group,) = result.groups
    assert not group.review
    assert group.npwp == NPWP_A16
    assert group.regency == "32.73"
    assert group.single == 0
    assert sorted(group.members) == [0, 1]


def test_faq_cahaya_single_follows_packages_not_portal_or_date():
    records = cahaya_pair()
    records[0].packages, records[1].packages = 3, 12
    result = aggregate(records)
    assert result.roles == [Role.MEMBER, Role.SINGLE]


def test_explain_mentions_npwp_region_single_and_reasons():
    records = cahaya_pair()
    result = aggregate(records)
    text = result.explain(result.groups[0])
    assert "01.312.166.0-091.000" in text
    assert NPWP_A16 in text
    assert "Kota Bandung" in text
    assert "lkpp/CAHAYA is the User ID Tunggal" in text
    assert "jabar/PT_CAHAYA" in text
    assert "same" in text
    assert "number 5 = 5" in text
    assert "jalan 'sudirman'" in text


def test_explain_of_a_review_group_gives_the_problem():
    records = [acct("lkpp", "salah", npwp="01.312.166.1-091.000")]
    result = aggregate(records)
    text = result.explain(result.groups[0])
    assert "waiting for review" in text
    assert "check digit" in text
    assert "01.312.166.1-091.000" in text


# --- case 1: one user ID, different vendors ----------------------------------------------------------


def test_user_id_held_by_two_vendors_is_a_collision_for_both():
    records = [
        acct("lkpp", "maju01", npwp=NPWP_B, address="Jl. Merdeka No. 10"),
        acct("jakarta", "MAJU01", npwp=NPWP_C, address="Jl. Pemuda No. 3"),
        acct("kbn", "lain", npwp=NPWP_D, address="Jl. Veteran No. 8"),
    ]
    result = aggregate(records)
    assert not same_group(result, 0, 1)
    assert F.USER_ID_COLLISION in findings_of(result, 0)
    assert F.USER_ID_COLLISION in findings_of(result, 1)
    assert F.USER_ID_COLLISION not in findings_of(result, 2)
    # A collision does not stop the engine from deciding each vendor's own group.
    assert result.roles == [Role.SINGLE, Role.SINGLE, Role.SINGLE]


def test_same_user_id_at_two_portals_of_one_group_is_not_a_collision():
    records = [
        acct("lkpp", "CAHAYA", npwp=NPWP_A, address=CAHAYA_LKPP, packages=5),
        acct("jabar", "cahaya", npwp=NPWP_A16, address=CAHAYA_JABAR, packages=1),
    ]
    result = aggregate(records)
    assert same_group(result, 0, 1)
    assert result.findings == [(), ()]
    assert result.roles == [Role.SINGLE, Role.MEMBER]


# --- case 2a: one NPWP, different addresses: branches ------------------------------------------------


def test_branches_on_one_street_are_separate_groups():
    records = [
        acct("lkpp", "pusat", address="Jl. Merdeka No. 10", status="pusat"),
        acct("jakarta", "cabang", address="Jl. Merdeka No. 14", status="cabang"),
        acct("kbn", "pusat2", address="Jalan Merdeka Nomor 10"),
    ]
    result = aggregate(records)
    assert not same_group(result, 0, 1)
    assert same_group(result, 0, 2)
    for i in range(3):
        assert F.BRANCH_SAME_NPWP in findings_of(result, i)
        assert F.ADDRESS_UNCERTAIN not in findings_of(result, i)
    assert result.roles[1] is Role.SINGLE
    assert {result.roles[0], result.roles[2]} == {Role.SINGLE, Role.MEMBER}
    assert not any(g.review for g in result.groups)


def test_branches_in_two_regencies_are_separate_groups():
    records = [
        acct("lkpp", "pusat", address="Jl. Merdeka No. 10"),
        acct("jakarta", "cabang", address="Jl. Merdeka No. 10", regency="Kabupaten Bandung"),
    ]
    result = aggregate(records)
    assert not same_group(result, 0, 1)
    assert F.BRANCH_SAME_NPWP in findings_of(result, 0)
    assert F.BRANCH_SAME_NPWP in findings_of(result, 1)


def test_two_companies_at_one_address_are_separate_groups():
    records = [
        acct("lkpp", "satu", npwp=NPWP_B, address="Gedung Graha Pena Lt. 5, Jl. Sudirman No. 1"),
        acct("jakarta", "dua", npwp=NPWP_C, address="Gedung Graha Pena Lt. 5, Jl. Sudirman No. 1"),
    ]
    result = aggregate(records)
    assert not same_group(result, 0, 1)
    assert result.findings == [(), ()]


# --- review --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "finding"),
    [
        ({"npwp": "01.312.166.1-091.000"}, F.NPWP_INVALID),
        ({"npwp": ""}, F.NPWP_INVALID),
        ({"npwp": "000000000000000"}, F.NPWP_INVALID),
        ({"province": ""}, F.REGION_INVALID),
        ({"regency": "Bogor", "address": "Jl. Pajajaran No. 5"}, F.REGION_INVALID),
        ({"regency": ""}, F.REGION_INVALID),
        ({"province": "Jawa Tengah"}, F.REGION_INVALID),
        ({"address": ""}, F.ADDRESS_MISSING),
        ({"address": "-"}, F.ADDRESS_MISSING),
    ],
    ids=[
        "bad-check-digit",
        "empty-npwp",
        "placeholder-npwp",
        "faq-oops-empty-province",
        "ambiguous-bogor",
        "empty-regency",
        "regency-not-in-province",
        "empty-address",
        "dash-address",
    ],
)
def test_unusable_account_goes_to_review_alone(fields, finding):
    # The healthy account is elsewhere on another street: nothing points the unusable one to its group.
    records = [
        acct("lkpp", "bermasalah", **fields),
        acct("jakarta", "sehat", packages=1, address="Jl. Asia Afrika No. 3", email="info@sehat.co.id"),
    ]
    result = aggregate(records)
    assert finding in findings_of(result, 0)
    assert result.roles[0] is Role.REVIEW
    group = result.groups[result.group_of[0]]
    assert group.review
    assert group.members == [0]
    assert group.single is None
    assert group.notes
    assert not same_group(result, 0, 1)
    assert result.roles[1] is Role.SINGLE


def test_oops_case_note_names_the_empty_province():
    records = [acct("lkpp", "oops", province="", regency="Kota Bandung")]
    result = aggregate(records)
    assert result.findings[0] == (F.REGION_INVALID,)
    assert any("province is empty" in note for note in result.groups[0].notes)


def test_uncertain_address_is_not_merged_and_goes_to_review():
    records = [
        acct("lkpp", "bernomor", address="Jl. Merdeka No. 10"),
        acct("jakarta", "tanpanomor", address="Jl. Merdeka"),
    ]
    result = aggregate(records)
    assert not same_group(result, 0, 1)
    for i in (0, 1):
        assert F.ADDRESS_UNCERTAIN in findings_of(result, i)
        assert result.roles[i] is Role.REVIEW
        assert result.groups[result.group_of[i]].review
    text = result.explain(result.groups[result.group_of[0]])
    assert "uncertain" in text
    assert "number given on one side only" in text


def test_a_doubt_about_a_third_writing_keeps_the_pair_together_but_in_review():
    records = [
        acct("lkpp", "a", address="Jl. Merdeka No. 10, Kel. Citarum"),
        acct("kbn", "b", address="Jalan Merdeka Nomor 10"),
        acct("jakarta", "c", address="Jl. Merdeka"),
    ]
    result = aggregate(records)
    assert same_group(result, 0, 1)
    assert not same_group(result, 0, 2)
    assert result.roles == [Role.REVIEW] * 3
    assert result.groups[result.group_of[0]].review
    assert all(F.ADDRESS_UNCERTAIN in findings_of(result, i) for i in range(3))


def test_one_street_written_three_ways_around_a_centre_is_one_group():
    # Pahlawan~Pahlawen and Pahlawen~Pahlewen are one-letter typos; Pahlawan and Pahlewen are two
    # letters apart, but both are one letter from the middle writing and every number agrees.
    records = [
        acct("lkpp", "a", address="Jl. Pahlawan No. 5"),
        acct("kbn", "b", address="Jl. Pahlawen No. 5"),
        acct("jakarta", "c", address="Jl. Pahlewen No. 5"),
    ]
    result = aggregate(records)
    assert len(result.groups) == 1
    assert result.roles == [Role.MEMBER, Role.MEMBER, Role.SINGLE]
    assert result.findings == [(), (), ()]


def test_two_letters_off_without_the_centre_is_two_places():
    records = [
        acct("lkpp", "a", address="Jl. Pahlawan No. 5"),
        acct("kbn", "b", address="Jl. Pahlewen No. 5"),
    ]
    result = aggregate(records)
    assert not same_group(result, 0, 1)
    assert result.findings == [(F.BRANCH_SAME_NPWP,), (F.BRANCH_SAME_NPWP,)]


def test_other_kelurahan_with_same_street_and_number_waits_for_review():
    records = [
        acct("lkpp", "satu", address="Jl. Merdeka No. 10, Kel. Citarum"),
        acct("jakarta", "dua", address="Jl. Merdeka No. 10, Kel. Braga"),
    ]
    result = aggregate(records)
    assert not same_group(result, 0, 1)
    assert result.roles == [Role.REVIEW, Role.REVIEW]
    assert all(F.ADDRESS_UNCERTAIN in findings_of(result, i) for i in (0, 1))


def test_wrong_postal_code_is_noted_but_does_not_split():
    records = [
        acct("lkpp", "satu", address="Jl. Merdeka No. 10", postal_code="40111", packages=2),
        acct("jakarta", "dua", address="Jl. Merdeka No. 10", postal_code="16151"),
    ]
    result = aggregate(records)
    assert same_group(result, 0, 1)
    assert result.findings[0] == ()
    assert result.findings[1] == (F.POSTAL_CODE_MISMATCH,)
    assert result.roles == [Role.SINGLE, Role.MEMBER]


# --- shared email ------------------------------------------------------------------------------------------


def test_email_shared_by_different_npwps_is_flagged():
    records = [
        acct("lkpp", "satu", npwp=NPWP_B, email="konsultan@example.co.id", address="Jl. Merdeka No. 10"),
        acct("jakarta", "dua", npwp=NPWP_C, email=" KONSULTAN@example.co.id", address="Jl. Pemuda No. 3"),
        acct("kbn", "tiga", npwp=NPWP_D, email="sendiri@example.co.id", address="Jl. Veteran No. 8"),
    ]
    result = aggregate(records)
    assert F.EMAIL_SHARED in findings_of(result, 0)
    assert F.EMAIL_SHARED in findings_of(result, 1)
    assert F.EMAIL_SHARED not in findings_of(result, 2)


def test_email_shared_within_one_npwp_is_not_flagged():
    records = [
        acct("lkpp", "pusat", email="info@maju.co.id", address="Jl. Merdeka No. 10"),
        acct("jakarta", "cabang", email="info@maju.co.id", address="Jl. Merdeka No. 14"),
    ]
    result = aggregate(records)
    assert F.EMAIL_SHARED not in findings_of(result, 0)
    assert F.EMAIL_SHARED not in findings_of(result, 1)


# --- the election of the User ID Tunggal --------------------------------------------------------------


def _single_of(records: list[AccountRecord]) -> int:
    result = aggregate(records)
    assert len(result.groups) == 1, [g.members for g in result.groups]
    (group,) = result.groups
    assert not group.review
    assert result.roles.count(Role.SINGLE) == 1
    assert group.single == result.roles.index(Role.SINGLE)
    return group.single


def test_most_packages_wins():
    records = [
        acct("aceh", "a", packages=3, registered_at="2010-01-01"),
        acct("bali", "b", packages=9, registered_at="2020-01-01"),
        acct("cirebon", "c", packages=4, registered_at=""),
    ]
    assert _single_of(records) == 1


def test_equal_packages_earliest_registration_wins():
    records = [
        acct("aceh", "a", packages=5, registered_at="2016-05-04T10:00:00"),
        acct("bali", "b", packages=5, registered_at="2011-05-04T10:00:00"),
        acct("cirebon", "c", packages=5, registered_at="2011-05-04T10:00:01"),
        acct("depok", "d", packages=4, registered_at="2001-01-01T00:00:00"),
    ]
    assert _single_of(records) == 1


def test_equal_packages_and_dates_portal_code_a_to_z_wins():
    records = [
        acct("lkpp", "a", packages=5, registered_at="2011-05-04T10:00:00"),
        acct("jabar", "z", packages=5, registered_at="2011-05-04T10:00:00"),
        acct("kbn", "b", packages=5, registered_at="2011-05-04T10:00:00"),
    ]
    assert _single_of(records) == 1


def test_equal_packages_dates_and_portal_user_id_a_to_z_wins():
    records = [
        acct("lkpp", "Budi", packages=5, registered_at="2011-05-04T10:00:00"),
        acct("lkpp", "andi", packages=5, registered_at="2011-05-04T10:00:00"),
        acct("lkpp", "Cici", packages=5, registered_at="2011-05-04T10:00:00"),
    ]
    assert _single_of(records) == 1


def test_unknown_registration_sorts_last():
    records = [
        acct("aceh", "a", packages=5, registered_at=""),
        acct("bali", "b", packages=5, registered_at="2024-12-31T23:59:59"),
    ]
    assert _single_of(records) == 1


def test_elect_single_directly():
    records = [
        acct("aceh", "a", packages=1),
        acct("bali", "b", packages=7, registered_at=""),
        acct("cirebon", "c", packages=7, registered_at="2019-01-01"),
        acct("depok", "d", packages=7, registered_at="2019-01-01"),
    ]
    assert elect_single(records, [0, 1, 2, 3]) == 2
    assert elect_single(records, [3, 1, 0]) == 3
    assert elect_single(records, [1, 0]) == 1
    assert elect_single(records, [0]) == 0


ELECTION_POOL = st.fixed_dictionaries(
    {
        "portal": st.sampled_from(["aceh", "bali", "jabar", "kbn", "lkpp"]),
        "packages": st.integers(min_value=0, max_value=3),
        "registered_at": st.sampled_from(["", "2011-05-04", "2011-05-04T10:00:00", "2015-01-01T09:00:00"]),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(ELECTION_POOL, min_size=1, max_size=6))
def test_election_uses_elect_single_and_follows_the_rules(drawn):
    records = [
        acct(d["portal"], f"user{i}", **{k: v for k, v in d.items() if k != "portal"})
        for i, d in enumerate(drawn)
    ]
    result = aggregate(records)
    (group,) = result.groups
    assert group.single == elect_single(records, group.members)
    # The rules spelled out independently: packages down, date up (unknown last), portal, user ID.
    expected = min(
        range(len(records)),
        key=lambda i: (
            -records[i].packages,
            records[i].registered_at == "",
            records[i].registered_at,
            records[i].portal,
            records[i].user_id.casefold(),
        ),
    )
    assert group.single == expected
    assert [r is Role.SINGLE for r in result.roles] == [i == expected for i in range(len(records))]


# --- accounting, stability -----------------------------------------------------------------------------


def mixed_records() -> list[AccountRecord]:
    return [
        *cahaya_pair(),
        acct("kbn", "cahaya", npwp=NPWP_A, address="Jl. Sudirman No. 5", packages=1),
        acct("lkpp", "maju01", npwp=NPWP_B, address="Jl. Merdeka No. 10"),
        acct("jakarta", "MAJU01", npwp=NPWP_C, address="Jl. Pemuda No. 3"),
        acct("jakarta", "cabang", npwp=NPWP_B, address="Jl. Merdeka No. 14"),
        acct("lkpp", "ragu", npwp=NPWP_B, address="Jl. Merdeka"),
        acct("depkes", "salah", npwp="01.312.166.1-091.000"),
        acct("dpr", "oops", province=""),
        acct("kotim", "bogor", regency="Bogor"),
        acct("bangka", "konsultan1", npwp=NPWP_D, email="x@example.com", address="Jl. Veteran No. 8"),
        acct("bangka", "konsultan2", npwp=NPWP_C, email="X@example.com", address="Jl. Pemuda No. 3"),
    ]


def test_every_account_is_in_exactly_one_row_and_one_group():
    records = mixed_records()
    result = aggregate(records)
    rows = list(result.rows())
    assert len(rows) == len(records)
    assert [(p, u) for p, u, *_ in rows] == [(r.portal, r.user_id) for r in records]
    members = Counter(i for g in result.groups for i in g.members)
    assert members == Counter(range(len(records)))
    for gi, group in enumerate(result.groups):
        for i in group.members:
            assert result.group_of[i] == gi
    assert len({g.group_id for g in result.groups}) == len(result.groups)
    assert {role for _, _, _, role, _ in rows} <= {"single", "member", "review"}
    summary = result.summary()
    assert summary["accounts"] == len(records)
    assert summary["groups"] == len(result.groups)
    assert summary["role_single"] + summary.get("role_member", 0) + summary["role_review"] == len(records)


def test_every_group_that_is_decided_has_exactly_one_single():
    result = aggregate(mixed_records())
    for group in result.groups:
        roles = [result.roles[i] for i in group.members]
        if group.review:
            assert roles == [Role.REVIEW] * len(roles)
            assert group.single is None
        else:
            assert roles.count(Role.SINGLE) == 1
            assert result.roles[group.single] is Role.SINGLE


def test_mixed_data_findings():
    result = aggregate(mixed_records())
    rows = by_user(result)
    assert rows[("lkpp", "CAHAYA")][0] == rows[("jabar", "PT_CAHAYA")][0] == rows[("kbn", "cahaya")][0]
    assert rows[("lkpp", "CAHAYA")][1] == "single"
    assert "USER_ID_COLLISION" not in rows[("kbn", "cahaya")][2]
    assert "USER_ID_COLLISION" in rows[("lkpp", "maju01")][2]
    assert "BRANCH_SAME_NPWP" in rows[("jakarta", "cabang")][2]
    assert rows[("lkpp", "ragu")][1] == "review"
    assert "ADDRESS_UNCERTAIN" in rows[("lkpp", "ragu")][2]
    assert rows[("depkes", "salah")][2] == "NPWP_INVALID"
    assert rows[("dpr", "oops")][1] == rows[("kotim", "bogor")][1] == "review"
    assert "REGION_INVALID" in rows[("dpr", "oops")][2].split(";")
    assert "REGION_INVALID" in rows[("kotim", "bogor")][2].split(";")
    assert "EMAIL_SHARED" in rows[("bangka", "konsultan1")][2]


def test_group_ids_are_stable_across_runs_and_input_order():
    records = mixed_records()
    first = by_user(aggregate(records))
    assert by_user(aggregate(mixed_records())) == first
    rng = random.Random(20240501)
    for _ in range(5):
        shuffled = mixed_records()
        rng.shuffle(shuffled)
        assert by_user(aggregate(shuffled)) == first


def test_group_id_depends_only_on_the_group_not_on_other_accounts():
    alone = by_user(aggregate(cahaya_pair()))
    together = by_user(aggregate(mixed_records()))
    assert together[("lkpp", "CAHAYA")][0] == alone[("lkpp", "CAHAYA")][0]
    assert alone[("lkpp", "CAHAYA")][0].startswith("G")


def test_empty_input_gives_empty_result():
    result = aggregate([])
    assert list(result.rows()) == []
    assert result.groups == []


def test_progress_reports_every_account_once():
    records = [
        acct("lkpp", f"u{i}", npwp="" if i == 9999 else NPWP_B, address=f"Jl. Merdeka No. {i % 7 + 1}")
        for i in range(10_001)
    ]
    reported: list[int] = []
    result = aggregate(records, progress=reported.append)
    assert sum(reported) == len(records)
    assert result.roles[9999] is Role.REVIEW
    assert len(result.groups) == 8
