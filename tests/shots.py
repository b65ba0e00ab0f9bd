"""Screenshots the desktop tests take, kept where a person can look at them after the run:
``build/shots`` in the repository (git-ignored), never outside it."""

from pathlib import Path

from PySide6.QtWidgets import QWidget

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "shots"


def shot_path(name: str) -> Path:
    """Where the picture ``name`` (a file name ending in .png) is kept."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name


def keep_shot(widget: QWidget, name: str) -> Path:
    """Grab ``widget`` as it is drawn now and keep it as ``name``."""
    path = shot_path(name)
    assert widget.grab().save(str(path)), f"the screenshot {path} could not be saved"
    return path
