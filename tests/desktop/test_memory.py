"""Freed heap memory goes back to the system when the app is idle."""

import re
import sys
from pathlib import Path

import pytest

from vaxla_desktop.memory import release_free_memory


def resident_mb() -> float:
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert found is not None
    return int(found.group(1)) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_blocks_below_a_live_one_are_given_back() -> None:
    # 1 kB blocks come from malloc's heap (not Python's arenas, not mmap); the last one
    # stays alive, so the heap's top cannot shrink on its own when the rest are freed.
    blocks = [bytes(1000) + bytes([i % 256]) for i in range(80_000)]
    keep = blocks[-1]
    del blocks
    before = resident_mb()
    assert release_free_memory()
    after = resident_mb()
    assert before - after > 40, (before, after)
    assert keep[-1] == 79_999 % 256
