"""Splink 5 baseline for linking vendor accounts across procurement portals.

Two accounts are the same branch when they carry the same canonical NPWP and the same physical address.
This is a conventional Splink setup for that question, run on the DuckDB backend: SQL cleaning of the
raw columns, blocking on canonical NPWP, fuzzy address and name comparisons, an exact house-number
comparison, parameters learnt without labels (random-sampling u, EM m), then connected components at a
match-probability threshold.

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
_NPWP_SQL = f"""
    case
        when regexp_matches({_NPWP_DIGITS}, '^[0-9]{{15}}$') then '0' || {_NPWP_DIGITS}
        when regexp_matches({_NPWP_DIGITS}, '^[0-9]{{16}}$') then {_NPWP_DIGITS}
    end"""

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
# Step 2 cuts the premise part off: the text before RT/RW and the area names that portals add or omit.
_PREMISE_PART = r"^(.*?)(?:\b(?:rt|rw|kel|kec|kab|kota)\b|$)"
_NUMBER_MARKERS = r"\b(?:km|lt|no)\s+\d+[a-z]?\b|\bblok\s+[a-z]\s*\d+\b"
# Titles and the pre-1972 spelling are written or not at will: Jl. Jend. Soedirman is Jl. Sudirman.
_STREET_REWRITES = [
    (r"\b(jalan|raya|gang|perumahan|gedung|jend|jendral|jenderal|mayjen|letjen|k h|kh|ir|h|hj|prof|dr|drs)\b",
     ""),
    (r"oe", "u"),
    (r"dj", "j"),
    (r"tj", "c"),
    (r"\s+", " "),
]


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


# Legal-form tokens say nothing about which company it is and are written inconsistently.
_NAME_SQL = _rewrite(_words("name"), [(r"\b(pt|cv|ud|fa|pd|tbk|persero|firma|koperasi)\b", ""), (r"\s+", " ")])
# "Kab. Bone", "Kabupaten Bone" and "Bone" are one regency; so, in practice, are "Kota X" and "X".
_REGENCY_SQL = _rewrite(_words("regency"), [(r"\b(kab|kabupaten|kota|administrasi|adm)\b", ""), (r"\s+", " ")])

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
        {_rewrite(_words("address"), _ADDRESS_REWRITES)} as address,
        {_NAME_SQL} as name,
        {_REGENCY_SQL} as regency,
        regexp_extract(postal_code, '^\\s*([0-9]{{5}})\\s*$', 1) as postal_code,
        lower(trim(email)) as email,
        lower(trim(status)) as status
    from raw_accounts
), premise as (
    select *, regexp_extract(address, '{_PREMISE_PART}', 1) as premise_text from cleaned
), parts as (
    select
        *,
        {_tagged("premise_text", "km")} as km,
        {_tagged("premise_text", "lt")} as floor,
        nullif(replace(regexp_extract(premise_text, '\\bblok\\s+([a-z]\\s*\\d+)\\b', 1), ' ', ''), '') as block,
        {_tagged("premise_text", "no")} as tagged_number,
        regexp_replace(premise_text, '{_NUMBER_MARKERS}', ' ', 'g') as untagged
    from premise
), parts2 as (
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
    nullif(npwp, '0000000000000000') as npwp,
    nullif({_rewrite("street_text", _STREET_REWRITES)}, '') as street,
    -- Everything that tells two places on one street apart, as one value.
    nullif(concat_ws(' ', 'km ' || km, 'lt ' || floor, 'blok ' || block, 'no ' || number), '') as premise,
    nullif(regexp_extract(address, 'rt \\d+ rw \\d+'), '') as rt_rw,
    nullif(name, '') as name,
    nullif(regency, '') as regency,
    nullif(postal_code, '') as postal_code,
    nullif(email, '') as email,
    nullif(status, '') as status
from parts2
"""


def _settings() -> SettingsCreator:
    # NPWP is the blocking key of every scored pair, so it is not compared: in that population it is
    # constant and carries no evidence. The model only has to tell one branch from another.
    similar_street = cll.Or(
        cll.ExactMatchLevel("street"),
        # One letter changed, dropped, doubled or swapped, or a close spelling.
        cll.DamerauLevenshteinLevel("street", 1),
        cll.JaroWinklerLevel("street", 0.9),
    )
    same_premise = cll.ExactMatchLevel("premise")
    same_regency = cll.ExactMatchLevel("regency")
    return SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[block_on("npwp")],
        comparisons=[
            # Premise, street and regency in one comparison, because it is their combination that is the
            # evidence: a branch on the head office's street agrees on street and regency and differs only
            # in the premise. As separate comparisons they would not be independent given a non-match.
            cl.CustomComparison(
                output_column_name="place",
                comparison_levels=[
                    cll.NullLevel("premise"),
                    cll.And(same_premise, cll.ExactMatchLevel("street"), same_regency),
                    cll.And(same_premise, similar_street, same_regency),
                    cll.And(same_premise, similar_street),
                    same_premise,
                    cll.And(similar_street, same_regency),
                    cll.ElseLevel(),
                ],
            ),
            cl.ExactMatch("rt_rw"),
            cl.ExactMatch("postal_code"),
            cl.JaroWinklerAtThresholds("name", [0.95, 0.85]),
            cl.ExactMatch("email"),
            # Head office (pusat) or branch (cabang), as the portal records it.
            cl.ExactMatch("status"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _train(linker: Linker) -> None:
    training = linker.training
    # A global prior for the record; the one used for scoring comes from EM below.
    training.estimate_probability_two_random_records_match(
        [block_on("npwp", "street", "premise")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    # Random pairs are different companies, but the pairs scored are accounts under one NPWP, whose
    # non-matches are sibling branches sharing name, e-mail domain and regency. So EM, run on exactly
    # that population, re-estimates u as well as m; Splink keeps the median of the two u estimates.
    # The match rate EM finds inside an NPWP becomes the prior, which is right because predictions
    # are only ever made inside an NPWP.
    training.estimate_parameters_using_expectation_maximisation(
        block_on("npwp"),
        fix_u_probabilities=False,
        populate_probability_two_random_records_match_from_trained_values=True,
    )


def _connect(csv_path: Path, threads: int, spill_dir: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"set threads = {int(threads)}")
    con.execute("set memory_limit = '4GB'")
    con.execute(f"set temp_directory = '{spill_dir}'")
    con.execute("set preserve_insertion_order = false")
    con.execute(_LOAD_SQL, [str(csv_path)])
    con.execute(_PREPARE_SQL)
    return con


def trained_linker(con: duckdb.DuckDBPyConnection) -> Linker:
    """A linker over the prepared ``accounts`` table, with its parameters estimated."""
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register("accounts"), _settings(), log_level=logging.WARNING)
    _train(linker)
    return linker


def link(accounts_csv: Path, threshold: float = 0.95, threads: int = 2) -> dict[tuple[str, str], str]:
    """Return {(portal, user_id_lower): cluster_id} for every row of the file."""
    logging.getLogger("splink").setLevel(logging.WARNING)
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
            """
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
    print(f"wall_time_s={elapsed:.2f} peak_rss_mib={peak_kib / 1024:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
