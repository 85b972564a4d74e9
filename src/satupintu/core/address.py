"""The Indonesian address normaliser.

Two portals rarely write one address the same way: ``Jl. Jend. Soedirman No. 05 RT.003/RW.005`` at one
and ``JALAN SUDIRMAN NOMOR 5 Rt3/Rw5, Kel. Karet`` at another. This module parses such free text into
its parts (the named places, the discriminating numbers, RT/RW, kelurahan, kecamatan, postal code) and
compares two parsed addresses with three outcomes: the same place, different places, or undecided.

A wrong "same" merges two companies' accounts, which is an account takeover, so the comparison is
built to be asymmetric: anything that tells places apart (another house number, block, kavling, Km
mark, floor, unit, street or regency) decides "different" at once, while anything merely missing on
one side, or a spelling difference that only a typo explains, leaves it undecided unless the rest of
the address pins the place down.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

# Kinds of named place, in the order they are rendered. A name with no marker can only stand first in
# an address (later unmarked segments name the locality), so it is rendered first.
UNMARKED, ESTATE, BUILDING, RUKO, KAMPUNG, DUSUN, STREET, ALLEY = (
    "",
    "perumahan",
    "gedung",
    "ruko",
    "kampung",
    "dusun",
    "jalan",
    "gang",
)
_KIND_ORDER = {k: i for i, k in enumerate((UNMARKED, ESTATE, BUILDING, RUKO, KAMPUNG, DUSUN, STREET, ALLEY))}

# Words that open a named place. A marker is only a marker when a name follows it, and a marker word
# that stands first in another place's name ("Jl. Kampung Melayu") is part of that name.
_PLACE_MARKERS = {
    "jl": STREET,
    "jln": STREET,
    "jalan": STREET,
    "jaln": STREET,
    "jal": STREET,
    "gg": ALLEY,
    "gang": ALLEY,
    "gng": ALLEY,
    "lr": ALLEY,
    "lrg": ALLEY,
    "lorong": ALLEY,
    "perum": ESTATE,
    "perumahan": ESTATE,
    "komplek": ESTATE,
    "kompleks": ESTATE,
    "komp": ESTATE,
    "kompl": ESTATE,
    "kmpl": ESTATE,
    "cluster": ESTATE,
    "klaster": ESTATE,
    "perumnas": ESTATE,
    "gedung": BUILDING,
    "gd": BUILDING,
    "gdg": BUILDING,
    "ruko": RUKO,
    "rukan": RUKO,
    "kampung": KAMPUNG,
    "kampong": KAMPUNG,
    "kp": KAMPUNG,
    "kmp": KAMPUNG,
    "dusun": DUSUN,
    "dsn": DUSUN,
}
_AREA_MARKERS = {
    "kel": "kelurahan",
    "kelurahan": "kelurahan",
    "desa": "kelurahan",
    "ds": "kelurahan",
    "kec": "kecamatan",
    "kecamatan": "kecamatan",
    "distrik": "kecamatan",
    # The regency and province come from their own columns; written into the address they are noise.
    "kota": "drop",
    "kab": "drop",
    "kabupaten": "drop",
    "kodya": "drop",
    "kotamadya": "drop",
    "kotif": "drop",
    "prov": "drop",
    "provinsi": "drop",
    "propinsi": "drop",
    "propi": "drop",
}
# Titles in street names, written or dropped at will: Jl. Jend. Sudirman is Jl. Sudirman.
_TITLES = frozenset(
    [
        "jend",
        "jendral",
        "jenderal",
        "jen",
        "letjen",
        "letjend",
        "mayjen",
        "mayjend",
        "brigjen",
        "brigjend",
        "laks",
        "laksamana",
        "marsekal",
        "kol",
        "kolonel",
        "letkol",
        "mayor",
        "kapt",
        "kapten",
        "lettu",
        "letda",
        "letnan",
        "serma",
        "sersan",
        "kopral",
        "pelda",
        "kh",
        "kyai",
        "kiai",
        "kiyai",
        "h",
        "hj",
        "haji",
        "dr",
        "drs",
        "dokter",
        "ir",
        "prof",
        "mr",
        "st",
        "sh",
    ]
)
# Given-name variants that stand for the same name on street signs.
_NAME_VARIANTS = {
    "moh": "m",
    "moch": "m",
    "mochammad": "m",
    "mohammad": "m",
    "mohamad": "m",
    "muhammad": "m",
    "muhamad": "m",
    "muh": "m",
    "mohd": "m",
    "mhd": "m",
    "md": "m",
}
_ROMAN = {
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "x": "10",
    "xi": "11",
    "xii": "12",
    "xiii": "13",
    "xiv": "14",
    "xv": "15",
    "xvi": "16",
    "xvii": "17",
    "xviii": "18",
    "xix": "19",
    "xx": "20",
}
# The spelling reform of 1972 (EYD): Soedirman → Sudirman, Djuanda → Juanda, Tjikini → Cikini.
_ARABIC_TO_ROMAN = {v: k for k, v in _ROMAN.items()}
# Only the three changes common in street names: nj, sj and ch also changed, but those letter pairs are
# frequent in modern names (Bonjol, Panjaitan) and a typo next to them would then read as two letters off.
_OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"))

# The words that introduce a number (No., Km, RT, Blok, Kav., Lt., Kode Pos...). Left over in a name
# (a marker whose number could not be read) they carry nothing, and kept there they would be read as
# the marker when the canonical writing is parsed again: they are dropped from names, like titles.
_NUMBER_MARKERS = frozenset(
    {"no", "nomor", "nomer", "nmr", "km", "rt", "rw", "kode", "kodepos", "kd", "blok", "blk", "block"}
    | {"kav", "kavling", "kapling", "kv", "lt", "lantai", "lnt", "unit", "suite", "ruang"}
)

_RT_RW_PAIR = re.compile(
    r"(?<![a-z])rt\s*[.:]?\s*0*(\d{1,3})\s*[/,\-]?\s*(?:rw|/)\s*[.:]?\s*0*(\d{1,3})(?!\d)"
    r"|(?<![a-z])rt\s*/\s*rw\s*[.:]?\s*0*(\d{1,3})\s*[/\-]\s*0*(\d{1,3})(?!\d)"
)
_RT = re.compile(r"(?<![a-z])rt\s*[.:]?\s*0*(\d{1,3})(?!\d)")
_RW = re.compile(r"(?<![a-z])rw\s*[.:]?\s*0*(\d{1,3})(?!\d)")
_POSTAL_MARKED = re.compile(r"(?<![a-z])(?:kode\s*pos|kodepos|kd\s*\.?\s*pos)\s*[.:]?\s*(\d{5})(?!\d)")
_POSTAL_TRAILING = re.compile(r"(?<![\d/.\-])([1-9]\d{4})\W*$")
_KM = re.compile(r"(?<![a-z])km\s*[.:]?\s*(\d{1,4}(?:[.,]\d{1,3})?)(?![\d])")
_NUMBER = re.compile(
    r"(?<![a-z])(?:no|nomor|nomer|nmr|#)\s*[.:]?\s*"
    r"(\d{1,5}(?:\s?[a-z](?![a-z]))?(?:\s*[-/]\s*\d{1,5}(?:\s?[a-z](?![a-z]))?)?)"
)
_VILLAGE_MARKER = re.compile(r"(?<![a-z])(?:kel|kelurahan|desa|ds)(?![a-z])")
_VILLAGE_RIGHT_BEFORE = re.compile(r"(?<![a-z])(?:kel|kelurahan|desa|ds)\s*[.:]?\s*$")
_BLOCK = re.compile(
    r"(?<![a-z])(?:blok|blk|block)\s*[.:]?\s*([a-z]{1,3}\s*[-.]?\s*\d{0,4}[a-z]?|\d{1,4}[a-z]?)(?![a-z\d])"
    r"(?:(?:\s*/\s*|\s+)(\d{1,4}[a-z]?)(?![a-z\d/.-]))?"
)
_KAVLING = re.compile(
    r"(?<![a-z])(?:kav|kavling|kapling|kv)\s*[.:]?\s*([a-z]?\d{1,4}[a-z]?(?:\s*[-/]\s*\d{1,4})?)"
)
_FLOOR = re.compile(
    r"(?<![a-z])(?:lt|lantai|lnt)\s*[.:]?\s*(\d{1,3}|dasar|ground|basement|mezanin)(?![a-z\d])"
)
_UNIT = re.compile(r"(?<![a-z])(?:unit|suite|ruang)\s*[.:]?\s*([a-z]?\d{1,5}[a-z]?)(?![a-z\d])")
_DIGITS = re.compile(r"\d+")
_DOUBLED = re.compile(r"([a-z])\1+")
_NUMBERED_KINDS = frozenset({"jalan", "gang", ""})
# A segment that is only a number of up to four digits; five digits is a postal code.
_SEGMENT_NUMBER = re.compile(r"^\d{1,4}[a-z]?$")
_BARE_NUMBER = re.compile(r"^(\d{1,5}[a-z]?)$")
# Commas, semicolons, brackets and line ends separate an address's segments.
_BREAKS = re.compile(r"[;()\n]")
_NON_WORD = re.compile(r"[^a-z0-9,]+")
# The same two steps for ASCII text as one table: breaks become commas, every other character that is
# no letter, digit or comma a space (runs of spaces are then joined by `_segments`).
_SEGMENT_TABLE = bytes(
    ord(",") if chr(c) in ";()\n" else c if re.fullmatch(r"[a-z0-9,]", chr(c)) else ord(" ")
    for c in range(256)
)
# Dotted initials are one title: K.H. and K. H. are KH, S.H. is SH.
_INITIALS = re.compile(r"(?<![a-z])(?:[a-z]\.\s?){2,}")
# What every run of initials holds; it opens with a plain character, which the regex module finds by a
# fast scan, so it rules out the few addresses with initials far faster than `_INITIALS` itself.
_INITIALS_CUE = re.compile(r"\.\s?[a-z]\.")
_CODE_SPACES = re.compile(r"\s+")
_LETTER_DASH = re.compile(r"(?<=[a-z])[-.]|[-.](?=[a-z])")
_LEADING_ZEROS = re.compile(r"(?<![\d.])0+(?=\d)")


class Verdict(enum.StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True, slots=True)
class Place:
    """A named place in an address: a street, an alley, a housing estate, a building, a hamlet."""

    kind: str
    name: str
    # The name as written, before doubled letters and old spellings were folded: a typo next to them is
    # one letter off only here.
    plain: str = field(default="", compare=False)


class ParsedAddress(NamedTuple):
    """An address broken into the parts that matter for deciding whether two writings are one place.

    A named tuple rather than a frozen dataclass: the engine makes one per account, and a tuple is
    built in half the time while hashing and comparing the same way."""

    places: tuple[Place, ...] = ()
    number: str | None = None
    block: str | None = None
    kavling: str | None = None
    km: str | None = None
    floor: str | None = None
    unit: str | None = None
    rt: str | None = None
    rw: str | None = None
    kelurahan: str | None = None
    kecamatan: str | None = None
    postal_code: str | None = None

    @property
    def discriminators(self) -> tuple[tuple[str, str | None], ...]:
        """The parts that tell two places on one street apart."""
        return (
            ("number", self.number),
            ("block", self.block),
            ("kavling", self.kavling),
            ("km", self.km),
            ("floor", self.floor),
            ("unit", self.unit),
        )

    @property
    def is_empty(self) -> bool:
        return not self.places and not any(v for _, v in self.discriminators)

    def key(self) -> str:
        """The exact key of the place: equal keys mean the same place.

        Kelurahan, kecamatan and postal code are left out: one writing often omits them, and the postal
        code is often wrong. Different keys do not mean different places; `compare` decides those.
        """
        return render(self, with_area=False)


@dataclass(frozen=True, slots=True)
class Comparison:
    verdict: Verdict
    reasons: tuple[str, ...] = field(default=())
    # A "different" that rests only on one street name spelled two letters apart while every number
    # agrees: the engine may accept it when both writings are one letter from a third.
    spelling_only: bool = False


def _fold(text: str) -> str:
    if text.isascii():  # nearly every address: nothing to strip
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=16384)
def _word(token: str) -> tuple[str, str] | None:
    """A name word in its canonical spelling and as written (a typo next to a doubled letter or an old
    spelling is one letter off only there), or None when it carries no meaning (a title)."""
    if token in _TITLES or token in _NUMBER_MARKERS:
        return None
    token = _NAME_VARIANTS.get(token, token)
    if token in _ROMAN:
        return _ROMAN[token], _ROMAN[token]
    if token.isdigit():
        token = token.lstrip("0") or "0"
        return token, token
    plain = token
    # Doubled letters come and go (Villa/Vila, Hasanuddin/Hasanudin, Mutiarra): one letter is kept.
    token = _DOUBLED.sub(r"\1", token)
    changed = True
    while changed:  # "ddj" becomes "dj" in one pass: repeat until nothing changes
        changed = False
        for old, new in _OLD_SPELLING:
            if old in token:
                token, changed = _DOUBLED.sub(r"\1", token.replace(old, new)), True
    if token in _ROMAN:
        return plain, plain  # a numeral beyond the table is not a doubled letter: Batin XXIV is not XIV
    return token, plain


@lru_cache(maxsize=65536)
def _name(text: str) -> tuple[str, str]:
    """The canonical and the written form of a name, from its words joined by single spaces. Cached: a
    few names (kelurahan, streets) recur in many differently written segments."""
    words = text.split(" ") if text else []
    out = [w for w in map(_word, words) if w]
    if len(out) > 1:
        # A title with a typo (Majyen, Myjen, Kaptem) is still a title where a name follows it.
        out = [w for k, w in enumerate(out) if k == len(out) - 1 or not _misspelt_title(w)]
    if len(out) == 1:
        return out[0]
    return " ".join([w[0] for w in out]), " ".join([w[1] for w in out])


# Titles long enough that one letter off is still recognisably them and hardly another word; Sersan is
# left out (Serasan is a place name), and the short ones (Dr, Ir, Kol...) are one letter from too much.
_LONG_TITLES = tuple(t for t in sorted(_TITLES) if len(t) >= 6 and t != "sersan")


@lru_cache(maxsize=16384)
def _misspelt_title(word: tuple[str, str]) -> bool:
    canonical, plain = word
    if canonical in _TITLES:  # doubled letters folded away: Mayjjen
        return True
    return len(plain) >= 5 and not plain.isdigit() and any(_typo_distance_one(plain, t) for t in _LONG_TITLES)


def _compact_code(value: str) -> str:
    """``05`` → ``5``, ``A-01`` → ``a1``, ``12 A`` → ``12a``, ``12/14`` → ``12-14``, ``30,5`` → ``30.5``."""
    if value.isascii() and value.isdigit():  # most codes are plain house numbers: only zeros to drop
        return value.lstrip("0") or "0"
    value = _CODE_SPACES.sub("", value).replace("/", "-").replace(",", ".")
    # A dash between a letter and a digit only separates them (A-1 is A1); between digits it is a range.
    value = _LETTER_DASH.sub("", value).strip(".-")
    # Leading zeros of each digit run carry nothing: No. 05 is No. 5.
    return _LEADING_ZEROS.sub("", value)


def _search_from(pattern: re.Pattern[str], text: str, opening: str) -> re.Match[str] | None:
    """``pattern.search(text)`` for a pattern whose every match opens with the text ``opening``: the
    search starts where it first occurs. A pattern that opens with a look-behind is otherwise tried at
    every position of the text; the look-behind still sees the text before the start."""
    start = text.find(opening)
    return None if start < 0 else pattern.search(text, start)


def _take(pattern: re.Pattern[str], text: str, *openings: str) -> tuple[str | None, str]:
    """Take the first match of ``pattern`` out of ``text``. ``openings`` are texts that every match
    opens with: where none occurs the search is skipped (most addresses have no floor, unit or
    kavling), and otherwise it starts at the first of them (see `_search_from`)."""
    if openings:
        start = -1
        for opening in openings:
            found = text.find(opening)
            if found >= 0 and (start < 0 or found < start):
                start = found
        if start < 0:
            return None, text
        match = pattern.search(text, start)
    else:
        match = pattern.search(text)
    if not match:
        return None, text
    return _compact_code(match.group(1)), text[: match.start()] + " , " + text[match.end() :]


def _take_km(text: str) -> tuple[str | None, str]:
    """The Km mark of a road, but not a "Km" that is part of a village's name (Desa Tanjung Pauh Km 32)."""
    if "km" not in text:
        return None, text
    for match in _KM.finditer(text):
        before = text[: match.start()]
        segment = before[before.rfind(",") + 1 :]
        if _VILLAGE_MARKER.search(segment):
            continue
        return _compact_code(match.group(1)), before + " , " + text[match.end() :]
    return None, text


def _may_end_in_postal_code(text: str) -> bool:
    """False where `_POSTAL_TRAILING` cannot match: the text ends in a letter (a word character that
    is no digit), as most addresses do with their kecamatan's name. That search tries every position
    of the text, and is among the parser's costliest steps."""
    tail = text.rstrip()
    return not tail or not (tail[-1].isalpha() or tail[-1] == "_")


def _block_mark(text: str) -> re.Match[str] | None:
    """The Blok mark of a house, but not a village named after its transmigration block, which
    follows its Kel./Desa marker directly (Desa Blok 10, Kel. Blok 31)."""
    for match in _BLOCK.finditer(text):
        if not _VILLAGE_RIGHT_BEFORE.search(text, 0, match.start()):
            return match
    return None


# An address that opens with a street or alley marker and a name word: it can never be empty.
_PLAIN_STREET = re.compile(r"[^a-z0-9,;()\n]*(?:jl|jln|jalan|gg|gang)[^a-z0-9,;()\n]+([a-z]{3,})(?![a-z0-9])")
_NOT_A_NAME = _TITLES | _NUMBER_MARKERS | _PLACE_MARKERS.keys() | _AREA_MARKERS.keys() | _ROMAN.keys()


def names_a_street(text: str) -> bool:
    """A cheap sufficient test that ``parse(text)`` is not empty: the text opens with Jl./Gg. and a
    name. False says nothing; the engine then parses the address to know."""
    if not text.isascii():
        return False
    match = _PLAIN_STREET.match(text.lower())
    return match is not None and match.group(1) not in _NOT_A_NAME


def parse(text: str | None, *, settle: bool = True) -> ParsedAddress:
    """Parse one free-text Indonesian address.

    ``settle=False`` reads the text once and skips making the result a fixed point of `render`: the
    aggregation engine compares parts, never renderings, and that halves its cost.
    """
    parsed = _parse_once(text)
    if not settle:
        return parsed
    # The canonical writing must parse back to the same parts. In odd writings it does not at first
    # ("Km-5 X" keeps "km 5" inside a name, which the rendered "km 5" no longer does): parse the
    # rendering again until it is stable.
    for _ in range(_REPARSE_LIMIT):
        again = _parse_once(render(parsed))
        if again == parsed:
            break
        parsed = again
    return parsed


_REPARSE_LIMIT = 8


def _may_name_a_unit(text: str) -> bool:
    """Whether ``text`` holds what a kavling, floor or unit mark opens with. Taking a mark out leaves
    " , " in its place, which opens none, so where this is False none of the three is looked for.
    (Written out: a loop over the openings costs as much as the searches it saves.)"""
    return (
        "kav" in text
        or "kap" in text
        or "kv" in text
        or "lt" in text
        or "lantai" in text
        or "lnt" in text
        or "unit" in text
        or "suite" in text
        or "ruang" in text
    )


def _parse_once(text: str | None) -> ParsedAddress:
    s = _fold(text or "")
    if _INITIALS_CUE.search(s):
        s = _INITIALS.sub(lambda m: m.group(0).replace(".", "").replace(" ", "") + " ", s)
    rt = rw = None
    match = _search_from(_RT_RW_PAIR, s, "rt")
    if match:
        rt, rw = match.group(1) or match.group(3), match.group(2) or match.group(4)
        s = s[: match.start()] + " , " + s[match.end() :]
    else:
        found = _search_from(_RT, s, "rt")
        if found:
            rt, s = found.group(1), s[: found.start()] + " , " + s[found.end() :]
        found = _search_from(_RW, s, "rw")
        if found:
            rw, s = found.group(1), s[: found.start()] + " , " + s[found.end() :]
    postal, s = _take(_POSTAL_MARKED, s, "kode", "kd")
    if postal is None and _may_end_in_postal_code(s):
        postal, s = _take(_POSTAL_TRAILING, s)
    km, s = _take_km(s)
    number, s = _take(_NUMBER, s, "no", "nmr", "#")
    block = None
    match = _block_mark(s) if "bl" in s else None
    if match:
        block = _compact_code(match.group(1))
        if number is None and match.group(2):
            number = _compact_code(match.group(2))  # Blok C10 13, Blok C10/13: the house in the block
        s = s[: match.start()] + " , " + s[match.end() :]
    kavling = floor = unit = None
    if _may_name_a_unit(s):  # most addresses name no kavling, floor or unit
        kavling, s = _take(_KAVLING, s, "kav", "kap", "kv")
        floor, s = _take(_FLOOR, s, "lt", "lantai", "lnt")
        unit, s = _take(_UNIT, s, "unit", "suite", "ruang")

    places: list[Place] = []
    areas: dict[str, str] = {}
    # Each segment as its words joined by single spaces: non-word runs became one space.
    segments = _segments(s)
    if number is None:
        # A number standing alone after the first segment ("Jl. Melati, 5, Kel. ...", "Blok C2, 121")
        # is the house number, and then a number ending a street name is part of the name (Gg. Kenari 1).
        for position, segment in enumerate(segments[1:], 1):
            if " " not in segment and _SEGMENT_NUMBER.match(segment):
                number = _compact_code(segment)
                del segments[position]
                break
    for position, segment in enumerate(segments):
        found, named, segment_number = _read_segment(segment, position == 0, number is not None)
        places.extend(found)
        for area, name in named:
            areas.setdefault(area, name)
        number = number or segment_number
    return ParsedAddress(
        places=tuple(places) if len(places) < 2 else tuple(sorted(set(places), key=_place_order)),
        number=number,
        block=block,
        kavling=kavling,
        km=km,
        floor=floor,
        unit=unit,
        rt=str(int(rt)) if rt else None,
        rw=str(int(rw)) if rw else None,
        kelurahan=areas.get("kelurahan") or None,
        kecamatan=areas.get("kecamatan") or None,
        postal_code=postal,
    )


def _segments(text: str) -> list[str]:
    """The comma-separated segments of an address, each as its words joined by single spaces."""
    if text.isascii():  # nearly every address: one translation of its bytes instead of two substitutions
        marked = text.encode("ascii").translate(_SEGMENT_TABLE).decode("ascii")
        return [" ".join(part.split()) for part in marked.split(",") if part and not part.isspace()]
    return [
        seg for seg in (part.strip() for part in _NON_WORD.sub(" ", _BREAKS.sub(",", text)).split(",")) if seg
    ]


# A segment read: the places it names, the (area, name) pairs in order, and the house number it gave.
_Segment = tuple[tuple[Place, ...], tuple[tuple[str, str], ...], str | None]


def _place_order(place: Place) -> tuple[int, str]:
    return _KIND_ORDER[place.kind], place.name


@lru_cache(maxsize=131072)
def _read_segment(segment: str, first: bool, numbered: bool) -> _Segment:
    """Read one comma-separated segment (its words joined by single spaces) into places and areas.

    Segments repeat across addresses far more than whole addresses do (one kelurahan, one street, many
    houses; the numbers are taken out before this), so their readings are cached by the segment's
    text. ``numbered`` says
    whether the house number is already known: when it is not, a bare number right after a street name
    is the house number ("Jl. Melati 5, Kel. ..."), and it comes back as the third item.
    """
    tokens = segment.split()
    kind: str | None = UNMARKED if first else None
    area: str | None = None
    words: list[str] = []
    places: list[Place] = []
    areas: list[tuple[str, str]] = []
    number: str | None = None
    started = False  # whether the current kind or area was opened by a marker
    closing = len(tokens)
    for position, token in enumerate((*tokens, "")):
        if position < closing:
            marker_kind = _PLACE_MARKERS.get(token)
            marker_area = _AREA_MARKERS.get(token)
            if (
                area not in (None, "drop")
                and words
                and _inside_area_name(marker_kind, marker_area, tokens, position)
            ):
                marker_kind = marker_area = None
            if not (marker_kind or marker_area):
                if kind is not None or area is not None:
                    words.append(token)
                # else: a later segment without a marker names the locality (a kelurahan, a city): it
                # helps no decision and is dropped, so "…, Bogor, Jawa Barat" equals the same address
                # without it.
                continue
            if not words:
                if started and not (marker_area and area is None):
                    # A marker word right after a marker starts the name: Jl. Kampung Melayu, Kel.
                    # Kampung Jawa, Kec. Kota Maba. (Kel. or Kec. never starts a street's name.)
                    words.append(token)
                    continue
                kind, area = (marker_kind, None) if marker_kind else (None, marker_area)
                started = True
                continue
        elif not words:
            break
        # Close the name read so far: at a marker that opens the next one, or at the segment's end.
        if (
            not numbered
            and number is None
            and area is None
            and kind in _NUMBERED_KINDS
            and len(words) > 1
            and _BARE_NUMBER.match(words[-1])
            and words[-1] not in _ROMAN
        ):
            number = _compact_code(words.pop())
        name, plain = _name(" ".join(words))
        if area is not None:
            if area != "drop" and name:
                areas.append((area, name))
        elif kind is not None and name:
            places.append(Place(kind, name, plain))
        words = []
        if position < closing:
            kind, area = (marker_kind, None) if marker_kind else (None, marker_area)
            started = True
    return tuple(places), tuple(areas), number


def _inside_area_name(
    marker_kind: str | None, marker_area: str | None, tokens: list[str], position: int
) -> bool:
    """Whether a marker word met inside a kelurahan's or kecamatan's name belongs to that name.

    "Kampung" does (Kel. Daya Kampong Baro, Kelurahan Kampung Baru); a place or city word does when
    it ends the name (Kelurahan Buntok Kota, Kel. Ulee Jalan); Kel. and Kec. never do, and a hamlet
    (Dusun) after its village is a place of its own.
    """
    if marker_kind == KAMPUNG:
        return True
    if marker_kind == DUSUN or (marker_area is not None and marker_area != "drop"):
        return False
    return (marker_kind is not None or marker_area == "drop") and _ends_name(tokens, position + 1)


def _ends_name(tokens: list[str], position: int) -> bool:
    """Whether a name ends at ``position``: the segment ends, or a marker follows."""
    return position >= len(tokens) or tokens[position] in _PLACE_MARKERS or tokens[position] in _AREA_MARKERS


def render(parsed: ParsedAddress, *, with_area: bool = True) -> str:
    """The canonical text of a parsed address; parsing it again gives the same parts."""
    parts = [f"{_RENDER_MARKER[p.kind]} {_render_name(p, parsed)}".strip() for p in parsed.places]
    for label, value in parsed.discriminators:
        if value:
            parts.append(f"{_RENDER_LABEL[label]} {value}")
    if parsed.rt:
        parts.append(f"rt {parsed.rt}")
    if parsed.rw:
        parts.append(f"rw {parsed.rw}")
    if with_area:
        if parsed.kelurahan:
            parts.append(f"kel {parsed.kelurahan}")
        if parsed.kecamatan:
            parts.append(f"kec {parsed.kecamatan}")
        if parsed.postal_code:
            parts.append(f"kode pos {parsed.postal_code}")
    return ", ".join(parts)


def _render_name(place: Place, parsed: ParsedAddress) -> str:
    # Gang Mawar II is stored as "mawar 2"; written back with an Arabic 2 and no house number, the 2
    # would read as the house number, so a trailing name number goes back to Roman.
    words = place.name.split()
    if parsed.number is None and len(words) > 1 and words[-1] in _ARABIC_TO_ROMAN:
        words[-1] = _ARABIC_TO_ROMAN[words[-1]]
    return " ".join(words)


_RENDER_MARKER = {
    ESTATE: "perumahan",
    BUILDING: "gedung",
    RUKO: "ruko",
    KAMPUNG: "kampung",
    DUSUN: "dusun",
    STREET: "jalan",
    ALLEY: "gang",
    UNMARKED: "",
}
_RENDER_LABEL = {"number": "no", "block": "blok", "kavling": "kav", "km": "km", "floor": "lt", "unit": "unit"}


def normalize(text: str | None) -> str:
    """The canonical writing of an address: ``normalize(normalize(x)) == normalize(x)``."""
    return render(parse(text))


def _typo_distance_one(a: str, b: str) -> bool:
    """True when b is a with one letter inserted, deleted, substituted or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _places_match(a: Place, b: Place) -> str | None:
    how = _names_match(a.name, b.name)
    if how not in ("exact", "typo") and a.plain and b.plain and (a.plain != a.name or b.plain != b.name):
        # Folding one writing's doubled letters or old spelling can put it two letters from the other
        # (Penddiikan → pendikan, Flamboean → flambuan) where, as written, one letter is off: the
        # closer of the two readings decides.
        as_written = _names_match(a.plain, b.plain)
        if as_written is not None and (how is None or _MATCH_RANK[as_written] < _MATCH_RANK[how]):
            how = as_written
    return how


_MATCH_RANK = {"exact": 0, "typo": 1, "reordered": 2, "two_typos": 3}


def _names_match(a: str, b: str) -> str | None:
    """'exact', 'typo', 'reordered' or None.

    A typo is one letter in a name of five or more letters, and digits must agree: Gang Mawar 1 and
    Gang Mawar 2 are two alleys. 'reordered' is the same words in another order (Raya Bogor, Bogor Raya).
    'two_typos' is two letters off in a name of eight or more; `compare` accepts it only where the
    neighbourhood (RT/RW or kelurahan) agrees as well as the number.
    """
    if a == b:
        return "exact"
    if min(len(a), len(b)) < 4 or max(len(a), len(b)) < 5 or _DIGITS.findall(a) != _DIGITS.findall(b):
        return None
    if _typo_distance_one(a, b):
        return "typo"
    if sorted(a.split()) == sorted(b.split()):
        return "reordered"
    if min(len(a), len(b)) >= 8 and _edit_distance_at_most(a, b, 2):
        return "two_typos"
    return None


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Whether a and b are within ``limit`` edits (Levenshtein, banded: cheap for small limits)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [limit + 1] * len(b)
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cost = 0 if ca == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _kinds_compatible(a: str, b: str) -> bool:
    return a == b or UNMARKED in (a, b)


def compare(a: ParsedAddress, b: ParsedAddress) -> Comparison:
    """Decide whether two addresses in the same regency are one place.

    The caller compares regencies (by code) first: two regencies are always two places.
    """
    reasons: list[str] = []
    uncertain = False
    if a.is_empty or b.is_empty:
        return Comparison(Verdict.UNCERTAIN, ("address is empty or unreadable",))
    pinned = False  # a discriminating number that both give and agree on pins the place down
    for (label, va), (_, vb) in zip(a.discriminators, b.discriminators, strict=True):
        if va and vb:
            if va != vb:
                return Comparison(Verdict.DIFFERENT, (f"{label} differs: {va} vs {vb}",))
            reasons.append(f"{label} {va} = {vb}")
            pinned = True
        elif va or vb:
            uncertain = True
            reasons.append(f"{label} given on one side only ({va or vb})")

    # The neighbourhood agrees: RT and RW both given and equal, or the same kelurahan.
    corroborated = bool(
        (a.rt and a.rw and (a.rt, a.rw) == (b.rt, b.rw))
        or (a.kelurahan and b.kelurahan and _names_match(a.kelurahan, b.kelurahan))
    )
    unmatched_b = list(b.places)
    typo = False
    unmatched_a: list[Place] = []
    for place in a.places:
        best = None
        for candidate in unmatched_b:
            if not _kinds_compatible(place.kind, candidate.kind):
                continue
            how = _places_match(place, candidate)
            if how == "two_typos" and not (pinned and corroborated):
                how = None
            if how == "exact" or (how is not None and best is None):
                best = (candidate, how)
                if how == "exact":
                    break
        if best is None:
            unmatched_a.append(place)
            continue
        unmatched_b.remove(best[0])
        label = place.kind or best[0].kind or "place"
        if best[1] != "exact":
            typo = True
            how = {"typo": "one-letter typo", "two_typos": "two letters off, neighbourhood agrees"}.get(
                best[1], "same words, other order"
            )
            reasons.append(f"{label} '{place.name}' ~ '{best[0].name}' ({how})")
        else:
            reasons.append(f"{label} '{place.name}' =")
    if unmatched_a and unmatched_b:
        differing = ", ".join(f"'{p.name}'" for p in unmatched_a)
        others = ", ".join(f"'{p.name}'" for p in unmatched_b)
        spelling_only = (
            pinned
            and not uncertain
            and len(unmatched_a) == len(unmatched_b) == 1
            and _DIGITS.findall(unmatched_a[0].name) == _DIGITS.findall(unmatched_b[0].name)
        )
        return Comparison(Verdict.DIFFERENT, (f"different places: {differing} vs {others}",), spelling_only)
    if unmatched_a or unmatched_b:
        uncertain = True
        only = ", ".join(f"'{p.name}'" for p in unmatched_a or unmatched_b)
        reasons.append(f"named on one side only: {only}")
    if not a.places and not b.places:
        uncertain = True
        reasons.append("no street or place name on either side")

    if (a.rt and b.rt and a.rt != b.rt) or (a.rw and b.rw and a.rw != b.rw):
        uncertain = True
        reasons.append(f"RT/RW differ: {a.rt}/{a.rw} vs {b.rt}/{b.rw}")
    for label, va, vb in (("kelurahan", a.kelurahan, b.kelurahan), ("kecamatan", a.kecamatan, b.kecamatan)):
        if va and vb and not _names_match(va, vb):
            uncertain = True
            reasons.append(f"{label} differs: '{va}' vs '{vb}'")
    if typo and not pinned:
        uncertain = True
        reasons.append("a spelling difference is accepted only where a house number, block or kavling agrees")
    if not pinned and a.key() != b.key():
        uncertain = True
        reasons.append("nothing pins the place down (no number, block or kavling on both)")
    return Comparison(Verdict.UNCERTAIN if uncertain else Verdict.SAME, tuple(reasons))
