"""The installers, built once for the whole test run, and a virtual display to run the
installed app on.

The build is what ``make installers`` does (``installers/build.py``; with a macOS runtime
only when ``MACOS_PYTHON`` and ``MACOS_PYTHON_SHA256`` name one), into
``build/installers/test-dist/<hash>/``, where the hash covers everything that goes into
the packages (uv.lock, the app's sources, installers/): a second run with nothing changed
reuses it. pytest-xdist's workers share it through a file lock, so it is built once.
"""

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.installers.display import VirtualDisplay

ROOT = Path(__file__).resolve().parents[2]
BUILD_INPUTS = ("uv.lock", "desktop/src", "desktop/pyproject.toml", "protocol", "installers")
BUILD_TOOLS = ("wixl", "msibuild", "x86_64-w64-mingw32-gcc", "dpkg-deb", "xorriso", "cargo")
BUILD_DEADLINE_S = 600


@dataclass(frozen=True)
class Installers:
    msi: Path
    deb: Path
    dmg: Path
    app: Path


def _inputs_hash() -> str:
    digest = hashlib.sha256()
    for name in BUILD_INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
    # The macOS runtime, when this machine is given one (build.py reads the variables).
    digest.update(os.environ.get("MACOS_PYTHON_SHA256", "").encode())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def installers() -> Installers:
    missing = [tool for tool in BUILD_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} missing: `make setup` installs them")
    out = ROOT / "build" / "installers" / "test-dist" / _inputs_hash()
    out.parent.mkdir(parents=True, exist_ok=True)
    with (out.parent / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "complete").exists():
            shutil.rmtree(out, ignore_errors=True)
            build = subprocess.run(
                [sys.executable, str(ROOT / "installers" / "build.py"), "--out", str(out)],
                capture_output=True,
                text=True,
                timeout=BUILD_DEADLINE_S,
                check=False,
            )
            assert build.returncode == 0, build.stderr
            (out / "complete").touch()
    (msi,) = out.glob("vaxla-*-x64.msi")
    (deb,) = out.glob("vaxla_*_amd64.deb")
    (dmg,) = out.glob("vaxla-*-arm64*.dmg")
    return Installers(msi=msi, deb=deb, dmg=dmg, app=out / "Vaxla.app")


@pytest.fixture
def display() -> Iterator[VirtualDisplay]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb missing: `make setup` installs it (Debian's xvfb)")
    with VirtualDisplay() as virtual:
        yield virtual
