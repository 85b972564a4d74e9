"""The part of the column-wise path that needs the address parser: reading the addresses of the accounts
of valid NPWP and region, and splitting each block of several accounts into places.

It runs the engine's own steps (`engine.read_address`, `engine.cluster_block`) over plain lists, so the
column-wise path and the engine cannot read an address differently.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from satupintu.aggregation.engine import Finding, cluster_block, read_address

# The flags of an account, one bit each.
ADDRESS_MISSING = 1
POSTAL_CODE_MISMATCH = 2
UNCERTAIN = 4  # in a group that waits for review: the engine's ADDRESS_UNCERTAIN

_FLAG = {Finding.ADDRESS_MISSING: ADDRESS_MISSING, Finding.POSTAL_CODE_MISMATCH: POSTAL_CODE_MISMATCH}


def settle_places(
    positions: list[int],
    addresses: list[str],
    postal_codes: list[str],
    regencies: list[str],
    sizes: list[int],
    tick: Callable[[int], None] | None = None,
) -> tuple[array, array]:
    """The group label and the flags of each account, in the order given.

    Accounts come block by block (one NPWP in one regency), each with its block's size. An account's
    label is the smallest position in its group, so labels are unique across calls; an account whose
    address is missing is labelled alone (it waits for review, which the engine settles).
    """
    count = len(positions)
    labels = array("q", positions)
    flags = array("b", bytes(count))
    start = done = 0
    while start < count:
        size = sizes[start]
        end = start + size
        parsed = {}
        for i in range(start, end):
            address, finding = read_address(addresses[i].strip(), postal_codes[i], regencies[i], size > 1)
            if finding is not None:
                flags[i] = _FLAG[finding]
            if size > 1 and finding is not Finding.ADDRESS_MISSING:
                parsed[i] = address
        if len(parsed) > 1:
            for cluster in cluster_block(list(parsed), parsed, keep_evidence=False):
                label = min(positions[i] for i in cluster.members)
                for i in cluster.members:
                    labels[i] = label
                    if cluster.review:
                        flags[i] |= UNCERTAIN
        if tick and end - done >= 10000:
            tick(end - done)
            done = end
        start = end
    if tick:
        tick(count - done)
    return labels, flags
