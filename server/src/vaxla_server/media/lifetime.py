"""Children of the server that must not outlive it: Linux's parent-death signal.

The signal follows the *thread* that started the child, so a ``preexec_fn`` asks for it
only when the child is started from the main thread, which lives as long as the process.
Elsewhere (another OS, another thread) the children rely on being stopped, and the media
workers also leave when their control connection closes.
"""

import contextlib
import ctypes
import functools
import signal
import sys
import threading
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def die_with_parent(signum: signal.Signals) -> None:
    """Ask the kernel to send ``signum`` to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)


def ended_with_this_process(signum: signal.Signals) -> Callable[[], None] | None:
    """A ``preexec_fn`` giving the child ``signum`` when this process dies, or None where
    that cannot be had."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return functools.partial(die_with_parent, signum)
