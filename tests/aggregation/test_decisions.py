"""Review decisions fed to the engine (decision 0007): pairs of accounts known to be one vendor or
different vendors, applied in the pure engine."""

from __future__ import annotations

from test_engine import NPWP_C, acct, same_group

from satupintu.aggregation.engine import CONFIRMED_DIFFERENT, Decisions, Finding, Role, aggregate

F = Finding


def group_of(result, i):
    return result.groups[result.group_of[i]]


def rows(result):
    return list(result.rows())


def test_decisions_that_say_what_the_engine_finds_change_nothing():
    records = [
        acct("a", "x"),
        acct("b", "y", address="Jl. Asia Afrika No. 8"),
        acct("c", "z", province=""),
        acct("d", "w", npwp=NPWP_C, packages=3),
    ]
    before = aggregate(records)
    assert before.roles == [Role.SINGLE, Role.SINGLE, Role.REVIEW, Role.SINGLE]
    # Two places of one NPWP said to be different vendors; one vendor said to be the same as an
    # account of another NPWP, which decides nothing.
    decisions = Decisions(same=[(1, 3)], different=[(0, 1)])
    assert rows(aggregate(records, decisions=decisions)) == rows(before)


def test_two_accounts_at_one_address_confirmed_different_are_two_singles():
    records = [acct("lkpp", "satu", packages=5), acct("jakarta", "dua")]
    assert aggregate(records).roles == [Role.SINGLE, Role.MEMBER]
    result = aggregate(records, decisions=Decisions(different=[(0, 1)]))
    assert not same_group(result, 0, 1)
    assert result.roles == [Role.SINGLE, Role.SINGLE]
    assert all(not g.waiting for g in result.groups)
    assert F.BRANCH_SAME_NPWP in result.findings[0]  # informative: one NPWP, two places
    assert any(CONFIRMED_DIFFERENT in note for note in group_of(result, 0).notes)


def test_a_doubt_between_accounts_confirmed_different_is_no_doubt():
    records = [acct("a", "x", address="Jl. Merdeka No. 10"), acct("b", "y", address="Jl. Merdeka")]
    before = aggregate(records)
    assert before.roles == [Role.REVIEW, Role.REVIEW] and F.ADDRESS_UNCERTAIN in before.findings[0]
    result = aggregate(records, decisions=Decisions(different=[(1, 0)]))
    assert result.roles == [Role.SINGLE, Role.SINGLE]
    assert F.ADDRESS_UNCERTAIN not in result.findings[0] + result.findings[1]


def test_a_doubt_confirmed_one_vendor_makes_one_group_that_elects_its_single():
    records = [
        acct("a", "x", address="Jl. Merdeka No. 10"),
        acct("b", "y", address="Jl. Merdeka", packages=9),
    ]
    result = aggregate(records, decisions=Decisions(same=[(0, 1)]))
    assert same_group(result, 0, 1) and not group_of(result, 0).waiting
    assert result.roles == [Role.MEMBER, Role.SINGLE]
    assert "confirmed one vendor at review" in result.explain(group_of(result, 0))


def test_one_vendor_never_joins_accounts_the_comparison_calls_different_places():
    records = [acct("a", "x", address="Jl. Merdeka No. 10"), acct("b", "y", address="Jl. Merdeka No. 12")]
    result = aggregate(records, decisions=Decisions(same=[(0, 1)]))
    assert not same_group(result, 0, 1)


def test_a_confirmed_proposal_is_a_member_never_elected_and_keeps_the_group_id():
    records = [
        acct("lkpp", "oops", province="", packages=50),
        acct("jakarta", "tunggal", packages=2),
        acct("bandung", "anggota", packages=1),
    ]
    proposed = aggregate(records)
    assert group_of(proposed, 1).proposed == [0] and proposed.roles[0] is Role.REVIEW
    result = aggregate(records, decisions=Decisions(same=[(0, 1), (0, 2)]))
    group = group_of(result, 1)
    assert same_group(result, 0, 1) and group.confirmed == [0] and group.proposed == []
    assert not group.waiting and group.single == 1
    assert result.roles == [Role.MEMBER, Role.SINGLE, Role.MEMBER]
    assert result.findings[0] == (F.REGION_INVALID,)  # the data is still incomplete, and says so
    assert group.group_id == group_of(proposed, 1).group_id


def test_a_proposal_split_away_waits_alone():
    records = [
        acct("lkpp", "oops", province=""),
        acct("jakarta", "tunggal", packages=2),
        acct("bandung", "anggota"),
    ]
    result = aggregate(records, decisions=Decisions(different=[(0, 1), (0, 2)]))
    assert not same_group(result, 0, 1) and group_of(result, 1).proposed == []
    assert not group_of(result, 1).waiting
    assert result.roles == [Role.REVIEW, Role.SINGLE, Role.MEMBER]


def test_a_split_account_stays_apart_once_its_data_is_corrected():
    records = [acct("lkpp", "oops"), acct("jakarta", "tunggal", packages=2), acct("bandung", "anggota")]
    result = aggregate(records, decisions=Decisions(different=[(0, 1), (0, 2)]))
    assert result.roles == [Role.SINGLE, Role.SINGLE, Role.MEMBER]
    assert same_group(result, 1, 2) and not same_group(result, 0, 1)


def test_one_of_three_at_one_address_confirmed_different_from_one_leaves_the_third_undecided():
    # The third account is the same place as both, which are two vendors: a person must say whose it is.
    records = [acct("a", "x"), acct("b", "y"), acct("c", "z")]
    result = aggregate(records, decisions=Decisions(different=[(0, 2)]))
    assert len({result.group_of[i] for i in range(3)}) == 3
    assert result.roles == [Role.REVIEW] * 3


def test_decisions_carry_over_and_different_wins_a_contradiction():
    records = [
        acct("a", "x", address="Jl. Merdeka No. 10"),
        acct("b", "y", address="Jl. Merdeka"),
        acct("c", "z", address="Jl. Merdeka No. 10"),
    ]
    # x is y, and y is not z: so x is not z either, although they write one address.
    result = aggregate(records, decisions=Decisions(same=[(0, 1)], different=[(1, 2)]))
    assert same_group(result, 0, 1) and not same_group(result, 0, 2)
    assert result.roles == [Role.SINGLE, Role.MEMBER, Role.SINGLE]
    # x is y, y is z, and x is not z: the merges are set aside, nothing is joined, and the doubts
    # between y and the others are doubts again.
    contradiction = Decisions(same=[(0, 1), (1, 2)], different=[(0, 2)])
    result = aggregate(records, decisions=contradiction)
    assert len({result.group_of[i] for i in range(3)}) == 3
    assert result.roles == [Role.REVIEW] * 3
    assert all(F.ADDRESS_UNCERTAIN in result.findings[i] for i in range(3))


def test_an_account_held_back_never_joins_a_group_of_another_npwp():
    records = [
        acct("lkpp", "oops", npwp=NPWP_C, province=""),
        acct("jakarta", "tunggal", packages=2),
    ]
    result = aggregate(records, decisions=Decisions(same=[(0, 1)]))
    assert not same_group(result, 0, 1) and group_of(result, 1).confirmed == []
    assert result.roles == [Role.REVIEW, Role.SINGLE]
    # Of the same NPWP, or of none that is valid, the same decision makes it a member.
    for npwp in (acct("x", "x").npwp, ""):
        records[0] = acct("lkpp", "oops", npwp=npwp, province="")
        result = aggregate(records, decisions=Decisions(same=[(0, 1)]))
        assert same_group(result, 0, 1) and result.roles == [Role.MEMBER, Role.SINGLE]
