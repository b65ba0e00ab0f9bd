"""Playing a prompt's WAV file on the computer's default sound output (PortAudio through
``sounddevice``), for an administrator listening to prompts: not the softphone's path,
which carries calls."""

import importlib
import io
import wave


class PlaybackError(Exception):
    """The sound could not be played; the message says why."""


def play_wav(data: bytes) -> float:
    """Play a 16-bit WAV file to its end (blocking: call it off the UI thread); its
    length in seconds."""
    try:
        with wave.open(io.BytesIO(data)) as audio:
            rate, channels = audio.getframerate(), audio.getnchannels()
            width, frames = audio.getsampwidth(), audio.readframes(audio.getnframes())
    except (wave.Error, EOFError) as error:
        raise PlaybackError(f"not a WAV file the app can play: {error}") from None
    if width != 2:
        raise PlaybackError(f"a {8 * width}-bit WAV file; the app plays 16-bit ones")
    try:
        sounddevice = importlib.import_module("sounddevice")
    except OSError as error:  # PortAudio's library is missing
        raise PlaybackError(f"no sound output: {error}") from None
    try:
        with sounddevice.RawOutputStream(samplerate=rate, channels=channels, dtype="int16") as out:
            out.write(frames)
    except sounddevice.PortAudioError as error:
        raise PlaybackError(f"no sound output: {error}") from None
    seconds: float = len(frames) / (rate * channels * width)
    return seconds
