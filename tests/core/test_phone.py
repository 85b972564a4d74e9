import pytest

from satupintu.core.phone import national


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0812-3456-7890", "081234567890"),
        ("+62 812 3456 7890", "081234567890"),
        ("62 812 3456 7890", "081234567890"),
        ("(021) 2993 5777", "02129935777"),
        ("0251-8325943", "02518325943"),
        ("+62 21 555 1234", "0215551234"),
        ("0815667956", "0815667956"),
    ],
)
def test_indonesian_writings_are_one_number(written, expected):
    assert national(written) == expected


@pytest.mark.parametrize(
    "written",
    ["", "144", "12345678", "+1 202 555 0100", "0812", "00812345678", "0812345678901234", "08l2345678"],
)
def test_what_is_not_an_indonesian_number_is_refused(written):
    assert national(written) is None
