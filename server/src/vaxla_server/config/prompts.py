"""Where prompts' audio is: the default sets in ``resources/prompts/<language>/`` and the
custom files an administrator registers."""

from pathlib import Path

# server/src/vaxla_server/config/prompts.py -> the repository's resources/prompts.
DEFAULT_PROMPTS_DIR = Path(__file__).resolve().parents[4] / "resources" / "prompts"
LANGUAGES = ("sv", "en")


class PromptLibrary:
    """The default prompt sets under ``directory`` (one sub-directory per language, one
    ``<name>.wav`` per prompt), read from disk at each question so new files count."""

    def __init__(self, directory: Path = DEFAULT_PROMPTS_DIR) -> None:
        self.directory = directory

    def default_path(self, name: str, language: str) -> Path | None:
        """The default audio of ``name`` in ``language``, or ``None`` if there is none."""
        if language not in LANGUAGES:
            return None
        path = self.directory / language / f"{name}.wav"
        return path if path.is_file() else None

    def default_names(self, language: str) -> set[str]:
        folder = self.directory / language
        if language not in LANGUAGES or not folder.is_dir():
            return set()
        return {path.stem for path in folder.glob("*.wav")}
