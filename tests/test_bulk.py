"""Tests for satupintu.bulk: pausing the cyclic garbage collector around bulk work."""

from __future__ import annotations

import gc
import weakref

from satupintu.bulk import paused_gc


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_the_collector_is_paused_inside_and_running_after():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_cycle_built_while_paused_is_still_collected_afterwards():
    with paused_gc():
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        alive = weakref.ref(a)
        del a, b
    # Moved to the oldest generation on the way out, not frozen for good: a full collection frees it.
    assert gc.get_freeze_count() == 0
    assert alive() is not None
    gc.collect()
    assert alive() is None


def test_a_nested_pause_leaves_the_collector_paused_until_the_outer_one_ends():
    with paused_gc():
        with paused_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
