"""A server started by a test dies with the test process."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHILD = """
import subprocess, sys, time
sys.path.insert(0, sys.argv[1])
from tests.orphans import end_with_this_process
sleeper = subprocess.Popen(["sleep", "60"], preexec_fn=end_with_this_process())
print(sleeper.pid, flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's PR_SET_PDEATHSIG")
def test_a_child_ends_when_the_process_that_started_it_is_killed() -> None:
    root = Path(__file__).resolve().parent.parent
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    sleeper = int(parent.stdout.readline())
    try:
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(sleeper) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _alive(sleeper)
    finally:
        parent.stdout.close()
        if _alive(sleeper):
            os.kill(sleeper, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by init) counts as gone.
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
