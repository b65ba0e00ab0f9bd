"""A throwaway 64-bit wine prefix: a Windows to install the MSI in.

Wine 8 lacks a few functions of Windows 10 that the app's DLLs import (Qt's from
icuuc.dll, pydantic-core's ProcessPrng from bcryptprimitives.dll): the prefix gets small
stand-ins, compiled here from ``wine_standins/``. They are test-only and never in the MSI.

Python under wine aborts when its standard output is a file, so every command's output
is read through a pipe. The prefix's wineserver (and with it every program of this prefix)
is stopped at the end with ``wineserver -k``, which touches no other prefix.
"""

import os
import subprocess
from pathlib import Path

from tests.orphans import end_with_this_process

STANDINS = Path(__file__).resolve().parent / "wine_standins"
STANDIN_LIBRARIES = {"icuuc.c": [], "bcryptprimitives.c": ["-lbcrypt"]}
COMMAND_DEADLINE_S = 180


class WineError(Exception):
    pass


class WinePrefix:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.drive_c = path / "drive_c"
        self.environment = {
            **os.environ,
            "WINEPREFIX": str(path),
            "WINEARCH": "win64",
            "WINEDEBUG": "-all",
            # No Mono or Gecko installer prompts: the app needs neither.
            "WINEDLLOVERRIDES": "mscoree,mshtml=",
        }
        self.environment.pop("DISPLAY", None)

    def __enter__(self) -> "WinePrefix":
        self.run("wineboot", "--init")
        system32 = self.drive_c / "windows" / "system32"
        for source, libraries in STANDIN_LIBRARIES.items():
            dll = system32 / Path(source).with_suffix(".dll").name
            subprocess.run(
                ["x86_64-w64-mingw32-gcc", "-O2", "-shared", "-s", "-o", str(dll),
                 str(STANDINS / source), *libraries],
                check=True, capture_output=True,
            )  # fmt: skip
        return self

    def __exit__(self, *exception: object) -> None:
        subprocess.run(["wineserver", "-k"], env=self.environment, check=False, timeout=30)
        subprocess.run(["wineserver", "-w"], env=self.environment, check=False, timeout=30)

    def run(
        self,
        *command: str,
        display: str | None = None,
        check: bool = True,
        timeout: float = COMMAND_DEADLINE_S,
    ) -> subprocess.CompletedProcess[str]:
        """``wine COMMAND``; its output through pipes."""
        environment = dict(self.environment)
        if display is not None:
            environment["DISPLAY"] = display
        done = subprocess.run(
            ["wine", *command],
            env=environment,
            capture_output=True,  # pipes, never files: see above
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise WineError(f"wine {' '.join(command)} exited {done.returncode}:\n{done.stderr}")
        return done

    def start(self, *command: str, display: str) -> "subprocess.Popen[str]":
        """``wine COMMAND`` left running (the caller stops it by its pid); output through
        pipes."""
        return subprocess.Popen(
            ["wine", *command],
            env={**self.environment, "DISPLAY": display},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            preexec_fn=end_with_this_process(),
        )

    def windows_path(self, path: Path) -> str:
        """The path as wine's programs see it (the Z: drive is the host's root)."""
        return "Z:" + str(path.resolve()).replace("/", "\\")

    def registry(self, key: str) -> str | None:
        """``reg query KEY /s``'s output, or None when there is no such key."""
        done = self.run("reg", "query", key, "/s", check=False)
        return done.stdout if done.returncode == 0 else None
