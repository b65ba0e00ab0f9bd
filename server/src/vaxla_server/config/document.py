"""The whole configuration at once: load it from one document (all or nothing, every
problem listed), export it, and check what is stored for problems.

The document replaces the configuration: everything is deleted and written again in one
transaction, so ids change; the users stay (agent profiles name existing users).
"""

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, delete, insert, select, update

from vaxla_protocol.config import (
    ClassificationCodeItem,
    ConfigDocument,
    DigitCollectionItem,
    LicenceItem,
    MenuItem,
    PauseReasonItem,
    QueueFlowItem,
    QueueItem,
    SkillItem,
    TrunkItem,
)
from vaxla_server.config import call_flow as flow
from vaxla_server.config import kinds, routing, tables
from vaxla_server.config.call_flow import Context, Names
from vaxla_server.config.errors import ConfigError, InvalidDocument
from vaxla_server.config.problems import ConfigProblem, Severity
from vaxla_server.config.prompts import LANGUAGES, PromptLibrary
from vaxla_server.config.repository import Item, NamedKind
from vaxla_server.config.settings import (
    check_code,
    check_label,
    check_name,
    checked_agent,
    checked_queue,
)
from vaxla_server.config.trunks import check_with_others, exported, read_trunks, write_trunk
from vaxla_server.config.wire import agent_item, agent_settings, queue_item, queue_settings

T = TypeVar("T")

# Children before parents, so deleting in this order meets no foreign key.
_TABLES_IN_DELETE_ORDER = (
    tables.TRUNKS,
    tables.ALARM_RULES,
    tables.QUEUE_PRIORITY_RULES,
    tables.QUEUE_FLOWS,
    tables.ENTRY_POINTS,
    tables.MENU_KEYS,
    tables.MENUS,
    tables.DIGIT_COLLECTIONS,
    tables.AGENT_CAPACITIES,
    tables.AGENT_MEMBERSHIPS,
    tables.AGENT_SKILLS,
    tables.AGENT_PROFILES,
    tables.QUEUE_EXPANSION_STEPS,
    tables.QUEUE_REQUIREMENTS,
    tables.QUEUES,
    tables.ANNOUNCEMENT_SETS,
    tables.VOICEMAIL_BOXES,
    tables.RECORDING_RULES,
    tables.PROMPTS,
    tables.SCHEDULE_EXCEPTIONS,
    tables.SCHEDULE_INTERVALS,
    tables.SCHEDULES,
    tables.CLASSIFICATION_CODES,
    tables.PAUSE_REASONS,
    tables.SKILLS,
    tables.LICENCE,
)


class _Problems:
    """Runs each step, keeping every ``ConfigError`` as a problem instead of stopping."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def attempt(self, where: str, step: Callable[..., T], *args: Any) -> T | None:
        try:
            return step(*args)
        except ConfigError as error:
            message = str(error)
            self.found.append(message if where in message else f"{where}: {message}")
            return None


def _duplicates(problems: _Problems, kind: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.found.append(f"the document lists the {kind} {name!r} twice")
        seen.add(name)


def apply(connection: Connection, prompts: PromptLibrary, document: ConfigDocument) -> None:
    """Replace the configuration with ``document``, or raise ``InvalidDocument`` listing
    every problem (the caller's transaction then rolls back)."""
    problems = _Problems()
    for kind, names in (
        ("skill", [item.name for item in document.skills]),
        ("pause reason", [item.code for item in document.pause_reasons]),
        ("classification code", [item.code for item in document.classification_codes]),
        ("schedule", [item.name for item in document.schedules]),
        ("prompt", [f"{item.name} ({item.language.value})" for item in document.prompts]),
        ("announcement set", [item.name for item in document.announcement_sets]),
        ("queue", [item.name for item in document.queues]),
        ("agent profile", [item.username.lower() for item in document.agents]),
        ("digit collection", [item.name for item in document.digit_collections]),
        ("menu", [item.name for item in document.menus]),
        ("entry point", [item.address for item in document.entry_points]),
        ("entry point name", [item.name for item in document.entry_points]),
        ("alarm rule", [item.name for item in document.alarm_rules]),
        ("voicemail box", [item.name for item in document.voicemail_boxes]),
        ("recording rule", [item.name for item in document.recording_rules]),
        ("trunk", [item.name for item in document.trunks]),
    ):
        _duplicates(problems, kind, names)
    if problems.found:
        raise InvalidDocument(problems.found)

    # A trunk loaded without a password keeps the one stored for its name.
    passwords = {trunk.name: trunk.password for trunk in read_trunks(connection)}
    for table in _TABLES_IN_DELETE_ORDER:
        connection.execute(delete(table))
    context = Context(connection, prompts)
    context.callback_queues = frozenset(
        queue.name for queue in document.queues if queue.flow.callback is not None
    )

    def insert_row(table: Table, values: Mapping[str, object]) -> int:
        row_id: int = connection.execute(insert(table).returning(table.c.id), values).scalar_one()
        return row_id

    def add_row(table: Table, values: Callable[[T], dict[str, object]], item: T) -> None:
        insert_row(table, values(item))

    def add_skill(item: SkillItem) -> None:
        insert_row(tables.SKILLS, {"name": check_name(item.name, "skill name")})

    def add_queue(item: QueueItem) -> None:
        checked = checked_queue(queue_settings(item))
        requirements = routing.skill_ids(connection, checked.requirements)
        queue_id = insert_row(tables.QUEUES, routing.queue_values(checked))
        routing.insert_queue_children(connection, queue_id, requirements, checked.expansion)
        queue_ids[item.name] = queue_id

    def add_menu(item: MenuItem) -> None:
        menu_ids[item.name] = insert_row(tables.MENUS, flow.menu_values(context, item))

    def add_collection(item: DigitCollectionItem) -> None:
        values = flow.digit_collection_values(context, item)
        collection_ids[item.name] = insert_row(tables.DIGIT_COLLECTIONS, values)

    def add_named(kind: NamedKind[Item], items: list[Item]) -> None:
        """Add the items of a kind that points only to what is written before it."""
        for item in items:
            problems.attempt(f"{kind.label} {kind.key_of(item)!r}", kind.write, context, None, item)

    def add_trunk(item: TrunkItem, password: str | None) -> None:
        check_with_others(item, read_trunks(connection))
        write_trunk(connection, None, item, password)

    def set_failure(item: DigitCollectionItem) -> None:
        table = tables.DIGIT_COLLECTIONS
        connection.execute(
            update(table)
            .where(table.c.id == collection_ids[item.name])
            .values(on_failure=flow.digit_collection_failure(context, item))
        )

    queue_ids: dict[str, int] = {}
    menu_ids: dict[str, int] = {}
    collection_ids: dict[str, int] = {}
    attempt = problems.attempt
    for skill in document.skills:
        attempt(f"skill {skill.name!r}", add_skill, skill)
    for reason in document.pause_reasons:
        attempt(
            f"pause reason {reason.code!r}", add_row, tables.PAUSE_REASONS, _reason_values, reason
        )
    for code in document.classification_codes:
        attempt(
            f"classification code {code.code!r}",
            add_row,
            tables.CLASSIFICATION_CODES,
            _code_values,
            code,
        )
    if document.licence is not None:
        connection.execute(
            insert(tables.LICENCE),
            {"id": 1, "max_logged_in_agents": document.licence.max_logged_in_agents},
        )
    add_named(kinds.SCHEDULES, document.schedules)
    for prompt in document.prompts:
        attempt(
            f"prompt {prompt.name!r} ({prompt.language.value})", flow.write_prompt, context, prompt
        )
    add_named(kinds.ANNOUNCEMENT_SETS, document.announcement_sets)
    for queue in document.queues:
        attempt(f"queue {queue.name!r}", add_queue, queue)
    add_named(kinds.VOICEMAIL_BOXES, document.voicemail_boxes)  # a box may name a queue
    for menu in document.menus:
        attempt(f"menu {menu.name!r}", add_menu, menu)
    for collection in document.digit_collections:
        attempt(f"digit collection {collection.name!r}", add_collection, collection)

    # Everything that points to something by name, now that every name has its row.
    for queue in document.queues:
        if queue.name in queue_ids:
            attempt(
                f"queue {queue.name!r}",
                flow.write_queue_flow,
                context,
                queue_ids[queue.name],
                queue.name,
                queue.flow,
            )
    for agent in document.agents:
        where = f"agent {agent.username!r}"
        checked = attempt(where, checked_agent, agent_settings(agent))
        if checked is not None:
            attempt(where, routing.write_agent_profile, connection, agent.username, checked)
    for menu in document.menus:
        if menu.name in menu_ids:
            attempt(
                f"menu {menu.name!r}", flow.write_menu_actions, context, menu_ids[menu.name], menu
            )
    for collection in document.digit_collections:
        if collection.name in collection_ids:
            attempt(f"digit collection {collection.name!r}", set_failure, collection)
    add_named(kinds.ENTRY_POINTS, document.entry_points)
    add_named(kinds.ALARM_RULES, document.alarm_rules)
    add_named(kinds.RECORDING_RULES, document.recording_rules)
    for trunk in document.trunks:
        attempt(f"trunk {trunk.name!r}", add_trunk, trunk, passwords.get(trunk.name))
    problems.attempt("menus", lambda: flow.check_timeout_cycles(connection))
    if problems.found:
        raise InvalidDocument(problems.found)


def _reason_values(reason: PauseReasonItem) -> dict[str, object]:
    return {
        "code": check_code(reason.code, "pause reason code"),
        "label_sv": check_label(reason.label_sv, "Swedish label"),
        "label_en": check_label(reason.label_en, "English label"),
        "active": reason.active,
    }


def _code_values(code: ClassificationCodeItem) -> dict[str, object]:
    return {
        "code": check_code(code.code, "classification code"),
        "label_sv": check_label(code.label_sv, "Swedish label"),
        "label_en": check_label(code.label_en, "English label"),
        "code_group": check_code(code.group, "classification group"),
        "active": code.active,
    }


def export(connection: Connection) -> ConfigDocument:
    """The stored configuration as one document, in a stable order."""
    names = Names(connection)
    flows = flow.read_queue_flows(connection, names)
    queue_rows = connection.execute(select(tables.QUEUES).order_by(tables.QUEUES.c.name)).all()
    queues = [
        queue_item(queue, flows.get(queue.id, QueueFlowItem()))
        for queue in routing.read_queues(connection, queue_rows)
    ]
    licence = connection.execute(select(tables.LICENCE.c.max_logged_in_agents)).scalar_one_or_none()
    return ConfigDocument(
        skills=[
            SkillItem(name=row.name)
            for row in connection.execute(select(tables.SKILLS).order_by(tables.SKILLS.c.name))
        ],
        pause_reasons=[
            PauseReasonItem(
                code=row.code, label_sv=row.label_sv, label_en=row.label_en, active=row.active
            )
            for row in connection.execute(
                select(tables.PAUSE_REASONS).order_by(tables.PAUSE_REASONS.c.code)
            )
        ],
        classification_codes=[
            ClassificationCodeItem(
                code=row.code,
                label_sv=row.label_sv,
                label_en=row.label_en,
                group=row.code_group,
                active=row.active,
            )
            for row in connection.execute(
                select(tables.CLASSIFICATION_CODES).order_by(
                    tables.CLASSIFICATION_CODES.c.code_group, tables.CLASSIFICATION_CODES.c.code
                )
            )
        ],
        schedules=flow.read_schedules(connection),
        prompts=flow.read_prompts(connection),
        announcement_sets=flow.read_announcement_sets(connection),
        queues=queues,
        agents=[agent_item(profile) for profile in routing.read_agent_profiles(connection, None)],
        digit_collections=flow.read_digit_collections(connection, names),
        menus=flow.read_menus(connection, names),
        entry_points=flow.read_entry_points(connection, names),
        alarm_rules=flow.read_alarm_rules(connection, names),
        voicemail_boxes=flow.read_voicemail_boxes(connection),
        recording_rules=flow.read_recording_rules(connection),
        licence=None if licence is None else LicenceItem(max_logged_in_agents=licence),
        trunks=[exported(trunk) for trunk in read_trunks(connection)],
    )


# Checking what is stored


def check(connection: Connection, prompts: PromptLibrary) -> list[ConfigProblem]:
    """Problems of the whole configuration: errors make callers fail, warnings are
    things an administrator should look at."""
    found: list[ConfigProblem] = []
    names = Names(connection)
    menus = {row.id: row for row in connection.execute(select(tables.MENUS))}
    keys: dict[int, list[Any]] = {menu_id: [] for menu_id in menus}
    for key in connection.execute(select(tables.MENU_KEYS)):
        keys[key.menu_id].append(key.action)
    failures = {
        row.id: row.on_failure
        for row in connection.execute(
            select(tables.DIGIT_COLLECTIONS.c.id, tables.DIGIT_COLLECTIONS.c.on_failure)
        )
    }

    def reach(start: Mapping[str, Any] | None) -> tuple[set[int], set[int]]:
        """The menus and queues a caller can get to from ``start``."""
        seen_menus: set[int] = set()
        seen_queues: set[int] = set()
        pending: list[Mapping[str, Any] | None] = [start]
        while pending:
            action = pending.pop()
            if action is None:
                continue
            for kind, target in flow.action_targets(action):
                if kind == "queue":
                    seen_queues.add(target)
                elif kind == "menu" and target not in seen_menus:
                    seen_menus.add(target)
                    pending.append(menus[target].on_timeout)
                    pending.extend(keys[target])
                elif kind == "digit collection":
                    pending.append(failures.get(target))
        return seen_menus, seen_queues

    reachable_menus: set[int] = set()
    for entry in connection.execute(
        select(tables.ENTRY_POINTS).order_by(tables.ENTRY_POINTS.c.address)
    ):
        where = f"entry point {entry.address!r}"
        entry_menus, entry_queues = reach(entry.first_action)
        reachable_menus |= entry_menus
        if not entry_queues:
            found.append(
                ConfigProblem(
                    Severity.ERROR, where, "no queue can be reached from its first action"
                )
            )
    for menu_id, menu in sorted(menus.items(), key=lambda item: item[1].name):
        if menu_id not in reachable_menus:
            found.append(
                ConfigProblem(Severity.WARNING, f"menu {menu.name!r}", "no entry point leads to it")
            )
    members = set(connection.execute(select(tables.AGENT_MEMBERSHIPS.c.queue_id)).scalars())
    for queue_id, queue in sorted(names.by_kind["queue"].items(), key=lambda item: item[1]):
        if queue_id not in members:
            found.append(
                ConfigProblem(
                    Severity.WARNING,
                    f"queue {queue!r}",
                    "no agent is a member: nobody can answer its calls",
                )
            )
    custom = {
        (row.name, row.language): row.custom_path
        for row in connection.execute(select(tables.PROMPTS))
    }
    for (name, language), path in sorted(custom.items()):
        if path is not None and not Path(path).is_file():
            found.append(
                ConfigProblem(
                    Severity.ERROR,
                    f"prompt {name!r} ({language})",
                    f"its custom file {path} does not exist",
                )
            )
    missing: dict[tuple[str, str], set[str]] = {}
    for reference in flow.references(connection):
        if reference.kind != "prompt":
            continue
        name, language = str(reference.target).split(":")
        for code in LANGUAGES if language == "*" else (language,):
            if (name, code) not in custom and prompts.default_path(name, code) is None:
                missing.setdefault((name, code), set()).add(reference.holder)
    for (name, code), holders in sorted(missing.items()):
        found.append(
            ConfigProblem(
                Severity.WARNING,
                f"prompt {name!r} ({code})",
                f"has no audio file, used by {', '.join(sorted(holders))}",
            )
        )
    if connection.execute(select(tables.LICENCE.c.id)).first() is None:
        found.append(
            ConfigProblem(
                Severity.WARNING,
                "licence",
                "no licence is set, so nothing limits how many agents are logged in",
            )
        )
    return found


def iter_problems(problems: list[ConfigProblem]) -> Iterator[str]:
    """One line per problem, as ``check-config`` prints them."""
    for problem in problems:
        yield f"{problem.severity.value}: {problem.where}: {problem.message}"


_KEYS = {"pause_reasons": "code", "classification_codes": "code", "entry_points": "address",
         "agents": "username"}  # fmt: skip
"""The key of each part's items where it is not ``name``."""


def differences(
    before: ConfigDocument, after: ConfigDocument
) -> list[tuple[str, str, str, list[str]]]:
    """What ``after`` adds, removes and changes against ``before``: (part, key, "added",
    "removed" or "changed", the fields changed), part by part in the document's order."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    found: list[tuple[str, str, str, list[str]]] = []
    for part in ConfigDocument.model_fields:
        if not isinstance(new[part], list):  # the licence: one of it
            if old[part] != new[part]:
                found.append((part, part, "changed" if old[part] and new[part] else
                              "added" if new[part] else "removed", []))  # fmt: skip
            continue
        key = _KEYS.get(part, "name")
        was = {_ident(part, key, item): item for item in old[part]}
        now = {_ident(part, key, item): item for item in new[part]}
        for name, item in now.items():
            if name not in was:
                found.append((part, name, "added", []))
            elif item != was[name]:
                fields = sorted(f for f in item if item.get(f) != was[name].get(f))
                found.append((part, name, "changed", fields))
        found += [(part, name, "removed", []) for name in was if name not in now]
    return found


def _ident(part: str, key: str, item: dict[str, Any]) -> str:
    """An item's key in its part of a document (a prompt's: its name and language)."""
    if part == "prompts":
        return f"{item['name']} ({item['language']})"
    return str(item[key])
