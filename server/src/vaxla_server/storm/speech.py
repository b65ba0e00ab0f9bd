"""Text to speech for messages typed in at the server: espeak-ng, then sox to the
telephone's 8 kHz mono 16-bit WAV, as the default prompts are made
(``tools/make-prompts``)."""

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

VOICES = {"sv": "sv", "en": "en-gb"}
RATE_WPM = 155
SAMPLE_RATE = 8000
TIMEOUT_S = 30.0
MAX_TEXT = 1000


class SpeechError(Exception):
    """The text could not be spoken; the message says why."""


def speak(text: str, language: str, folder: Path) -> Path:
    """``text`` spoken in ``language`` as a WAV file in ``folder`` (named by its content,
    so the same text in the same language is made once)."""
    words = " ".join(text.split())
    if not words:
        raise SpeechError("the message has no words")
    if len(words) > MAX_TEXT:
        raise SpeechError(f"the message is {len(words)} characters; at most {MAX_TEXT}")
    voice = VOICES.get(language)
    if voice is None:
        raise SpeechError(f"no voice for language {language!r} (there are {sorted(VOICES)})")
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise SpeechError(f"{tool} is not installed on the server (make setup installs it)")
    name = hashlib.sha256(f"{language}\n{words}".encode()).hexdigest()[:24]
    target = folder / f"{name}.wav"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        raw = Path(scratch) / "raw.wav"
        made = Path(scratch) / "made.wav"
        _run(["espeak-ng", "-v", voice, "-s", str(RATE_WPM), "-w", str(raw), "--", words])
        _run([
            "sox", "-R", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16",
            "-e", "signed-integer", str(made), "norm", "-3", "pad", "0", "0.3",
        ])  # fmt: skip
        made.replace(target)  # whole or not at all
    return target


def _run(command: list[str]) -> None:
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        raise SpeechError(f"{command[0]} took over {TIMEOUT_S:.0f} s") from None
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
        raise SpeechError(f"{command[0]} failed: {detail[0]}")
