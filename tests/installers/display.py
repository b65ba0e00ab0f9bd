"""A virtual X display (Xvfb) on a number Xvfb picks itself, stopped by its pid."""

import os
import select
import subprocess
import time

from tests.orphans import end_with_this_process

START_DEADLINE_S = 20.0


class VirtualDisplay:
    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self.name = ""

    def __enter__(self) -> "VirtualDisplay":
        read_end, write_end = os.pipe()
        try:
            # -displayfd: Xvfb takes the first free display and writes its number here
            # once it accepts clients.
            self._process = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24",
                 "-nolisten", "tcp"],
                pass_fds=(write_end,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=end_with_this_process(),
            )  # fmt: skip
        finally:
            os.close(write_end)
        try:
            number = self._read_display_number(read_end)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        finally:
            os.close(read_end)
        self.name = f":{number.decode().strip()}"
        return self

    @staticmethod
    def _read_display_number(pipe: int) -> bytes:
        number = b""
        deadline = time.monotonic() + START_DEADLINE_S
        while not number.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([pipe], [], [], max(remaining, 0))
            if not ready:
                raise TimeoutError(f"Xvfb gave no display within {START_DEADLINE_S} s")
            chunk = os.read(pipe, 16)
            if not chunk:
                raise RuntimeError("Xvfb ended before it gave a display")
            number += chunk
        return number

    def __exit__(self, *exception: object) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
