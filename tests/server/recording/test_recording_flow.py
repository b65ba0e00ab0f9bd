"""Call recording in the call flow (R27), on a manual clock against the real centre,
event log and recording store, with the worker played by the test (it writes a tone
for as long as a recording runs): a rule's consent prompt before its recording, a
random share drawn from a seeded generator, the agent's mid-call request keeping the
whole call, and the buffer deleted when nobody asked."""

import asyncio
import random
import wave
from pathlib import Path

from tests.server.callflow.conftest import MONDAY_MORNING, Site, document, sqlite_store
from vaxla_protocol.config import ConfigDocument, RecordingRuleItem
from vaxla_server.audio import file_sha256
from vaxla_server.callflow.flow import FlowError
from vaxla_server.centre import CentreError
from vaxla_server.media.messages import Record
from vaxla_server.notifier import Notifier
from vaxla_server.recording.store import Recordings, Search, chosen
from vaxla_server.store import Store
from vaxla_server.store.events import (
    RecordingDiscarded,
    RecordingKept,
    RecordingStarted,
)

__all__ = ["sqlite_store"]  # the call flow tests' store fixture


def with_rules(*rules: dict[str, object]) -> ConfigDocument:
    items = [RecordingRuleItem.model_validate(rule) for rule in rules]
    return document().model_copy(update={"recording_rules": items})


def recording_site(
    store: Store, tmp_path: Path, doc: ConfigDocument, rng: random.Random | None = None
) -> tuple[Site, Recordings]:
    clock_box: list[Site] = []
    recordings = Recordings(
        store.engine, Notifier(), tmp_path / "data", lambda: clock_box[0].clock.now()
    )
    site = Site(store, MONDAY_MORNING, doc, recordings=recordings, rng=rng)
    clock_box.append(site)
    return site, recordings


def records(site: Site, call: str) -> list[Record]:
    return [c for c in site.worker.sent if isinstance(c, Record) and c.call_id == call]


def seconds_of(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return float(audio.getnframes() / audio.getframerate())


def test_a_queue_rule_plays_consent_then_records_the_call_and_keeps_it(
    sqlite_store: Store, tmp_path: Path
) -> None:
    doc = with_rules({"name": "Support", "queue": "Support", "retention_days": 30})
    site, recordings = recording_site(sqlite_store, tmp_path, doc)

    async def main() -> None:
        site.log_in("anna")
        call = site.worker.call("200")  # straight to the queue Support
        await site.advance(1)
        # The buffer started at the answer gave way to the rule's recording, which
        # started once the consent prompt was heard.
        assert site.worker.played[call][0] == "recording_consent"
        first, second = records(site, call)
        steps = ["answer", "record", "stop_recording", "play", "record"]
        assert site.worker.commands(call)[:5] == steps
        assert first.legs == second.legs == ["caller", "agent"]
        site.worker.agent_leg(call, "answered")
        await site.advance(20)
        site.worker.hang_up(call)
        await site.advance(1)
        await site.router.drain()

    asyncio.run(main())
    [kept] = recordings.search(Search())
    assert (kept.queue, kept.agent_name, kept.reason, kept.retention_days) == (
        "Support",
        "anna",
        "rule",
        30,
    )
    assert kept.path == tmp_path / "data" / "recordings" / "w1-1.wav"
    assert kept.sha256 == file_sha256(kept.path)
    assert kept.seconds == seconds_of(kept.path) >= 20
    events = [logged.event for logged in site.events(0)]
    discarded = [e for e in events if isinstance(e, RecordingDiscarded)]
    started = [e for e in events if isinstance(e, RecordingStarted)]
    stored = [e for e in events if isinstance(e, RecordingKept)]
    assert len(discarded) == 1 and discarded[0].seconds < 1.5  # the buffer before consent
    assert [(s.reason, s.rule, s.consent_prompt) for s in started] == [
        ("rule", "Support", "recording_consent")
    ]
    assert [(s.recording_id, s.sha256) for s in stored] == [(kept.id, kept.sha256)]
    assert events.index(started[0]) < events.index(stored[0])


def test_an_entry_points_rule_decides_before_its_first_action(
    sqlite_store: Store, tmp_path: Path
) -> None:
    doc = with_rules({"name": "Line", "entry_point": "100"})
    site, recordings = recording_site(sqlite_store, tmp_path, doc)

    async def main() -> None:
        call = site.worker.call("100")
        await site.advance(2)
        assert site.worker.played[call][:2] == ["recording_consent", "welcome"]
        [record] = records(site, call)  # no buffer before: the rule chose at once
        commands = site.worker.commands(call)
        assert commands.index("play") < commands.index("record")
        site.worker.hang_up(call)
        await site.advance(1)
        await site.router.drain()
        assert Path(record.path).is_file()

    asyncio.run(main())
    [kept] = recordings.search(Search())
    assert (kept.entry_point, kept.queue, kept.agent_id) == ("100", None, None)


def test_a_share_records_the_calls_the_seeded_generator_draws(
    sqlite_store: Store, tmp_path: Path
) -> None:
    rule = {"name": "Line", "entry_point": "200", "mode": "share", "share_percent": 30}
    site, recordings = recording_site(sqlite_store, tmp_path, with_rules(rule), random.Random(7))
    calls = 120
    expected = sum(
        chosen(RecordingRuleItem.model_validate(rule), generator)
        for generator in [random.Random(7)]
        for _ in range(calls)
    )

    async def main() -> None:
        for _ in range(calls):
            call = site.worker.call("200")
            await site.advance(1)
            site.worker.hang_up(call)
            await site.advance(1)
        await site.router.drain()

    asyncio.run(main())
    kept = recordings.search(Search())
    assert len(kept) == expected
    assert 0.2 * calls <= len(kept) <= 0.4 * calls  # the configured 30 %
    discarded = [e for e in (x.event for x in site.events()) if isinstance(e, RecordingDiscarded)]
    assert len(discarded) == calls - expected
    assert sorted(p.name for p in (tmp_path / "data" / "recordings").iterdir()) == sorted(
        r.path.name for r in kept
    )


def test_the_share_is_the_configured_rate_over_many_draws() -> None:
    rule = RecordingRuleItem(name="r", queue="q", mode="share", share_percent=12.5)
    generator = random.Random(2026)
    draws = sum(chosen(rule, generator) for _ in range(20_000))
    assert abs(draws / 20_000 - 0.125) < 0.01
    every = RecordingRuleItem(name="r", queue="q")
    none = RecordingRuleItem(name="r", queue="q", mode="none")
    assert all(chosen(every, generator) for _ in range(100))
    assert not any(chosen(none, generator) for _ in range(100))


def test_an_agent_keeps_a_call_no_rule_records_whole_from_its_start(
    sqlite_store: Store, tmp_path: Path
) -> None:
    site, recordings = recording_site(sqlite_store, tmp_path, document())

    async def main() -> None:
        anna, bo = site.users["anna"], site.users["bo"]
        site.log_in("anna")
        call = site.worker.call("200")
        await site.advance(1)
        [record] = records(site, call)  # at the answer, before anything was played
        assert site.worker.commands(call)[:2] == ["answer", "record"]
        await site.advance(9)
        site.worker.agent_leg(call, "answered")
        await site.advance(10)
        try:
            await site.flow.keep_recording(0, bo)
        except CentreError as error:
            assert "not" in str(error)
        else:
            raise AssertionError("another agent kept the call")
        await site.flow.keep_recording(0, anna)
        try:
            await site.flow.keep_recording(0, anna)
        except FlowError as error:
            assert "recorded already (agent)" in str(error)
        else:
            raise AssertionError("kept twice")
        await site.advance(10)
        site.worker.hang_up(call)
        await site.advance(1)
        await site.router.drain()
        assert record.path == str(tmp_path / "data" / "recordings" / f"{call}.wav")

    asyncio.run(main())
    [kept] = recordings.search(Search())
    assert kept.reason == "agent" and kept.sha256 == file_sha256(kept.path)
    assert kept.seconds == seconds_of(kept.path) >= 30  # from the answer, not the request
    started = [e for e in (x.event for x in site.events(0)) if isinstance(e, RecordingStarted)]
    assert [(s.reason, s.by_user) for s in started] == [("agent", site.users["anna"])]


def test_a_call_nobody_asked_to_keep_leaves_no_file(sqlite_store: Store, tmp_path: Path) -> None:
    site, recordings = recording_site(sqlite_store, tmp_path, document())

    async def main() -> None:
        site.log_in("anna")
        call = site.worker.call("200")
        await site.advance(1)
        site.worker.agent_leg(call, "answered")
        await site.advance(15)
        site.worker.hang_up(call, "agent")
        await site.advance(1)
        await site.router.drain()

    asyncio.run(main())
    assert recordings.search(Search()) == []
    assert list((tmp_path / "data" / "recordings").iterdir()) == []
    events = [logged.event for logged in site.events(0)]
    [discarded] = [e for e in events if isinstance(e, RecordingDiscarded)]
    assert discarded.seconds >= 15
