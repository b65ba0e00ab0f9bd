"""A prompt recorded by phone (R31), on the call-flow harness: the server calls the
phone (the worker double answers or not), plays the instruction and the beep, records
until '#' or the hang-up, and the recording becomes the prompt (8 kHz mono), logged with
who asked; too short or silent, or never answered, it fails with the reason in words and
the prompt stays as it was. The route through the real app: 202 with the call's id and
its state by GET, 403 for other roles, 422 for a bad phone."""

import asyncio
import dataclasses
import wave
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from tests.server.callflow.conftest import MONDAY_MORNING, Site, document
from tests.server.callflow.test_voicemail_flow import finish, recorded, speak_into
from vaxla_protocol import API_PREFIX, Role
from vaxla_protocol.config import Language, PromptByPhone, PromptCall
from vaxla_server.app import create_app
from vaxla_server.media.trunks import OutsideLine
from vaxla_server.offload import inline
from vaxla_server.phoneprompt.flow import Asker, PromptCallRefused, PromptCalls
from vaxla_server.store import Store
from vaxla_server.store.events import EventKind, PromptRecorded, PromptRecordingFailed

ADMIN = Asker(user_id=1, name="admin")
GATEWAY = OutsideLine("gw.example.net:5060", headers={"X-Vaxla-Trunk": "main"})
URL = f"{API_PREFIX}/config/prompts/welcome/record-by-phone"


def phone_prompts(site: Site, tmp_path: Path, *, line: OutsideLine | None = GATEWAY) -> PromptCalls:
    site.worker.records_calls = True
    return PromptCalls(
        router=site.router, outside_line=lambda: line, configuration=site.config,
        events=site.store.events, prompt=site.flow.prompt, folder=tmp_path / "data" / "prompts",
        clock=site.clock, offload=inline, ring_s=30,
    )  # fmt: skip


def logged(site: Site) -> list[PromptRecorded | PromptRecordingFailed]:
    kinds = [EventKind.PROMPT_RECORDED, EventKind.PROMPT_RECORDING_FAILED]
    return [e.event for e in site.store.events.read(kinds=kinds)]  # type: ignore[misc]


def custom_welcome(site: Site) -> str | None:
    return next((p.custom_path for p in site.config.prompts() if p.name == "welcome"), None)


async def answer_and_speak(site: Site, seconds: float, *, silent: bool = False) -> str:
    """The phone answers, hears the instruction and the beep, says ``seconds`` of voice
    (or of silence) and presses '#'; the call id."""
    await site.clock.settle()  # the call is made
    [made] = site.worker.made()
    site.worker.originated(made.call_id, "answered")
    await site.advance(2)  # the instruction and the beep: a second each on the double
    assert site.worker.played[made.call_id] == ["record_prompt", "beep"]
    record = recorded(site, made.call_id)
    assert (record.stop_key, record.max_seconds) == ("#", 120)
    site.worker.recording.pop(made.call_id)  # the test writes the file itself
    if silent:
        with wave.open(record.path, "wb") as audio:
            audio.setnchannels(1)
            audio.setsampwidth(2)
            audio.setframerate(8000)
            audio.writeframes(b"\0\0" * int(seconds * 8000))
    else:
        speak_into(record, seconds)
    site.worker.press(made.call_id, "#")
    finish(site, record, seconds, "key")
    await site.clock.settle()
    return made.call_id


def test_a_number_is_called_through_the_outside_line_and_its_recording_saved(
    sqlite_store: Store, tmp_path: Path
) -> None:
    site = Site(sqlite_store, MONDAY_MORNING, document())
    calls = phone_prompts(site, tmp_path)

    async def main() -> None:
        started = await calls.start("welcome", Language.SV, "+46701234567", ADMIN)
        assert started.state == "calling" and started.by == "admin"
        await site.clock.settle()
        [made] = site.worker.made()
        assert made.sip_uri == "sip:+46701234567@gw.example.net:5060"
        assert made.headers == {"X-Vaxla-Trunk": "main"}
        call_id = await answer_and_speak(site, 3.0)
        assert calls.get(started.id).state in ("recording", "saved")  # type: ignore[union-attr]
        done = await calls.wait(started.id)
        assert (done.state, done.reason, done.seconds) == ("saved", None, 3.0)
        assert site.worker.commands(call_id)[-1] == "hangup"
        path = custom_welcome(site)
        assert path is not None and Path(path).parent == tmp_path / "data" / "prompts"
        with wave.open(path) as audio:
            shape = (audio.getframerate(), audio.getnchannels(), audio.getsampwidth())
            assert shape == (8000, 1, 2) and audio.getnframes() == 3 * 8000
        [event] = logged(site)
        assert isinstance(event, PromptRecorded)
        assert (event.name, event.language, event.phone, event.by_user, event.by_name) == (
            "welcome", "sv", "+46701234567", 1, "admin"
        )  # fmt: skip
        assert (event.call, event.path, event.seconds) == (started.id, path, 3.0)
        assert not (tmp_path / "data" / "prompts" / "by-phone" / f"{started.id}.wav").exists()

    asyncio.run(main())


@pytest.mark.parametrize(("seconds", "silent", "why"), [
    (0.4, False, "the recording is 0.4 s long, under the 1 s a prompt needs"),
    (3.0, True, "the recording is silent"),
])  # fmt: skip
def test_a_short_or_silent_recording_is_refused_and_nothing_replaced(
    sqlite_store: Store, tmp_path: Path, seconds: float, silent: bool, why: str
) -> None:
    site = Site(sqlite_store, MONDAY_MORNING, document())
    calls = phone_prompts(site, tmp_path)

    async def main() -> None:
        first = await calls.start("welcome", Language.SV, "sip:admin@10.0.0.7:5062", ADMIN)
        await answer_and_speak(site, 3.0)
        assert (await calls.wait(first.id)).state == "saved"
        before = custom_welcome(site)
        site.worker.sent.clear()
        again = await calls.start("welcome", Language.SV, "sip:admin@10.0.0.7:5062", ADMIN)
        await answer_and_speak(site, seconds, silent=silent)
        done = await calls.wait(again.id)
        assert done.state == "failed" and done.reason is not None
        assert done.reason.startswith(why) and done.reason.endswith("the prompt was not replaced")
        assert custom_welcome(site) == before
        assert [type(e) for e in logged(site)] == [PromptRecorded, PromptRecordingFailed]
        failed = logged(site)[-1]
        assert isinstance(failed, PromptRecordingFailed)
        assert (failed.reason, failed.by_user, failed.phone) == (done.reason, 1, again.phone)

    asyncio.run(main())


def test_a_phone_that_does_not_answer_fails_with_the_reason(
    sqlite_store: Store, tmp_path: Path
) -> None:
    site = Site(sqlite_store, MONDAY_MORNING, document())
    calls = phone_prompts(site, tmp_path)

    async def main() -> None:
        busy = await calls.start("welcome", Language.EN, "sip:kim@10.0.0.5", ADMIN)
        await site.clock.settle()
        [made] = site.worker.made()
        assert made.sip_uri == "sip:kim@10.0.0.5" and made.headers == {}
        with pytest.raises(PromptCallRefused, match="being recorded by phone already"):
            await calls.start("welcome", Language.EN, "sip:kim@10.0.0.5", ADMIN)
        site.worker.originated(made.call_id, "failed", 480)
        done = await calls.wait(busy.id)
        assert (done.state, done.reason) == ("failed", "the phone did not answer (SIP 480)")

        silent = await calls.start("welcome", Language.EN, "0701234567", ADMIN)
        await site.advance(30)  # it rings the whole time
        done = await calls.wait(silent.id)
        assert (done.state, done.reason) == ("failed", "the phone did not answer within 30 s")
        assert site.worker.commands(site.worker.made()[-1].call_id)[-1] == "hangup"
        assert custom_welcome(site) is None
        assert [(e.kind, e.reason) for e in logged(site)] == [  # type: ignore[union-attr]
            (EventKind.PROMPT_RECORDING_FAILED, "the phone did not answer (SIP 480)"),
            (EventKind.PROMPT_RECORDING_FAILED, "the phone did not answer within 30 s"),
        ]

    asyncio.run(main())


def test_a_number_without_an_outside_line_is_refused_at_once(
    sqlite_store: Store, tmp_path: Path
) -> None:
    site = Site(sqlite_store, MONDAY_MORNING, document())
    calls = phone_prompts(site, tmp_path, line=None)

    async def main() -> None:
        with pytest.raises(PromptCallRefused, match="no outside line is configured"):
            await calls.start("welcome", Language.SV, "+46701234567", ADMIN)
        assert site.worker.made() == [] and logged(site) == []

    asyncio.run(main())


# The route


@pytest.fixture
def app_and_tokens(sqlite_store: Store, tmp_path: Path) -> Iterator[tuple[Api, dict[Role, str]]]:
    clock = FakeClock()
    api = Api(create_app(sqlite_store, auth_settings=CHEAP_SETTINGS, clock=clock,
                         data_dir=tmp_path / "data"))  # fmt: skip
    for role in Role:
        api.auth.users.create(role.value, PASSWORD, role, now=clock())
    yield api, {role: api.token(role.value) for role in Role}


def test_the_route_answers_202_and_the_state_refuses_other_roles_and_bad_phones(
    sqlite_store: Store, tmp_path: Path, app_and_tokens: tuple[Api, dict[Role, str]]
) -> None:
    api, tokens = app_and_tokens
    admin = {"Authorization": f"Bearer {tokens[Role.ADMIN]}"}
    body = {"language": "sv", "phone": "sip:admin@10.0.0.7"}
    for role in (Role.SUPERVISOR, Role.AGENT, Role.OPERATOR):
        refused = api.request("POST", URL, token=tokens[role], json=body)
        assert refused.status_code == 403, refused.text
    for phone in ("07-0123 x", "sip:nobody", "+4670 +123", "tel:+46701234567", "", "- -", "7"):
        bad = api.request("POST", URL, token=tokens[Role.ADMIN], json={**body, "phone": phone})
        assert bad.status_code == 422, (phone, bad.text)
    bad = api.request("POST", URL, token=tokens[Role.ADMIN], json={**body, "phone": "07-0123 x"})
    assert "neither a telephone number" in bad.text
    no_sip = api.request("POST", URL, token=tokens[Role.ADMIN], json=body)
    assert no_sip.status_code == 409 and "cannot call a phone" in no_sip.text

    site = Site(sqlite_store, MONDAY_MORNING, document())
    services = api.app.state.services
    api.app.state.services = dataclasses.replace(
        services, prompt_calls=phone_prompts(site, tmp_path)
    )

    async def main() -> None:
        transport = httpx.ASGITransport(app=api.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://vaxla.test") as client:
            started = await client.post(URL, json=body, headers=admin)
            assert started.status_code == 202, started.text
            call = PromptCall.model_validate_json(started.content)
            assert (call.state, call.by, call.phone) == ("calling", "admin", "sip:admin@10.0.0.7")
            await answer_and_speak(site, 2.0)
            await api.app.state.services.prompt_calls.wait(call.id)
            state = await client.get(f"{URL}/{call.id}", headers=admin)
            assert state.status_code == 200, state.text
            assert PromptCall.model_validate_json(state.content).state == "saved"
            gone = await client.get(f"{URL}/pc-000000000000", headers=admin)
            assert gone.status_code == 404

    asyncio.run(main())


@pytest.mark.parametrize(
    ("written", "called"),
    [
        ("070-123 45 67", "0701234567"),
        ("+46 (70) 123.45.67", "+46701234567"),
        (" 112 ", "112"),
        ("sip:admin@10.0.0.7:5062", "sip:admin@10.0.0.7:5062"),
    ],
)
def test_a_number_written_with_spaces_and_dashes_is_called_as_its_digits(
    written: str, called: str
) -> None:
    assert PromptByPhone(language=Language.SV, phone=written).phone == called
