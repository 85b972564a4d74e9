"""Bulk work over millions of small objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bulk step builds many acyclic objects.

    Reading or aggregating a million accounts creates tens of millions of records, strings and tuples,
    none in a reference cycle. Each collection pass walks all of them, which at that size costs a third of
    the run; reference counting still frees everything as usual.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            # What the step built and kept (caches, results) is still in the youngest generation, and the
            # first collection after this would walk all of it (half a second after a million accounts).
            # Freezing and unfreezing moves it to the oldest generation at once, where full collections
            # still reach it.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
