"""Tests for satupintu.aggregation.files: the file-to-file run over several processes must write exactly
what one process running the engine over the whole file writes."""

from __future__ import annotations

import csv
import io

import pytest
from stdnum import luhn
from test_io import csv_text, row

from satupintu.aggregation import synth
from satupintu.aggregation.engine import aggregate
from satupintu.aggregation.files import aggregate_file
from satupintu.aggregation.io import (
    CsvFormatError,
    Rejection,
    npwp_shard,
    open_export,
    read_accounts,
    write_groups,
)
from satupintu.core import npwp


def reference(path):
    """GROUPS.csv text, summary and rejections as the engine gives them over the whole file at once."""
    with open_export(path) as stream:
        items = list(read_accounts(stream))
    records = [r for r in items if not isinstance(r, Rejection)]
    result = aggregate(records)
    out = io.StringIO()
    write_groups(out, result.rows())
    return out.getvalue(), result.summary(), [r for r in items if isinstance(r, Rejection)]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("files") / "accounts.csv"
    synth.write(4000, 11, path)
    return path


@pytest.mark.parametrize("shards", [1, 2, 3])
def test_sharded_run_writes_what_the_whole_file_engine_writes(synthetic, tmp_path, shards):
    expected, summary, _ = reference(synthetic)
    out = tmp_path / "groups.csv"
    outcome = aggregate_file(synthetic, out, shards=shards)
    assert outcome.shards == shards
    assert out.read_text(encoding="utf-8") == expected
    assert list(outcome.summary.items()) == list(summary.items())  # the same counts, in the same order


def test_the_parallel_run_reports_progress_for_every_account(synthetic, tmp_path):
    seen = []
    outcome = aggregate_file(synthetic, tmp_path / "groups.csv", shards=2, progress=seen.append)
    # Each account is counted once when read and once when aggregated, whichever process did it.
    assert sum(seen) == 2 * outcome.summary["accounts"]


def test_explanations_are_those_of_the_engine(synthetic, tmp_path):
    with open_export(synthetic) as stream:
        records = [r for r in read_accounts(stream) if not isinstance(r, Rejection)]
    result = aggregate(records)
    expected = sorted(
        (records[g.members[0]].line, result.explain(g))
        for g in result.groups
        if len(g.members) > 1 or g.review
    )
    outcome = aggregate_file(synthetic, tmp_path / "groups.csv", shards=2, explain=True)
    assert outcome.explanations == [text for _, text in expected]
    assert any("vs" in text for text in outcome.explanations)


def _two_shard_npwps() -> tuple[str, str]:
    """Two valid NPWPs that fall in different shards of two."""
    by_shard: dict[int, str] = {}
    for body in range(31_123_456, 31_123_556):
        value = f"{body}{luhn.calc_check_digit(str(body))}012000"
        assert npwp.is_valid(value)
        by_shard.setdefault(npwp_shard(value, 2), value)
    return by_shard[0], by_shard[1]


def test_a_user_id_repeated_across_shards_is_rejected_as_in_one_process(write_csv, tmp_path):
    first, second = _two_shard_npwps()
    path = write_csv(
        csv_text(
            [
                row(user_id="SATU", npwp=first),
                row(user_id="satu", npwp=second, address="Jl. Melati No. 9"),
                row(user_id="DUA", npwp=second, address="Jl. Melati No. 9", portal="jabarprov"),
            ]
        )
    )
    expected, summary, rejected = reference(path)
    out = tmp_path / "groups.csv"
    outcome = aggregate_file(path, out, shards=2)
    assert out.read_text(encoding="utf-8") == expected
    assert outcome.summary == summary
    assert (
        [(r.line, r.field) for r in outcome.rejections]
        == [(r.line, r.field) for r in rejected]
        == [(3, "user_id")]
    )
    # The single-process path gave this result: the shards could not be combined.
    assert outcome.shards == 1


def test_findings_across_shards_are_found(write_csv, tmp_path):
    first, second = _two_shard_npwps()
    path = write_csv(
        csv_text(
            [
                row(user_id="SATU", npwp=first, email="sama@contoh.co.id"),
                row(user_id="SATU", npwp=second, portal="jabarprov", email="sama@contoh.co.id"),
            ]
        )
    )
    out = tmp_path / "groups.csv"
    outcome = aggregate_file(path, out, shards=2)
    assert outcome.shards == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["findings"] for r in rows] == ["USER_ID_COLLISION;EMAIL_SHARED"] * 2
    assert out.read_text(encoding="utf-8") == reference(path)[0]


def _npwps_in_shard(shard: int) -> list[str]:
    """Valid NPWPs that fall in ``shard`` of two."""
    found = []
    for body in range(31_123_456, 31_123_556):
        value = f"{body}{luhn.calc_check_digit(str(body))}012000"
        if npwp_shard(value, 2) == shard:
            found.append(value)
    return found


def _npwp_of_the_other_shard(written: str) -> str:
    """A valid NPWP in the other shard of two than ``written``."""
    return _two_shard_npwps()[1 - npwp_shard(written, 2)]


def test_an_account_without_npwp_is_proposed_to_a_group_of_another_shard(write_csv, tmp_path):
    company = _npwp_of_the_other_shard("")
    path = write_csv(
        csv_text(
            [
                row(user_id="TANPA", npwp=""),
                row(user_id="PUSAT", npwp=company, portal="jabarprov"),
                row(user_id="ANGGOTA", npwp=company, portal="jatimprov"),
            ]
        )
    )
    out = tmp_path / "groups.csv"
    outcome = aggregate_file(path, out, shards=2)
    assert outcome.shards == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len({r["group_id"] for r in rows}) == 1
    assert [r["role"] for r in rows] == ["review", "single", "member"]
    assert out.read_text(encoding="utf-8") == reference(path)[0]


def test_a_proposal_settled_across_shards_is_no_user_id_collision_with_its_group(write_csv, tmp_path):
    # Its own shard sees the account without NPWP alone, and the other shard sees the same user ID in
    # a group of its own: held in two shards. Once the account is proposed to that group, the user ID
    # is held by one group, which is no collision.
    company = _npwp_of_the_other_shard("")
    path = write_csv(
        csv_text([row(user_id="CAHAYA", npwp=""), row(user_id="CAHAYA", npwp=company, portal="jabarprov")])
    )
    out = tmp_path / "groups.csv"
    outcome = aggregate_file(path, out, shards=2)
    assert outcome.shards == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["group_id"] == rows[1]["group_id"]
    assert not any("USER_ID_COLLISION" in r["findings"] for r in rows)
    assert out.read_text(encoding="utf-8") == reference(path)[0]
    assert outcome.summary == reference(path)[1]


@pytest.mark.parametrize("owner_finds", [True, False], ids=["own-shard-too", "other-shard-only"])
def test_groups_of_two_shards_that_both_qualify_rule_the_proposal_out(write_csv, tmp_path, owner_finds):
    # Two companies in one building with one consultant's email: the account without NPWP could be
    # either, so it stays alone, whichever shards the two companies fall in.
    own = npwp_shard("", 2)
    first = _npwps_in_shard(own if owner_finds else 1 - own)[0]
    second = _npwps_in_shard(1 - own)[1]
    path = write_csv(
        csv_text(
            [
                row(user_id="TANPA", npwp=""),
                row(user_id="SATU", npwp=first, portal="jabarprov"),
                row(user_id="DUA", npwp=second, portal="jatimprov", name="PT Lain"),
            ]
        )
    )
    out = tmp_path / "groups.csv"
    outcome = aggregate_file(path, out, shards=2)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["group_id"] not in {rows[1]["group_id"], rows[2]["group_id"]}
    assert out.read_text(encoding="utf-8") == reference(path)[0]
    assert outcome.shards == 2


def test_an_account_that_its_own_shard_cannot_place_stays_alone_without_a_second_run(write_csv, tmp_path):
    # Its own shard holds a group that is possibly it (no house number to compare): no proposal, and
    # nothing for the parent to change, so the two shards' results stand.
    company = _npwps_in_shard(npwp_shard("", 2))[0]
    path = write_csv(
        csv_text(
            [row(user_id="TANPA", npwp="", address="Jl. Jend. Soedirman"), row(user_id="PUSAT", npwp=company)]
        )
    )
    out = tmp_path / "groups.csv"
    outcome = aggregate_file(path, out, shards=2)
    assert outcome.shards == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["group_id"] != rows[1]["group_id"]
    assert out.read_text(encoding="utf-8") == reference(path)[0]


def test_explanations_of_a_proposal_across_shards_come_from_one_process(write_csv, tmp_path):
    company = _npwp_of_the_other_shard("")
    path = write_csv(csv_text([row(user_id="TANPA", npwp=""), row(user_id="PUSAT", npwp=company)]))
    outcome = aggregate_file(path, tmp_path / "groups.csv", shards=2, explain=True)
    assert outcome.shards == 1
    assert any("lkpp/TANPA is proposed" in text for text in outcome.explanations)


def test_rejected_rows_are_reported_once_with_their_lines(write_csv, tmp_path):
    first, second = _two_shard_npwps()
    text = csv_text(
        [
            row(user_id="A", npwp=first),
            row(user_id="B", npwp=second, packages="banyak"),
            row(user_id="C", npwp=first, registered_at="kemarin"),
        ]
    )
    path = write_csv(text + "satu,dua\n")
    outcome = aggregate_file(path, tmp_path / "groups.csv", shards=2)
    assert [(r.line, r.field) for r in outcome.rejections] == [
        (3, "packages"),
        (4, "registered_at"),
        (5, "(row)"),
    ]
    assert outcome.summary["accounts"] == 1


def test_a_bad_header_is_a_format_error(write_csv, tmp_path):
    path = write_csv("portal,user_id\nlkpp,SATU\n")
    with pytest.raises(CsvFormatError, match="missing column"):
        aggregate_file(path, tmp_path / "groups.csv", shards=2)


def test_the_15_and_16_digit_forms_of_an_npwp_share_a_shard():
    for shards in (2, 3, 5):
        assert npwp_shard("01.312.166.0-091.000", shards) == npwp_shard("0013121660091000", shards)


def test_a_row_the_csv_module_cannot_read_is_reported_once(write_csv, tmp_path):
    first, second = _two_shard_npwps()
    text = csv_text([row(user_id="A", npwp=first), row(user_id="B", npwp=second)])
    path = write_csv(text + "lkpp,C," + "x" * 200_000 + "\n")  # beyond the csv module's field limit
    outcome = aggregate_file(path, tmp_path / "groups.csv", shards=2)
    assert [(r.line, r.field) for r in outcome.rejections] == [(4, "(row)")]
    assert "cannot be read as CSV" in outcome.rejections[0].reason
    assert outcome.summary["accounts"] == 2


def test_a_shard_process_that_dies_is_reported_as_such(synthetic, tmp_path, monkeypatch):
    import os

    from satupintu.aggregation import files

    def die(*args, **kwargs):
        if os.getpid() != parent:
            os._exit(9)  # as the out-of-memory killer would leave it: no word to the parent
        return real(*args, **kwargs)

    parent, real = os.getpid(), files._run_shard
    monkeypatch.setattr(files, "_run_shard", die)
    with pytest.raises(files.ShardFailed, match="ended without a result"):
        aggregate_file(synthetic, tmp_path / "groups.csv", shards=2)
