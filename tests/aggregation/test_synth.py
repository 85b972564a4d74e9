"""Tests for satupintu.aggregation.synth, and the engine scored against its truth."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from satupintu.aggregation import synth
from satupintu.aggregation.engine import aggregate
from satupintu.aggregation.io import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, open_export, read_accounts
from satupintu.aggregation.records import AccountRecord, user_id_key

N = 2000
SEED = 20240501


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, Path, int]:
    folder = tmp_path_factory.mktemp("synth")
    accounts, truth = folder / "accounts.csv", folder / "truth.csv"
    count = synth.write(N, SEED, accounts, truth)
    return accounts, truth, count


@pytest.fixture(scope="module")
def read_back(written):
    accounts, _, _ = written
    with open_export(accounts) as stream:
        return list(read_accounts(stream))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _pairs(sizes: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def test_write_is_deterministic_for_a_seed(written, tmp_path):
    accounts, truth, _ = written
    again_accounts, again_truth = tmp_path / "a.csv", tmp_path / "t.csv"
    assert synth.write(N, SEED, again_accounts, again_truth) == N
    assert again_accounts.read_bytes() == accounts.read_bytes()
    assert again_truth.read_bytes() == truth.read_bytes()


def test_another_seed_gives_other_data(tmp_path):
    one, other = tmp_path / "one.csv", tmp_path / "other.csv"
    synth.write(200, SEED, one)
    synth.write(200, SEED + 1, other)
    assert one.read_bytes() != other.read_bytes()
    assert len(_rows(one)) == len(_rows(other)) == 200


def test_writes_exactly_n_rows_with_the_export_columns(written):
    accounts, truth, count = written
    assert count == N
    rows = _rows(accounts)
    assert len(rows) == N
    assert tuple(rows[0]) == (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    assert len(_rows(truth)) == N


def test_small_counts_are_exact(tmp_path):
    for n in (0, 1, 7):
        path = tmp_path / f"n{n}.csv"
        assert synth.write(n, 3, path) == n
        assert len(_rows(path)) == n


def test_every_row_is_read_without_rejection(read_back):
    assert len(read_back) == N
    assert all(isinstance(x, AccountRecord) for x in read_back)
    assert [x.line for x in read_back] == list(range(2, N + 2))


def test_truth_matches_the_accounts_row_for_row(written, read_back):
    _, truth, _ = written
    truth_rows = _rows(truth)
    assert [(t["portal"], t["user_id"]) for t in truth_rows] == [(r.portal, r.user_id) for r in read_back]
    keys = [(t["portal"], user_id_key(t["user_id"])) for t in truth_rows]
    assert len(set(keys)) == N
    assert all(t["entity_id"] and t["company_id"] for t in truth_rows)
    assert all(t["entity_id"].startswith(t["company_id"]) for t in truth_rows)


def test_the_data_holds_the_hard_cases(written):
    _, truth, _ = written
    cases = Counter(c for t in _rows(truth) for c in t["case"].split(";") if c)
    assert cases["typo"] > 0
    assert cases["wrong_postal_code"] > 0
    entities = Counter(t["entity_id"] for t in _rows(truth))
    assert any(n > 1 for n in entities.values())
    companies = {t["company_id"] for t in _rows(truth) if t["entity_id"] != t["company_id"]}
    assert companies  # some companies have branches


def test_engine_precision_and_recall_against_the_truth(written, read_back):
    _, truth, _ = written
    result = aggregate(read_back)
    rows = list(result.rows())
    assert len(rows) == N
    predicted = {(p, user_id_key(u)): g for p, u, g, _, _ in rows}
    entity = {(t["portal"], user_id_key(t["user_id"])): t["entity_id"] for t in _rows(truth)}
    assert predicted.keys() == entity.keys()

    pred_sizes = Counter(predicted.values())
    true_sizes = Counter(entity.values())
    both_sizes = Counter((predicted[k], entity[k]) for k in entity)
    tp = _pairs(both_sizes)
    fp = _pairs(pred_sizes) - tp
    fn = _pairs(true_sizes) - tp
    assert tp > 500  # enough true pairs for the figures to mean something
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert precision == 1.0, f"{fp} false pair(s)"
    assert recall >= 0.98, f"recall {recall:.4f}: {fn} missed pair(s) of {tp + fn}"
