"""Tests for satupintu.aggregation.io: reading portal exports row by row, never losing a row."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satupintu.aggregation.io import (
    GROUP_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CsvFormatError,
    Rejection,
    group_row,
    open_export,
    parse_registered_at,
    read_accounts,
    split_by_portal,
    write_groups,
    write_rejections,
)
from satupintu.aggregation.records import AccountRecord

COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
PBKDF2 = "pbkdf2_sha256$870000$salt$DgjRMu6hCbxn72T5IQNiSqdzsyhStavDr+kNs/p4+SA="


def row(**fields) -> dict[str, str]:
    values = {
        "portal": "lkpp",
        "user_id": "CAHAYA",
        "npwp": "01.312.166.0-091.000",
        "name": "PT Cahaya",
        "address": "Jl. Jend. Soedirman No. 05",
        "province": "Jawa Barat",
        "regency": "Kota Bandung",
        "postal_code": "40111",
        "email": "info@cahaya.co.id",
        "phone": "0812345678",
        "packages": "12",
        "registered_at": "2011-05-04",
        "status": "pusat",
        "password_hash": PBKDF2,
    }
    values.update(fields)
    return values


def csv_text(rows: list[dict[str, str]], columns=COLUMNS, newline: str = "\n", bom: bool = False) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator=newline, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + out.getvalue()


def read(text: str, **kwargs) -> list[AccountRecord | Rejection]:
    return list(read_accounts(io.StringIO(text, newline=""), **kwargs))


def records(items) -> list[AccountRecord]:
    return [x for x in items if isinstance(x, AccountRecord)]


def rejections(items) -> list[Rejection]:
    return [x for x in items if isinstance(x, Rejection)]


# --- reading -------------------------------------------------------------------------------------------


def test_a_good_row_becomes_a_record():
    (record,) = read(csv_text([row()]))
    assert record == AccountRecord(
        portal="lkpp",
        user_id="CAHAYA",
        npwp="01.312.166.0-091.000",
        name="PT Cahaya",
        address="Jl. Jend. Soedirman No. 05",
        province="Jawa Barat",
        regency="Kota Bandung",
        postal_code="40111",
        email="info@cahaya.co.id",
        phone="0812345678",
        packages=12,
        registered_at="2011-05-04T00:00:00",
        status="pusat",
        password_hash=PBKDF2,
        line=2,
    )


def test_a_lean_read_leaves_out_what_aggregation_does_not_use_but_still_checks_it():
    (record,) = read(csv_text([row()]), lean=True)
    assert (record.name, record.phone, record.password_hash) == ("", "", "")
    assert (record.address, record.email, record.npwp) == (
        "Jl. Jend. Soedirman No. 05",
        "info@cahaya.co.id",
        "01.312.166.0-091.000",
    )
    (rejected,) = read(csv_text([row(password_hash="md5:1234")]), lean=True)
    assert isinstance(rejected, Rejection) and rejected.field == "password_hash"


def test_bom_and_crlf_are_read():
    text = csv_text([row(), row(portal="jabar", user_id="PT_CAHAYA")], newline="\r\n", bom=True)
    assert text.startswith("\ufeffportal,")
    assert "\r\n" in text
    items = read(text)
    assert rejections(items) == []
    assert [(r.portal, r.user_id, r.line) for r in records(items)] == [
        ("lkpp", "CAHAYA", 2),
        ("jabar", "PT_CAHAYA", 3),
    ]
    assert records(items)[1].password_hash == PBKDF2  # nothing of the CR is left in the last field


def test_columns_in_another_order_with_extra_columns():
    columns = ("catatan", *reversed(REQUIRED_COLUMNS), "kode_lain")
    text = csv_text([{**row(), "catatan": "abaikan", "kode_lain": "x"}], columns=columns)
    text = text.replace("registered_at", " Registered_At ", 1)  # header names are trimmed, case ignored
    (record,) = read(text)
    assert isinstance(record, AccountRecord)
    assert (record.portal, record.user_id, record.packages, record.npwp) == (
        "lkpp",
        "CAHAYA",
        12,
        "01.312.166.0-091.000",
    )
    assert record.registered_at == "2011-05-04T00:00:00"
    # The optional columns are absent here: they default to empty.
    assert (record.status, record.password_hash) == ("", "")


def test_values_are_trimmed_and_status_lower_cased():
    (record,) = read(csv_text([row(user_id="  CAHAYA ", status=" PUSAT ", packages=" 7 ", email=" a@b.id ")]))
    assert (record.user_id, record.status, record.packages, record.email) == ("CAHAYA", "pusat", 7, "a@b.id")


def test_empty_packages_and_date_are_allowed():
    (record,) = read(csv_text([row(packages="", registered_at="", status="", password_hash="")]))
    assert (record.packages, record.registered_at, record.status, record.password_hash) == (0, "", "", "")


@pytest.mark.parametrize("missing", ["npwp", "registered_at", "portal"])
def test_missing_required_column_is_named(missing):
    columns = tuple(c for c in COLUMNS if c != missing)
    with pytest.raises(CsvFormatError, match=rf"missing column\(s\): {missing}\b"):
        read(csv_text([row()], columns=columns))


def test_two_missing_columns_are_both_named():
    columns = tuple(c for c in COLUMNS if c not in ("email", "phone"))
    with pytest.raises(CsvFormatError) as raised:
        read(csv_text([row()], columns=columns))
    assert "email, phone" in str(raised.value)


def test_empty_file_is_a_format_error():
    with pytest.raises(CsvFormatError, match="empty"):
        read("")


# --- bad rows -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"packages": "abc"}, "packages", "'abc'"),
        ({"packages": "-3"}, "packages", "'-3'"),
        ({"packages": "2.5"}, "packages", "'2.5'"),
        ({"registered_at": "kemarin"}, "registered_at", "'kemarin'"),
        ({"registered_at": "31/02/2011"}, "registered_at", "'31/02/2011'"),
        ({"registered_at": "2011-13-01"}, "registered_at", "'2011-13-01'"),
        ({"status": "kantor"}, "status", "'kantor'"),
        ({"password_hash": "sha1$salt$abcdef"}, "password_hash", "unknown format"),
        ({"password_hash": "rahasia"}, "password_hash", "unknown format"),
        ({"user_id": ""}, "user_id", "empty"),
        ({"user_id": "   "}, "user_id", "empty"),
        ({"user_id": "PT CAHAYA"}, "user_id", "without spaces"),
        ({"user_id": "x" * 101}, "user_id", "1 to 100"),
        ({"portal": ""}, "portal", "empty"),
    ],
    ids=[
        "packages-text",
        "packages-negative",
        "packages-decimal",
        "date-text",
        "date-impossible",
        "date-month-13",
        "status-kantor",
        "hash-sha1",
        "hash-plain",
        "user-id-empty",
        "user-id-blank",
        "user-id-space",
        "user-id-too-long",
        "portal-empty",
    ],
)
def test_bad_row_is_rejected_with_line_field_and_reason(fields, field, words):
    items = read(csv_text([row(user_id="baik"), row(**fields), row(user_id="juga_baik")]))
    assert [r.user_id for r in records(items)] == ["baik", "juga_baik"]
    assert [r.line for r in records(items)] == [2, 4]
    (rejection,) = rejections(items)
    assert rejection.line == 3
    assert rejection.field == field
    assert words in rejection.reason


def test_rejection_carries_portal_and_user_id():
    (rejection,) = read(csv_text([row(user_id="PT_X", packages="abc")]))
    assert (rejection.portal, rejection.user_id) == ("lkpp", "PT_X")


def test_wrong_field_count_is_rejected():
    text = (
        csv_text([row()])
        + "lkpp,PENDEK,013121660091000\n"
        + csv_text([row(user_id="akhir")]).split("\n", 1)[1]
    )
    items = read(text)
    (rejection,) = rejections(items)
    assert (rejection.line, rejection.field) == (3, "(row)")
    assert f"3 fields but the header has {len(COLUMNS)}" in rejection.reason
    assert [r.line for r in records(items)] == [2, 4]


def test_blank_lines_are_not_rows():
    text = csv_text([row()]) + "\n\n" + csv_text([row(user_id="lain")]).split("\n", 1)[1]
    items = read(text)
    assert rejections(items) == []
    assert [(r.user_id, r.line) for r in records(items)] == [("CAHAYA", 2), ("lain", 5)]


def test_duplicate_user_id_ignores_case_and_names_the_first_line():
    items = read(
        csv_text(
            [
                row(user_id="CAHAYA"),
                row(portal="jabar", user_id="cahaya"),  # another portal: not a duplicate
                row(user_id="Cahaya", packages="99"),
            ]
        )
    )
    assert [(r.portal, r.user_id, r.packages) for r in records(items)] == [
        ("lkpp", "CAHAYA", 12),
        ("jabar", "cahaya", 12),
    ]
    (rejection,) = rejections(items)
    assert (rejection.line, rejection.field) == (4, "user_id")
    assert "line 2" in rejection.reason
    assert "Cahaya" in rejection.reason


def test_row_of_another_portal_is_rejected_when_importing_one_portal():
    items = read(csv_text([row(), row(portal="jabar", user_id="PT_CAHAYA")]), portal_code="lkpp")
    assert [r.user_id for r in records(items)] == ["CAHAYA"]
    (rejection,) = rejections(items)
    assert (rejection.line, rejection.field, rejection.portal) == (3, "portal", "jabar")
    assert "'jabar'" in rejection.reason
    assert "'lkpp'" in rejection.reason


def test_quoted_newline_keeps_line_numbers_of_later_rows():
    text = csv_text(
        [
            row(user_id="multi", address="Jl. Melati No. 5\nRT 03/RW 05\nKel. Karet"),
            row(user_id="sesudah", packages="abc"),
            row(user_id="akhir"),
        ]
    )
    items = read(text)
    good = records(items)
    assert [(r.user_id, r.line) for r in good] == [("multi", 2), ("akhir", 6)]
    assert good[0].address == "Jl. Melati No. 5\nRT 03/RW 05\nKel. Karet"
    (rejection,) = rejections(items)
    assert (rejection.line, rejection.field) == (5, "packages")


def test_quoted_newline_with_crlf_keeps_line_numbers():
    text = csv_text(
        [
            row(user_id="multi", address="Jl. Melati No. 5\r\nKel. Karet"),
            row(user_id="sesudah", status="kantor"),
        ],
        newline="\r\n",
    )
    items = read(text)
    (rejection,) = rejections(items)
    assert rejection.line == 4
    assert records(items)[0].line == 2


def test_every_row_becomes_a_record_or_a_rejection():
    rows_in = [
        row(user_id="a"),
        row(user_id="b", packages="abc"),
        row(user_id="A"),
        row(user_id="c", registered_at="nanti"),
        row(user_id="d", status="kantor"),
        row(user_id="e", password_hash="???"),
        row(user_id=""),
        row(user_id="f", address="dua\nbaris"),
        row(user_id="g", portal="jabar"),
    ]
    items = read(csv_text(rows_in), portal_code="lkpp")
    assert len(items) == len(rows_in)
    assert len(records(items)) + len(rejections(items)) == len(rows_in)
    assert [r.user_id for r in records(items)] == ["a", "f"]
    assert sorted(x.line for x in items) == [x.line for x in items]


def test_reading_is_lazy_and_in_file_order():
    items = read_accounts(io.StringIO(csv_text([row(user_id="satu"), row(user_id="dua")]), newline=""))
    assert next(items).user_id == "satu"
    assert next(items).user_id == "dua"
    with pytest.raises(StopIteration):
        next(items)


def test_open_export_rejects_only_the_row_with_bad_bytes(tmp_path):
    text = csv_text(
        [row(user_id="satu"), row(user_id="dua", name="PT Caf\u00e9"), row(user_id="tiga")], bom=True
    )
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8").replace("Caf\u00e9".encode(), b"Caf\xe9"))
    with open_export(path) as stream:
        items = list(read_accounts(stream))
    assert [(r.user_id, r.line) for r in records(items)] == [("satu", 2), ("tiga", 4)]
    (rejection,) = rejections(items)
    assert (rejection.line, rejection.field) == (3, "(row)")
    assert "UTF-8" in rejection.reason


# --- registration times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2011-05-04", "2011-05-04T00:00:00"),
        ("2011-05-04T10:00:00", "2011-05-04T10:00:00"),
        ("2011-05-04 10:00", "2011-05-04T10:00:00"),
        ("2011-05-04T10:00:00.123456", "2011-05-04T10:00:00"),
        ("04/05/2011", "2011-05-04T00:00:00"),
        ("4/5/2011", "2011-05-04T00:00:00"),
        ("04-05-2011", "2011-05-04T00:00:00"),
        ("04/05/2011 07:30", "2011-05-04T07:30:00"),
        ("04/05/2011 07:30:15", "2011-05-04T07:30:15"),
        ("2011-05-04T10:00:00+07:00", "2011-05-04T10:00:00"),
        ("2011-05-04T10:00:00+00:00", "2011-05-04T17:00:00"),
        ("2011-05-04T10:00:00Z", "2011-05-04T17:00:00"),
        ("2011-05-04T20:30:00Z", "2011-05-05T03:30:00"),
        ("2011-05-04T10:00:00+09:00", "2011-05-04T08:00:00"),
        ("  2011-05-04  ", "2011-05-04T00:00:00"),
        ("", ""),
        ("   ", ""),
    ],
    ids=[
        "iso-date",
        "iso-datetime",
        "iso-space-minutes",
        "iso-microseconds",
        "dmy",
        "dmy-short",
        "dmy-dashes",
        "dmy-time",
        "dmy-seconds",
        "offset-wib",
        "offset-utc",
        "zulu",
        "utc-crosses-midnight",
        "offset-wit",
        "padded",
        "empty",
        "blank",
    ],
)
def test_parse_registered_at(text, iso):
    assert parse_registered_at(text) == iso


@pytest.mark.parametrize(
    "text",
    ["kemarin", "31/02/2011", "2011-13-01", "2011/05/04x", "04/05/11", "2011-05-04T25:00:00", "32/01/2011"],
)
def test_parse_registered_at_refuses_non_dates(text):
    assert parse_registered_at(text) is None


def test_registered_at_text_order_is_time_order():
    texts = ["04/05/2011 23:00", "2011-05-04T16:30:00Z", "2011-05-05", "2010-12-31T23:59:59+07:00"]
    parsed = [parse_registered_at(t) for t in texts]
    assert sorted(parsed) == [
        "2010-12-31T23:59:59",
        "2011-05-04T23:00:00",
        "2011-05-04T23:30:00",
        "2011-05-05T00:00:00",
    ]


# --- writing ------------------------------------------------------------------------------------------------


def test_write_groups_and_rejections_round_trip():
    out = io.StringIO()
    count = write_groups(
        out, [("lkpp", "CAHAYA", "Gabc", "single", ""), ("jabar", "x,y", "Gdef", "review", "A;B")]
    )
    assert count == 2
    rows_out = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows_out[0] == list(GROUP_COLUMNS)
    assert rows_out[2] == ["jabar", "x,y", "Gdef", "review", "A;B"]

    out = io.StringIO()
    assert write_rejections(out, [Rejection(3, "packages", "bad, really", "lkpp", "u")]) == 1
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["line", "portal", "user_id", "field", "reason"],
        ["3", "lkpp", "u", "packages", "bad, really"],
    ]


@given(
    st.text(alphabet=st.sampled_from('ab ,"\r\n;\x1fé'), max_size=8),
    st.text(alphabet=st.sampled_from('AB,"\r\n_'), min_size=1, max_size=8),
    st.sampled_from(["", "USER_ID_COLLISION", "NPWP_INVALID;REGION_INVALID"]),
)
def test_a_group_row_is_written_as_the_csv_module_writes_it(portal, user_id, findings):
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerow((portal, user_id, "G0a1b2c3d4e5f", "single", findings))
    assert group_row(portal, user_id, "G0a1b2c3d4e5f", "single", findings) == expected.getvalue()


def test_a_row_holding_a_nul_character_is_rejected():
    items = read(csv_text([row(user_id="SATU"), row(user_id="DUA", portal="lk\x00pp")]))
    assert [type(x).__name__ for x in items] == ["AccountRecord", "Rejection"]
    assert items[1].line == 3 and "NUL" in items[1].reason


def test_split_by_portal_writes_one_readable_export_per_portal_with_the_extra_rows_first(tmp_path):
    source = tmp_path / "all.csv"
    source.write_text(
        "portal,user_id,npwp,name,address,province,regency,postal_code,email,phone,packages,registered_at\n"
        "lkpp,A,,PT A,Jl. A 1,Jawa Barat,Kota Bogor,16143,a@a.id,021,1,2020-01-01\n"
        "jakarta,B,,PT B,Jl. B 2,DKI Jakarta,Jakarta Selatan,12920,b@b.id,021,2,2020-01-01\n",
        encoding="utf-8",
    )
    extra = {"portal": "lkpp", "user_id": "X", "name": "PT X", "password_hash": "0" * 32}
    paths = split_by_portal(source, tmp_path / "out", [extra])
    assert sorted(paths) == ["jakarta", "lkpp"]
    with paths["lkpp"].open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["user_id"] for r in rows] == ["X", "A"]
    assert rows[0]["password_hash"] == "0" * 32 and rows[1]["password_hash"] == "" and rows[0]["npwp"] == ""
    assert list(rows[0]) == [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2011-05-04 10:07:09", "2011-05-04T10:07:09"),
        ("2011-05-04T10:07:09", "2011-05-04T10:07:09"),
        ("2011-05-04 10:07", "2011-05-04T10:07:00"),
        ("04/05/2011 10:07:09", "2011-05-04T10:07:09"),
    ],
)
def test_registration_times_are_stored_as_iso_text_to_the_second(written, stored):
    (record,) = read(csv_text([row(registered_at=written)]))
    assert isinstance(record, AccountRecord)
    assert record.registered_at == stored


def test_a_registration_time_to_the_second_that_is_no_date_is_rejected():
    (rejection,) = read(csv_text([row(registered_at="2011-02-30 10:07:09")]))
    assert isinstance(rejection, Rejection)
    assert rejection.field == "registered_at"
