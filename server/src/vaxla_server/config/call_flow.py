"""The call flow's configuration on one connection: schedules, prompts, announcement sets,
digit collections, menus, entry points, queue call-flow settings and alarm rules.

Each ``write_*`` checks an item against the rules and the rest of the stored
configuration, raising a ``ConfigError`` before it writes, and writes it; each ``read_*``
gives items back by name. Actions are stored as JSON in which the queues, menus and digit
collections they point to are row ids (``queue_id``, ``menu_id``, ``collection_id``), so a
rename keeps them pointing right; ``references`` lists every such pointer, for refusing
deletes and for ``check``.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Table, delete, insert, select, update

from vaxla_protocol.config import (
    Action,
    AlarmMetric,
    AlarmRuleItem,
    AnnouncementSetItem,
    Callback,
    CallbackItem,
    CollectDigits,
    DigitCollectionItem,
    DigitKind,
    EntryPointItem,
    GoToMenu,
    GoToQueue,
    HangUp,
    Language,
    MenuItem,
    OpeningInterval,
    PlayMessage,
    PriorityRule,
    PromptItem,
    QueueFlowItem,
    RecordingRuleItem,
    ScheduleException,
    ScheduleItem,
    SwitchLanguage,
    TransferTo,
    Voicemail,
    VoicemailBoxItem,
    Weekday,
)
from vaxla_protocol.sms import e164
from vaxla_server.auth.users import find_user_row
from vaxla_server.config.caller_input import (
    CustomerNumberRule,
    DigitRule,
    FreeDigitsRule,
    InvalidRuleError,
    PersonnummerRule,
    PinRule,
)
from vaxla_server.config.errors import (
    InvalidConfig,
    MissingReference,
    StillReferenced,
    UnknownPrompt,
)
from vaxla_server.config.prompts import LANGUAGES, PromptLibrary
from vaxla_server.config.schedule import (
    DailyInterval,
    DatedException,
    HolidayPolicy,
    Schedule,
    ScheduleError,
    SwedishHolidays,
    WeeklyHours,
)
from vaxla_server.config.schedule import Weekday as ScheduleWeekday
from vaxla_server.config.tables import (
    ALARM_RULES,
    ANNOUNCEMENT_SETS,
    DIGIT_COLLECTIONS,
    ENTRY_POINTS,
    MENU_KEYS,
    MENUS,
    PROMPTS,
    QUEUE_FLOWS,
    QUEUE_PRIORITY_RULES,
    QUEUES,
    RECORDING_RULES,
    SCHEDULE_EXCEPTIONS,
    SCHEDULE_INTERVALS,
    SCHEDULES,
    SKILLS,
    VOICEMAIL_BOXES,
)

# Where each kind of action may stand.
EVERY_ACTION = frozenset(
    {"menu", "queue", "digits", "message", "transfer", "language", "hangup", "voicemail",
     "callback"}
)  # fmt: skip
FIRST_ACTIONS = frozenset({"menu", "queue", "callback"})
OVERFLOW_ACTIONS = frozenset({"queue", "transfer", "message", "voicemail", "callback"})
# The JSON key of each reference an action can hold, with the table and the kind's name.
_ACTION_REFERENCES = {
    "menu": ("menu_id", MENUS, "menu"),
    "queue": ("queue_id", QUEUES, "queue"),
    "collection": ("collection_id", DIGIT_COLLECTIONS, "digit collection"),
    "box": ("box_id", VOICEMAIL_BOXES, "voicemail box"),
}
_DIGIT_DEFAULT_LENGTHS = {
    DigitKind.CUSTOMER_NUMBER: (1, 20),
    DigitKind.FREE_DIGITS: (1, 20),
}


@dataclass(frozen=True, slots=True)
class Reference:
    """``holder`` (e.g. ``menu 'Main'``, of kind ``holder_kind`` and id ``holder_id``)
    points to the ``kind`` whose id (or, for a prompt, ``name:language``) is ``target``."""

    holder: str
    holder_kind: str
    holder_id: int
    kind: str
    target: int | str


class Context:
    """One transaction's view for checking and writing: the connection and the prompts."""

    def __init__(self, connection: Connection, prompts: PromptLibrary) -> None:
        self.connection = connection
        self.prompts = prompts
        self.callback_queues: frozenset[str] | None = None
        """The queues with callback settings, while a whole document is written (its
        queues' settings are not all stored yet when an action names one); otherwise
        the store says."""
        self.writing: tuple[str, bool] | None = None
        """The queue whose call flow is being written, and whether it has callback
        settings in it (not those stored)."""

    def has_callback(self, queue: str) -> bool:
        """Whether the queue ``queue`` has callback settings (R17)."""
        if self.writing is not None and self.writing[0] == queue:
            return self.writing[1]
        if self.callback_queues is not None:
            return queue in self.callback_queues
        found = self.connection.execute(
            select(QUEUE_FLOWS.c.callback)
            .join(QUEUES, QUEUES.c.id == QUEUE_FLOWS.c.queue_id)
            .where(QUEUES.c.name == queue)
        ).first()
        return found is not None and found.callback is not None

    def id_of(self, table: Table, kind: str, name: str, holder: str) -> int:
        found: int | None = self.connection.execute(
            select(table.c.id).where(table.c.name == name)
        ).scalar_one_or_none()
        if found is None:
            raise MissingReference(holder, kind, name)
        return found

    def check_prompt(self, name: str, language: str | None, holder: str) -> None:
        languages = LANGUAGES if language is None else (language,)
        for candidate in languages:
            if self.prompts.default_path(name, candidate) is not None:
                return
        query = select(PROMPTS.c.id).where(PROMPTS.c.name == name)
        if language is not None:
            query = query.where(PROMPTS.c.language == language)
        if self.connection.execute(query.limit(1)).first() is None:
            raise UnknownPrompt(name, language, holder)


class Names:
    """Id to name of every kind an action or a flow can point to, read once."""

    def __init__(self, connection: Connection) -> None:
        def names(table: Table) -> dict[int, str]:
            return {
                row.id: row.name for row in connection.execute(select(table.c.id, table.c.name))
            }

        self.by_kind = {
            "menu": names(MENUS),
            "queue": names(QUEUES),
            "digit collection": names(DIGIT_COLLECTIONS),
            "schedule": names(SCHEDULES),
            "announcement set": names(ANNOUNCEMENT_SETS),
            "skill": names(SKILLS),
            "voicemail box": names(VOICEMAIL_BOXES),
        }

    def name(self, kind: str, row_id: int | None) -> str | None:
        return None if row_id is None else self.by_kind[kind][row_id]


# Actions


def encode_action(
    context: Context,
    action: Action,
    holder: str,
    allowed: frozenset[str] = EVERY_ACTION,
    language: str | None = None,
) -> dict[str, Any]:
    """The stored form of ``action``, or why it cannot stand here."""
    if action.kind not in allowed:
        raise InvalidConfig(
            f"{holder}: a {action.kind!r} action cannot be used here; "
            f"use one of: {', '.join(sorted(allowed))}"
        )
    encoded: dict[str, Any] = {"kind": action.kind}
    for field, (key, table, kind) in _ACTION_REFERENCES.items():
        if field in type(action).model_fields:
            encoded[key] = context.id_of(table, kind, getattr(action, field), holder)
    if isinstance(action, TransferTo):
        encoded["number"] = action.number
    elif isinstance(action, Callback) and not context.has_callback(action.queue):
        raise InvalidConfig(
            f"{holder}: a callback in queue {action.queue!r} needs that queue's callback "
            "settings (its callback: the SMS text, the tries); give them first"
        )
    elif isinstance(action, GoToQueue):
        if action.priority:
            encoded["priority"] = action.priority
        if action.skills:
            encoded["skill_levels"] = [
                [context.id_of(SKILLS, "skill", name, holder), level]
                for name, level in sorted(action.skills.items())
            ]
    elif isinstance(action, PlayMessage):
        context.check_prompt(action.prompt, language, holder)
        encoded["prompt"] = action.prompt
        encoded["then"] = (
            None
            if action.then is None
            else encode_action(
                context, action.then, f"{holder} (after the message)", EVERY_ACTION, language
            )
        )
    elif isinstance(action, CollectDigits):
        encoded["then"] = encode_action(
            context, action.then, f"{holder} (after the digits)", EVERY_ACTION, language
        )
        if action.rules:
            encoded["rules"] = [
                {
                    "prefix": rule.prefix,
                    "priority": rule.priority,
                    "skill_id": None
                    if rule.skill is None
                    else context.id_of(SKILLS, "skill", rule.skill, holder),
                    "skill_level": rule.skill_level,
                }
                for rule in action.rules
            ]
    return encoded


def decode_action(names: Names, data: Mapping[str, Any]) -> Action:
    kind = data["kind"]
    if kind == "menu":
        return GoToMenu(menu=_named(names, "menu", data["menu_id"]))
    if kind == "language":
        return SwitchLanguage(menu=_named(names, "menu", data["menu_id"]))
    if kind == "queue":
        return GoToQueue(
            queue=_named(names, "queue", data["queue_id"]),
            priority=data.get("priority", 0),
            skills={
                _named(names, "skill", skill): level
                for skill, level in data.get("skill_levels", [])
            },
        )
    if kind == "digits":
        return CollectDigits(
            collection=_named(names, "digit collection", data["collection_id"]),
            then=decode_action(names, data["then"]),
            rules=[
                PriorityRule(
                    prefix=rule["prefix"],
                    priority=rule["priority"],
                    skill=names.name("skill", rule["skill_id"]),
                    skill_level=rule["skill_level"],
                )
                for rule in data.get("rules", [])
            ],
        )
    if kind == "message":
        then = data.get("then")
        return PlayMessage(
            prompt=data["prompt"], then=None if then is None else decode_action(names, then)
        )
    if kind == "transfer":
        return TransferTo(number=data["number"])
    if kind == "voicemail":
        return Voicemail(box=_named(names, "voicemail box", data["box_id"]))
    if kind == "callback":
        return Callback(queue=_named(names, "queue", data["queue_id"]))
    return HangUp()


def _named(names: Names, kind: str, row_id: int) -> str:
    name = names.name(kind, row_id)
    assert name is not None
    return name


def _optional_action(names: Names, data: Mapping[str, Any] | None) -> Action | None:
    return None if data is None else decode_action(names, data)


def action_targets(data: Mapping[str, Any] | None) -> Iterator[tuple[str, int]]:
    """The (kind, id) pairs a stored action points to, its follow-ups included."""
    if data is None:
        return
    for _field, (key, _table, kind) in _ACTION_REFERENCES.items():
        if key in data:
            yield kind, data[key]
    for skill_id, _level in data.get("skill_levels", []):
        yield "skill", skill_id
    for rule in data.get("rules", []):
        if rule["skill_id"] is not None:
            yield "skill", rule["skill_id"]
    yield from action_targets(data.get("then"))


def action_prompts(data: Mapping[str, Any] | None) -> Iterator[str]:
    if data is None:
        return
    if data["kind"] == "message":
        yield data["prompt"]
    yield from action_prompts(data.get("then"))


# Schedules


def build_schedule(item: ScheduleItem) -> Schedule:
    """The opening hours ``config.schedule`` computes with, or why they are not valid."""

    def interval(value: OpeningInterval) -> DailyInterval:
        return DailyInterval(value.start, value.end, crosses_midnight=value.crosses_midnight)

    def exception(value: ScheduleException) -> DatedException:
        return DatedException(
            value.day, is_open=value.open, start=value.start, end=value.end, label=value.label
        )

    try:
        weekly = WeeklyHours(
            {
                ScheduleWeekday[day.name]: [interval(value) for value in intervals]
                for day, intervals in item.weekly.items()
            }
        )
        return Schedule(
            weekly,
            time_zone=item.time_zone,
            holiday_policy=HolidayPolicy(item.holiday_policy.value),
            holiday_hours=[interval(value) for value in item.holiday_hours],
            holiday_calendar=SwedishHolidays(include_eves=item.include_holiday_eves),
            exceptions=[exception(value) for value in item.exceptions],
        )
    except ScheduleError as error:
        raise InvalidConfig(f"schedule {item.name!r}: {error}") from None


def schedule_values(context: Context, item: ScheduleItem) -> dict[str, object]:
    """The schedule's row, once ``build_schedule`` has found its hours valid."""
    build_schedule(item)
    return {
        "name": item.name,
        "time_zone": item.time_zone,
        "holiday_policy": item.holiday_policy.value,
        "include_holiday_eves": item.include_holiday_eves,
    }


_WEEKDAYS = list(Weekday)


def write_schedule_children(context: Context, row_id: int, item: ScheduleItem) -> None:
    """Store the schedule's opening intervals and exceptions, replacing the old ones."""
    connection = context.connection
    for child in (SCHEDULE_INTERVALS, SCHEDULE_EXCEPTIONS):
        connection.execute(delete(child).where(child.c.schedule_id == row_id))
    intervals: list[tuple[int | None, OpeningInterval]] = [
        (_WEEKDAYS.index(day), value) for day, values in item.weekly.items() for value in values
    ]
    intervals += [(None, value) for value in item.holiday_hours]
    if intervals:
        connection.execute(
            insert(SCHEDULE_INTERVALS),
            [
                {
                    "schedule_id": row_id,
                    "position": position,
                    "weekday": weekday,
                    "start": value.start,
                    "end": value.end,
                    "crosses_midnight": value.crosses_midnight,
                }
                for position, (weekday, value) in enumerate(intervals)
            ],
        )
    if item.exceptions:
        connection.execute(
            insert(SCHEDULE_EXCEPTIONS),
            [
                {
                    "schedule_id": row_id,
                    "position": position,
                    "day": value.day,
                    "is_open": value.open,
                    "start": value.start,
                    "end": value.end,
                    "label": value.label,
                }
                for position, value in enumerate(item.exceptions)
            ],
        )


def read_schedules(connection: Connection, where: Any = None) -> list[ScheduleItem]:
    query = select(SCHEDULES).order_by(SCHEDULES.c.name)
    rows = connection.execute(query if where is None else query.where(where)).all()
    ids = [row.id for row in rows]
    weekly: dict[int, dict[Weekday, list[OpeningInterval]]] = {row_id: {} for row_id in ids}
    holiday: dict[int, list[OpeningInterval]] = {row_id: [] for row_id in ids}
    for value in connection.execute(
        select(SCHEDULE_INTERVALS)
        .where(SCHEDULE_INTERVALS.c.schedule_id.in_(ids))
        .order_by(SCHEDULE_INTERVALS.c.schedule_id, SCHEDULE_INTERVALS.c.position)
    ):
        interval = OpeningInterval(
            start=value.start, end=value.end, crosses_midnight=value.crosses_midnight
        )
        if value.weekday is None:
            holiday[value.schedule_id].append(interval)
        else:
            weekly[value.schedule_id].setdefault(_WEEKDAYS[value.weekday], []).append(interval)
    exceptions: dict[int, list[ScheduleException]] = {row_id: [] for row_id in ids}
    for value in connection.execute(
        select(SCHEDULE_EXCEPTIONS)
        .where(SCHEDULE_EXCEPTIONS.c.schedule_id.in_(ids))
        .order_by(SCHEDULE_EXCEPTIONS.c.schedule_id, SCHEDULE_EXCEPTIONS.c.position)
    ):
        exceptions[value.schedule_id].append(
            ScheduleException(
                day=value.day,
                open=value.is_open,
                start=value.start,
                end=value.end,
                label=value.label,
            )
        )
    return [
        ScheduleItem(
            name=row.name,
            time_zone=row.time_zone,
            weekly=weekly[row.id],
            holiday_policy=row.holiday_policy,
            include_holiday_eves=row.include_holiday_eves,
            holiday_hours=holiday[row.id],
            exceptions=exceptions[row.id],
        )
        for row in rows
    ]


# Prompts


def write_prompt(context: Context, item: PromptItem) -> tuple[int, bool]:
    """Register (or replace) the custom prompt; its id, and whether it is new."""
    language = item.language.value
    has_default = context.prompts.default_path(item.name, language) is not None
    if item.custom_path is None and not has_default:
        raise UnknownPrompt(item.name, language, "a prompt without custom_path")
    if item.custom_path is not None and not item.custom_path.startswith("/"):
        raise InvalidConfig(
            f"prompt {item.name!r} ({language}): custom_path must be an absolute path, "
            f"not {item.custom_path!r}"
        )
    connection = context.connection
    existing: int | None = connection.execute(
        select(PROMPTS.c.id).where(PROMPTS.c.name == item.name, PROMPTS.c.language == language)
    ).scalar_one_or_none()
    if existing is not None:
        connection.execute(
            update(PROMPTS).where(PROMPTS.c.id == existing).values(custom_path=item.custom_path)
        )
        return existing, False
    row_id: int = connection.execute(
        insert(PROMPTS).returning(PROMPTS.c.id),
        {"name": item.name, "language": language, "custom_path": item.custom_path},
    ).scalar_one()
    return row_id, True


def read_prompts(connection: Connection) -> list[PromptItem]:
    return [
        PromptItem(name=row.name, language=Language(row.language), custom_path=row.custom_path)
        for row in connection.execute(select(PROMPTS).order_by(PROMPTS.c.name, PROMPTS.c.language))
    ]


# Announcement sets


def announcement_values(context: Context, item: AnnouncementSetItem) -> dict[str, object]:
    holder = f"announcement set {item.name!r}"
    for prompt in ([item.first] if item.first else []) + item.periodic:
        context.check_prompt(prompt, None, holder)
    if item.periodic and item.periodic_interval_s <= 0:
        raise InvalidConfig(f"{holder}: periodic_interval_s must be more than 0")
    return {
        "name": item.name,
        "first_prompt": item.first,
        "periodic": list(item.periodic),
        "periodic_interval_s": item.periodic_interval_s,
        "announce_position": item.announce_position,
        "announce_wait": item.announce_wait,
        "announce_agents_answering": item.announce_agents_answering,
    }


def read_announcement_sets(connection: Connection, where: Any = None) -> list[AnnouncementSetItem]:
    query = select(ANNOUNCEMENT_SETS).order_by(ANNOUNCEMENT_SETS.c.name)
    return [
        AnnouncementSetItem(
            name=row.name,
            first=row.first_prompt,
            periodic=list(row.periodic),
            periodic_interval_s=row.periodic_interval_s,
            announce_position=row.announce_position,
            announce_wait=row.announce_wait,
            announce_agents_answering=row.announce_agents_answering,
        )
        for row in connection.execute(query if where is None else query.where(where))
    ]


# Digit collections


def digit_rule(item: DigitCollectionItem) -> DigitRule:
    """The ``config.caller_input`` rule of the definition, or why no input could pass it."""
    holder = f"digit collection {item.name!r}"
    low, high = item.min_length, item.max_length
    if item.luhn and item.kind is not DigitKind.CUSTOMER_NUMBER:
        raise InvalidConfig(f"{holder}: luhn applies to customer numbers only")
    if not item.allow_samordningsnummer and item.kind is not DigitKind.PERSONNUMMER:
        raise InvalidConfig(f"{holder}: allow_samordningsnummer applies to personnummer only")
    if low is not None and high is not None and low > high:
        raise InvalidConfig(f"{holder}: min_length {low} is more than max_length {high}")
    try:
        if item.kind is DigitKind.PERSONNUMMER:
            if (low is not None and low != 10) or (high is not None and high != 12):
                raise InvalidConfig(
                    f"{holder}: a personnummer has 10 or 12 digits; leave min_length and "
                    f"max_length out or give 10 and 12, not {low} and {high}"
                )
            return PersonnummerRule(allow_samordningsnummer=item.allow_samordningsnummer)
        if item.kind is DigitKind.PIN:
            if low is not None and high is not None and low != high:
                raise InvalidConfig(
                    f"{holder}: a PIN has one length; give min_length equal to max_length, "
                    f"not {low} and {high}"
                )
            return PinRule(length=high or low or 4)
        default_low, default_high = _DIGIT_DEFAULT_LENGTHS[item.kind]
        low = default_low if low is None else low
        high = max(default_high, low) if high is None else high
        if item.kind is DigitKind.CUSTOMER_NUMBER:
            return CustomerNumberRule(min_length=low, max_length=high, luhn=item.luhn)
        return FreeDigitsRule(min_length=low, max_length=high)
    except InvalidRuleError as error:
        raise InvalidConfig(f"{holder}: {error}") from None


def digit_collection_values(context: Context, item: DigitCollectionItem) -> dict[str, object]:
    """The row's values without ``on_failure`` (see ``digit_collection_failure``)."""
    digit_rule(item)
    holder = f"digit collection {item.name!r}"
    context.check_prompt(item.prompt, None, holder)
    context.check_prompt(item.invalid_prompt, None, holder)
    return {
        "name": item.name,
        "kind": item.kind.value,
        "min_length": item.min_length,
        "max_length": item.max_length,
        "luhn": item.luhn,
        "allow_samordningsnummer": item.allow_samordningsnummer,
        "retries": item.retries,
        "prompt": item.prompt,
        "invalid_prompt": item.invalid_prompt,
    }


def digit_collection_failure(context: Context, item: DigitCollectionItem) -> dict[str, Any] | None:
    if item.on_failure_menu is None:
        return None
    holder = f"digit collection {item.name!r} (after the last failed try)"
    return encode_action(context, GoToMenu(menu=item.on_failure_menu), holder)


def read_digit_collections(
    connection: Connection, names: Names, where: Any = None
) -> list[DigitCollectionItem]:
    query = select(DIGIT_COLLECTIONS).order_by(DIGIT_COLLECTIONS.c.name)
    return [
        DigitCollectionItem(
            name=row.name,
            kind=DigitKind(row.kind),
            min_length=row.min_length,
            max_length=row.max_length,
            luhn=row.luhn,
            allow_samordningsnummer=row.allow_samordningsnummer,
            retries=row.retries,
            prompt=row.prompt,
            invalid_prompt=row.invalid_prompt,
            on_failure_menu=None
            if row.on_failure is None
            else names.name("menu", row.on_failure["menu_id"]),
        )
        for row in connection.execute(query if where is None else query.where(where))
    ]


# Menus


def menu_values(context: Context, item: MenuItem) -> dict[str, object]:
    """The row's plain values (``on_timeout`` a hang-up until ``write_menu_actions``)."""
    holder = f"menu {item.name!r}"
    context.check_prompt(item.prompt, item.language.value, holder)
    context.check_prompt(item.invalid_prompt, item.language.value, holder)
    return {
        "name": item.name,
        "language": item.language.value,
        "prompt": item.prompt,
        "timeout_s": item.timeout_s,
        "retries": item.retries,
        "invalid_prompt": item.invalid_prompt,
        "on_timeout": {"kind": "hangup"},
    }


def write_menu_actions(context: Context, row_id: int, item: MenuItem) -> None:
    """Check and store the menu's keys and its timeout action, replacing the old ones."""
    connection = context.connection
    language = item.language.value
    keys: list[dict[str, Any]] = []
    for key, action in sorted(item.keys.items()):
        holder = f"menu {item.name!r} key {key}"
        keys.append(
            {
                "menu_id": row_id,
                "key": key,
                "action": encode_action(context, action, holder, EVERY_ACTION, language),
            }
        )
        _check_language_switch(connection, item, action, holder)
    holder = f"menu {item.name!r} on timeout"
    on_timeout = encode_action(context, item.on_timeout, holder, EVERY_ACTION, language)
    _check_language_switch(connection, item, item.on_timeout, holder)
    connection.execute(update(MENUS).where(MENUS.c.id == row_id).values(on_timeout=on_timeout))
    connection.execute(delete(MENU_KEYS).where(MENU_KEYS.c.menu_id == row_id))
    if keys:
        connection.execute(insert(MENU_KEYS), keys)


def _check_language_switch(
    connection: Connection, item: MenuItem, action: Action, holder: str
) -> None:
    if not isinstance(action, SwitchLanguage):
        return
    language = connection.execute(
        select(MENUS.c.language).where(MENUS.c.name == action.menu)
    ).scalar_one()
    if language == item.language.value:
        raise InvalidConfig(
            f"{holder}: a language switch must go to a menu of another language; "
            f"menu {action.menu!r} is in {language!r} like this one (use a 'menu' action)"
        )


def check_timeout_cycles(connection: Connection) -> None:
    """Refuse menus whose timeout actions lead a silent caller round in a circle.

    Keys, and language switches chosen by a key, are choices the caller makes, so cycles
    through them are normal (a Swedish and an English menu that switch to each other).
    What happens with no input must end somewhere: a queue, a transfer, a hang-up.
    """
    names = {row.id: row.name for row in connection.execute(select(MENUS.c.id, MENUS.c.name))}
    failures = {
        row.id: row.on_failure
        for row in connection.execute(
            select(DIGIT_COLLECTIONS.c.id, DIGIT_COLLECTIONS.c.on_failure)
        )
    }

    def silent_next(data: Mapping[str, Any] | None) -> Iterator[int]:
        if data is None:
            return
        if data["kind"] in ("menu", "language"):
            yield data["menu_id"]
        elif data["kind"] == "message":
            yield from silent_next(data.get("then"))
        elif data["kind"] == "digits":
            # A silent caller fails the collection: its failure menu, or on without it.
            failure = failures.get(data["collection_id"])
            if failure is not None:
                yield failure["menu_id"]
            else:
                yield from silent_next(data.get("then"))

    edges = {
        row.id: list(silent_next(row.on_timeout))
        for row in connection.execute(select(MENUS.c.id, MENUS.c.on_timeout))
    }
    done: set[int] = set()
    for start in sorted(edges, key=lambda menu_id: names[menu_id]):
        path: list[int] = []
        current: int | None = start
        while current is not None and current not in done:
            if current in path:
                loop = [names[menu] for menu in path[path.index(current) :]] + [names[current]]
                raise InvalidConfig(
                    "menus "
                    + " -> ".join(repr(name) for name in loop)
                    + " send a caller who presses nothing round forever through their "
                    "timeouts; let one of them end in a queue, a transfer or a hang-up"
                )
            path.append(current)
            following = edges.get(current, [])
            current = following[0] if following else None
        done.update(path)


def read_menus(connection: Connection, names: Names, where: Any = None) -> list[MenuItem]:
    query = select(MENUS).order_by(MENUS.c.name)
    rows = connection.execute(query if where is None else query.where(where)).all()
    keys: dict[int, dict[str, Action]] = {row.id: {} for row in rows}
    for key in connection.execute(
        select(MENU_KEYS).where(MENU_KEYS.c.menu_id.in_(list(keys))).order_by(MENU_KEYS.c.key)
    ):
        keys[key.menu_id][key.key] = decode_action(names, key.action)
    return [
        MenuItem.model_validate(
            {
                "name": row.name,
                "language": row.language,
                "prompt": row.prompt,
                "keys": keys[row.id],
                "timeout_s": row.timeout_s,
                "retries": row.retries,
                "invalid_prompt": row.invalid_prompt,
                "on_timeout": decode_action(names, row.on_timeout),
            }
        )
        for row in rows
    ]


# Entry points


def entry_point_values(context: Context, item: EntryPointItem) -> dict[str, object]:
    holder = f"entry point {item.address!r}"
    language = item.language.value
    if item.welcome_prompt is not None:
        context.check_prompt(item.welcome_prompt, language, holder)
    schedule_id = (
        None
        if item.schedule is None
        else context.id_of(SCHEDULES, "schedule", item.schedule, holder)
    )
    if item.when_closed is not None and item.schedule is None:
        raise InvalidConfig(f"{holder}: when_closed needs a schedule that says when it is closed")
    return {
        "address": item.address,
        "name": item.name,
        "language": language,
        "schedule_id": schedule_id,
        "welcome_prompt": item.welcome_prompt,
        "first_action": encode_action(
            context, item.first, f"{holder} first action", FIRST_ACTIONS, language
        ),
        "when_closed": _optional(context, item.when_closed, f"{holder} when closed", language),
        "when_nobody_logged_in": _optional(
            context, item.when_nobody_logged_in, f"{holder} when nobody is logged in", language
        ),
    }


def _optional(
    context: Context, action: Action | None, holder: str, language: str | None
) -> dict[str, Any] | None:
    if action is None:
        return None
    return encode_action(context, action, holder, OVERFLOW_ACTIONS, language)


def read_entry_points(
    connection: Connection, names: Names, where: Any = None
) -> list[EntryPointItem]:
    query = select(ENTRY_POINTS).order_by(ENTRY_POINTS.c.address)
    return [
        EntryPointItem(
            address=row.address,
            name=row.name,
            language=Language(row.language),
            schedule=names.name("schedule", row.schedule_id),
            welcome_prompt=row.welcome_prompt,
            first=decode_action(names, row.first_action),
            when_closed=_optional_action(names, row.when_closed),
            when_nobody_logged_in=_optional_action(names, row.when_nobody_logged_in),
        )
        for row in connection.execute(query if where is None else query.where(where))
    ]


# Queue call-flow settings


def write_queue_flow(context: Context, queue_id: int, queue: str, flow: QueueFlowItem) -> None:
    """Check and store the queue's call flow, replacing the one it had."""
    holder = f"queue {queue!r}"
    if flow.callback is not None:
        check_callback(flow.callback, holder)
    else:
        _no_callbacks_into(context.connection, queue_id, holder)
    for limit, target, what in (
        (flow.max_length, flow.on_max_length, "max_length and on_max_length"),
        (flow.max_wait_s, flow.on_max_wait, "max_wait_s and on_max_wait"),
    ):
        if (limit is None) != (target is None):
            raise InvalidConfig(f"{holder}: {what} go together; give both or neither")
    if flow.on_closed is not None and flow.schedule is None:
        raise InvalidConfig(f"{holder}: on_closed needs a schedule that says when it is closed")
    targets: dict[str, dict[str, Any] | None] = {}
    for field in ("on_max_length", "on_max_wait", "on_closed", "on_nobody_logged_in"):
        action: Action | None = getattr(flow, field)
        if isinstance(action, GoToQueue) and action.queue == queue:
            raise InvalidConfig(f"{holder} {field}: a queue cannot overflow into itself")
        context.writing = (queue, flow.callback is not None)
        try:
            targets[field] = _optional(context, action, f"{holder} {field}", None)
        finally:
            context.writing = None
    seen: set[str] = set()
    rules: list[dict[str, object]] = []
    for position, rule in enumerate(flow.priority_rules):
        if rule.prefix in seen:
            raise InvalidConfig(
                f"{holder}: the priority rule prefix {rule.prefix!r} is listed twice"
            )
        seen.add(rule.prefix)
        rules.append(
            {
                "queue_id": queue_id,
                "position": position,
                "prefix": rule.prefix,
                "priority": rule.priority,
                "skill_id": None
                if rule.skill is None
                else context.id_of(SKILLS, "skill", rule.skill, f"{holder} priority rule"),
                "skill_level": rule.skill_level,
            }
        )
    values = {
        "queue_id": queue_id,
        "announcement_set_id": None
        if flow.announcements is None
        else context.id_of(ANNOUNCEMENT_SETS, "announcement set", flow.announcements, holder),
        "max_length": flow.max_length,
        "max_wait_s": flow.max_wait_s,
        "schedule_id": None
        if flow.schedule is None
        else context.id_of(SCHEDULES, "schedule", flow.schedule, holder),
        "callback": None
        if flow.callback is None
        else flow.callback.model_dump(mode="json", exclude_defaults=True),
        **targets,
    }
    connection = context.connection
    for table in (QUEUE_FLOWS, QUEUE_PRIORITY_RULES):
        connection.execute(delete(table).where(table.c.queue_id == queue_id))
    connection.execute(insert(QUEUE_FLOWS), values)
    if rules:
        connection.execute(insert(QUEUE_PRIORITY_RULES), rules)


def _no_callbacks_into(connection: Connection, queue_id: int, holder: str) -> None:
    """Refuse taking a queue's callback settings away while a callback action names it."""
    stored: list[tuple[str, Any]] = []
    for menu in connection.execute(select(MENUS.c.name, MENUS.c.on_timeout)):
        stored.append((f"menu {menu.name!r}", menu.on_timeout))
    for key in connection.execute(
        select(MENUS.c.name, MENU_KEYS.c.action).join(MENUS, MENUS.c.id == MENU_KEYS.c.menu_id)
    ):
        stored.append((f"menu {key.name!r}", key.action))
    for row in connection.execute(select(DIGIT_COLLECTIONS.c.name, DIGIT_COLLECTIONS.c.on_failure)):
        stored.append((f"digit collection {row.name!r}", row.on_failure))
    for entry in connection.execute(select(ENTRY_POINTS)):
        for data in (entry.first_action, entry.when_closed, entry.when_nobody_logged_in):
            stored.append((f"entry point {entry.address!r}", data))
    names = {row.id: row.name for row in connection.execute(select(QUEUES.c.id, QUEUES.c.name))}
    for row in connection.execute(select(QUEUE_FLOWS).where(QUEUE_FLOWS.c.queue_id != queue_id)):
        for data in (row.on_max_length, row.on_max_wait, row.on_closed, row.on_nobody_logged_in):
            stored.append((f"queue {names[row.queue_id]!r}", data))
    users = sorted({where for where, data in stored if _calls_back_into(data, queue_id)})
    if users:
        raise InvalidConfig(
            f"{holder}: its callback settings are needed by the callback action of "
            f"{', '.join(users)}; change that first"
        )


def _calls_back_into(data: Mapping[str, Any] | None, queue_id: int) -> bool:
    while data is not None:
        if data["kind"] == "callback" and data.get("queue_id") == queue_id:
            return True
        data = data.get("then")
    return False


def check_callback(callback: CallbackItem, holder: str) -> None:
    """Why a queue's callback settings cannot stand (R17), if they cannot."""
    where = f"{holder} callback"
    if callback.key is None and callback.forced_after_s is None and callback.forced_outside is None:
        raise InvalidConfig(
            f"{where}: give a key that offers it, a rule that imposes it "
            "(forced_after_s, forced_outside), or both"
        )
    if callback.schedule_key is not None and callback.schedule_key == callback.key:
        raise InvalidConfig(
            f"{where}: schedule_key {callback.schedule_key!r} is its key already; "
            "give the caller two different keys"
        )
    window = callback.forced_outside
    if window is not None:
        if window.end <= window.start:
            raise InvalidConfig(
                f"{where}: forced_outside ends ({window.end:%H:%M}) before it starts "
                f"({window.start:%H:%M}); give a window within one day"
            )
        try:
            ZoneInfo(window.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidConfig(
                f"{where}: {window.time_zone!r} is not a time zone (e.g. Europe/Stockholm)"
            ) from None


def read_queue_flows(connection: Connection, names: Names) -> dict[int, QueueFlowItem]:
    """The call flow of every queue that has one, by queue id."""
    rules: dict[int, list[PriorityRule]] = {}
    for rule in connection.execute(
        select(QUEUE_PRIORITY_RULES).order_by(
            QUEUE_PRIORITY_RULES.c.queue_id, QUEUE_PRIORITY_RULES.c.position
        )
    ):
        rules.setdefault(rule.queue_id, []).append(
            PriorityRule(
                prefix=rule.prefix,
                priority=rule.priority,
                skill=names.name("skill", rule.skill_id),
                skill_level=rule.skill_level,
            )
        )
    return {
        row.queue_id: QueueFlowItem(
            announcements=names.name("announcement set", row.announcement_set_id),
            max_length=row.max_length,
            on_max_length=_optional_action(names, row.on_max_length),
            max_wait_s=row.max_wait_s,
            on_max_wait=_optional_action(names, row.on_max_wait),
            schedule=names.name("schedule", row.schedule_id),
            on_closed=_optional_action(names, row.on_closed),
            on_nobody_logged_in=_optional_action(names, row.on_nobody_logged_in),
            priority_rules=rules.get(row.queue_id, []),
            callback=None if row.callback is None else CallbackItem.model_validate(row.callback),
        )
        for row in connection.execute(select(QUEUE_FLOWS))
    }


# Alarm rules

_WHOLE_METRICS = (AlarmMetric.WAITING_COUNT, AlarmMetric.AGENTS_READY)


def alarm_rule_values(context: Context, item: AlarmRuleItem) -> dict[str, object]:
    holder = f"alarm rule {item.name!r}"
    if item.metric is AlarmMetric.SERVICE_LEVEL_PCT and item.threshold > 100:
        raise InvalidConfig(f"{holder}: a service level threshold is a percentage, 0 to 100")
    if item.metric is AlarmMetric.SERVICE_LEVEL_PCT and (item.clear_at or 0) > 100:
        raise InvalidConfig(f"{holder}: clear_at of a service level is a percentage, 0 to 100")
    if item.metric in _WHOLE_METRICS and item.threshold != int(item.threshold):
        raise InvalidConfig(
            f"{holder}: {item.metric.value} counts calls or agents; give a whole number"
        )
    return {
        "name": item.name,
        "queue_id": context.id_of(QUEUES, "queue", item.queue, holder),
        "metric": item.metric.value,
        "comparison": item.comparison.value,
        "threshold": item.threshold,
        "severity": item.severity.value,
        "clear_at": item.clear_at,
        "quiet_s": item.quiet_s,
        "recipients": list(item.recipients),
    }


def read_alarm_rules(
    connection: Connection, names: Names, where: Any = None
) -> list[AlarmRuleItem]:
    query = select(ALARM_RULES).order_by(ALARM_RULES.c.name)
    return [
        AlarmRuleItem.model_validate(
            {
                "name": row.name,
                "queue": names.name("queue", row.queue_id),
                "metric": row.metric,
                "comparison": row.comparison,
                "threshold": row.threshold,
                "severity": row.severity,
                "clear_at": row.clear_at,
                "quiet_s": row.quiet_s,
                "recipients": row.recipients,
            }
        )
        for row in connection.execute(query if where is None else query.where(where))
    ]


# Voicemail boxes


def voicemail_box_values(context: Context, item: VoicemailBoxItem) -> dict[str, object]:
    holder = f"voicemail box {item.name!r}"
    context.check_prompt(item.greeting, None, holder)
    if not item.readers and not item.reader_roles:
        raise InvalidConfig(
            f"{holder}: nobody may read it; name the users (readers) or the roles "
            "(reader_roles) who may"
        )
    readers: list[str] = []
    for username in item.readers:
        row = find_user_row(context.connection, username)
        if row is None:
            raise InvalidConfig(f"{holder}: there is no user {username!r} to read it")
        if row.username in readers:
            raise InvalidConfig(f"{holder}: the user {username!r} is named twice")
        readers.append(row.username)
    roles = [role.value for role in item.reader_roles]
    if len(set(roles)) != len(roles):
        raise InvalidConfig(f"{holder}: a role is named twice in reader_roles")
    emails = [address.lower() for address in item.notify_emails]
    if len(set(emails)) != len(emails):
        raise InvalidConfig(f"{holder}: an e-mail address is named twice in notify_emails")
    if item.attach_audio and not item.notify_emails:
        raise InvalidConfig(
            f"{holder}: attach_audio needs an address in notify_emails to attach it to"
        )
    phones: list[str] = []
    for number in item.notify_phones:
        try:
            phone = e164(number)
        except ValueError as error:
            raise InvalidConfig(f"{holder}: notify_phones: {error}") from None
        if phone in phones:
            raise InvalidConfig(f"{holder}: the number {phone} is named twice in notify_phones")
        phones.append(phone)
    if item.task_queue is not None:
        context.id_of(QUEUES, "queue", item.task_queue, f"{holder} (its task_queue)")
    return {
        "name": item.name,
        "greeting": item.greeting,
        "max_message_s": item.max_message_s,
        "readers": readers,
        "reader_roles": roles,
        "notify_app": item.notify_app,
        "notify_emails": list(item.notify_emails),
        "attach_audio": item.attach_audio,
        "notify_phones": phones,
        "retention_days": item.retention_days,
        "task_queue": item.task_queue,
        "task_priority": item.task_priority,
    }


def read_voicemail_boxes(connection: Connection, where: Any = None) -> list[VoicemailBoxItem]:
    query = select(VOICEMAIL_BOXES).order_by(VOICEMAIL_BOXES.c.name)
    return [
        VoicemailBoxItem.model_validate(
            {
                "name": row.name,
                "greeting": row.greeting,
                "max_message_s": row.max_message_s,
                "readers": row.readers,
                "reader_roles": row.reader_roles,
                "notify_app": row.notify_app,
                "notify_emails": row.notify_emails,
                "attach_audio": row.attach_audio,
                "notify_phones": row.notify_phones,
                "retention_days": row.retention_days,
                "task_queue": row.task_queue,
                "task_priority": row.task_priority,
            }
        )
        for row in connection.execute(query if where is None else query.where(where))
    ]


# Recording rules


def recording_rule_values(context: Context, item: RecordingRuleItem) -> dict[str, object]:
    holder = f"recording rule {item.name!r}"
    context.check_prompt(item.consent_prompt, None, holder)
    if item.queue is not None:
        context.id_of(QUEUES, "queue", item.queue, holder)
        target, column = f"queue {item.queue!r}", RECORDING_RULES.c.queue == item.queue
    else:
        address = item.entry_point
        found = context.connection.execute(
            select(ENTRY_POINTS.c.id).where(ENTRY_POINTS.c.address == address)
        ).first()
        if found is None:
            raise MissingReference(holder, "entry point", str(address))
        target, column = f"entry point {address!r}", RECORDING_RULES.c.entry_point == address
    other = context.connection.execute(
        select(RECORDING_RULES.c.name).where(column, RECORDING_RULES.c.name != item.name)
    ).scalar_one_or_none()
    if other is not None:
        raise InvalidConfig(
            f"{holder}: {target} has a recording rule already ({other!r}); one rule a "
            "queue or entry point"
        )
    return {
        "name": item.name,
        "queue": item.queue,
        "entry_point": item.entry_point,
        "mode": item.mode.value,
        "share_percent": item.share_percent,
        "consent_prompt": item.consent_prompt,
        "retention_days": item.retention_days,
    }


def read_recording_rules(connection: Connection, where: Any = None) -> list[RecordingRuleItem]:
    query = select(RECORDING_RULES).order_by(RECORDING_RULES.c.name)
    return [
        RecordingRuleItem.model_validate(
            {
                "name": row.name,
                "queue": row.queue,
                "entry_point": row.entry_point,
                "mode": row.mode,
                "share_percent": row.share_percent,
                "consent_prompt": row.consent_prompt,
                "retention_days": row.retention_days,
            }
        )
        for row in connection.execute(query if where is None else query.where(where))
    ]


# References


def references(connection: Connection) -> list[Reference]:
    """Every pointer from one piece of the call flow's configuration to another.

    Prompts are named ``name:language`` when the holder has a language, else
    ``name:*``.
    """
    found: list[Reference] = []

    def add(holder: tuple[str, str, int], pairs: Iterable[tuple[str, int | str]]) -> None:
        label, kind, holder_id = holder
        found.extend(
            Reference(label, kind, holder_id, target_kind, target) for target_kind, target in pairs
        )

    def prompts(names: Iterable[str | None], language: str | None) -> list[tuple[str, int | str]]:
        return [("prompt", f"{name}:{language or '*'}") for name in names if name is not None]

    for row in connection.execute(select(MENUS)):
        holder = (f"menu {row.name!r}", "menu", row.id)
        add(holder, action_targets(row.on_timeout))
        add(
            holder,
            prompts(
                [row.prompt, row.invalid_prompt, *action_prompts(row.on_timeout)], row.language
            ),
        )
    for key in connection.execute(
        select(MENU_KEYS.c.action, MENUS.c.id, MENUS.c.name, MENUS.c.language).join(
            MENUS, MENUS.c.id == MENU_KEYS.c.menu_id
        )
    ):
        holder = (f"menu {key.name!r}", "menu", key.id)
        add(holder, action_targets(key.action))
        add(holder, prompts(action_prompts(key.action), key.language))
    for row in connection.execute(select(DIGIT_COLLECTIONS)):
        holder = (f"digit collection {row.name!r}", "digit collection", row.id)
        add(holder, action_targets(row.on_failure))
        add(holder, prompts([row.prompt, row.invalid_prompt], None))
    for row in connection.execute(select(ENTRY_POINTS)):
        holder = (f"entry point {row.address!r}", "entry point", row.id)
        if row.schedule_id is not None:
            add(holder, [("schedule", row.schedule_id)])
        for data in (row.first_action, row.when_closed, row.when_nobody_logged_in):
            add(holder, action_targets(data))
            add(holder, prompts(action_prompts(data), row.language))
        add(holder, prompts([row.welcome_prompt], row.language))
    queue_names = {
        row.id: row.name for row in connection.execute(select(QUEUES.c.id, QUEUES.c.name))
    }
    for row in connection.execute(select(QUEUE_FLOWS)):
        holder = (f"queue {queue_names[row.queue_id]!r}", "queue", row.queue_id)
        if row.announcement_set_id is not None:
            add(holder, [("announcement set", row.announcement_set_id)])
        if row.schedule_id is not None:
            add(holder, [("schedule", row.schedule_id)])
        for data in (row.on_max_length, row.on_max_wait, row.on_closed, row.on_nobody_logged_in):
            add(holder, action_targets(data))
            add(holder, prompts(action_prompts(data), None))
    for rule in connection.execute(select(QUEUE_PRIORITY_RULES)):
        if rule.skill_id is not None:
            holder = (f"queue {queue_names[rule.queue_id]!r}", "queue", rule.queue_id)
            add(holder, [("skill", rule.skill_id)])
    for row in connection.execute(select(ANNOUNCEMENT_SETS)):
        holder = (f"announcement set {row.name!r}", "announcement set", row.id)
        add(holder, prompts([row.first_prompt, *row.periodic], None))
    for row in connection.execute(select(VOICEMAIL_BOXES)):
        holder = (f"voicemail box {row.name!r}", "voicemail box", row.id)
        add(holder, prompts([row.greeting], None))
        queue_ids = {name: queue_id for queue_id, name in queue_names.items()}
        if row.task_queue in queue_ids:  # its voicemail tasks go to that queue
            add(holder, [("queue", queue_ids[row.task_queue])])
    for row in connection.execute(select(RECORDING_RULES)):
        holder = (f"recording rule {row.name!r}", "recording rule", row.id)
        add(holder, prompts([row.consent_prompt], None))
    return found


def refuse_if_referenced(connection: Connection, kind: str, target: int | str, name: str) -> None:
    """``StillReferenced`` naming every holder that points to it (itself excepted)."""
    holders = sorted(
        {
            reference.holder
            for reference in references(connection)
            if reference.kind == kind
            and reference.target == target
            and not (reference.holder_kind == kind and reference.holder_id == target)
        }
    )
    if holders:
        raise StillReferenced(kind, name, holders)
