"""Prompt audio made at the server: text spoken with espeak-ng, and sound files (WAV,
MP3, OGG and whatever else sox reads) converted to the telephone's 8 kHz mono 16-bit WAV,
as the default prompts are made (``tools/make-prompts``); and a call's recording, kept
as such a WAV, encoded as MP3 or Ogg Vorbis for export.

Files are named by their content and written whole or not at all (made in a scratch
folder beside, then renamed), so the same text or file is made once and a failure leaves
nothing behind. Every failure is an :class:`AudioError` saying why.
"""

import array
import hashlib
import logging
import math
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

VOICES = {"sv": "sv", "en": "en-gb"}
RATE_WPM = 155
SAMPLE_RATE = 8000
TIMEOUT_S = 30.0
MAX_TEXT = 1000
MAX_SECONDS = 600.0
"""The longest prompt taken (ten minutes: music on hold is looped)."""


log = logging.getLogger(__name__)


class AudioError(Exception):
    """The text could not be spoken or the file not converted; the message says why."""


def speak(text: str, language: str, folder: Path) -> Path:
    """``text`` spoken in ``language`` as a WAV file in ``folder``."""
    words = " ".join(text.split())
    if not words:
        raise AudioError("the message has no words")
    if len(words) > MAX_TEXT:
        raise AudioError(f"the message is {len(words)} characters; at most {MAX_TEXT}")
    voice = VOICES.get(language)
    if voice is None:
        raise AudioError(f"no voice for language {language!r} (there are {sorted(VOICES)})")
    _need("espeak-ng", "sox")
    target = folder / f"{_digest((language + chr(10) + words).encode())}.wav"
    if target.is_file():
        return target
    with _scratch(folder) as scratch:
        raw = scratch / "raw.wav"
        _run(["espeak-ng", "-v", voice, "-s", str(RATE_WPM), "-w", str(raw), "--", words])
        _to_telephone(raw, target, scratch, ["norm", "-3", "pad", "0", "0.3"])
    return target


def convert(data: bytes, kind: str, folder: Path) -> Path:
    """A sound file's ``data`` (``kind``: its type, as sox names it — ``wav``, ``mp3``,
    ``ogg``…) as a telephone WAV in ``folder``; refused if sox cannot read it, if it is
    silent or empty, or longer than :data:`MAX_SECONDS`."""
    if not data:
        raise AudioError("the file is empty")
    _need("sox")
    target = folder / f"{_digest(kind.encode() + bytes([10]) + data)}.wav"
    if target.is_file():
        return target
    with _scratch(folder) as scratch:
        given = scratch / f"given.{kind}"
        given.write_bytes(data)
        _to_telephone(given, target, scratch, [], input_type=kind)
    return target


ENCODINGS = {"mp3": ["-C", "32"], "ogg": ["-C", "5"]}
"""The compressed formats a recording is exported in, with sox's quality for each: MP3 at
32 kbit/s (MPEG-2.5 layer III, the rate for 8 kHz speech), Ogg Vorbis at quality 5."""
ENCODE_SPEED = 10.0
"""Seconds of telephone audio sox encodes in a second at least (it does over 1000 here):
an hour's call may take this long beyond :data:`TIMEOUT_S` before it is given up."""


def encode(source: Path, kind: str, target: Path) -> None:
    """The telephone WAV ``source`` encoded as ``kind`` (a key of :data:`ENCODINGS`) into
    ``target``, written whole or not at all; ``source`` is only read."""
    if kind not in ENCODINGS:
        raise AudioError(f"no encoding {kind!r} (there are {sorted(ENCODINGS)})")
    _need("sox")
    seconds = source.stat().st_size / (SAMPLE_RATE * 2)
    made = target.with_name(f".{target.name}.part")
    try:
        _run(
            ["sox", "-R", str(source), "-t", kind, *ENCODINGS[kind], str(made)],
            timeout=TIMEOUT_S + seconds / ENCODE_SPEED,
        )
        made.replace(target)
    finally:
        made.unlink(missing_ok=True)


def _to_telephone(
    source: Path, target: Path, scratch: Path, effects: list[str], input_type: str | None = None
) -> None:
    made = scratch / "made.wav"
    kind = ["-t", input_type] if input_type else []
    _run(["sox", "-R", *kind, str(source), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16",
          "-e", "signed-integer", str(made), *effects])  # fmt: skip
    with wave.open(str(made)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    if seconds <= 0.05:
        raise AudioError("the file holds no sound (under 50 ms)")
    if seconds > MAX_SECONDS:
        raise AudioError(
            f"the file is {seconds:.0f} s long; a prompt is at most {MAX_SECONDS:.0f} s"
        )
    made.replace(target)  # whole or not at all


class _scratch:
    """A scratch folder inside ``folder`` (made if missing), removed afterwards."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def __enter__(self) -> Path:
        self._folder.mkdir(parents=True, exist_ok=True)
        self._temporary = tempfile.TemporaryDirectory(dir=self._folder)
        return Path(self._temporary.name)

    def __exit__(self, *_: object) -> None:
        self._temporary.cleanup()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def _need(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            raise AudioError(f"{tool} is not installed on the server (make setup installs it)")


def _run(command: list[str], timeout: float = TIMEOUT_S) -> None:
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise AudioError(f"{command[0]} took over {timeout:.0f} s") from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        detail = lines[-1] if lines else f"exit status {result.returncode}"
        raise AudioError(
            f"{command[0]} could not read it: {detail.removeprefix(command[0] + ' FAIL ')}"
        )


SILENCE_DBFS = -50.0
"""Below this RMS level (dB relative to full scale) a recording counts as silent: line
noise and comfort noise lie under it, a voice on a telephone line well above."""


def wav_rms_dbfs(path: Path) -> float:
    """The RMS level of a 16-bit PCM WAV file in dBFS (``-inf`` for none or all zero);
    raises :class:`AudioError` when it is not one."""
    try:
        with wave.open(str(path)) as audio:
            if audio.getsampwidth() != 2:
                raise AudioError(f"{path.name} is not 16-bit PCM")
            frames = audio.readframes(audio.getnframes())
    except (OSError, EOFError, wave.Error) as error:
        raise AudioError(f"{path.name} is not a readable WAV file: {error}") from None
    samples = array.array("h", frames)
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        return -math.inf
    mean_square = sum(s * s for s in samples) / len(samples)
    if mean_square == 0:
        return -math.inf
    return 10 * math.log10(mean_square / 32768**2)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex, read in pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for piece in iter(lambda: file.read(1 << 16), b""):
            digest.update(piece)
    return digest.hexdigest()


def wav_header_written(path: Path) -> bool:
    """Whether a WAV file being recorded has been closed: pjmedia writes the RIFF size,
    0 until then, when it closes the file."""
    try:
        with path.open("rb") as file:
            head = file.read(8)
    except OSError:
        return False
    return len(head) == 8 and head[:4] == b"RIFF" and head[4:8] != b"\0\0\0\0"


def complete_wav_header(path: Path, rate: int) -> None:
    """Give a recording never closed (its recorder killed mid-way) the 44-byte header of
    16-bit mono PCM at ``rate``, sized from the file: the samples written are kept.
    Raises ``OSError``."""
    size = path.stat().st_size
    data = max(0, size - 44)
    data -= data % 2
    header = b"".join((
        b"RIFF", (36 + data).to_bytes(4, "little"), b"WAVEfmt ",
        (16).to_bytes(4, "little"), (1).to_bytes(2, "little"), (1).to_bytes(2, "little"),
        rate.to_bytes(4, "little"), (rate * 2).to_bytes(4, "little"),
        (2).to_bytes(2, "little"), (16).to_bytes(2, "little"),
        b"data", data.to_bytes(4, "little"),
    ))  # fmt: skip
    with path.open("r+b" if size >= 44 else "wb") as file:
        file.write(header)
        file.truncate(44 + data)


def closed_recording(path: Path, rate: int) -> float:
    """A recording as its worker left it, made a whole WAV file: an empty one when
    nothing was written, its header completed when the worker never closed it. Its
    length in seconds (0 when it cannot be read)."""
    if not path.is_file():
        path.write_bytes(b"")
    if not wav_header_written(path):
        complete_wav_header(path, rate)
    try:
        with wave.open(str(path)) as audio:
            return float(audio.getnframes() / audio.getframerate())
    except (OSError, EOFError, wave.Error) as error:
        log.warning("recording %s: %s", path, error)
        return 0.0
