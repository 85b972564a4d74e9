"""Synthetic portal exports with known truth, for tests, the demo and the benchmarks.

Vendors are companies (an NPWP) with a head office and sometimes branches (the same NPWP at another
address, often on the same street). Each office holds accounts at one or more portals, and each portal
writes the office's address its own way: the variants that real SPSE exports show (Jl./Jln./Jalan,
No./Nomor, RT/RW in any writing, titles written or dropped, pre-1972 spellings, Kel./Kec. present or
not, a wrong postal code, a one-letter typo). Hard cases are mixed in on purpose: branches on one street,
different companies in one building, one user ID held by different vendors, one email shared by
different companies, and bad rows (invalid NPWP, empty or ambiguous region, empty address).

The truth file names each account's office (``entity_id``): two accounts are the same company or
branch exactly when their entity ids are equal. ``case`` says what was done to the row, for diagnosis.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from satupintu.aggregation.io import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from satupintu.core import regions

PORTALS = (
    "lkpp",
    "jakarta",
    "jogjaprov",
    "jogjakota",
    "kbn",
    "pontianak",
    "kemenpera",
    "kemdiknas",
    "depkes",
    "kemenperin",
    "deplu",
    "kotim",
    "karimun",
    "bangka",
    "dpr",
    "kotabogor",
    "muarojambi",
)
LEGAL_FORMS = ("PT", "PT", "PT", "CV", "CV", "UD", "Koperasi", "Firma")
NAME_WORDS = (
    "Cahaya",
    "Abadi",
    "Sentosa",
    "Jaya",
    "Makmur",
    "Karya",
    "Mandiri",
    "Sejahtera",
    "Bangun",
    "Putra",
    "Utama",
    "Nusantara",
    "Persada",
    "Mitra",
    "Sarana",
    "Teknik",
    "Prima",
    "Global",
    "Indah",
    "Maju",
    "Berkah",
    "Bersama",
    "Cipta",
    "Graha",
    "Anugerah",
    "Bumi",
    "Lestari",
    "Perkasa",
    "Sinar",
    "Surya",
    "Agung",
    "Mulia",
    "Harapan",
    "Kencana",
    "Samudra",
    "Rekayasa",
    "Konstruksi",
    "Solusi",
    "Data",
    "Media",
    "Pratama",
    "Gemilang",
    "Wijaya",
    "Kusuma",
    "Santoso",
    "Rahayu",
    "Langgeng",
    "Barokah",
    "Andalan",
    "Tama",
)
# (title, name, old spelling or None): street names of national heroes and common words.
STREETS = (
    ("Jend.", "Sudirman", "Soedirman"),
    ("", "Ahmad Yani", None),
    ("", "Diponegoro", None),
    ("Jend.", "Gatot Subroto", "Gatot Soebroto"),
    ("", "Merdeka", None),
    ("", "Pahlawan", None),
    ("K.H.", "Ahmad Dahlan", None),
    ("Ir. H.", "Juanda", "Djuanda"),
    ("", "Cokroaminoto", "Tjokroaminoto"),
    ("", "Sukarno Hatta", "Soekarno Hatta"),
    ("Prof.", "Supomo", "Soepomo"),
    ("", "Cilik Riwut", "Tjilik Riwut"),
    ("Dr.", "Sutomo", "Soetomo"),
    ("", "Imam Bonjol", None),
    ("", "Hayam Wuruk", None),
    ("", "Gajah Mada", None),
    ("", "Pemuda", None),
    ("", "Veteran", None),
    ("", "Kartini", None),
    ("", "Siliwangi", None),
    ("", "Pajajaran", None),
    ("", "Pangeran Antasari", None),
    ("Mayjen", "Sungkono", "Soengkono"),
    ("", "Teuku Umar", "Teukoe Oemar"),
    ("", "Hasanuddin", None),
    ("", "Sisingamangaraja", None),
    ("", "Raden Saleh", None),
    ("", "Thamrin", None),
    ("", "Kebon Jeruk", None),
    ("", "Cempaka Putih", None),
    ("", "Cempaka", None),
    ("", "Melati", None),
    ("", "Mawar", None),
    ("", "Kenanga", None),
    ("", "Anggrek", None),
    ("", "Flamboyan", None),
    ("", "Cendana", None),
    ("", "Beringin", None),
    ("", "Nangka", None),
    ("", "Rambutan", None),
    ("", "Pramuka", None),
    ("", "Pendidikan", None),
    ("", "Perintis Kemerdekaan", None),
    ("", "Ki Hajar Dewantara", None),
    ("", "Supratman", "Soepratman"),
    ("", "Urip Sumoharjo", "Oerip Soemohardjo"),
)
ALLEYS = ("Mawar", "Melati", "Kelinci", "Haji Ung", "Masjid", "Sawo", "Delima", "Kenari", "Duku", "Sirsak")
ESTATES = ("Griya Asri", "Bumi Indah", "Taman Sari", "Villa Mutiara", "Pondok Hijau", "Graha Permai")
BUILDINGS = ("Graha Pena", "Wisma Mulia", "Menara Karya", "Plaza Sentral", "Wisma Bumiputera")
TRUTH_COLUMNS = ("portal", "user_id", "entity_id", "company_id", "case")


@dataclass(frozen=True, slots=True)
class Office:
    """One physical place of one company: the unit the engine must find."""

    entity_id: str
    company_id: str
    npwp15: str
    name: str
    legal_form: str
    status: str
    street_kind: str  # "jalan", "gang", "estate", "building", "km"
    street: tuple[str, str, str | None]
    number: str
    block: str
    building: str
    floor: str
    rt: int
    rw: int
    locality: regions.Locality
    regency: regions.Regency
    province: regions.Province


def _npwp15(rng: random.Random) -> str:
    """A valid old-form NPWP: 2-digit type, 6-digit serial, Luhn check digit, tax office, branch 000."""
    body = f"{rng.choice(('01', '02', '03', '21', '31', '66', '70', '80', '90'))}{rng.randrange(10**6):06d}"
    check = _luhn_digit(body)
    return f"{body}{check}{rng.randrange(1, 1000):03d}000"


def _luhn_digit(body: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10


def _format_npwp(npwp15: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.5:
        n = npwp15
        return f"{n[:2]}.{n[2:5]}.{n[5:8]}.{n[8]}-{n[9:12]}.{n[12:]}"
    if style < 0.8:
        return npwp15
    return "0" + npwp15


class _World:
    """Real regions with real localities, loaded once."""

    def __init__(self) -> None:
        self.regencies = [r for r in regions.regencies() if regions.localities(r.code)]
        self.provinces = {p.code: p for p in regions.provinces()}
        self.shared_names = {
            r.short_name
            for r in self.regencies
            if sum(1 for o in self.regencies if o.short_name == r.short_name) > 1
        }


_SHORT_PROVINCE = {
    "31": "DKI Jakarta",
    "32": "Jabar",
    "33": "Jateng",
    "35": "Jatim",
    "34": "DIY",
    "12": "Sumut",
    "13": "Sumbar",
    "16": "Sumsel",
    "61": "Kalbar",
    "64": "Kaltim",
    "73": "Sulsel",
    "52": "NTB",
    "53": "NTT",
}


def _office(
    rng: random.Random, world: _World, entity_id: str, company: Office | None, same_street: bool
) -> Office:
    """A head office (company None) or a branch of ``company``, maybe on the same street."""
    if company is not None and same_street:
        # Another number on the head office's street; the caller keeps numbers distinct per company.
        number = str(int(company.number) + rng.choice((2, 4, 6, 10, 21, 40)))
        return replace(company, entity_id=entity_id, status="cabang", number=number)
    regency = rng.choice(world.regencies)
    locality = rng.choice(regions.localities(regency.code))
    kind = rng.choices(("jalan", "gang", "estate", "building", "km"), (70, 10, 10, 4, 6))[0]
    if kind == "gang":
        street = ("", rng.choice(ALLEYS) + rng.choice(("", "", " II", " III", " 1")), None)
    elif kind == "estate":
        street = ("", rng.choice(ESTATES), None)
    else:
        street = rng.choice(STREETS)
    return Office(
        entity_id=entity_id,
        company_id=company.company_id if company else entity_id,
        npwp15=company.npwp15 if company else _npwp15(rng),
        name=company.name if company else _company_name(rng),
        legal_form=company.legal_form if company else rng.choice(LEGAL_FORMS),
        status="cabang" if company else "pusat",
        street_kind=kind,
        street=street,
        number=str(rng.choice((rng.randint(1, 30), rng.randint(1, 250)))),
        block=(f"{rng.choice('ABCDEFGH')}{rng.randint(1, 12)}" if kind == "estate" else ""),
        building=rng.choice(BUILDINGS) if kind == "building" else "",
        floor=str(rng.randint(1, 30)) if kind == "building" else "",
        rt=rng.randint(1, 15),
        rw=rng.randint(1, 12),
        locality=locality,
        regency=regency,
        province=world.provinces[regency.province_code],
    )


def _same_place(a: Office, b: Office) -> bool:
    return (a.regency.code, a.street_kind, a.street, a.number, a.block, a.floor) == (
        b.regency.code,
        b.street_kind,
        b.street,
        b.number,
        b.block,
        b.floor,
    )


def _company_name(rng: random.Random) -> str:
    return " ".join(rng.sample(NAME_WORDS, rng.choice((1, 2, 2, 3))))


def _case(text: str, rng: random.Random) -> str:
    style = rng.random()
    return text.upper() if style < 0.3 else text.lower() if style < 0.4 else text


def _typo(word: str, rng: random.Random) -> str:
    """One letter changed, dropped, doubled or swapped, inside a word of five letters or more."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 5:
        return word
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(4)
    if kind == 0:
        return (
            word[:i] + rng.choice("aiueo") + word[i + 1 :]
            if word[i] not in "aiueo"
            else word[:i] + "r" + word[i + 1 :]
        )
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return (
        word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
        if word[i] != word[i - 1]
        else word[:i] + word[i + 1 :]
    )


def write_address(
    office: Office, rng: random.Random, *, typo: bool = False, drop_number: bool = False
) -> str:
    """One portal's writing of the office's address."""
    title, name, old = office.street
    if old and rng.random() < 0.4:
        name = old
    if title and rng.random() < 0.5:
        name = f"{title} {name}"
    if typo:
        words = name.split()
        long_words = [j for j, w in enumerate(words) if len(w) >= 5]
        if long_words:
            j = rng.choice(long_words)
            words[j] = _typo(words[j], rng)
            name = " ".join(words)
    number = office.number
    if rng.random() < 0.1 and len(number) == 1:
        number = "0" + number
    no = rng.choice(("No.", "No. ", "No ", "Nomor ", "no.", "NO. ")).rstrip() + (
        " " if rng.random() < 0.7 else ""
    )
    parts: list[str] = []
    if office.street_kind == "gang":
        parts.append(f"{rng.choice(('Gg.', 'Gg. ', 'Gang ', 'GG '))}{name}".replace(".  ", ". "))
    elif office.street_kind == "estate":
        parts.append(f"{rng.choice(('Perum ', 'Perumahan ', 'Komplek ', 'Komp. ', 'Kompleks '))}{name}")
        parts.append(f"{rng.choice(('Blok ', 'Blok ', 'Blk. '))}{office.block}")
    elif office.street_kind == "building":
        floor = rng.choice(("Lt. ", "Lantai ", "Lt."))
        parts.append(f"{rng.choice(('Gedung ', 'Gd. ', 'Gedung '))}{office.building} {floor}{office.floor}")
        parts.append(f"{rng.choice(('Jl. ', 'Jalan ', 'Jln. '))}{name}")
    elif office.street_kind == "km":
        parts.append(f"{rng.choice(('Jl. Raya ', 'Jalan Raya ', 'JL. RAYA '))}{name}")
        parts.append(f"{rng.choice(('Km. ', 'KM ', 'Km '))}{office.number}")
    else:
        parts.append(f"{rng.choice(('Jl. ', 'Jl.', 'Jln. ', 'JL. ', 'Jalan ', 'Jl '))}{name}")
    if office.street_kind != "km" and not drop_number:
        parts.append(f"{no}{number}" if rng.random() < 0.92 else number)
    rt, rw = office.rt, office.rw
    rt_style = rng.randrange(6)
    if rt_style == 0:
        parts.append(f"RT {rt:02d}/RW {rw:02d}")
    elif rt_style == 1:
        parts.append(f"RT.{rt:03d} RW.{rw:03d}")
    elif rt_style == 2:
        parts.append(f"Rt{rt}/Rw{rw}")
    elif rt_style == 3:
        parts.append(f"RT/RW {rt:02d}/{rw:02d}")
    if rng.random() < 0.6:
        parts.append(f"{rng.choice(('Kel. ', 'Kelurahan ', 'Desa ', 'Kel.'))}{office.locality.village}")
    if rng.random() < 0.5:
        parts.append(f"{rng.choice(('Kec. ', 'Kecamatan ', 'Kec.'))}{office.locality.kecamatan}")
    if rng.random() < 0.15:
        parts.append(office.regency.name)
    separator = rng.choice((", ", " ", ", "))
    return _case(separator.join(parts), rng)


def _regency_text(office: Office, world: _World, rng: random.Random) -> str:
    regency = office.regency
    style = rng.random()
    if regency.short_name not in world.shared_names and style < 0.25:
        return _case(regency.short_name, rng)
    if regency.kind == "kabupaten" and style < 0.5:
        return _case(f"Kab. {regency.short_name}", rng)
    return _case(regency.name, rng)


def _province_text(office: Office, rng: random.Random) -> str:
    short = _SHORT_PROVINCE.get(office.province.code)
    if short and rng.random() < 0.3:
        return short
    return _case(office.province.name, rng)


def _user_id(office: Office, rng: random.Random) -> str:
    first = office.name.split()[0]
    style = rng.random()
    if style < 0.3:
        return f"{first}{rng.randrange(10**7)}".lower()
    if style < 0.6:
        return f"{office.legal_form}_{office.name.replace(' ', '_')}_{rng.randrange(10**6)}".upper()
    return f"{office.name.replace(' ', '').lower()}{rng.randrange(10**7)}"


@dataclass(frozen=True, slots=True)
class SynthRow:
    values: dict[str, str]
    truth: dict[str, str]


def generate(accounts: int, seed: int = 1) -> Iterator[SynthRow]:
    """Yield ``accounts`` rows with their truth, deterministically for a seed."""
    rng = random.Random(seed)
    world = _World()
    produced = 0
    used_user_ids: list[str] = []
    shared_emails: list[str] = []
    company_no = 0
    while produced < accounts:
        company_no += 1
        company = _office(rng, world, f"E{company_no:07d}", None, False)
        offices = [company]
        for b in range(rng.choices((0, 1, 2, 3), (85, 9, 4, 2))[0]):
            branch = _office(rng, world, f"E{company_no:07d}-{b + 1}", company, rng.random() < 0.35)
            while any(_same_place(branch, other) for other in offices):
                branch = replace(branch, number=str(int(branch.number) + 1))
            offices.append(branch)
        if rng.random() < 0.004:
            # A second company in the head office's building: another NPWP, the same address.
            company_no += 1
            neighbour = replace(
                company,
                entity_id=f"E{company_no:07d}",
                company_id=f"E{company_no:07d}",
                npwp15=_npwp15(rng),
                name=_company_name(rng),
            )
            offices.append(neighbour)
        for office in offices:
            for row in _office_rows(office, rng, world, used_user_ids, shared_emails):
                yield row
                produced += 1
                if produced >= accounts:
                    return


def _office_rows(
    office: Office, rng: random.Random, world: _World, used_user_ids: list[str], shared_emails: list[str]
) -> Iterator[SynthRow]:
    count = rng.choices((1, 2, 3, 4, 5, 6), (50, 27, 13, 6, 3, 1))[0]
    portals = rng.sample(PORTALS, count)
    base_user_id = _user_id(office, rng)
    # The company's own mailbox, shared by its branches: a mailbox belongs to a company, not to a name.
    slug = office.name.replace(" ", "").lower()
    tag = office.company_id[-5:]
    email = f"info@{slug}{tag}.co.id" if int(tag) % 2 else f"{slug}.{tag}@gmail.com"
    if rng.random() < 0.003 and shared_emails:
        email = rng.choice(shared_emails)  # a consultant's address used by several companies
    elif rng.random() < 0.01:
        shared_emails.append(email)
    name = f"{office.legal_form} {office.name}" + (" Cabang" if office.status == "cabang" else "")
    start = dt.date(2008, 1, 1)
    for portal in portals:
        case: list[str] = []
        user_id = base_user_id if rng.random() < 0.75 else _user_id(office, rng)
        if used_user_ids and rng.random() < 0.004:
            user_id = rng.choice(used_user_ids)  # a user ID another vendor already holds
            case.append("user_id_collision")
        used_user_ids.append(user_id)
        if len(used_user_ids) > 5000:
            del used_user_ids[: len(used_user_ids) - 5000]
        typo = rng.random() < 0.05
        if typo:
            case.append("typo")
        npwp = _format_npwp(office.npwp15, rng)
        province = _province_text(office, rng)
        regency = _regency_text(office, world, rng)
        address = write_address(office, rng, typo=typo)
        postal = office.locality.postal_code
        roll = rng.random()
        # Bad rows: mostly vendors with a single account, as in real exports, so few true pairs depend
        # on a row the engine must send to review.
        bad_rate = 0.012 if count == 1 else 0.001
        if roll < bad_rate:
            what = rng.randrange(5)
            if what == 0:
                npwp = _break_check_digit(npwp)
                case.append("bad_npwp")
            elif what == 1:
                province = ""
                case.append("empty_province")
            elif what == 2:
                if office.regency.short_name in world.shared_names:
                    regency = office.regency.short_name
                    case.append("ambiguous_regency")
                else:
                    regency = ""
                    case.append("empty_regency")
            elif what == 3:
                npwp = rng.choice(("", "000000000000000", "-"))
                case.append("missing_npwp")
            else:
                address = rng.choice(("", "-", "."))
                case.append("empty_address")
        if rng.random() < 0.05:
            # A wrong postal code, as the FAQ reports: the engine must not read anything into it.
            postal = f"{rng.randint(10, 99)}{rng.randint(100, 999)}"
            case.append("wrong_postal_code")
        elif rng.random() < 0.1:
            postal = ""
        registered = start + dt.timedelta(days=rng.randrange(17 * 365))
        values = {
            "portal": portal,
            "user_id": user_id,
            "npwp": npwp,
            "name": _case(name, rng),
            "address": address,
            "province": province,
            "regency": regency,
            "postal_code": postal,
            "email": email if rng.random() < 0.9 else email.upper(),
            "phone": f"08{rng.randint(11, 99)}{rng.randrange(10**7):07d}",
            "packages": str(int(rng.paretovariate(1.3)) - 1 if rng.random() < 0.7 else 0),
            "registered_at": f"{registered.isoformat()} {rng.randrange(8, 17):02d}:{rng.randrange(60):02d}:00",
            "status": office.status,
            "password_hash": "",
        }
        truth = {
            "portal": portal,
            "user_id": user_id,
            "entity_id": office.entity_id,
            "company_id": office.company_id,
            "case": ";".join(case),
        }
        yield SynthRow(values, truth)


def _break_check_digit(npwp: str) -> str:
    """The same NPWP with its Luhn check digit (the 9th of the 15) changed: a typing error."""
    digits = list(npwp)
    positions = [i for i, c in enumerate(digits) if c.isdigit()]
    check = positions[9 if len(positions) == 16 else 8]
    digits[check] = str((int(digits[check]) + 3) % 10)
    return "".join(digits)


def write(
    accounts: int,
    seed: int,
    out: Path,
    truth: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the accounts CSV (and the truth CSV); returns the number of rows written.

    A row whose (portal, user ID) was already produced is skipped and another drawn, so the file is a
    valid export: one row per account.
    """
    seen: set[tuple[str, str]] = set()
    columns = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    written = 0
    with out.open("w", newline="", encoding="utf-8") as accounts_file:
        accounts_writer = csv.DictWriter(accounts_file, columns, lineterminator="\n")
        accounts_writer.writeheader()
        truth_file = truth.open("w", newline="", encoding="utf-8") if truth else None
        truth_writer = csv.DictWriter(truth_file, TRUTH_COLUMNS, lineterminator="\n") if truth_file else None
        if truth_writer:
            truth_writer.writeheader()
        try:
            for row in generate(accounts * 2, seed):
                key = (row.values["portal"], row.values["user_id"].casefold())
                if key in seen:
                    continue
                seen.add(key)
                accounts_writer.writerow(row.values)
                if truth_writer:
                    truth_writer.writerow(row.truth)
                written += 1
                if progress and written % 10000 == 0:
                    progress(10000)
                if written >= accounts:
                    break
        finally:
            if truth_file:
                truth_file.close()
    return written
