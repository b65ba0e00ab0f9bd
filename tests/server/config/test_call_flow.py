"""The call flow's configuration, one rule at a time, on both engines."""

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from tests.server.config.conftest import add_user, config_contents
from vaxla_protocol.config import (
    AlarmRuleItem,
    AnnouncementSetItem,
    Callback,
    CallbackItem,
    CallbackWindow,
    DigitCollectionItem,
    EntryPointItem,
    Language,
    MenuItem,
    PromptItem,
    QueueFlowItem,
    ScheduleItem,
    Voicemail,
    VoicemailBoxItem,
)
from vaxla_server.config import (
    AgentSettings,
    ChangeKind,
    ConfigChange,
    ConfigError,
    Configuration,
    DuplicateName,
    InvalidConfig,
    Membership,
    MissingReference,
    QueueNotEmpty,
    QueueSettings,
    StillReferenced,
    UnknownPrompt,
)
from vaxla_server.config.call_flow import build_schedule, digit_rule
from vaxla_server.config.caller_input import PersonnummerRule, PinRule
from vaxla_server.store import Store


def menu(name: str, language: str = "sv", **fields: Any) -> MenuItem:
    return MenuItem.model_validate(
        {"name": name, "language": language, "prompt": "demo_menu_main", **fields}
    )


def entry(address: str, first: dict[str, Any], **fields: Any) -> EntryPointItem:
    return EntryPointItem.model_validate(
        {"address": address, "name": f"Line {address}", "first": first, **fields}
    )


def digits(**fields: Any) -> DigitCollectionItem:
    return DigitCollectionItem.model_validate({"name": "Id", "prompt": "enter_pin", **fields})


@pytest.fixture
def queues(config: Configuration) -> Configuration:
    config.add_queue(QueueSettings("Support"))
    config.add_queue(QueueSettings("Sales"))
    return config


# Refusals change nothing


def refused(store: Store, error: type[ConfigError], match: str, action: Any, *args: Any) -> None:
    before = config_contents(store.engine)
    with pytest.raises(error, match=match):
        action(*args)
    assert config_contents(store.engine) == before


# Schedules


def test_a_schedule_is_stored_and_becomes_opening_hours(config: Configuration) -> None:
    item = ScheduleItem.model_validate(
        {
            "name": "Office",
            "weekly": {
                "monday": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]
            },
            "holiday_policy": "ignore",
            "exceptions": [{"day": "2026-12-24", "open": False, "start": "12:00"}],
        }
    )
    config.schedules.add(item)
    assert config.schedules.get("Office") == item
    hours = build_schedule(config.schedules.get("Office"))
    assert str(hours.time_zone) == "Europe/Stockholm"


def test_overlapping_exceptions_are_refused(config: Configuration, store: Store) -> None:
    item = ScheduleItem(
        name="Christmas",
        exceptions=[
            {"day": date(2026, 12, 24), "open": False, "start": time(12)},
            {"day": date(2026, 12, 24), "open": True, "start": time(13), "end": time(14)},
        ],
    )
    refused(
        store,
        InvalidConfig,
        r"schedule 'Christmas': exceptions on 2026-12-24 overlap: "
        r"closed 12:00-24:00 and open 13:00-14:00",
        config.schedules.add,
        item,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"time_zone": "Europe/Nowhere"}, "Europe/Nowhere"),
        ({"weekly": {"monday": [{"start": "17:00", "end": "08:00"}]}}, "crosses_midnight"),
        ({"holiday_policy": "holiday_hours"}, "holiday_hours needs at least one"),
    ],
)
def test_impossible_opening_hours_are_refused(
    config: Configuration, store: Store, fields: dict[str, Any], message: str
) -> None:
    item = ScheduleItem.model_validate({"name": "Bad", **fields})
    refused(store, InvalidConfig, message, config.schedules.add, item)


# Prompts


def test_a_prompt_resolves_to_the_custom_file_before_the_default(
    store: Store, tmp_path: Path
) -> None:
    default = tmp_path / "prompts" / "sv" / "welcome.wav"
    default.parent.mkdir(parents=True)
    default.write_bytes(b"RIFF")
    config = Configuration(store.engine, prompts_dir=tmp_path / "prompts")
    assert config.resolve_prompt("welcome", "sv").path == str(default)
    assert not config.resolve_prompt("welcome", "sv").custom
    custom = tmp_path / "custom.wav"
    config.set_prompt(PromptItem(name="welcome", language=Language.SV, custom_path=str(custom)))
    assert config.resolve_prompt("welcome", "sv").path == str(custom)
    assert config.resolve_prompt("welcome", "sv").custom
    with pytest.raises(UnknownPrompt, match="no prompt named 'welcome' in 'en'"):
        config.resolve_prompt("welcome", "en")
    with pytest.raises(UnknownPrompt, match="no prompt named 'nonsense' in 'sv'"):
        config.resolve_prompt("nonsense", "sv")


def test_the_default_prompt_set_is_found_in_resources(config: Configuration) -> None:
    for language in ("sv", "en"):
        resolved = config.resolve_prompt("welcome", language)
        assert Path(resolved.path).is_file()
        assert resolved.path.endswith(f"resources/prompts/{language}/welcome.wav")


def test_a_prompt_without_audio_is_refused(config: Configuration, store: Store) -> None:
    refused(
        store,
        UnknownPrompt,
        "no prompt named 'jingle'",
        config.set_prompt,
        PromptItem(name="jingle", language=Language.SV),
    )


def test_a_menu_with_an_unknown_prompt_is_refused(config: Configuration, store: Store) -> None:
    refused(
        store,
        UnknownPrompt,
        "menu 'Main': no prompt named 'welcom'",
        config.menus.add,
        MenuItem(name="Main", language=Language.SV, prompt="welcom"),
    )


def test_a_custom_prompt_in_use_without_a_default_cannot_be_deleted(
    config: Configuration,
) -> None:
    config.set_prompt(PromptItem(name="jingle", language=Language.SV, custom_path="/srv/j.wav"))
    config.announcement_sets.add(AnnouncementSetItem(name="Music", first="jingle"))
    with pytest.raises(StillReferenced, match="announcement set 'Music'"):
        config.delete_prompt("jingle", Language.SV)
    config.announcement_sets.delete("Music")
    config.delete_prompt("jingle", Language.SV)
    assert config.prompts() == []


# Digit collections


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "personnummer", "max_length": 8}, "a personnummer has 10 or 12 digits"),
        (
            {"kind": "free_digits", "min_length": 6, "max_length": 4},
            "min_length 6 is more than max_length 4",
        ),
        ({"kind": "pin", "min_length": 4, "max_length": 6}, "a PIN has one length"),
        (
            {"kind": "customer_number", "min_length": 1, "max_length": 1, "luhn": True},
            "at least 2 digits",
        ),
        ({"kind": "pin", "luhn": True}, "luhn applies to customer numbers only"),
        ({"kind": "free_digits", "on_failure_menu": "Nowhere"}, "points to the menu 'Nowhere'"),
    ],
)
def test_impossible_digit_rules_are_refused(
    config: Configuration, store: Store, fields: dict[str, Any], message: str
) -> None:
    refused(store, InvalidConfig, message, config.digit_collections.add, digits(**fields))


def test_a_digit_collection_gives_its_caller_input_rule(config: Configuration) -> None:
    config.digit_collections.add(digits(kind="personnummer", allow_samordningsnummer=False))
    assert digit_rule(config.digit_collections.get("Id")) == PersonnummerRule(
        allow_samordningsnummer=False
    )
    config.digit_collections.replace("Id", digits(kind="pin", max_length=6))
    assert digit_rule(config.digit_collections.get("Id")) == PinRule(length=6)


# Menus


def test_a_menu_pointing_to_a_missing_queue_is_refused(queues: Configuration, store: Store) -> None:
    item = menu("Main", keys={"1": {"kind": "queue", "queue": "Billing"}})
    refused(
        store,
        MissingReference,
        r"menu 'Main' key 1 points to the queue 'Billing', which does not exist",
        queues.menus.add,
        item,
    )


def test_mirrored_language_menus_are_allowed(queues: Configuration) -> None:
    queues.menus.add(menu("Svenska", keys={"1": {"kind": "queue", "queue": "Support"}}))
    queues.menus.add(
        menu(
            "English",
            "en",
            keys={
                "1": {"kind": "queue", "queue": "Support"},
                "9": {"kind": "language", "menu": "Svenska"},
            },
        )
    )
    queues.menus.replace(
        "Svenska",
        menu(
            "Svenska",
            keys={
                "1": {"kind": "queue", "queue": "Support"},
                "9": {"kind": "language", "menu": "English"},
            },
        ),
    )
    assert queues.menus.get("Svenska").keys["9"].model_dump() == {
        "kind": "language",
        "menu": "English",
    }


def test_a_language_switch_to_the_same_language_is_refused(
    queues: Configuration, store: Store
) -> None:
    queues.menus.add(menu("A"))
    refused(
        store,
        InvalidConfig,
        "a language switch must go to a menu of another language",
        queues.menus.add,
        menu("B", keys={"9": {"kind": "language", "menu": "A"}}),
    )


def test_menus_whose_timeouts_go_round_in_a_circle_are_refused(
    queues: Configuration, store: Store
) -> None:
    queues.menus.add(menu("A"))
    queues.menus.add(menu("B", on_timeout={"kind": "menu", "menu": "A"}))
    refused(
        store,
        InvalidConfig,
        r"menus 'A' -> 'B' -> 'A' send a caller who presses nothing round forever",
        queues.menus.replace,
        "A",
        menu(
            "A",
            on_timeout={
                "kind": "message",
                "prompt": "goodbye",
                "then": {"kind": "menu", "menu": "B"},
            },
        ),
    )
    # A key that leads back is the caller's choice, not a loop.
    queues.menus.replace("A", menu("A", keys={"0": {"kind": "menu", "menu": "B"}}))


def box(**fields: Any) -> VoicemailBoxItem:
    return VoicemailBoxItem.model_validate(
        {"name": "Kansliet", "greeting": "closed", "reader_roles": ["supervisor"], **fields}
    )


def test_a_voicemail_box_is_stored_checked_and_named_by_targets(
    queues: Configuration, store: Store
) -> None:
    add_user(store.engine, "Anna")
    item = box(
        readers=["anna"],
        notify_emails=["kansli@example.se"],
        attach_audio=True,
        notify_phones=["070-123 45 67"],
        max_message_s=60,
        retention_days=14,
    )
    queues.voicemail_boxes.add(item)
    # The user's name and the number in E.164, as the server keeps them.
    assert queues.voicemail_boxes.get("Kansliet") == item.model_copy(
        update={"readers": ["Anna"], "notify_phones": ["+46701234567"]}
    )

    for bad, match in [
        (box(name="B", greeting="no_such_prompt"), "no prompt named 'no_such_prompt'"),
        (box(name="B", reader_roles=[]), "nobody may read it; name the users"),
        (box(name="B", readers=["ghost"]), "there is no user 'ghost' to read it"),
        (box(name="B", readers=["anna", "ANNA"]), "the user 'ANNA' is named twice"),
        (box(name="B", attach_audio=True), "attach_audio needs an address"),
        (box(name="B", notify_emails=["a@b.se", "A@b.se"]), "e-mail address is named twice"),
        (box(name="B", notify_phones=["12"]), "notify_phones: '12' is not a phone number"),
        (
            box(name="B", notify_phones=["0701234567", "+46701234567"]),
            r"the number \+46701234567 is named twice in notify_phones",
        ),
    ]:
        refused(store, InvalidConfig, match, queues.voicemail_boxes.add, bad)
    refused(store, DuplicateName, "Kansliet", queues.voicemail_boxes.add, box())

    # Voicemail is a target wherever targets are chosen: a menu key, closed hours,
    # nobody logged in, a queue's overflow.
    target = {"kind": "voicemail", "box": "Kansliet"}
    queues.menus.add(menu("Main", keys={"1": target}))
    queues.entry_points.add(
        entry("100", {"kind": "menu", "menu": "Main"}, when_nobody_logged_in=target)
    )
    flow = QueueFlowItem.model_validate({"max_wait_s": 300, "on_max_wait": target})
    queues.set_queue_flow("Support", flow)
    assert queues.queue_flow("Support") == flow
    assert queues.menus.get("Main").keys["1"] == Voicemail(box="Kansliet")
    refused(
        store,
        MissingReference,
        "menu 'Other' key 2 points to the voicemail box 'Nowhere', which does not exist",
        queues.menus.add,
        menu("Other", keys={"2": {"kind": "voicemail", "box": "Nowhere"}}),
    )
    refused(
        store,
        StillReferenced,
        "voicemail box 'Kansliet'",
        queues.voicemail_boxes.delete,
        "Kansliet",
    )
    # A voicemail box is no first action: a caller always meets the menu or the queue.
    refused(
        store,
        InvalidConfig,
        "a 'voicemail' action cannot be used here",
        queues.entry_points.add,
        entry("200", target),
    )


CALLBACK_TARGET = {"kind": "callback", "queue": "Support"}
SUPPORT_CALLBACK = CallbackItem(key="5", schedule_key="6", sms_text="Vi har ringt dig.")


def test_a_callback_target_needs_its_queues_callback_settings(
    queues: Configuration, store: Store
) -> None:
    refused(
        store,
        InvalidConfig,
        "entry point '100' when nobody is logged in: a callback in queue 'Support' needs "
        "that queue's callback settings",
        queues.entry_points.add,
        entry("100", {"kind": "queue", "queue": "Support"}, when_nobody_logged_in=CALLBACK_TARGET),
    )
    refused(
        store,
        InvalidConfig,
        "queue 'Sales' on_max_wait: a callback in queue 'Support' needs",
        queues.set_queue_flow,
        "Sales",
        QueueFlowItem.model_validate({"max_wait_s": 60, "on_max_wait": CALLBACK_TARGET}),
    )
    # A queue's own rule may name its callback when the same settings give it one.
    refused(
        store,
        InvalidConfig,
        "queue 'Support' on_max_length: a callback in queue 'Support' needs",
        queues.set_queue_flow,
        "Support",
        QueueFlowItem.model_validate({"max_length": 5, "on_max_length": CALLBACK_TARGET}),
    )
    own = QueueFlowItem.model_validate(
        {"max_length": 5, "on_max_length": CALLBACK_TARGET, "callback": SUPPORT_CALLBACK}
    )
    queues.set_queue_flow("Support", own)
    assert queues.queue_flow("Support") == own

    # Then wherever targets are chosen: a menu key, an entry point's first action and
    # its closed hours, another queue's overflow.
    queues.menus.add(menu("Main", keys={"1": CALLBACK_TARGET}))
    queues.entry_points.add(entry("100", CALLBACK_TARGET))
    queues.entry_points.add(
        entry("200", {"kind": "menu", "menu": "Main"}, when_nobody_logged_in=CALLBACK_TARGET)
    )
    sales = QueueFlowItem.model_validate({"max_wait_s": 60, "on_max_wait": CALLBACK_TARGET})
    queues.set_queue_flow("Sales", sales)
    assert queues.menus.get("Main").keys["1"] == Callback(queue="Support")
    assert queues.entry_points.get("100").first == Callback(queue="Support")
    assert queues.queue_flow("Sales") == sales

    # Its callback settings cannot go while targets need them; a missing queue is named.
    refused(
        store,
        InvalidConfig,
        "queue 'Support': its callback settings are needed by the callback action of "
        "entry point '100', entry point '200', menu 'Main', queue 'Sales'",
        queues.set_queue_flow,
        "Support",
        QueueFlowItem(),
    )
    refused(
        store,
        MissingReference,
        "menu 'Other' key 2 points to the queue 'Nowhere', which does not exist",
        queues.menus.add,
        menu("Other", keys={"2": {"kind": "callback", "queue": "Nowhere"}}),
    )


def test_a_callback_target_without_its_queue_is_refused_by_the_wire_model() -> None:
    with pytest.raises(ValueError, match="queue"):
        MenuItem.model_validate(
            {"name": "M", "language": "sv", "prompt": "p", "keys": {"1": {"kind": "callback"}}}
        )


# A queue's callback (R17)


def test_a_queue_keeps_its_callback_settings(queues: Configuration) -> None:
    callback = CallbackItem(
        key="5",
        forced_after_s=600,
        forced_outside=CallbackWindow(start=time(8), end=time(16, 30)),
        confirm_number=True,
        order="agent_first",
        retries=3,
        retry_interval_s=120,
        sms_text="Vi har försökt ringa dig från Support.",
    )
    queues.set_queue_flow("Support", QueueFlowItem(callback=callback))
    assert queues.queue_flow("Support").callback == callback
    queues.set_queue_flow("Support", QueueFlowItem())
    assert queues.queue_flow("Support").callback is None


def test_a_callback_made_citizen_first_is_kept(queues: Configuration) -> None:
    """Both orders are built (R17): the citizen first one is stored as given."""
    callback = CallbackItem(key="5", order="citizen_first", sms_text="Hej")
    queues.set_queue_flow("Support", QueueFlowItem(callback=callback))
    assert queues.queue_flow("Support").callback == callback


@pytest.mark.parametrize(
    ("callback", "message"),
    [
        ({"sms_text": "Hej"}, "queue 'Support' callback: give a key that offers it"),
        (
            {
                "sms_text": "Hej",
                "forced_outside": {"start": "17:00", "end": "08:00"},
            },
            r"forced_outside ends \(08:00\) before it starts \(17:00\)",
        ),
        (
            {
                "sms_text": "Hej",
                "forced_outside": {"start": "08:00", "end": "17:00", "time_zone": "Mars/Base"},
            },
            "'Mars/Base' is not a time zone",
        ),
        (
            {"key": "5", "schedule_key": "5", "sms_text": "Hej"},
            "queue 'Support' callback: schedule_key '5' is its key already",
        ),
    ],
)
def test_a_callback_that_cannot_be_offered_is_refused(
    queues: Configuration, store: Store, callback: dict[str, Any], message: str
) -> None:
    item = QueueFlowItem(callback=CallbackItem.model_validate(callback))
    refused(store, InvalidConfig, message, queues.set_queue_flow, "Support", item)
    assert queues.queue_flow("Support").callback is None


@pytest.mark.parametrize(
    "callback",
    [
        {"key": "*", "sms_text": "Hej"},
        {"key": "5", "sms_text": "  "},
        {"key": "5"},
        {"key": "5", "sms_text": "Hej", "retries": 11},
        {"key": "5", "sms_text": "Hej", "order": "whenever"},
        {"key": "5", "sms_text": "Hej", "schedule_key": "#"},
        {"key": "5", "sms_text": "Hej", "schedule_lead_min": -1},
        {"key": "5", "sms_text": "Hej", "schedule_raise": 101},
    ],
)
def test_callback_settings_out_of_range_are_refused_by_the_wire_model(
    callback: dict[str, Any],
) -> None:
    with pytest.raises(ValueError, match="validation error"):
        CallbackItem.model_validate(callback)


# Entry points


def test_an_entry_point_starts_with_a_menu_or_a_queue(queues: Configuration, store: Store) -> None:
    refused(
        store,
        InvalidConfig,
        "entry point '100' first action: a 'transfer' action cannot be used here",
        queues.entry_points.add,
        entry("100", {"kind": "transfer", "number": "112"}),
    )
    queues.entry_points.add(entry("100", {"kind": "queue", "queue": "Support"}))
    refused(
        store,
        DuplicateName,
        "a entry point named '100' exists already",
        queues.entry_points.add,
        entry("100", {"kind": "queue", "queue": "Sales"}),
    )


def test_when_closed_needs_a_schedule(queues: Configuration, store: Store) -> None:
    refused(
        store,
        InvalidConfig,
        "when_closed needs a schedule",
        queues.entry_points.add,
        entry(
            "100",
            {"kind": "queue", "queue": "Support"},
            when_closed={"kind": "message", "prompt": "closed"},
        ),
    )


# Queue call flow and alarm rules


def test_a_queue_flow_is_stored_and_survives_a_rename(queues: Configuration) -> None:
    queues.add_skill("english")
    queues.announcement_sets.add(AnnouncementSetItem(name="Std", first="queue_first"))
    flow = QueueFlowItem.model_validate(
        {
            "announcements": "Std",
            "max_wait_s": 300,
            "on_max_wait": {"kind": "queue", "queue": "Sales"},
            "priority_rules": [{"prefix": "+4670", "priority": 3, "skill": "english"}],
        }
    )
    queues.set_queue_flow("Support", flow)
    queues.update_queue("Sales", QueueSettings("Sales desk"))
    assert queues.queue_flow("Support").on_max_wait.model_dump() == {  # type: ignore[union-attr]
        "kind": "queue",
        "queue": "Sales desk",
        "priority": 0,
        "skills": {},
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"max_length": 5}, "max_length and on_max_length go together"),
        (
            {"max_length": 5, "on_max_length": {"kind": "queue", "queue": "Support"}},
            "cannot overflow into itself",
        ),
        ({"on_closed": {"kind": "message", "prompt": "closed"}}, "on_closed needs a schedule"),
        (
            {"on_nobody_logged_in": {"kind": "menu", "menu": "X"}},
            "a 'menu' action cannot be used here",
        ),
        ({"priority_rules": [{"prefix": "08"}, {"prefix": "08"}]}, "'08' is listed twice"),
        ({"announcements": "Nope"}, "points to the announcement set 'Nope'"),
    ],
)
def test_bad_queue_flows_are_refused(
    queues: Configuration, store: Store, fields: dict[str, Any], message: str
) -> None:
    item = QueueFlowItem.model_validate(fields)
    refused(store, InvalidConfig, message, queues.set_queue_flow, "Support", item)


@pytest.mark.parametrize(
    ("metric", "threshold", "message"),
    [("service_level_pct", 120, "a percentage"), ("waiting_count", 2.5, "whole number")],
)
def test_bad_alarm_rules_are_refused(
    queues: Configuration, store: Store, metric: str, threshold: float, message: str
) -> None:
    item = AlarmRuleItem.model_validate(
        {
            "name": "A",
            "queue": "Support",
            "metric": metric,
            "comparison": ">",
            "threshold": threshold,
        }
    )
    refused(store, InvalidConfig, message, queues.alarm_rules.add, item)


# Deleting what is in use


def test_deleting_a_referenced_queue_names_who_uses_it(queues: Configuration, store: Store) -> None:
    add_user(store.engine, "anna")
    queues.set_agent_profile("anna", AgentSettings(memberships=[Membership("Sales")]))
    queues.menus.add(menu("Main", keys={"2": {"kind": "queue", "queue": "Sales"}}))
    queues.entry_points.add(entry("100", {"kind": "queue", "queue": "Sales"}))
    queues.set_queue_flow(
        "Support",
        QueueFlowItem.model_validate(
            {"max_length": 3, "on_max_length": {"kind": "queue", "queue": "Sales"}}
        ),
    )
    refused(
        store,
        StillReferenced,
        r"the queue 'Sales' cannot be deleted: it is used by agent 'anna', entry point '100', "
        r"menu 'Main', queue 'Support'",
        queues.delete_queue,
        "Sales",
    )


def test_deleting_a_referenced_schedule_menu_or_skill_is_refused(queues: Configuration) -> None:
    queues.schedules.add(ScheduleItem(name="Office"))
    queues.add_skill("english")
    queues.menus.add(menu("Main"))
    queues.entry_points.add(entry("100", {"kind": "menu", "menu": "Main"}, schedule="Office"))
    queues.set_queue_flow(
        "Support",
        QueueFlowItem.model_validate({"priority_rules": [{"prefix": "1", "skill": "english"}]}),
    )
    with pytest.raises(StillReferenced, match=r"schedule 'Office'.*entry point '100'"):
        queues.schedules.delete("Office")
    with pytest.raises(StillReferenced, match=r"menu 'Main'.*entry point '100'"):
        queues.menus.delete("Main")
    with pytest.raises(StillReferenced, match=r"skill 'english'.*queue 'Support'"):
        queues.delete_skill("english")
    queues.entry_points.delete("100")
    queues.menus.delete("Main")
    queues.schedules.delete("Office")


def test_a_menu_that_points_to_itself_can_be_deleted(queues: Configuration) -> None:
    queues.menus.add(menu("Main"))
    queues.menus.replace("Main", menu("Main", keys={"0": {"kind": "menu", "menu": "Main"}}))
    queues.menus.delete("Main")
    assert queues.menus.list() == []


def test_a_delete_guard_can_refuse_deleting_a_queue(queues: Configuration, store: Store) -> None:
    asked: list[tuple[int, str]] = []

    def calls_waiting(queue_id: int, name: str) -> None:
        asked.append((queue_id, name))
        if name == "Support":
            raise QueueNotEmpty(name, 3)

    queues.add_queue_delete_guard(calls_waiting)
    support_id = queues.queue("Support").id
    refused(
        store,
        QueueNotEmpty,
        r"the queue 'Support' cannot be deleted: 3 calls wait in it",
        queues.delete_queue,
        "Support",
    )
    queues.delete_queue("Sales")
    assert asked[0] == (support_id, "Support")
    assert [name for _, name in asked] == ["Support", "Sales"]
    assert [queue.settings.name for queue in queues.queues()] == ["Support"]


def test_listeners_hear_of_each_committed_change_only(config: Configuration) -> None:
    heard: list[ConfigChange] = []
    config.subscribe(heard.append)
    queue = config.add_queue(QueueSettings("Support"))
    config.set_queue_flow("Support", QueueFlowItem())
    with pytest.raises(ConfigError):
        config.menus.add(menu("Main", keys={"1": {"kind": "queue", "queue": "Nope"}}))
    config.menus.add(menu("Main"))
    config.delete_queue("Support")
    assert [(c.what, c.name, c.change) for c in heard] == [
        ("queue", "Support", ChangeKind.ADDED),
        ("queue", "Support", ChangeKind.CHANGED),
        ("menu", "Main", ChangeKind.ADDED),
        ("queue", "Support", ChangeKind.REMOVED),
    ]
    assert heard[0].id == queue.id


def test_skills_and_priority_from_menu_keys_and_entered_data_are_stored(
    queues: Configuration, store: Store
) -> None:
    queues.add_skill("invoice")
    queues.digit_collections.add(digits(name="Customer", kind="customer_number"))
    keys: dict[str, dict[str, Any]] = {
        "3": {"kind": "queue", "queue": "Support", "priority": 7, "skills": {"invoice": 2}},
        "2": {
            "kind": "digits",
            "collection": "Customer",
            "then": {"kind": "queue", "queue": "Sales"},
            "rules": [{"prefix": "9", "priority": 9, "skill": "invoice", "skill_level": 1}],
        },
    }
    item = menu("Main", keys=keys)
    queues.menus.add(item)
    assert queues.menus.get("Main") == item
    with pytest.raises(StillReferenced, match=r"skill 'invoice'.*menu 'Main'"):
        queues.delete_skill("invoice")
    for unknown in (
        {"kind": "queue", "queue": "Support", "skills": {"french": 1}},
        {**keys["2"], "rules": [{"prefix": "9", "skill": "french"}]},
    ):
        refused(
            store,
            MissingReference,
            r"menu 'Other' key 1 points to the skill 'french', which does not exist",
            queues.menus.add,
            menu("Other", keys={"1": unknown}),
        )
