"""Tests for satupintu.core.npwp: the two NPWP forms, their canonical 16 digits and the refusals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.id import npwp as stdnum_npwp

from satupintu.core import npwp
from satupintu.core.npwp import NpwpProblem

P = NpwpProblem
CANON = "0013121660091000"
VALID_NIK = "3171011501900001"  # DKI Jakarta, born 15-01-1990, serial 0001


def _dotted(x15: str) -> str:
    return f"{x15[:2]}.{x15[2:5]}.{x15[5:8]}.{x15[8]}-{x15[9:12]}.{x15[12:]}"


# --- the three writings of one company number -------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "01.312.166.0-091.000",
        "013121660091000",
        "0013121660091000",
        " 01.312.166.0-091.000 ",
        "01 312 166 0 091 000",
        "01/312/166/0-091/000",
    ],
    ids=["dotted-15", "bare-15", "new-16", "surrounding-space", "spaces", "slashes"],
)
def test_writings_of_one_company_number_give_one_canonical(value):
    result = npwp.check(value)
    assert result.valid
    assert result.problem is None
    assert result.canonical == CANON
    assert npwp.canonical(value) == CANON
    assert npwp.is_valid(value)


def test_canonical_is_the_old_number_with_a_leading_zero():
    assert npwp.canonical("013121660091000") == "0" + "013121660091000"
    assert len(npwp.canonical("01.312.166.0-091.000")) == 16


def test_compact_strips_separators_only():
    assert npwp.compact(" 01.312.166.0-091.000 ") == "013121660091000"
    assert npwp.compact("01.312.166.0-091.00A") == "01312166009100A"


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", P.EMPTY),
        (None, P.EMPTY),
        ("   ", P.EMPTY),
        (" . - ", P.EMPTY),
        ("000000000000000", P.PLACEHOLDER),
        ("00.000.000.0-000.000", P.PLACEHOLDER),
        ("0000000000000000", P.PLACEHOLDER),
        ("000000000091000", P.PLACEHOLDER),  # zero body: passes Luhn, still a placeholder
        ("01.312.166.1-091.000", P.CHECKSUM),
        ("013121669091000", P.CHECKSUM),
        ("0013121661091000", P.CHECKSUM),
        ("01312166009100", P.LENGTH),
        ("00131216600910000", P.LENGTH),
        ("0131216600910", P.LENGTH),
        ("01.312.166.0-091.00A", P.NOT_DIGITS),
        ("NPWP 013121660091000", P.NOT_DIGITS),
        ("01_312_166_0_091_000", P.NOT_DIGITS),
        ("０13121660091000", P.NOT_DIGITS),  # a full-width digit is not an ASCII digit
        ("٠13121660091000", P.NOT_DIGITS),  # nor is an Arabic-Indic one
        ("1013121660091000", P.NIK_INVALID),
        ("3171013201900001", P.NIK_INVALID),  # day 32
        ("9999999999999999", P.NIK_INVALID),
    ],
    ids=[
        "empty",
        "none",
        "blank",
        "separators-only",
        "zero-15",
        "zero-dotted",
        "zero-16",
        "zero-body-with-office",
        "bad-check-digit-dotted",
        "bad-check-digit-bare",
        "bad-check-digit-16",
        "14-digits",
        "17-digits",
        "13-digits",
        "letter",
        "prefix-text",
        "underscores",
        "full-width-digit",
        "arabic-indic-digit",
        "16-not-zero-not-nik",
        "nik-bad-date",
        "nik-nonsense",
    ],
)
def test_refused_numbers_name_their_problem(value, problem):
    result = npwp.check(value)
    assert not result.valid
    assert result.canonical is None
    assert result.problem is problem
    assert npwp.canonical(value) is None
    assert not npwp.is_valid(value)
    assert npwp.DESCRIPTIONS[problem]


def test_every_problem_has_a_description():
    assert set(npwp.DESCRIPTIONS) == set(NpwpProblem)
    assert all(text.strip() for text in npwp.DESCRIPTIONS.values())


# --- the NIK-based 16-digit form -----------------------------------------------------------------


def test_nik_based_number_is_accepted_as_it_is():
    result = npwp.check(VALID_NIK)
    assert result.valid
    assert result.canonical == VALID_NIK


def test_nik_based_number_with_separators_is_accepted():
    assert npwp.canonical("3171.0115.0190.0001") == VALID_NIK


@pytest.mark.parametrize(
    "value",
    ["3171011301900001", "3171015501900001"],
    ids=["man-born-13th", "woman-born-15th"],
)
def test_other_valid_niks_are_accepted(value):
    assert npwp.canonical(value) == value


def test_nik_based_and_company_numbers_are_not_confused():
    assert npwp.canonical(VALID_NIK) != npwp.canonical("0" + VALID_NIK[1:])


# --- display --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("013121660091000", "01.312.166.0-091.000 (0013121660091000)"),
        ("0013121660091000", "01.312.166.0-091.000 (0013121660091000)"),
        ("01.312.166.0-091.000", "01.312.166.0-091.000 (0013121660091000)"),
        (VALID_NIK, "3171 0115 0190 0001"),
        ("  not a number  ", "not a number"),
        ("01.312.166.1-091.000", "01.312.166.1-091.000"),
    ],
    ids=["bare-15", "new-16", "dotted", "nik", "invalid-text", "invalid-checksum"],
)
def test_format_display(value, shown):
    assert npwp.format_display(value) == shown


# --- properties -----------------------------------------------------------------------------------


@st.composite
def valid_15(draw) -> str:
    """An old-form NPWP: 8 digits (not all zero), their Luhn check digit, 6 more digits."""
    body = draw(st.text("0123456789", min_size=8, max_size=8).filter(lambda b: b != "00000000"))
    rest = draw(st.text("0123456789", min_size=6, max_size=6))
    return body + luhn.calc_check_digit(body) + rest


@settings(max_examples=200, deadline=None)
@given(valid_15())
def test_any_valid_15_digit_number_has_one_canonical_in_all_writings(x15):
    canon = npwp.canonical(x15)
    assert canon == "0" + x15
    assert npwp.canonical("0" + x15) == canon
    assert npwp.canonical(_dotted(x15)) == canon
    assert stdnum_npwp.is_valid(x15)
    shown = npwp.format_display(x15)
    assert shown == f"{_dotted(x15)} ({canon})"


@settings(max_examples=200, deadline=None)
@given(valid_15(), st.integers(min_value=1, max_value=9))
def test_a_changed_check_digit_is_refused(x15, delta):
    broken = x15[:8] + str((int(x15[8]) + delta) % 10) + x15[9:]
    assert npwp.check(broken).problem is NpwpProblem.CHECKSUM
    assert npwp.check("0" + broken).problem is NpwpProblem.CHECKSUM


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789", min_size=15, max_size=16))
def test_agrees_with_stdnum_except_for_the_placeholder(digits):
    ours = npwp.check(digits)
    placeholder = ("0" * (16 - len(digits)) + digits)[1:10] == "000000000"
    if ours.valid:
        assert stdnum_npwp.is_valid(digits)
        assert len(ours.canonical) == 16
        assert ours.canonical.endswith(digits)
    else:
        assert ours.problem in (NpwpProblem.CHECKSUM, NpwpProblem.NIK_INVALID, NpwpProblem.PLACEHOLDER)
        assert placeholder or not stdnum_npwp.is_valid(digits)
    assert ours.valid == (stdnum_npwp.is_valid(digits) and not placeholder)


@settings(max_examples=2000)
@given(
    st.one_of(
        st.text(alphabet="0123456789", min_size=15, max_size=16),
        st.text(alphabet="0123456789 .-/", max_size=22),
        st.text(max_size=20),
        # Valid company numbers, and the same with one digit changed.
        st.tuples(st.integers(0, 99_999_999), st.integers(0, 999_999), st.integers(0, 15)).map(
            lambda t: _with_digit_changed(f"{t[0]:08d}{luhn.calc_check_digit(f'{t[0]:08d}')}{t[1]:06d}", t[2])
        ),
    )
)
def test_the_quick_check_agrees_with_the_full_one(value):
    assert npwp.is_valid_quick(value) == npwp.is_valid(value)


@pytest.mark.parametrize(
    "value",
    ["01.312.166.0-091.000", "0013121660091000", "01.312.166.1-091.000", "000000000000000", "0" * 16, ""],
)
def test_the_quick_check_on_known_numbers(value):
    assert npwp.is_valid_quick(value) == npwp.is_valid(value)


def _with_digit_changed(number: str, position: int) -> str:
    # Positions past the end leave the number as it is: half the examples stay valid.
    if position >= len(number):
        return number
    return number[:position] + str((int(number[position]) + 3) % 10) + number[position + 1 :]


@settings(max_examples=500)
@given(st.integers(1, 999_999_999), st.integers(0, 999_999))
def test_the_check_digit_is_luhn_over_the_first_nine_digits(body, rest):
    value = f"0{body:09d}{rest:06d}"
    assert (npwp.check(value).problem is NpwpProblem.CHECKSUM) is not luhn.is_valid(f"{body:09d}")
