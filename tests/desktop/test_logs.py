"""The app's log (:mod:`vaxla_desktop.logs`): a rotating file with the time and the level
on every line, warnings on standard error, and a clear word when the file cannot be
written."""

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from vaxla_desktop import logs

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING) +vaxla_desktop\.x: ")


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    yield
    for handler in logs._OURS:
        root.removeHandler(handler)
        handler.close()
    logs._OURS.clear()
    root.setLevel(level)


def test_the_file_has_info_and_up_and_stderr_only_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_file = tmp_path / "logs" / "vaxla-desktop.log"
    assert logs.set_up_logging(log_file) is None
    log = logging.getLogger("vaxla_desktop.x")
    log.debug("details nobody needs")
    log.info("the microphone is ALSA/Jabra")
    log.warning("the speaker (ALSA/Jabra) stopped working")
    for handler in logs._OURS:
        handler.flush()
    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert [LINE.sub("", line) for line in lines] == [
        "the microphone is ALSA/Jabra",
        "the speaker (ALSA/Jabra) stopped working",
    ]
    assert all(LINE.match(line) for line in lines)
    err = capsys.readouterr().err
    assert "stopped working" in err and "the microphone is" not in err


def test_verbose_puts_everything_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.set_up_logging(None, verbose=True)
    logging.getLogger("vaxla_desktop.x").debug("a DTMF digit went out")
    assert "DEBUG   vaxla_desktop.x: a DTMF digit went out" in capsys.readouterr().err


def test_setting_up_twice_does_not_print_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.set_up_logging(tmp_path / "a.log")
    logs.set_up_logging(tmp_path / "a.log")
    logging.getLogger("vaxla_desktop.x").warning("once")
    assert capsys.readouterr().err.count("once") == 1


def test_a_file_that_cannot_be_written_leaves_stderr_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    problem = logs.set_up_logging(blocker / "vaxla-desktop.log")
    assert problem is not None and problem.startswith(f"cannot write the log file {blocker}")
    logging.getLogger("vaxla_desktop.x").warning("still heard")
    err = capsys.readouterr().err
    assert "logging to standard error only" in err and "still heard" in err


def test_the_file_rotates_and_keeps_three_old_ones(tmp_path: Path) -> None:
    log_file = tmp_path / "vaxla-desktop.log"
    logs.set_up_logging(log_file)
    log = logging.getLogger("vaxla_desktop.x")
    for n in range(5 * logs.MAX_BYTES // 1000):
        log.info("%04d %s", n, "x" * 1000)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == [f"vaxla-desktop.log{suffix}" for suffix in ("", ".1", ".2", ".3")]
    assert all(path.stat().st_size <= logs.MAX_BYTES for path in tmp_path.iterdir())
