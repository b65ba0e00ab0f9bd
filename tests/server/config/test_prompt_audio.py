"""A prompt's audio at the API: a WAV, MP3 or OGG upload converted to the telephone's
8 kHz mono WAV and played from then on, a text spoken by the server, any prompt fetched
to listen to; a bad file refused with sox's reason and nothing changed."""

import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from vaxla_protocol import API_PREFIX, Role
from vaxla_server.app import create_app
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind

PROMPT = f"{API_PREFIX}/config/prompts/sv/welcome"


def sound(tmp: Path, kind: str, seconds: float = 1.0) -> bytes:
    """A tone of ``seconds`` as a 44.1 kHz stereo file of ``kind`` (made by sox)."""
    path = tmp / f"tone.{kind}"
    subprocess.run(
        ["sox", "-n", "-r", "44100", "-c", "2", str(path), "synth", str(seconds), "sine", "440"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return path.read_bytes()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[Api, dict[Role, str]]]:
    clock = FakeClock()
    with open_store(data_dir=tmp_path / "data") as store:
        app = create_app(
            store, auth_settings=CHEAP_SETTINGS, clock=clock, data_dir=tmp_path / "data"
        )
        api = Api(app)
        for role in Role:
            api.auth.users.create(role.value, PASSWORD, role, now=clock())
        yield api, {role: api.token(role.value) for role in Role}


def audio_set(client: Api) -> list[tuple[str, str, str, str, str]]:
    """The prompts' audio changes in the event log: name, language, source, file, who."""
    events = client.app.state.services.store.events.read(kinds=[EventKind.PROMPT_AUDIO_SET])
    return [(e.event.name, e.event.language, e.event.source, e.event.path, e.event.by_name)
            for e in events]  # fmt: skip


def telephone(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path)) as audio:
        frames = audio.getnframes()
        return audio.getframerate(), audio.getnchannels(), audio.getsampwidth(), frames / 8000


@pytest.mark.parametrize(("kind", "media_type"), [("wav", "audio/wav"), ("mp3", "audio/mpeg"),
                                                  ("ogg", "audio/ogg")])  # fmt: skip
def test_an_upload_is_converted_played_and_listened_to(
    api: tuple[Api, dict[Role, str]], tmp_path: Path, kind: str, media_type: str
) -> None:
    client, tokens = api
    body = sound(tmp_path, kind, 1.5)
    stored = client.request("PUT", f"{PROMPT}/audio", token=tokens[Role.ADMIN], content=body,
                            headers={"Content-Type": media_type})  # fmt: skip
    assert stored.status_code == 200, stored.text
    path = Path(stored.json()["custom_path"])
    assert path.parent == tmp_path / "data" / "prompts"
    rate, channels, width, seconds = telephone(path)
    assert (rate, channels, width) == (8000, 1, 2) and 1.4 < seconds < 1.7
    resolved = client.request("GET", PROMPT, token=tokens[Role.SUPERVISOR]).json()
    assert (resolved["custom"], resolved["path"]) == (True, str(path))
    heard = client.request("GET", f"{PROMPT}/audio", token=tokens[Role.SUPERVISOR])
    assert heard.status_code == 200 and heard.headers["content-type"] == "audio/wav"
    assert heard.content == path.read_bytes()
    assert audio_set(client) == [("welcome", "sv", "upload", str(path), "admin")]


def test_a_text_is_spoken_into_the_prompt(api: tuple[Api, dict[Role, str]]) -> None:
    client, tokens = api
    text = {"text": "Välkommen till kommunens kontaktcenter."}
    stored = client.request("PUT", f"{PROMPT}/speech", token=tokens[Role.ADMIN], json=text)
    assert stored.status_code == 200, stored.text
    rate, channels, _width, seconds = telephone(Path(stored.json()["custom_path"]))
    assert (rate, channels) == (8000, 1) and seconds > 1.0
    path = stored.json()["custom_path"]
    assert audio_set(client) == [("welcome", "sv", "text", path, "admin")]


def test_bad_uploads_are_refused_with_the_reason_and_change_nothing(
    api: tuple[Api, dict[Role, str]], tmp_path: Path
) -> None:
    client, tokens = api
    admin = tokens[Role.ADMIN]
    before = client.request("GET", PROMPT, token=admin).json()
    wav = {"Content-Type": "audio/wav"}
    cases = [
        (b"this is no sound file at all" * 10, wav, 422, "sox could not read it"),
        (b"", wav, 422, "the file is empty"),
        (sound(tmp_path, "wav", 0.01), wav, 422, "holds no sound"),
        (sound(tmp_path, "wav"), {"Content-Type": "video/mp4"}, 415, "WAV, MP3 or OGG"),
        (sound(tmp_path, "wav"), {}, 415, "without a Content-Type"),
    ]
    for body, headers, code, reason in cases:
        refused = client.request("PUT", f"{PROMPT}/audio", token=admin, content=body,
                                 headers=headers)  # fmt: skip
        assert (refused.status_code, reason in refused.text) == (code, True), refused.text
    bad_name = client.request("PUT", f"{API_PREFIX}/config/prompts/sv/Bad Name/audio",
                              token=admin, content=sound(tmp_path, "wav"), headers=wav)  # fmt: skip
    assert bad_name.status_code == 422 and "pattern" in bad_name.text
    too_long = client.request("PUT", f"{PROMPT}/speech", token=admin, json={"text": "x" * 1001})
    assert too_long.status_code == 422
    big = client.request("PUT", f"{PROMPT}/audio", token=admin, content=b"\0" * (21 << 20),
                         headers=wav)  # fmt: skip
    assert big.status_code == 413 and "20 MiB" in big.text
    assert client.request("GET", PROMPT, token=admin).json() == before
    assert not list((tmp_path / "data" / "prompts").glob("*.wav"))
    assert audio_set(client) == []


def test_only_administrators_change_prompts_and_supervisors_listen(
    api: tuple[Api, dict[Role, str]], tmp_path: Path
) -> None:
    client, tokens = api
    wav = {"Content-Type": "audio/wav"}
    for role in (Role.AGENT, Role.OPERATOR, Role.SUPERVISOR):
        refused = client.request("PUT", f"{PROMPT}/audio", token=tokens[role],
                                 content=sound(tmp_path, "wav"), headers=wav)  # fmt: skip
        assert refused.status_code == 403
    for role, code in ((Role.AGENT, 403), (Role.OPERATOR, 403), (Role.SUPERVISOR, 200)):
        assert client.request("GET", f"{PROMPT}/audio", token=tokens[role]).status_code == code
    missing = client.request("GET", f"{API_PREFIX}/config/prompts/sv/nothing/audio",
                             token=tokens[Role.ADMIN])  # fmt: skip
    assert missing.status_code == 404 and "no prompt 'nothing'" in missing.text
