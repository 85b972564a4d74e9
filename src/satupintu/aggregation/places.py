"""The part of the column-wise path that needs the address parser: reading the addresses of the accounts
of valid NPWP and region, and splitting each block of several accounts into places.

It runs the engine's own steps (`engine.read_address`, `engine.cluster_block`, `engine.group_id`) over
plain lists, so the column-wise path and the engine cannot read an address differently. The column-wise
path runs one part of the blocks in its own process and sends each other part to a helper process
(`helper`, `send_part`, `receive_part`).
"""

from __future__ import annotations

import traceback
from array import array
from collections.abc import Callable
from multiprocessing.connection import Connection

from satupintu.aggregation.engine import Finding, cluster_block, group_id, read_address
from satupintu.aggregation.files import ShardFailed
from satupintu.bulk import paused_gc
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


# -- the helper process ------------------------------------------------------------------------------

# A part crosses the pipe as numbers, then its text columns joined by NUL, which no field holds (a file
# with one never reaches this path).
_JOIN = "\x00"
_TEXTS = 5


def helper(conn: Connection) -> None:
    """A helper process: settles the places of one part of the blocks, then ends."""
    try:
        task = conn.recv_bytes()
    except EOFError:  # the run ended before it needed this process
        return
    try:
        with paused_gc():  # as in the parent: this process was started before the parent paused it
            labels, flags, ids = settle_part(*_decode_part(task))
    except BaseException:  # reported to the parent, which raises it
        conn.send(("error", traceback.format_exc()))
        conn.close()
        return
    conn.send(("ok", ""))
    conn.send_bytes(labels.tobytes())
    conn.send_bytes(flags.tobytes())
    conn.send_bytes(_JOIN.join(ids).encode("ascii"))
    conn.close()


def receive_part(conn: Connection) -> tuple[array, array, list[str]]:
    """A helper's labels, flags and group ids; `ShardFailed` where it failed or ended without them."""
    try:
        status, details = conn.recv()
        if status != "ok":
            raise ShardFailed(f"an aggregation process failed: {details.strip().splitlines()[-1]}", details)
        labels, flags = array("q"), array("b")
        labels.frombytes(conn.recv_bytes())
        flags.frombytes(conn.recv_bytes())
        ids = conn.recv_bytes().decode("ascii").split(_JOIN) if labels else []
    except EOFError:  # killed, e.g. by the out-of-memory killer, before it could report
        raise ShardFailed("an aggregation process ended without a result") from None
    return labels, flags, ids


def send_part(conn: Connection, positions: list[int], sizes: list[int], texts: list[list[str]]) -> None:
    """Send a part of the blocks to a helper as one message: the count, the positions and block sizes,
    then the text columns (address, postal code, regency, portal, user ID) joined by NUL (no field
    holds one)."""
    numbers = array("q", [len(positions), *positions, *sizes]).tobytes()
    texts_joined = _JOIN.join([value for column in texts for value in column])
    conn.send_bytes(numbers + texts_joined.encode("utf-8", "surrogatepass"))


def _decode_part(data: bytes) -> tuple[list[int], list[int], list[list[str]]]:
    count = array("q", data[:8])[0]
    numbers = array("q")
    numbers.frombytes(data[8 : 8 + 16 * count])
    values = data[8 + 16 * count :].decode("utf-8", "surrogatepass").split(_JOIN) if count else []
    texts = [values[k * count : (k + 1) * count] for k in range(_TEXTS)]
    return numbers[:count].tolist(), numbers[count:].tolist(), texts


def settle_part(
    positions: list[int], sizes: list[int], texts: list[list[str]], tick: Callable[[int], None] | None = None
) -> tuple[array, array, list[str]]:
    """`settle_places` over a part as `send_part` sends it and the column-wise path reads it."""
    address, postal, regency, portal, uid = texts
    return settle_places(positions, address, postal, regency, sizes, portal, uid, tick=tick)
