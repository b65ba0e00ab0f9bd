"""The whole configuration as one document: load, export, round trip, refusals."""

from datetime import UTC, datetime

import pytest

from tests.server.config.conftest import add_user, config_contents
from tests.server.config.documents import demo_document, demo_like
from vaxla_protocol.config import ConfigDocument
from vaxla_server.config import (
    ChangeKind,
    ConfigChange,
    Configuration,
    InvalidDocument,
    QueueSettings,
    Severity,
)
from vaxla_server.config.call_flow import build_schedule
from vaxla_server.config.document import iter_problems
from vaxla_server.store import Store


@pytest.fixture
def users(store: Store) -> None:
    add_user(store.engine, "anna")
    add_user(store.engine, "bo")


@pytest.mark.usefixtures("users")
def test_a_document_loads_and_exports_the_same(config: Configuration) -> None:
    document = demo_document()
    config.apply_document(document)

    exported = config.export_document()
    assert exported == document

    config.apply_document(exported)
    assert config.export_document() == exported


@pytest.mark.usefixtures("users")
def test_the_loaded_configuration_is_usable(config: Configuration) -> None:
    config.apply_document(demo_document())
    assert [queue.settings.name for queue in config.snapshot().queues] == ["Sales", "Support"]
    hours = build_schedule(config.schedules.get("Office hours"))
    # 2026-12-27 is a Sunday, open 10:00-14:00 Stockholm time by its exception.
    assert hours.status_at(datetime(2026, 12, 27, 9, 30, tzinfo=UTC)).is_open
    assert not hours.status_at(datetime(2026, 12, 27, 13, 30, tzinfo=UTC)).is_open
    assert hours.status_at(datetime(2026, 11, 23, 8, tzinfo=UTC)).is_open
    assert config.menus.get("Huvudmeny").keys["9"].kind == "language"
    assert config.entry_points.get("200").when_nobody_logged_in is not None


@pytest.mark.usefixtures("users")
def test_a_document_replaces_what_was_there(config: Configuration) -> None:
    config.add_queue(QueueSettings("Old queue"))
    config.apply_document(demo_document())
    assert "Old queue" not in [queue.settings.name for queue in config.queues()]


@pytest.mark.usefixtures("users")
def test_a_bad_document_lists_every_problem_and_changes_nothing(
    config: Configuration, store: Store
) -> None:
    config.apply_document(demo_document())
    before = config_contents(store.engine)
    raw = demo_like()
    raw["menus"][0]["keys"]["3"] = {"kind": "queue", "queue": "Billing"}
    raw["digit_collections"][0] = {
        "name": "Customer number",
        "kind": "personnummer",
        "max_length": 8,
        "prompt": "enter_personnummer",
    }
    raw["schedules"][0]["exceptions"].append(
        {"day": "2026-12-24", "open": True, "start": "13:00", "end": "15:00"}
    )
    raw["entry_points"][1]["when_nobody_logged_in"] = {"kind": "voicemail", "box": "Nope"}
    raw["agents"].append({"username": "nobody"})

    with pytest.raises(InvalidDocument) as refused:
        config.apply_document(ConfigDocument.model_validate(raw))

    problems = refused.value.problems
    assert any("points to the queue 'Billing', which does not exist" in p for p in problems)
    assert any("a personnummer has 10 or 12 digits" in p for p in problems)
    assert any("exceptions on 2026-12-24 overlap" in p for p in problems)
    assert any("points to the voicemail box 'Nope', which does not exist" in p for p in problems)
    assert any("no user named 'nobody'" in p for p in problems)
    assert config_contents(store.engine) == before


def test_a_document_naming_something_twice_is_refused(config: Configuration) -> None:
    raw = {"skills": [{"name": "support"}, {"name": "support"}]}
    with pytest.raises(InvalidDocument, match="lists the skill 'support' twice"):
        config.apply_document(ConfigDocument.model_validate(raw))


@pytest.mark.usefixtures("users")
def test_listeners_hear_of_the_document(config: Configuration) -> None:
    heard: list[ConfigChange] = []
    config.subscribe(heard.append)
    config.apply_document(demo_document())
    assert heard == [ConfigChange("document", "document", ChangeKind.CHANGED)]


@pytest.mark.usefixtures("users")
def test_check_finds_nothing_wrong_in_the_demo_but_a_queue_without_members(
    config: Configuration,
) -> None:
    config.apply_document(demo_document())
    assert config.check() == []
    config.add_queue(QueueSettings("Empty"))
    problems = config.check()
    assert [(p.severity, p.where) for p in problems] == [(Severity.WARNING, "queue 'Empty'")]


def test_check_reports_unreachable_queues_missing_audio_and_no_licence(
    config: Configuration,
) -> None:
    raw = {
        "menus": [
            {
                "name": "Loop",
                "language": "sv",
                "prompt": "welcome",
                "keys": {"1": {"kind": "menu", "menu": "Loop"}},
            },
            {"name": "Orphan", "language": "en", "prompt": "welcome"},
        ],
        "prompts": [{"name": "jingle", "language": "sv", "custom_path": "/nonexistent/j.wav"}],
        "announcement_sets": [{"name": "A", "first": "jingle"}],
        "entry_points": [
            {"address": "100", "name": "Main", "first": {"kind": "menu", "menu": "Loop"}}
        ],
    }
    config.apply_document(ConfigDocument.model_validate(raw))
    found = {(p.severity, p.where): p.message for p in config.check()}
    assert found[(Severity.ERROR, "entry point '100'")] == (
        "no queue can be reached from its first action"
    )
    assert (Severity.WARNING, "menu 'Orphan'") in found
    assert "does not exist" in found[(Severity.ERROR, "prompt 'jingle' (sv)")]
    assert "announcement set 'A'" in found[(Severity.WARNING, "prompt 'jingle' (en)")]
    assert (Severity.WARNING, "licence") in found
    # Errors come first, and each prints on one line for check-config.
    problems = config.check()
    assert problems[0].severity is Severity.ERROR
    assert next(iter_problems(problems)).startswith("error: ")
