"""The macOS bundle's checks, run on this Linux machine: each returns what is wrong with
a ``.app`` (an empty list: nothing), so that the tests can show each one failing on a
broken bundle too.

- ``plist_problems``: Info.plist parses, names an executable that is there, declares
  LSMinimumSystemVersion and the tel: and sip: URL types.
- ``binary_problems``: every Mach-O file has the bundle's architecture and declares a
  minimum macOS no later than the bundle's.
- ``reference_problems``: every library a binary loads is one of macOS's own (under
  /usr/lib or /System) or a file inside the bundle, found as dyld finds it (@rpath through
  the binary's LC_RPATHs and the app's, @loader_path, @executable_path).
- ``dmg_listing`` and ``bundle_listing``: the files of the DMG's HFS+ volume as 7-Zip
  reads them, and what they should be.
"""

import datetime
import os
import plistlib
import stat
import subprocess
from pathlib import Path
from xml.parsers.expat import ExpatError

from tests.installers import macho

SYSTEM = ("/usr/lib/", "/System/Library/")
URL_SCHEMES = {"tel", "sip"}
# What 7-Zip says of each file: its kind, size, mode and modification time.
Listing = dict[str, tuple[str, str, str, str]]


def info(app: Path) -> dict[str, object]:
    with (app / "Contents" / "Info.plist").open("rb") as file:
        loaded = plistlib.load(file)
    assert isinstance(loaded, dict)
    return loaded


def version(text: object) -> tuple[int, int, int]:
    parts = [int(part) for part in str(text).split(".")]
    if not 1 <= len(parts) <= 3:
        raise ValueError(text)
    major, minor, patch = [*parts, 0, 0][:3]
    return major, minor, patch


def plist_problems(app: Path) -> list[str]:
    try:
        plist = info(app)
    except (OSError, plistlib.InvalidFileException, ExpatError, AssertionError) as error:
        return [f"Info.plist does not load: {error!r}"]
    problems = []
    executable = app / "Contents" / "MacOS" / str(plist.get("CFBundleExecutable"))
    if not (executable.is_file() and os.access(executable, os.X_OK)):
        problems.append(f"CFBundleExecutable {executable.name!r} is no executable in MacOS/")
    if plist.get("CFBundlePackageType") != "APPL":
        problems.append("CFBundlePackageType is not APPL")
    for key in ("CFBundleIdentifier", "CFBundleShortVersionString", "CFBundleVersion"):
        if not isinstance(plist.get(key), str) or not plist[key]:
            problems.append(f"{key} is missing")
    try:
        version(plist.get("LSMinimumSystemVersion"))
    except ValueError:
        problems.append(f"LSMinimumSystemVersion {plist.get('LSMinimumSystemVersion')!r}")
    url_types = plist.get("CFBundleURLTypes")
    schemes = {
        scheme
        for url_type in (url_types if isinstance(url_types, list) else [])
        for scheme in url_type.get("CFBundleURLSchemes", [])
    }
    if missing := URL_SCHEMES - schemes:
        problems.append(f"CFBundleURLTypes lacks {', '.join(sorted(missing))}")
    return problems


def binaries(app: Path) -> dict[Path, list[macho.Slice]]:
    return {
        path: macho.read(path)
        for path in sorted(app.rglob("*"))
        if path.is_file() and not path.is_symlink() and macho.is_macho(path)
    }


def our_slice(path: Path, slices: list[macho.Slice], arch: str) -> macho.Slice | None:
    return next((image for image in slices if image.arch == arch), None)


def binary_problems(app: Path, arch: str) -> list[str]:
    minimum = version(info(app)["LSMinimumSystemVersion"])
    problems = []
    for path, slices in binaries(app).items():
        name = path.relative_to(app)
        image = our_slice(path, slices, arch)
        if image is None:
            problems.append(f"{name}: no {arch} image ({', '.join(s.arch for s in slices)})")
        elif image.minimum_macos is None:
            problems.append(f"{name}: declares no minimum macOS")
        elif image.minimum_macos > minimum:
            needs, says = (".".join(map(str, v)) for v in (image.minimum_macos, minimum))
            problems.append(f"{name}: needs macOS {needs}, the bundle says {says}")
    return problems


def reference_problems(app: Path, arch: str) -> list[str]:
    found = binaries(app)
    main = app / "Contents" / "MacOS" / str(info(app)["CFBundleExecutable"])
    main_image = our_slice(main, found.get(main, []), arch)
    inside = app.resolve()
    problems = []
    for path, slices in found.items():
        image = our_slice(path, slices, arch)
        if image is None:
            continue  # binary_problems names it
        # A program of its own (a helper app) is its own @executable_path; a library's is
        # the app's, whose search paths it also gets.
        executable = path if image.is_executable else main

        def expand(name: str, executable: Path = executable, path: Path = path) -> str:
            return name.replace("@executable_path", str(executable.parent)).replace(
                "@loader_path", str(path.parent)
            )

        rpaths = [expand(rpath) for rpath in image.rpaths]
        if not image.is_executable and main_image is not None:
            rpaths += [expand(rpath, main, main) for rpath in main_image.rpaths]
        for load in (*image.loads, *image.weak_loads):
            if load.startswith(SYSTEM):
                continue
            if load.startswith("@rpath/"):
                candidates = [f"{rpath}/{load.removeprefix('@rpath/')}" for rpath in rpaths]
            elif load.startswith(("@loader_path/", "@executable_path/")):
                candidates = [expand(load)]
            else:
                problems.append(f"{path.relative_to(app)}: loads {load}, outside the bundle")
                continue
            if not any(
                Path(candidate).resolve().is_relative_to(inside) and Path(candidate).is_file()
                for candidate in candidates
            ):
                problems.append(f"{path.relative_to(app)}: {load} is not in the bundle")
    return problems


def dmg_listing(dmg: Path, work: Path) -> Listing:
    """The DMG's HFS+ volume as 7-Zip reads it: the partition out of the UDIF image,
    then its files."""
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["7zz", "x", "-bso0", "-bsp0", f"-o{work}", str(dmg), "*.hfs"],
        check=True, capture_output=True,
    )  # fmt: skip
    (volume,) = work.glob("*.hfs")
    listed = subprocess.run(
        ["7zz", "l", "-slt", "-tHFS", str(volume)],
        check=True, capture_output=True, text=True, env={**os.environ, "TZ": "UTC"},
    ).stdout  # fmt: skip
    volume.unlink()
    listing: Listing = {}
    # After the archive's own block, one block of "Key = value" lines per file.
    for block in listed.split("----------", 1)[1].split("\n\n"):
        fields = dict(line.split(" = ", 1) for line in block.splitlines() if " = " in line)
        if "Path" in fields:
            kind = "dir" if fields.get("Folder") == "+" else "file"
            size = "" if kind == "dir" else fields.get("Size", "")
            listing[fields["Path"]] = (kind, size, fields["Mode"], fields["Modified"])
    return listing


def bundle_listing(app: Path, volume: str) -> Listing:
    """What the DMG's volume should hold: the bundle, and the link to /Applications; the
    volume's folder and the link have the bundle's time (the build sets every time)."""

    def utc(epoch: float) -> str:
        when = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
        return when.strftime("%Y-%m-%d %H:%M:%S")

    built = utc(app.stat().st_mtime)
    listing: Listing = {volume: ("dir", "", "drwxr-xr-x", built)}
    for path in [app, *app.rglob("*")]:
        status = path.lstat()
        kind = "dir" if path.is_dir() and not path.is_symlink() else "file"
        size = "" if kind == "dir" else str(status.st_size)
        listing[f"{volume}/{app.name}/{path.relative_to(app)}".removesuffix("/.")] = (
            kind, size, stat.filemode(status.st_mode), utc(status.st_mtime),
        )  # fmt: skip
    link = ("file", str(len("/Applications")), "lrwxrwxrwx", built)
    listing[f"{volume}/Applications"] = link
    return listing


def listing_differences(dmg: Listing, bundle: Listing) -> list[str]:
    """What the DMG holds otherwise than the bundle."""
    differences = [f"only in the DMG: {path}" for path in sorted(dmg.keys() - bundle.keys())]
    differences += [f"not in the DMG: {path}" for path in sorted(bundle.keys() - dmg.keys())]
    for path in sorted(dmg.keys() & bundle.keys()):
        if dmg[path] != bundle[path]:
            differences.append(f"{path}: the DMG has {dmg[path]}, the bundle {bundle[path]}")
    return differences
