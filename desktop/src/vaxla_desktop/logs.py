"""Where the app's log goes: a file IT can collect, and standard error.

The file keeps everything from INFO up (a device that stopped working, a reconnect, a
refused call) with the time and the level on every line, and rotates at 1 MB keeping
three old files, so eight-hour days for months never fill a disk. Standard error gets
warnings and errors, or everything with ``--verbose``. pjsua2's own log is separate (its
console, at errors only).
"""

import logging
import logging.handlers
from pathlib import Path

LOG_NAME = "vaxla-desktop.log"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
MAX_BYTES = 1_000_000
BACKUPS = 3

# The handlers this module added, so that a second call replaces rather than doubles them.
_OURS: list[logging.Handler] = []


def set_up_logging(log_file: Path | None, *, verbose: bool = False) -> str | None:
    """Log to ``log_file`` (``None``: no file) and to standard error.

    Returns a sentence for standard error when the file cannot be written (the folder is
    read-only, say): the app then runs with standard error only, rather than not at all.
    """
    root = logging.getLogger()
    for handler in _OURS:
        root.removeHandler(handler)
        handler.close()
    _OURS.clear()
    formatter = logging.Formatter(FORMAT)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(formatter)
    _OURS.append(console)
    problem = None
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            to_file = logging.handlers.RotatingFileHandler(
                log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
            )
        except OSError as error:
            problem = f"cannot write the log file {log_file}: {error.strerror or error}"
        else:
            to_file.setLevel(logging.INFO)
            to_file.setFormatter(formatter)
            _OURS.append(to_file)
    for handler in _OURS:
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if problem is not None:
        logging.getLogger(__name__).warning("%s; logging to standard error only", problem)
    return problem
