"""Splink 5 baseline for linking vendor accounts across procurement portals.

Two accounts are the same company or branch when they carry the same canonical NPWP and the same
physical address. This is a conventional Splink setup for that question on the DuckDB backend: SQL
cleaning of the raw columns, blocking on canonical NPWP, an address comparison built from the street,
the premise (house number, block, floor, km mark) and the regency, parameters learnt without labels
(u by random sampling, m by expectation maximisation), then connected components at a match-probability
threshold.

What is compared, and what is not. Every scored pair shares an NPWP, so the question the model answers
is "is this the same office of one company?". Attributes of the company rather than of the office (name,
e-mail) agree for sibling branches too, and area attributes (RT/RW, postal code) agree for branches on
one street; with u estimated on random pairs, as Splink does, each of them counts as strong evidence of
a match and the model merges branches. They are therefore left out: the model compares the NPWP, the
place and the head-office/branch status only.

Usage: python bench/splink_baseline.py ACCOUNTS.csv --out clusters.csv [--threshold 0.95] [--threads 2]
"""

from __future__ import annotations

import argparse
import csv
import logging
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

# NPWP: drop separators; the old 15-digit form becomes the 16-digit one by a leading 0. Any other length,
# and the all-zero placeholder, is no NPWP at all: NULL never joins, so such rows stay on their own.
_NPWP_DIGITS = "regexp_replace(coalesce(npwp, ''), '[ .\\-/]', '', 'g')"
_NPWP_SQL = f"""nullif(
    case
        when regexp_matches({_NPWP_DIGITS}, '^[0-9]{{15}}$') then '0' || {_NPWP_DIGITS}
        when regexp_matches({_NPWP_DIGITS}, '^[0-9]{{16}}$') then {_NPWP_DIGITS}
    end,
    '0000000000000000')"""

# Address cleaning, step 1, on the whole text: lower-cased, punctuation turned into spaces (keeping / for
# RT/RW), then each spelling variant seen across portals rewritten to one form, in this order.
_ADDRESS_REWRITES = [
    (r"\b(jl|jln|jalan)\b", "jalan"),
    (r"\b(gg|gang)\b", "gang"),
    (r"\b(perum|perumahan|komp|komplek|kompleks)\b", "perumahan"),
    (r"\b(gd|gedung)\b", "gedung"),
    (r"\b(blk|blok)\b", "blok"),
    (r"\b(lt|lantai)\b", "lt"),
    # "No.5", "NOMOR 5", "no5": the marker may be glued to the number.
    (r"\b(nomor|nomer|nmr|no)\s*(\d)", r"no \2"),
    (r"\b(kel|kelurahan|ds|desa)\b", "kel"),
    (r"\b(kec|kecamatan)\b", "kec"),
    (r"\b(kab|kabupaten)\b", "kab"),
    # RT/RW 03/05, RT 03/RW 05, RT.003 RW.005, Rt3/Rw5 all become "rt 3 rw 5".
    (r"\brt\s*/\s*rw\s*0*(\d+)\s*/\s*0*(\d+)", r"rt \1 rw \2"),
    (r"\brt\s*0*(\d+)\s*(?:/\s*rw|rw|/)\s*0*(\d+)", r"rt \1 rw \2"),
    (r"/", " "),
    (r"\s+", " "),
]
# Step 2 keeps the premise part: the text before RT/RW and the area names, which portals add or omit.
_PREMISE_PART = r"^(.*?)(?:\b(?:rt|rw|kel|kec|kab|kota)\b|$)"
_NUMBER_MARKERS = r"\b(?:km|lt|no)\s+\d+[a-z]?\b|\bblok\s+[a-z]\s*\d+\b"
# Step 3 reduces what is left to the street's name. Place-kind words, titles and the pre-1972 spelling
# are written or not at will: "Jl. Jend. Soedirman" is "Jalan Sudirman".
_STREET_REWRITES = [
    (r"\b(jalan|raya|gang|perumahan|gedung)\b", ""),
    (r"\b(jend|jendral|jenderal|mayjen|letjen|k h|kh|ir|h|hj|prof|dr|drs)\b", ""),
    (r"oe", "u"),
    (r"dj", "j"),
    (r"tj", "c"),
    (r"\s+", " "),
]
# "Kab. Bone", "Kabupaten Bone" and "Bone" are one regency; so, in practice, are "Kota X" and "X".
_REGENCY_REWRITES = [(r"\b(kab|kabupaten|kota|administrasi|adm)\b", ""), (r"\s+", " ")]


def _rewrite(expr: str, rewrites: list[tuple[str, str]]) -> str:
    for pattern, replacement in rewrites:
        expr = f"regexp_replace({expr}, '{pattern}', '{replacement}', 'g')"
    return f"trim({expr})"


def _words(col: str) -> str:
    """Lower-case, every run of punctuation a single space (keep / for RT/RW)."""
    return f"regexp_replace(lower(coalesce({col}, '')), '[^a-z0-9/]+', ' ', 'g')"


def _tagged(expr: str, marker: str) -> str:
    """The number after ``marker`` (leading zeros dropped), or NULL."""
    return f"nullif(regexp_extract({expr}, '\\b{marker}\\s+0*(\\d+[a-z]?)\\b', 1), '')"


_LOAD_SQL = """
create or replace table raw_accounts as
select *, row_number() over () as unique_id
from read_csv(?, header = true, all_varchar = true)
"""

_PREPARE_SQL = f"""
create or replace table accounts as
with cleaned as (
    select
        unique_id,
        portal,
        lower(trim(user_id)) as user_key,
        {_NPWP_SQL} as npwp,
        regexp_extract(
            {_rewrite(_words("address"), _ADDRESS_REWRITES)}, '{_PREMISE_PART}', 1
        ) as premise_text,
        {_rewrite(_words("regency"), _REGENCY_REWRITES)} as regency,
        lower(trim(status)) as status
    from raw_accounts
), parts as (
    select
        *,
        {_tagged("premise_text", "km")} as km,
        {_tagged("premise_text", "lt")} as floor,
        nullif(replace(regexp_extract(premise_text, '\\bblok\\s+([a-z]\\s*\\d+)\\b', 1), ' ', ''), '') as block,
        {_tagged("premise_text", "no")} as tagged_number,
        regexp_replace(premise_text, '{_NUMBER_MARKERS}', ' ', 'g') as untagged
    from cleaned
), numbered as (
    -- Without "no", the house number is written bare, as the last number before RT/RW ("Jl. Nangka 21");
    -- with it, a trailing number belongs to the street name ("Gg. Kenari 1 No. 166").
    select
        *,
        coalesce(tagged_number, nullif(regexp_extract(untagged, '\\b0*(\\d+[a-z]?)\\s*$', 1), '')) as number,
        case when tagged_number is null then regexp_replace(untagged, '\\s\\d+[a-z]?\\s*$', '') else untagged end
            as street_text
    from parts
)
select
    unique_id,
    portal,
    user_key,
    npwp,
    nullif({_rewrite("street_text", _STREET_REWRITES)}, '') as street,
    -- Everything that tells two places on one street apart, as one value.
    nullif(concat_ws(' ', 'km ' || km, 'lt ' || floor, 'blok ' || block, 'no ' || number), '') as premise,
    nullif(regency, '') as regency,
    nullif(status, '') as status
from numbered
"""  # noqa: S608 - built from the constants above, no input in it


def _settings() -> SettingsCreator:
    same_premise = cll.ExactMatchLevel("premise")
    # A street with a typo (a letter changed, dropped, doubled or swapped) or a close spelling.
    similar_street = cll.Or(
        cll.ExactMatchLevel("street"),
        cll.DamerauLevenshteinLevel("street", 2),
        cll.JaroWinklerLevel("street", 0.88),
    )
    # Some portals leave the regency empty; only a different one speaks against the pair.
    same_regency = cll.Or(cll.ExactMatchLevel("regency"), cll.NullLevel("regency"))
    return SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[block_on("npwp")],
        comparisons=[
            # Compared although it is the blocking key: its Bayes factor is what lifts a pair from the
            # one-in-a-million prior of two random accounts to the odds of two accounts of one company.
            cl.ExactMatch("npwp"),
            # Premise, street and regency in one comparison, because it is their combination that is the
            # evidence, and a different premise (a branch on the same street) must outweigh the rest.
            cl.CustomComparison(
                output_column_name="place",
                comparison_levels=[
                    cll.NullLevel("premise"),
                    cll.And(same_premise, cll.ExactMatchLevel("street"), same_regency),
                    cll.And(same_premise, similar_street, same_regency),
                    cll.And(same_premise, similar_street),
                    same_premise,
                    cll.ElseLevel(),
                ],
            ),
            # Head office (pusat) or branch (cabang): one place is never both.
            cl.ExactMatch("status"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _train(linker: Linker) -> None:
    training = linker.training
    # Accounts agreeing on NPWP, street and premise are near-certain matches; they are most of them.
    training.estimate_probability_two_random_records_match(
        [block_on("npwp", "street", "premise")], recall=0.9
    )
    training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    # EM cannot learn m for the columns it blocks on, so two passes: within an NPWP for the place and
    # status, then within one place for how often the accounts of one office share the NPWP.
    training.estimate_parameters_using_expectation_maximisation(block_on("npwp"))
    training.estimate_parameters_using_expectation_maximisation(block_on("street", "premise", "regency"))


def _connect(csv_path: Path, threads: int, spill_dir: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"set threads = {int(threads)}")
    # Room for the blocked pairs of a million rows; beyond it DuckDB spills to disk instead of failing.
    con.execute("set memory_limit = '4GB'")
    con.execute(f"set temp_directory = '{spill_dir}'")
    con.execute("set preserve_insertion_order = false")
    con.execute(_LOAD_SQL, [str(csv_path)])
    con.execute(_PREPARE_SQL)
    return con


def trained_linker(con: duckdb.DuckDBPyConnection) -> Linker:
    """A linker over the prepared ``accounts`` table, with its parameters estimated."""
    linker = Linker(DuckDBAPI(con).register("accounts"), _settings(), log_level=logging.WARNING)
    _train(linker)
    return linker


def link(accounts_csv: Path, threshold: float = 0.95, threads: int = 2) -> dict[tuple[str, str], str]:
    """Return {(portal, user_id_lower): cluster_id} for every row of the file."""
    with tempfile.TemporaryDirectory(prefix="splink-spill-") as spill_dir:
        con = _connect(accounts_csv, threads, spill_dir)
        linker = trained_linker(con)
        pairs = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            pairs, threshold_match_probability=threshold
        )
        # Every input row is a node, so rows without a scored pair come back as their own cluster.
        rows = con.sql(
            f"""
            select a.portal, a.user_key, c.cluster_id::varchar
            from accounts a join {clusters.physical_name} c using (unique_id)
            """  # noqa: S608 - a table name Splink generated, not input
        ).fetchall()
        con.close()
    return {(portal, user): cluster for portal, user, cluster in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("accounts_csv", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=0.95)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    clusters = link(args.accounts_csv, args.threshold, args.threads)
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["portal", "user_id", "cluster_id"])
        writer.writerows((portal, user, cluster) for (portal, user), cluster in clusters.items())

    print(f"rows={len(clusters)} clusters={len(set(clusters.values()))}")
    print(f"wall_time_s={elapsed:.2f} peak_rss_kib={peak_kib}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
