"""Giving freed memory back to the system when the app goes idle.

CPython and Qt free many small blocks after start-up (imports, the first picture) and
after each call; glibc keeps them in its heap, so the resident size stays at its peak.
``malloc_trim(0)`` hands the free pages back. It is glibc's alone: elsewhere (macOS,
Windows, musl) this does nothing and says so once in the log.
"""

import ctypes
import ctypes.util
import logging
from collections.abc import Callable
from functools import cache

log = logging.getLogger(__name__)


@cache
def _trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        log.info("this C library cannot give freed memory back (no malloc_trim)")
        return None
    return trim


def release_free_memory() -> bool:
    """Return the heap's free pages to the system; True if the C library could."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
