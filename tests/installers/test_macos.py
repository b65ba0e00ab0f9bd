"""The macOS bundle and its DMG, checked here as far as Linux can: the Info.plist, every
Mach-O binary's architecture and minimum macOS, every library reference, the DMG opened
again with 7-Zip and dmg2img, two builds alike; and each check failing on a broken copy.
What only a Mac can check (Gatekeeper, notarization, the app running, a tel: click) is
listed in the README."""

import hashlib
import os
import plistlib
import shutil
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.installers import macho
from tests.installers.conftest import BUILD_DEADLINE_S, ROOT, Installers
from tests.installers.macos_bundle import (
    binaries,
    binary_problems,
    bundle_listing,
    dmg_listing,
    info,
    listing_differences,
    plist_problems,
    reference_problems,
)
from tests.installers.test_msi import build_script

ARCH = "arm64"
VOLUME = "Vaxla"
LAUNCHER = "Contents/MacOS/vaxla"
QT_CORE = "Contents/Resources/app/PySide6/QtCore.abi3.so"
RUNTIME = "Contents/Resources/python"


@pytest.fixture(scope="module")
def seven_zip() -> None:
    for tool in ("7zz", "dmg2img"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} missing: `make setup` installs it (Debian's 7zip, dmg2img)")


def build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "installers" / "build.py"), *map(str, args)],
        capture_output=True, text=True, timeout=BUILD_DEADLINE_S, check=False,
    )  # fmt: skip


def test_the_plist_declares_the_app_its_minimum_macos_and_tel_and_sip(
    installers: Installers,
) -> None:
    assert plist_problems(installers.app) == []
    plist = info(installers.app)
    assert plist["CFBundleIdentifier"] == "se.vaxla.desktop"  # policies.py's domain
    assert plist["CFBundleShortVersionString"] == build_script().project_version()
    assert plist["LSMinimumSystemVersion"] == build_script().minimum_macos()
    assert plist["CFBundleURLTypes"] == [
        {
            "CFBundleURLName": "se.vaxla.desktop.call",
            "CFBundleTypeRole": "Viewer",
            "CFBundleURLSchemes": ["tel", "sip"],
        }
    ]
    strings = installers.app / "Contents/Resources/sv.lproj/InfoPlist.strings"
    assert "NSMicrophoneUsageDescription" in strings.read_text(encoding="utf-8")


def test_every_binary_is_arm64_within_the_bundles_minimum_macos(installers: Installers) -> None:
    found = binaries(installers.app)
    # The launcher, Qt, pjsua2, pydantic-core, PortAudio and the rest: over 200 of them.
    assert len(found) > 200
    assert binary_problems(installers.app, ARCH) == []

    (launcher,) = found[installers.app / LAUNCHER]
    assert launcher.is_executable
    assert launcher.minimum_macos == (15, 0, 0)
    assert launcher.loads == ("/usr/lib/libSystem.B.dylib",)
    launcher_bytes = (installers.app / LAUNCHER).read_bytes()
    assert b"@executable_path/../Resources/python/lib/libpython3.11.dylib" in launcher_bytes


def test_every_library_reference_resolves_in_the_bundle_or_macos(installers: Installers) -> None:
    assert reference_problems(installers.app, ARCH) == []
    references = {load for slices in binaries(installers.app).values() for load in slices[0].loads}
    assert {ref for ref in references if ref.startswith("@rpath/QtCore.framework")}
    assert any(ref.startswith("@loader_path/") for ref in references)


def test_the_runtime_is_in_the_bundle_or_its_absence_is_in_the_dmgs_name(
    installers: Installers,
) -> None:
    runtime = installers.app / RUNTIME
    if os.environ.get("MACOS_PYTHON"):
        (libpython,) = macho.read(runtime / build_script().MACOS_LIBPYTHON)
        assert libpython.arch == ARCH
        assert (runtime / "lib/python3.11/site-packages/vaxla.pth").is_file()
        assert not installers.dmg.name.endswith("-without-python.dmg")
    else:
        assert not runtime.exists()
        assert installers.dmg.name.endswith("-arm64-without-python.dmg")


@pytest.mark.usefixtures("seven_zip")
def test_the_dmg_holds_the_bundle_file_for_file(installers: Installers, tmp_path: Path) -> None:
    listed = subprocess.run(
        ["dmg2img", "-l", str(installers.dmg)], capture_output=True, text=True, check=True
    ).stdout
    assert "(Apple_HFS : " in listed and "(Apple_partition_map : " in listed

    in_dmg = dmg_listing(installers.dmg, tmp_path / "volume")

    assert listing_differences(in_dmg, bundle_listing(installers.app, VOLUME)) == []
    assert in_dmg[f"{VOLUME}/Vaxla.app/{LAUNCHER}"][2] == "-rwxr-xr-x"


@pytest.mark.usefixtures("seven_zip")
def test_two_builds_give_the_same_bundle_and_dmg_listing(
    installers: Installers, tmp_path: Path
) -> None:
    again = build("--dmg", "--out", tmp_path / "again")
    assert again.returncode == 0, again.stderr

    (dmg,) = (tmp_path / "again").glob("*.dmg")
    assert dmg.name == installers.dmg.name
    assert tree(tmp_path / "again" / "Vaxla.app") == tree(installers.app)
    assert dmg_listing(dmg, tmp_path / "b") == dmg_listing(installers.dmg, tmp_path / "a")


def tree(app: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file's mode, time and content digest."""
    return {
        str(path.relative_to(app)): (
            path.lstat().st_mode,
            int(path.lstat().st_mtime),
            hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"",
        )
        for path in sorted(app.rglob("*"))
    }


def test_a_runtime_that_is_not_the_one_given_is_refused_before_anything_is_built(
    tmp_path: Path,
) -> None:
    tarball = tmp_path / "python.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(ROOT / "installers" / "macos" / "Info.plist", "python/README")
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    out = tmp_path / "out"

    wrong = build("--dmg", "--out", out, "--macos-python", tarball, "--macos-python-sha256",
                  "0" * 64)  # fmt: skip
    assert wrong.returncode == 1
    assert f"its sha256 is {digest}, not {'0' * 64} as given: nothing was built" in wrong.stderr

    not_python = build("--dmg", "--out", out, "--macos-python", tarball,
                       "--macos-python-sha256", digest)  # fmt: skip
    assert not_python.returncode == 1
    assert "not a CPython 3.11 install_only tarball" in not_python.stderr
    assert "python/lib/libpython3.11.dylib" in not_python.stderr

    half = build("--dmg", "--out", out, "--macos-python", tarball)
    assert half.returncode == 2
    assert "--macos-python and --macos-python-sha256 go together" in half.stderr
    assert list(out.iterdir()) == []


def test_a_runtime_is_unpacked_with_the_apps_packages_on_its_path(tmp_path: Path) -> None:
    # Only the runtime's layout (python-build-standalone's install_only), not a runtime.
    layout = tmp_path / "layout" / "python"
    (layout / "lib/python3.11/site-packages").mkdir(parents=True)
    (layout / "lib/libpython3.11.dylib").write_bytes(b"")
    (layout / "lib/python3.11/os.py").write_text("sep = '/'\n")
    # CPython's test suite holds files of bad syntax on purpose.
    (layout / "lib/python3.11/test").mkdir()
    (layout / "lib/python3.11/test/badsyntax_pep3120.py").write_text("print('\\x')) (\n")
    tarball = tmp_path / "python.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(layout, "python")
    script = build_script()
    runtime = script.MacRuntime(tarball, hashlib.sha256(tarball.read_bytes()).hexdigest())
    runtime.check()
    resources = tmp_path / "Vaxla.app/Contents/Resources"
    (resources / "app").mkdir(parents=True)

    runtime.unpack(resources)

    site = resources / "python/lib/python3.11/site-packages"
    line = (site / "vaxla.pth").read_text().strip()
    assert (site / line).resolve() == (resources / "app").resolve()
    assert list((resources / "python/lib/python3.11/__pycache__").glob("os.cpython-311.pyc"))


# Each check fails on a broken copy of the bundle (hard links; a broken file is rewritten,
# never the build's own).


@pytest.fixture
def copy(installers: Installers, tmp_path: Path) -> Path:
    app = tmp_path / "Vaxla.app"
    shutil.copytree(installers.app, app, copy_function=os.link, symlinks=True)
    return app


def rewrite(path: Path, old: bytes = b"", new: bytes = b"") -> None:
    """The file made the copy's own (no longer a link to the build's), with old bytes
    replaced."""
    data = path.read_bytes()
    assert len(old) == len(new) and old in data
    status, folder = path.stat(), path.parent.stat()
    path.unlink()
    path.write_bytes(data.replace(old, new) if old else data)
    path.chmod(status.st_mode)
    os.utime(path, (status.st_atime, status.st_mtime))
    os.utime(path.parent, (folder.st_atime, folder.st_mtime))


def test_the_plist_check_fails_without_sip_and_on_a_damaged_file(copy: Path) -> None:
    plist_file = copy / "Contents" / "Info.plist"
    plist = info(copy)
    plist["CFBundleURLTypes"] = [{"CFBundleURLSchemes": ["tel"]}]
    del plist["LSMinimumSystemVersion"]
    plist_file.unlink()
    plist_file.write_bytes(plistlib.dumps(plist))
    assert plist_problems(copy) == [
        "LSMinimumSystemVersion None",
        "CFBundleURLTypes lacks sip",
    ]

    plist_file.write_text("<plist><dict><key>CFBundle")
    (problem,) = plist_problems(copy)
    assert problem.startswith("Info.plist does not load")


def test_the_binary_check_fails_on_another_architecture_and_a_later_macos(copy: Path) -> None:
    launcher = copy / LAUNCHER
    # Its CPU type (the header's second word) made x86_64's.
    arm64, x86_64 = (struct.pack("<Ii", 0xFEEDFACF, cpu) for cpu in (0x0100000C, 0x01000007))
    rewrite(launcher, arm64, x86_64)
    # QtCore's module built for macOS 15.4 (LC_BUILD_VERSION: platform macOS, minos).
    build_version = struct.pack("<IIII", macho.LC_BUILD_VERSION, 32, 1, 0x000F0000)
    rewrite(copy / QT_CORE, build_version, build_version[:12] + struct.pack("<I", 0x000F0400))

    assert binary_problems(copy, ARCH) == [
        f"{LAUNCHER}: no arm64 image (x86_64)",
        f"{QT_CORE}: needs macOS 15.4.0, the bundle says 15.0.0",
    ]


def test_the_reference_check_fails_on_a_library_outside_or_missing(copy: Path) -> None:
    rewrite(copy / LAUNCHER, b"/usr/lib/libSystem.B.dylib", b"/opt/lib/libSystem.B.dylib")
    rewrite(copy / QT_CORE, b"@rpath/QtCore.framework", b"@rpath/QtCorX.framework")
    (copy / "Contents/Resources/app/pjsua2/.dylibs/libssl.3.dylib").unlink()

    problems = reference_problems(copy, ARCH)

    assert f"{LAUNCHER}: loads /opt/lib/libSystem.B.dylib, outside the bundle" in problems
    assert f"{QT_CORE}: @rpath/QtCorX.framework/Versions/A/QtCore is not in the bundle" in problems
    assert any(p.endswith("@loader_path/.dylibs/libssl.3.dylib is not in the bundle")
               for p in problems)  # fmt: skip
    assert len(problems) == 3


@pytest.mark.usefixtures("seven_zip")
def test_the_dmg_comparison_fails_on_a_file_the_dmg_lacks(
    installers: Installers, copy: Path, tmp_path: Path
) -> None:
    (copy / "Contents" / "Resources" / "extra.txt").write_text("not in the DMG\n")
    rewrite(copy / LAUNCHER)
    os.utime(copy / LAUNCHER, (0, 0))

    differences = listing_differences(
        dmg_listing(installers.dmg, tmp_path / "volume"), bundle_listing(copy, VOLUME)
    )

    assert differences[0] == f"not in the DMG: {VOLUME}/Vaxla.app/Contents/Resources/extra.txt"
    assert differences[1].startswith(f"{VOLUME}/Vaxla.app/{LAUNCHER}: the DMG has")
    # The folder that gained a file: its time as well.
    assert len(differences) == 3
