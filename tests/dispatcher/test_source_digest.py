"""The native engine must be built from the Rust sources beside it (a stale build is
refused at import with a message saying how to rebuild)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vaxla_dispatcher import _native, _source_digest


def test_the_built_engine_matches_the_checkout() -> None:
    assert _source_digest.digest() == _native.SOURCE_DIGEST


def test_a_stale_build_is_refused() -> None:
    with pytest.raises(ImportError, match="make setup"):
        _source_digest.check("0" * 64)


def test_any_source_change_changes_the_digest(tmp_path: Path) -> None:
    for d in _source_digest.SOURCE_DIRS:
        shutil.copytree(_source_digest.CRATE / d, tmp_path / d)
    before = _source_digest.digest(tmp_path)
    assert before == _native.SOURCE_DIGEST
    lib = tmp_path / "engine" / "src" / "lib.rs"
    lib.write_text(lib.read_text() + "\n")
    assert _source_digest.digest(tmp_path) != before


def test_without_sources_nothing_is_checked(tmp_path: Path) -> None:
    assert _source_digest.digest(tmp_path) is None
