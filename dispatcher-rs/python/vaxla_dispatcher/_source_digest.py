"""Refuses a native engine built from other sources than the checkout beside it.

An editable install keeps ``_native`` until something rebuilds it; tests that run
against a stale build pass or fail for reasons that are not in the code. When the Rust
sources are present (a checkout), their digest must equal the one compiled into
``_native`` (``bindings/build.rs`` computes the same). Installed from a wheel, there are
no sources beside the package and nothing is checked.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

CRATE = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("engine/src", "bindings/src")


def digest(root: Path = CRATE) -> str | None:
    """sha256 over every ``*.rs`` under the source dirs, as "<path>\\0<bytes>\\0" in
    path order; None when the sources are not there."""
    files: list[Path] = []
    for d in SOURCE_DIRS:
        base = root / d
        if not base.is_dir():
            return None
        files.extend(base.rglob("*.rs"))
    h = hashlib.sha256()
    for rel, path in sorted((p.relative_to(root).as_posix(), p) for p in files):
        h.update(rel.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def check(compiled: str) -> None:
    here = digest()
    if here is not None and here != compiled:
        raise ImportError(
            "vaxla_dispatcher._native was built from other Rust sources than "
            f"{CRATE} holds now; rebuild it with `make setup` "
            "(or `maturin develop --release` in dispatcher-rs/)"
        )
