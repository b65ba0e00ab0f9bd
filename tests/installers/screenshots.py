"""What a screenshot of the installed app must show, and where a person can look at it."""

from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
# Kept after the run (git-ignored) so that a person can look at what the tests saw.
SCREENSHOTS = ROOT / "build" / "installers" / "screenshots"


def keep(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    path.unlink(missing_ok=True)
    return path


def assert_login_window(path: Path) -> None:
    """A picture of a window of the login's size with something drawn in it (not one
    flat colour, as an empty or black grab is)."""
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not an image"
    assert 400 <= image.width() <= 1000 and 300 <= image.height() <= 900, image.size()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 10, f"{path} is nearly blank ({len(colours)} colours)"
