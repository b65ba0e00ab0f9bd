"""Servers a test starts end with the test process, even when it dies without cleaning
up (a C assertion's abort, a SIGKILL from a timeout): Linux's parent-death signal.

The signal follows the *thread* that started the child, so it is asked for only from
the main thread, which lives as long as the process; children started from worker
threads rely on their test's own clean-up alone.
"""

import ctypes
import signal
import sys
import threading
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def _terminate_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def end_with_this_process() -> Callable[[], None] | None:
    """A ``preexec_fn`` for ``subprocess.Popen``, or None where it cannot be had."""
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    return _terminate_with_parent
