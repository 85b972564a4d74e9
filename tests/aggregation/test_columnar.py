"""Tests for satupintu.aggregation.columnar: the column-wise path must write exactly what the engine writes
over the whole file, and hand every file it cannot vouch for back to the engine."""

from __future__ import annotations

import os

import pytest
from stdnum import luhn
from test_files import reference
from test_io import csv_text, row

from satupintu.aggregation import columnar, files, places, synth
from satupintu.aggregation.columnar import aggregate_columns
from satupintu.aggregation.files import ShardFailed, aggregate_file

MD5 = "5f4dcc3b5aa765d61d8327deb882cf99"
PERSON = "3171011501900001"  # a NIK: DKI Jakarta, born 15-01-1990, serial 0001


def company(body: int) -> str:
    """A valid 15-digit company NPWP around the nine digits ``body``."""
    return f"{body}{luhn.calc_check_digit(str(body))}012000"


OTHER, MELATI, SERI, KOPI = (company(b) for b in (21_860_521, 31_112_223, 12_345_678, 45_556_667))


def hard_cases() -> list[dict[str, str]]:
    """Every rule of the engine on a few accounts: one group written three ways, a branch, a user ID
    held by two vendors, accounts held back for their NPWP, region or address and proposed to a group,
    an undecidable address, a person's NPWP, tie-breaks, and the writings of times, statuses and hashes
    that the reader accepts."""
    return [
        row(),
        row(
            portal="jabarprov",
            user_id="PT_CAHAYA",
            npwp="0013121660091000",
            address="Jalan Jenderal Sudirman Nomor 5",
            packages="30",
            registered_at="2012-01-01 10:00",
        ),
        row(
            portal="kotabogor",
            user_id="cahaya2",
            address="JL. JEND. SOEDIRMAN NO.5, RT 03/RW 05",
            email="INFO@CAHAYA.CO.ID",
            packages="30",
            registered_at="2012-01-01T10:00:00",
            status="PUSAT",
        ),
        row(
            portal="lkpp",
            user_id="CAHAYA_CABANG",
            address="Jl. Merdeka No. 10",
            status="cabang",
            password_hash=MD5,
        ),
        row(
            portal="depkes",
            user_id="cahaya",
            npwp=OTHER,
            address="Jl. Asia Afrika No. 8",
            email="info@cahaya.co.id",
            password_hash="",
        ),
        row(portal="depkes", user_id="TANPA_NPWP", npwp="", address="Jl. Jend. Sudirman No. 5"),
        row(portal="deplu", user_id="TANPA_WILAYAH", province="", address="Jl. Sudirman No. 5"),
        row(portal="deplu", user_id="TANPA_ALAMAT", address="", postal_code=""),
        row(
            portal="lkpp",
            user_id="MELATI_A",
            npwp=MELATI,
            address="Jl. Melati",
            email="melati@example.id",
        ),
        row(
            portal="jabarprov",
            user_id="MELATI_B",
            npwp=MELATI,
            address="Jl. Melati No. 3",
            email="melati@example.id",
        ),
        row(
            portal="lkpp",
            user_id="ORANG",
            npwp=PERSON,
            address="Gg. Kenari 1 No. 2",
            province="DKI Jakarta",
            regency="Kota Jakarta Pusat",
            postal_code="10110",
            email="orang@example.id",
            packages="",
        ),
        row(
            portal="jabarprov",
            user_id="ORANG2",
            npwp=PERSON,
            address="Gang Kenari 1 Nomor 2",
            province="DKI Jakarta",
            regency="Jakarta Pusat",
            postal_code="",
            email="orang@example.id",
            packages="0",
            registered_at="",
        ),
        row(portal="lkpp", user_id="NIK_SALAH", npwp="3171013201900001", address="Jl. Kenari No. 2"),
        row(
            portal="b",
            user_id="SERI_1",
            npwp=SERI,
            address="Komp. Griya Asri Blok C2 No. 4",
            email="seri@example.id",
            packages="3",
            registered_at="2015-03-03 09:00:00",
        ),
        row(
            portal="a",
            user_id="SERI_2",
            npwp=SERI,
            address="Komplek Griya Asri Blok C2/4",
            email="seri@example.id",
            packages="3",
            registered_at="2015-03-03 09:00:00",
        ),
        row(
            portal="c",
            user_id="SERI_0",
            npwp=SERI,
            address="Komplek Griya Asri Blok C2/4",
            email="seri@example.id",
            packages="3",
            registered_at="2015-03-03 09:00:00",
        ),
        row(portal="lkpp", user_id="koma,dan", npwp=KOPI, address="Jl. Kopi No. 1"),
        row(portal="lkpp", user_id='kutip"nya', npwp=KOPI, address="Jl. Kopi No. 1"),
        # Registered before any other of its group: elected, as long as its year reads as four digits.
        row(
            portal="lkpp",
            user_id="TUA",
            npwp=KOPI,
            address="Jalan Kopi Nomor 1",
            registered_at="0999-01-01 10:00",
        ),
        row(
            portal="lkpp", user_id="KABISAT", npwp=KOPI, address="Jl. Kopi No. 1", registered_at="2012-02-29"
        ),
        row(portal="lkpp", user_id="KOSONG", npwp="000000000000000", address="Jl. Teh No. 2", email=""),
        row(portal="lkpp", user_id="BOGOR", regency="Bogor", address="Jl. Pajajaran No. 1"),
        row(portal="lkpp", user_id="KODEPOS", address="Jl. Jend. Sudirman No. 5", postal_code="99999"),
    ]


def assert_same_as_engine(path, tmp_path, workers: int = 2):
    expected, summary, rejected = reference(path)
    assert not rejected
    out = tmp_path / "columnar.csv"
    outcome = aggregate_columns(path, out, workers=workers)
    assert outcome is not None, "the column-wise path gave the file back"
    assert out.read_text(encoding="utf-8") == expected
    assert list(outcome.summary.items()) == list(summary.items())
    assert outcome.rejections == []
    return outcome


@pytest.mark.parametrize("workers", [1, 2])
def test_hard_cases_come_out_as_the_engine_gives_them(write_csv, tmp_path, workers):
    outcome = assert_same_as_engine(write_csv(csv_text(hard_cases())), tmp_path, workers)
    # The cases are all there: a group of several, a review, and every finding the engine gives.
    assert outcome.summary["groups_of_two_or_more"] >= 3
    for code in (
        "USER_ID_COLLISION",
        "NPWP_INVALID",
        "REGION_INVALID",
        "BRANCH_SAME_NPWP",
        "EMAIL_SHARED",
        "ADDRESS_UNCERTAIN",
        "ADDRESS_MISSING",
        "POSTAL_CODE_MISMATCH",
    ):
        assert outcome.summary[f"finding_{code}"] > 0, code


def test_a_windows_export_with_a_byte_order_mark_is_read_alike(write_csv, tmp_path):
    assert_same_as_engine(write_csv(csv_text(hard_cases(), newline="\r\n", bom=True)), tmp_path)


def test_columns_in_another_order_with_extra_ones_are_read_alike(write_csv, tmp_path):
    columns = ("extra", *reversed(list(hard_cases()[0])), "npwp_lama")
    assert_same_as_engine(write_csv(csv_text(hard_cases(), columns=columns)), tmp_path)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_synthetic_data_comes_out_as_the_engine_gives_it(tmp_path, workers):
    path = tmp_path / "accounts.csv"
    synth.write(6000, 5, path)
    assert_same_as_engine(path, tmp_path, workers)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            csv_text([row(), row(user_id="B", address="Jl. Baru\nNo. 5")]), id="line-break-in-field"
        ),
        pytest.param(csv_text([row(), row(user_id="B", address="Jl.\tMelati No. 5")]), id="tab"),
        pytest.param(
            csv_text([row(), row(user_id="B")]).replace("Jawa Barat", "Jawa\rBarat", 1), id="lone-cr"
        ),
        pytest.param(
            csv_text([row()]) + 'lkpp,B,"01.312.166.0-091.000"x,,,,,,,,,,,\n', id="text-after-quote"
        ),
        pytest.param(csv_text([row()]) + "lkpp,B,0131216600910\n", id="short-row"),
        pytest.param(
            csv_text([row()]) + "\n" + csv_text([row(user_id="B")]).split("\n", 1)[1], id="blank-line"
        ),
        pytest.param(csv_text([row()], columns=("portal", "user_id")), id="missing-columns"),
    ],
)
def test_a_file_it_cannot_vouch_for_goes_back_to_the_engine(write_csv, tmp_path, text, monkeypatch):
    path = write_csv(text)
    out = tmp_path / "columnar.csv"
    assert aggregate_columns(path, out, workers=2) is None
    assert not out.exists()
    if "portal,user_id\n" in text:
        return  # the engine reports the missing columns itself
    # Through aggregate_file, the engine then gives its own result, rejections and all.
    monkeypatch.setattr(files, "PARALLEL_FROM_BYTES", 0)
    seen = []
    outcome = aggregate_file(path, out, progress=seen.append)
    expected, summary, rejected = reference(path)
    assert out.read_text(encoding="utf-8") == expected
    assert outcome.summary == summary
    assert [(r.line, r.field) for r in outcome.rejections] == [(r.line, r.field) for r in rejected]
    assert sum(seen) == 2 * summary["accounts"]


def odd_rows() -> list[dict[str, str]]:
    """Rows the SQL does not read itself: read one by one with the engine's reader, accepted or rejected
    with its reasons."""
    return [
        row(user_id="BANYAK", packages="banyak"),
        row(user_id="cahaya", address="Jl. Lain No. 1"),  # CAHAYA of lkpp again: rejected, naming line 2
        row(portal="depkes", user_id="DUA_KALI", registered_at="kemarin"),  # rejected: not yet seen ...
        row(portal="depkes", user_id="dua_kali", address="Jl. Dua No. 2"),  # ... so this one is taken
        row(portal="depkes", user_id="BÜDI", npwp=KOPI, address="Jl. Kopi No. 1", email="STRASSE@KOPI.ID"),
        row(portal="depkes", user_id="büdi", npwp=KOPI, address="Jl. Kopi No. 1"),  # the same, folded
        row(
            portal="deplu",
            user_id="SURAT",
            npwp=OTHER,
            address="Jl. Asia Afrika No. 8",
            email="straße@kopi.id",
        ),
        row(
            portal="deplu", user_id="TANGGAL", registered_at="04/05/2011 10:30", address="Jl. Sudirman No. 5"
        ),
        row(portal="deplu", user_id="BUKAN_TANGGAL", registered_at="2011-02-29"),
        row(portal="deplu", user_id="JAM_24", registered_at="2011-05-04 24:00"),
        row(portal="\u00a0kotabogor\u00a0", user_id="SPASI", status=" Cabang ", address="Jl. Sudirman No. 5"),
        row(portal="kotabogor", user_id="HASH", password_hash="md5$salt$abc"),
        row(portal="kotabogor", user_id="ZONA", registered_at="2011-05-04T10:00:00+00:00"),
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_rows_the_sql_does_not_read_are_read_by_the_engines_reader(write_csv, tmp_path, workers):
    path = write_csv(csv_text(hard_cases() + odd_rows()))
    expected, summary, rejected = reference(path)
    out = tmp_path / "columnar.csv"
    outcome = aggregate_columns(path, out, workers=workers)
    assert outcome is not None
    assert out.read_text(encoding="utf-8") == expected
    assert list(outcome.summary.items()) == list(summary.items())
    assert outcome.rejections == rejected
    assert [r.user_id for r in rejected] == [
        "BANYAK",
        "cahaya",
        "DUA_KALI",
        "büdi",
        "BUKAN_TANGGAL",
        "JAM_24",
        "HASH",
    ]
    # The folded email of a non-ASCII row is shared with another NPWP's (STRASSE, straße).
    assert "deplu,SURAT," in expected and "EMAIL_SHARED" in expected.split("deplu,SURAT,")[1].split("\n")[0]


def test_a_number_of_packages_beyond_the_table_goes_back_to_the_engine(write_csv, tmp_path):
    path = write_csv(csv_text([row(), row(user_id="B", packages="9" * 20)]))
    assert aggregate_columns(path, tmp_path / "out.csv") is None


def test_invalid_utf8_goes_back_to_the_engine(write_csv, tmp_path):
    path = write_csv(csv_text([row(), row(user_id="B", name="PT Kopi")]))
    path.write_bytes(path.read_bytes().replace(b"PT Kopi", b"PT K\xffpi"))
    assert aggregate_columns(path, tmp_path / "out.csv") is None


def test_two_groups_with_one_id_go_back_to_the_engine(write_csv, tmp_path, monkeypatch):
    path = write_csv(csv_text(hard_cases()))
    monkeypatch.setattr(places, "group_id", lambda portal, user_key, taken: "G000000000000")
    assert aggregate_columns(path, tmp_path / "out.csv") is None
    # The engine's result, and a progress bar that ends at its end although the column-wise path had
    # reported every account read before it gave the file back.
    monkeypatch.setattr(files, "PARALLEL_FROM_BYTES", 0)
    seen = []
    outcome = aggregate_file(path, tmp_path / "groups.csv", progress=seen.append)
    expected, summary, _ = reference(path)
    assert (tmp_path / "groups.csv").read_text(encoding="utf-8") == expected
    assert outcome.summary == summary
    assert sum(seen) == 2 * summary["accounts"]


def test_large_files_take_the_column_wise_path_and_report_progress(tmp_path, monkeypatch):
    path = tmp_path / "accounts.csv"
    synth.write(3000, 2, path)
    expected, summary, _ = reference(path)
    monkeypatch.setattr(files, "PARALLEL_FROM_BYTES", 0)
    taken = []
    monkeypatch.setattr(columnar, "aggregate", lambda *a, **k: taken.append(1) or files.aggregate(*a, **k))
    seen = []
    outcome = aggregate_file(path, tmp_path / "groups.csv", shards=2, progress=seen.append)
    assert taken, "the column-wise path did not run"
    assert (tmp_path / "groups.csv").read_text(encoding="utf-8") == expected
    assert outcome.summary == summary
    assert sum(seen) == 2 * summary["accounts"]
    # Explanations are the engine's to give: asked for, the column-wise path is not taken.
    taken.clear()
    aggregate_file(path, tmp_path / "explained.csv", shards=2, explain=True)
    assert not taken


def test_a_helper_that_fails_is_reported_as_such(tmp_path, monkeypatch):
    path = tmp_path / "accounts.csv"
    synth.write(500, 3, path)
    parent = os.getpid()
    settle = places.settle_places

    def failing(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("disk on fire")
        return settle(*args, **kwargs)

    monkeypatch.setattr(places, "settle_places", failing)
    with pytest.raises(ShardFailed, match="disk on fire"):
        aggregate_columns(path, tmp_path / "out.csv", workers=2)
