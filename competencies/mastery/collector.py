"""The garbage collector paused while a large batch of acyclic objects is built.

Mastery reads and groups tens of thousands of rows at once (a class's evidence, a heatmap's
standings). They make no reference cycles, yet each allocation burst sets the collector
rescanning everything alive, which doubled those runs (bench/mastery_bench.py,
bench/mastery_views_bench.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside; the collector's state before is restored after."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
