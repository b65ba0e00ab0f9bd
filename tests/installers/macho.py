"""A small Mach-O reader: what the macOS bundle's checks need of each binary (its
architectures, the minimum macOS each slice declares, the libraries it loads and where it
looks for them), read from the load commands as Apple's ``<mach-o/loader.h>`` lays them
out. Thin and universal ("fat") files; nothing here runs them."""

import struct
from dataclasses import dataclass
from pathlib import Path

FAT_MAGIC = 0xCAFEBABE
FAT_MAGIC_64 = 0xCAFEBABF
THIN_MAGICS = {0xFEEDFACE: (False, "<"), 0xFEEDFACF: (True, "<"),
               0xCEFAEDFE: (False, ">"), 0xCFFAEDFE: (True, ">")}  # fmt: skip
# A Java class file also starts with CAFEBABE; its next word (the class version) is large.
MAX_FAT_ARCHS = 20
CPU_TYPES = {7: "i386", 0x01000007: "x86_64", 12: "arm", 0x0100000C: "arm64"}
# Load commands (loader.h).
LC_LOAD_DYLIB = 0xC
LC_LOAD_WEAK_DYLIB = 0x80000018
LC_REEXPORT_DYLIB = 0x8000001F
LC_LAZY_LOAD_DYLIB = 0x20
LC_LOAD_UPWARD_DYLIB = 0x80000023
LOADS = {LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LAZY_LOAD_DYLIB,
         LC_LOAD_UPWARD_DYLIB}  # fmt: skip
LC_RPATH = 0x8000001C
LC_BUILD_VERSION = 0x32
LC_VERSION_MIN_MACOSX = 0x24
PLATFORM_MACOS = 1
MH_EXECUTE = 2


@dataclass(frozen=True)
class Slice:
    """One architecture's image."""

    arch: str
    filetype: int
    # The minimum macOS as (major, minor, patch); None when the slice declares none, or
    # declares it for another platform (iOS, say).
    minimum_macos: tuple[int, int, int] | None
    platform: int | None
    loads: tuple[str, ...]
    weak_loads: tuple[str, ...]
    rpaths: tuple[str, ...]

    @property
    def is_executable(self) -> bool:
        return self.filetype == MH_EXECUTE


def version(packed: int) -> tuple[int, int, int]:
    """``xxxx.yy.zz`` in nibbles, as loader.h packs it."""
    return packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF


def is_macho(path: Path) -> bool:
    """A Mach-O image, thin or universal (a universal static library, whose slices are
    ``ar`` archives, is not one: nothing loads it)."""
    with path.open("rb") as file:
        head = file.read(32)
        if len(head) < 8:
            return False
        magic, count = struct.unpack_from(">II", head)
        if magic not in (FAT_MAGIC, FAT_MAGIC_64):
            return struct.unpack_from("<I", head)[0] in THIN_MAGICS
        if not 0 < count < MAX_FAT_ARCHS:
            return False
        first = struct.unpack_from(">Q" if magic == FAT_MAGIC_64 else ">I", head, 16)[0]
        file.seek(first)
        slice_head = file.read(4)
    return len(slice_head) == 4 and struct.unpack("<I", slice_head)[0] in THIN_MAGICS


def read(path: Path) -> list[Slice]:
    """Every slice of a Mach-O file (one for a thin file)."""
    data = path.read_bytes()
    magic, count = struct.unpack_from(">II", data)
    if magic in (FAT_MAGIC, FAT_MAGIC_64):
        entry, layout = (32, ">iiQQI") if magic == FAT_MAGIC_64 else (20, ">iiIII")
        slices = []
        for index in range(count):
            _, _, offset, size, _ = struct.unpack_from(layout, data, 8 + index * entry)
            slices.append(read_thin(data[offset : offset + size], path))
        return slices
    return [read_thin(data, path)]


def read_thin(data: bytes, path: Path) -> Slice:
    first = struct.unpack_from("<I", data)[0]
    if first not in THIN_MAGICS:
        raise ValueError(f"{path}: not a Mach-O image (magic {first:#x})")
    wide, order = THIN_MAGICS[first]
    cputype, _, filetype, ncmds, _, _ = struct.unpack_from(order + "iiIIII", data, 4)
    offset = 32 if wide else 28
    minimum = platform = None
    loads: list[str] = []
    weak: list[str] = []
    rpaths: list[str] = []
    for _ in range(ncmds):
        command, size = struct.unpack_from(order + "II", data, offset)
        if command in LOADS or command == LC_RPATH:
            (name_at,) = struct.unpack_from(order + "I", data, offset + 8)
            raw = data[offset + name_at : offset + size]
            name = raw.split(b"\0", 1)[0].decode()
            if command == LC_RPATH:
                rpaths.append(name)
            elif command == LC_LOAD_WEAK_DYLIB:
                weak.append(name)
            else:
                loads.append(name)
        elif command == LC_BUILD_VERSION:
            platform, packed = struct.unpack_from(order + "II", data, offset + 8)
            if platform == PLATFORM_MACOS:
                minimum = version(packed)
        elif command == LC_VERSION_MIN_MACOSX:
            (packed,) = struct.unpack_from(order + "I", data, offset + 8)
            platform, minimum = PLATFORM_MACOS, version(packed)
        offset += size
    return Slice(
        arch=CPU_TYPES.get(cputype, f"cputype {cputype:#x}"),
        filetype=filetype,
        minimum_macos=minimum,
        platform=platform,
        loads=tuple(loads),
        weak_loads=tuple(weak),
        rpaths=tuple(rpaths),
    )
