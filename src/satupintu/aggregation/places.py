"""The part of the column-wise path that needs the address parser: reading the addresses of the accounts
of valid NPWP and region, and splitting each block of several accounts into places.

It runs the engine's own steps (`engine.read_address`, `engine.cluster_block`) over plain lists, so the
column-wise path and the engine cannot read an address differently.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from satupintu.aggregation.engine import Finding, cluster_block, group_id, read_address
from satupintu.core.address import ParsedAddress

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
    portals: list[str],
    user_keys: list[str],
    tick: Callable[[int], None] | None = None,
) -> tuple[array, array, list[str]]:
    """The group label, the flags and the group id of each account, in the order given.

    Accounts come block by block (one NPWP in one regency), each with its block's size. An account's
    label is the smallest position in its group, so labels are unique across calls; an account whose
    address is missing is labelled alone (it waits for review, which the engine settles). The group id
    is the engine's (`engine.group_id`), from the group's first account by portal and user ID; ids that
    collide are lengthened here, and the caller must check for collisions across calls.
    """
    count = len(positions)
    labels = array("q", positions)
    flags = array("b", bytes(count))
    ids = [""] * count
    taken: set[str] = set()
    start = done = 0
    while start < count:
        size = sizes[start]
        end = start + size
        if size == 1:  # most blocks: one account, nothing to compare, its own group
            _, finding = read_address(addresses[start].strip(), postal_codes[start], regencies[start], False)
            if finding is not None:
                flags[start] = _FLAG[finding]
            ids[start] = group_id(portals[start], user_keys[start], taken)
        else:
            parsed: dict[int, ParsedAddress | None] = {}
            _settle_block(range(start, end), addresses, postal_codes, regencies, flags, parsed)
            groups = [[i] for i in range(start, end) if i not in parsed]
            if len(parsed) > 1:
                for cluster in cluster_block(list(parsed), parsed, keep_evidence=False):
                    groups.append(cluster.members)
                    if cluster.review:
                        for i in cluster.members:
                            flags[i] |= UNCERTAIN
            else:
                groups.extend([i] for i in parsed)
            for members in groups:
                first = min(members, key=lambda i: (portals[i], user_keys[i]))
                gid = group_id(portals[first], user_keys[first], taken)
                label = min(positions[i] for i in members)
                for i in members:
                    labels[i] = label
                    ids[i] = gid
        if tick and end - done >= 10000:
            tick(end - done)
            done = end
        start = end
    if tick:
        tick(count - done)
    return labels, flags, ids


def _settle_block(
    block: range,
    addresses: list[str],
    postal_codes: list[str],
    regencies: list[str],
    flags: array,
    parsed: dict[int, ParsedAddress | None],
) -> None:
    """Read the addresses of a block of several accounts into ``parsed``, leaving out those missing."""
    for i in block:
        address, finding = read_address(addresses[i].strip(), postal_codes[i], regencies[i], True)
        if finding is not None:
            flags[i] = _FLAG[finding]
        if finding is not Finding.ADDRESS_MISSING:
            parsed[i] = address
