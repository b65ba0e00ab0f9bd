"""Recording rules (R27) in the configuration: stored, exported in the document, refused
with the reason when bad, and nothing changed then."""

from typing import Any

import pytest
from pydantic import ValidationError

from tests.server.config.conftest import config_contents
from tests.server.config.test_call_flow import entry, refused
from vaxla_protocol.config import RecordingMode, RecordingRuleItem
from vaxla_server.config import (
    ConfigError,
    Configuration,
    DuplicateName,
    InvalidConfig,
    MissingReference,
    QueueSettings,
    UnknownPrompt,
)
from vaxla_server.store import Store


def rule(**fields: Any) -> RecordingRuleItem:
    return RecordingRuleItem.model_validate({"name": "Support", "queue": "Support", **fields})


@pytest.fixture
def queues(store: Store) -> Configuration:
    config = Configuration(store.engine)
    config.add_queue(QueueSettings("Support"))
    config.entry_points.add(entry("100", {"kind": "queue", "queue": "Support"}))
    return config


def test_a_rule_is_stored_and_exported_in_the_document(queues: Configuration, store: Store) -> None:
    share = rule(mode="share", share_percent=25, retention_days=30)
    queues.recording_rules.add(share)
    every = rule(name="Line", queue=None, entry_point="100")
    queues.recording_rules.add(every)
    assert queues.recording_rules.get("Support") == share
    assert queues.recording_rules.get("Line").mode is RecordingMode.ALL
    assert queues.recording_rules.get("Line").consent_prompt == "recording_consent"
    document = queues.export_document()
    assert document.recording_rules == [every, share]
    # The document loads back as it was; one without its queue is refused whole.
    queues.apply_document(document)
    assert queues.export_document().recording_rules == [every, share]
    broken = document.model_copy(update={"queues": []})
    before = config_contents(store.engine)
    with pytest.raises(ConfigError, match="queue 'Support', which does not exist"):
        queues.apply_document(broken)
    assert config_contents(store.engine) == before


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"queue": None}, "name exactly one of queue and entry_point"),
        ({"entry_point": "100"}, "name exactly one of queue and entry_point"),
        ({"mode": "share"}, "mode share needs share_percent"),
        ({"share_percent": 10}, "share_percent is only for mode share"),
        ({"mode": "share", "share_percent": 100}, "less than 100"),
        ({"mode": "share", "share_percent": 0}, "greater than 0"),
        ({"mode": "sometimes"}, "'all', 'share' or 'none'"),
        ({"retention_days": 0}, "greater than or equal to 1"),
    ],
)
def test_a_bad_rule_is_refused_in_words(fields: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        rule(**fields)


def test_a_rule_must_name_what_exists_once(queues: Configuration, store: Store) -> None:
    queues.recording_rules.add(rule())
    for error, match, bad in [
        (MissingReference, "queue 'Sales', which does not exist", rule(name="B", queue="Sales")),
        (
            MissingReference,
            "entry point '200', which does not exist",
            rule(name="B", queue=None, entry_point="200"),
        ),
        (UnknownPrompt, "no prompt named 'no_such'", rule(name="B", consent_prompt="no_such")),
        (InvalidConfig, "queue 'Support' has a recording rule already", rule(name="B")),
        (DuplicateName, "Support", rule(queue=None, entry_point="100")),
    ]:
        refused(store, error, match, queues.recording_rules.add, bad)
    before = config_contents(store.engine)
    assert before["recording_rules"]
