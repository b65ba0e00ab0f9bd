"""Storm messages (R6) in the running centre and at the API: switched on and off with who
did it in the event log, kept across a restart, never ahead of the log; refusals say
why and change nothing."""

import wave
from pathlib import Path

import pytest

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from tests.server.centre.test_write_ahead import refusing_writes
from tests.server.centre.world import World, events_of
from vaxla_protocol import API_PREFIX, Role
from vaxla_server.app import create_app
from vaxla_server.audio import SAMPLE_RATE, AudioError, speak
from vaxla_server.centre import EventLogUnavailable, InvalidAction, InvalidValue
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind


def test_a_storm_is_logged_with_who_kept_across_a_restart_and_switched_off(
    world: World,
) -> None:
    centre = world.centre
    storm = centre.storm_on("100", "/prompts/storm.wav", text="Driftstörning", by_user=7)
    assert centre.storm_at("100") == storm and centre.storms() == [storm]
    assert centre.storm_at("200") is None
    (started,) = events_of(world, EventKind.STORM_STARTED)
    assert (started.entry_point, started.text, started.by_user) == ("100", "Driftstörning", 7)
    contact = centre.enter("100", "+46701234567", "voice", "sv")
    centre.storm_heard(contact, "100", storm.started_at)
    (heard,) = events_of(world, EventKind.STORM_HEARD)
    assert (heard.contact_id, heard.started_at) == (contact, storm.started_at)

    restarted = world.restart()
    assert restarted.storm_at("100") == storm  # the log remembers it
    restarted.storm_off("100", by_user=8)
    assert restarted.storms() == []
    (ended,) = events_of(world, EventKind.STORM_ENDED)
    assert (ended.entry_point, ended.by_user) == ("100", 8)
    assert world.restart().storms() == []


def test_bad_switches_change_nothing(world: World) -> None:
    centre = world.centre
    with pytest.raises(InvalidAction, match="no storm message on"):
        centre.storm_off("100")
    with pytest.raises(InvalidValue, match="a text or a recorded prompt"):
        centre.storm_on("100", "/a.wav", text="x", prompt="closed")
    with pytest.raises(InvalidValue, match="a text or a recorded prompt"):
        centre.storm_on("100", "/a.wav")
    assert centre.storms() == []
    assert events_of(world, EventKind.STORM_STARTED) == []


def test_a_switch_that_cannot_be_written_is_not_on(world: World) -> None:
    centre = world.centre
    with refusing_writes(world.store.engine), pytest.raises(EventLogUnavailable):
        centre.storm_on("100", "/a.wav", text="Driftstörning")
    assert centre.storms() == []
    storm = centre.storm_on("100", "/a.wav", text="Driftstörning")
    with refusing_writes(world.store.engine), pytest.raises(EventLogUnavailable):
        centre.storm_off("100")
    assert centre.storms() == [storm]  # still on, as the log says


def test_text_is_spoken_at_the_telephone_rate_once_per_text(tmp_path: Path) -> None:
    made = speak("Vi har  en driftstörning.", "sv", tmp_path)
    with wave.open(str(made)) as audio:
        assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (
            SAMPLE_RATE, 1, 2,
        )  # fmt: skip
        assert audio.getnframes() > SAMPLE_RATE  # over a second of speech
    assert speak("Vi har en driftstörning.", "sv", tmp_path) == made  # the same words
    assert speak("Vi har en driftstörning.", "en", tmp_path) != made
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".wav"] == []  # no leftovers
    for text, language, problem in (
        ("   ", "sv", "no words"),
        ("x" * 1001, "sv", "at most 1000"),
        ("Hej", "fi", "no voice for language 'fi'"),
    ):
        with pytest.raises(AudioError, match=problem):
            speak(text, language, tmp_path)


def test_the_api_refuses_with_the_reason(tmp_path: Path) -> None:
    clock = FakeClock()
    with open_store(data_dir=tmp_path / "data") as store:
        api = Api(create_app(store, auth_settings=CHEAP_SETTINGS, clock=clock))
        for role in (Role.AGENT, Role.SUPERVISOR):
            api.auth.users.create(role.value, PASSWORD, role, now=clock())
        agent, supervisor = api.token("agent"), api.token("supervisor")
        storm = {"text": "Driftstörning"}
        url = f"{API_PREFIX}/storm/100"
        assert api.request("PUT", url, json=storm, token=agent).status_code == 403
        refused = api.request("PUT", url, json=storm, token=supervisor)
        assert refused.status_code == 409, refused.text  # no SIP: nobody would hear it
        assert "takes no calls" in refused.json()["detail"]
        both = api.request("PUT", url, json={"text": "x", "prompt": "closed"}, token=supervisor)
        assert both.status_code == 422  # one or the other, not both
        off = api.request("DELETE", url, token=supervisor)
        assert off.status_code == 409 and "no storm message on" in off.json()["detail"]
        assert api.request("GET", f"{API_PREFIX}/storm", token=agent).json() == []
