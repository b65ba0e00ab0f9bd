"""The ``Configuration`` methods for the call flow's configuration: schedules, prompts,
announcement sets, digit collections, menus, entry points, queue call-flow settings and
alarm rules.

Every change runs in one write transaction and is checked inside it (``call_flow.py``),
so a refused change raises a ``ConfigError`` and leaves the store as it was.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection, Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from vaxla_protocol.config import (
    AlarmRuleItem,
    AnnouncementSetItem,
    DigitCollectionItem,
    EntryPointItem,
    Language,
    MenuItem,
    PromptItem,
    QueueFlowItem,
    ResolvedPrompt,
    ScheduleItem,
)
from vaxla_server.acd.caller_input import DigitRule
from vaxla_server.acd.schedule import Schedule
from vaxla_server.config import call_flow as flow
from vaxla_server.config import tables
from vaxla_server.config.call_flow import Context, Names
from vaxla_server.config.changes import ChangeKind, ConfigChange, ConfigListener
from vaxla_server.config.errors import DuplicateName, NotFound, StillReferenced, UnknownPrompt
from vaxla_server.config.prompts import PromptLibrary
from vaxla_server.store.transactions import write_transaction

Item = TypeVar("Item")


class CallFlowConfiguration:
    """Mixed into ``Configuration``; see the module docstring."""

    _engine: Engine
    _prompts: PromptLibrary
    _listeners: list[ConfigListener]

    def _notify(self, what: str, name: str, change: ChangeKind, row_id: int | None = None) -> None:
        event = ConfigChange(what=what, name=name, change=change, id=row_id)
        for listener in self._listeners:
            listener(event)

    # Schedules

    def add_schedule(self, item: ScheduleItem) -> ScheduleItem:
        with self._context("schedule", item.name) as context:
            _refuse_duplicate(context.connection, tables.SCHEDULES, "schedule", item.name)
            row_id = flow.insert_schedule(context, item)
        self._notify("schedule", item.name, ChangeKind.ADDED, row_id)
        return item

    def update_schedule(self, name: str, item: ScheduleItem) -> ScheduleItem:
        """Replace the schedule ``name`` (``item.name`` may rename it)."""
        with self._context("schedule", item.name) as context:
            row_id = flow.existing_id(context.connection, tables.SCHEDULES, "schedule", name)
            _refuse_duplicate(context.connection, tables.SCHEDULES, "schedule", item.name, row_id)
            flow.update_schedule(context, row_id, item)
        self._notify("schedule", item.name, ChangeKind.CHANGED, row_id)
        return item

    def schedules(self) -> list[ScheduleItem]:
        with self._engine.connect() as connection:
            return flow.read_schedules(connection)

    def schedule(self, name: str) -> ScheduleItem:
        with self._engine.connect() as connection:
            return _one(
                flow.read_schedules(connection, tables.SCHEDULES.c.name == name), "schedule", name
            )

    def opening_hours(self, name: str) -> Schedule:
        """The schedule ``name`` as ``acd.schedule``'s ``Schedule``, to ask if it is open."""
        return flow.build_schedule(self.schedule(name))

    def delete_schedule(self, name: str) -> None:
        self._delete(tables.SCHEDULES, "schedule", name)

    # Prompts

    def set_prompt(self, item: PromptItem) -> PromptItem:
        """Register a custom prompt for ``item.language``, or replace its file."""
        with self._context("prompt", item.name) as context:
            row_id, new = flow.write_prompt(context, item)
        change = ChangeKind.ADDED if new else ChangeKind.CHANGED
        self._notify("prompt", f"{item.name}:{item.language.value}", change, row_id)
        return item

    def prompts(self) -> list[PromptItem]:
        """The registered (custom) prompts; the default ones are ``prompt_names``."""
        with self._engine.connect() as connection:
            return flow.read_prompts(connection)

    def prompt_names(self, language: Language) -> list[str]:
        """Every prompt name ``language`` has: the default set's and the custom ones."""
        custom = {item.name for item in self.prompts() if item.language is language}
        return sorted(self._prompts.default_names(language.value) | custom)

    def resolve_prompt(self, name: str, language: Language | str) -> ResolvedPrompt:
        """Where the audio of ``name`` in ``language`` is: the custom file when one is
        registered, else the default set's; ``UnknownPrompt`` if neither exists."""
        code = Language(language).value if language in ("sv", "en") else str(language)
        with self._engine.connect() as connection:
            custom = connection.execute(
                select(tables.PROMPTS.c.custom_path).where(
                    tables.PROMPTS.c.name == name, tables.PROMPTS.c.language == code
                )
            ).scalar_one_or_none()
        if custom is not None:
            return ResolvedPrompt(name=name, language=Language(code), path=custom, custom=True)
        default = self._prompts.default_path(name, code)
        if default is None:
            raise UnknownPrompt(name, code)
        return ResolvedPrompt(name=name, language=Language(code), path=str(default), custom=False)

    def delete_prompt(self, name: str, language: Language) -> None:
        """Remove the custom prompt; refused while something uses a name that would then
        have no audio."""
        code = language.value
        with write_transaction(self._engine) as connection:
            row_id: int | None = connection.execute(
                select(tables.PROMPTS.c.id).where(
                    tables.PROMPTS.c.name == name, tables.PROMPTS.c.language == code
                )
            ).scalar_one_or_none()
            if row_id is None:
                raise NotFound("custom prompt", f"{name} ({code})")
            if self._prompts.default_path(name, code) is None:
                other_languages = connection.execute(
                    select(tables.PROMPTS.c.id).where(
                        tables.PROMPTS.c.name == name, tables.PROMPTS.c.language != code
                    )
                ).first()
                targets = {f"{name}:{code}"} | ({f"{name}:*"} if other_languages is None else set())
                holders = sorted(
                    {
                        reference.holder
                        for reference in flow.references(connection)
                        if reference.kind == "prompt" and reference.target in targets
                    }
                )
                if holders:
                    raise StillReferenced("prompt", f"{name} ({code})", holders)
            connection.execute(delete(tables.PROMPTS).where(tables.PROMPTS.c.id == row_id))
        self._notify("prompt", f"{name}:{code}", ChangeKind.REMOVED, row_id)

    # Announcement sets

    def add_announcement_set(self, item: AnnouncementSetItem) -> AnnouncementSetItem:
        return self._add_plain(
            tables.ANNOUNCEMENT_SETS, "announcement set", item.name, item, flow.announcement_values
        )

    def update_announcement_set(self, name: str, item: AnnouncementSetItem) -> AnnouncementSetItem:
        return self._update_plain(
            tables.ANNOUNCEMENT_SETS,
            "announcement set",
            name,
            item.name,
            item,
            flow.announcement_values,
        )

    def announcement_sets(self) -> list[AnnouncementSetItem]:
        with self._engine.connect() as connection:
            return flow.read_announcement_sets(connection)

    def announcement_set(self, name: str) -> AnnouncementSetItem:
        with self._engine.connect() as connection:
            found = flow.read_announcement_sets(connection, tables.ANNOUNCEMENT_SETS.c.name == name)
        return _one(found, "announcement set", name)

    def delete_announcement_set(self, name: str) -> None:
        self._delete(tables.ANNOUNCEMENT_SETS, "announcement set", name)

    # Digit collections

    def add_digit_collection(self, item: DigitCollectionItem) -> DigitCollectionItem:
        table = tables.DIGIT_COLLECTIONS
        with self._context("digit collection", item.name) as context:
            _refuse_duplicate(context.connection, table, "digit collection", item.name)
            values = flow.digit_collection_values(context, item)
            values["on_failure"] = flow.digit_collection_failure(context, item)
            row_id = context.connection.execute(
                insert(table).returning(table.c.id), values
            ).scalar_one()
        self._notify("digit collection", item.name, ChangeKind.ADDED, row_id)
        return item

    def update_digit_collection(self, name: str, item: DigitCollectionItem) -> DigitCollectionItem:
        table = tables.DIGIT_COLLECTIONS
        with self._context("digit collection", item.name) as context:
            row_id = flow.existing_id(context.connection, table, "digit collection", name)
            _refuse_duplicate(context.connection, table, "digit collection", item.name, row_id)
            values = flow.digit_collection_values(context, item)
            values["on_failure"] = flow.digit_collection_failure(context, item)
            context.connection.execute(update(table).where(table.c.id == row_id).values(values))
            flow.check_timeout_cycles(context.connection)
        self._notify("digit collection", item.name, ChangeKind.CHANGED, row_id)
        return item

    def digit_collections(self) -> list[DigitCollectionItem]:
        with self._engine.connect() as connection:
            return flow.read_digit_collections(connection, Names(connection))

    def digit_collection(self, name: str) -> DigitCollectionItem:
        with self._engine.connect() as connection:
            found = flow.read_digit_collections(
                connection, Names(connection), tables.DIGIT_COLLECTIONS.c.name == name
            )
        return _one(found, "digit collection", name)

    def digit_rule(self, name: str) -> DigitRule:
        """The ``acd.caller_input`` rule that validates what a caller enters."""
        return flow.digit_rule(self.digit_collection(name))

    def delete_digit_collection(self, name: str) -> None:
        self._delete(tables.DIGIT_COLLECTIONS, "digit collection", name)

    # Menus

    def add_menu(self, item: MenuItem) -> MenuItem:
        table = tables.MENUS
        with self._context("menu", item.name) as context:
            _refuse_duplicate(context.connection, table, "menu", item.name)
            values = flow.menu_values(context, item)
            row_id = context.connection.execute(
                insert(table).returning(table.c.id), values
            ).scalar_one()
            flow.write_menu_actions(context, row_id, item)
            flow.check_timeout_cycles(context.connection)
        self._notify("menu", item.name, ChangeKind.ADDED, row_id)
        return item

    def update_menu(self, name: str, item: MenuItem) -> MenuItem:
        table = tables.MENUS
        with self._context("menu", item.name) as context:
            row_id = flow.existing_id(context.connection, table, "menu", name)
            _refuse_duplicate(context.connection, table, "menu", item.name, row_id)
            values = flow.menu_values(context, item)
            context.connection.execute(update(table).where(table.c.id == row_id).values(values))
            flow.write_menu_actions(context, row_id, item)
            flow.check_timeout_cycles(context.connection)
        self._notify("menu", item.name, ChangeKind.CHANGED, row_id)
        return item

    def menus(self) -> list[MenuItem]:
        with self._engine.connect() as connection:
            return flow.read_menus(connection, Names(connection))

    def menu(self, name: str) -> MenuItem:
        with self._engine.connect() as connection:
            found = flow.read_menus(connection, Names(connection), tables.MENUS.c.name == name)
        return _one(found, "menu", name)

    def delete_menu(self, name: str) -> None:
        self._delete(tables.MENUS, "menu", name)

    # Entry points

    def add_entry_point(self, item: EntryPointItem) -> EntryPointItem:
        table = tables.ENTRY_POINTS
        with self._context("entry point", item.address) as context:
            _refuse_duplicate(context.connection, table, "entry point", item.address)
            _refuse_duplicate_name(context.connection, item.name, None)
            values = flow.entry_point_values(context, item)
            row_id = context.connection.execute(
                insert(table).returning(table.c.id), values
            ).scalar_one()
        self._notify("entry point", item.address, ChangeKind.ADDED, row_id)
        return item

    def update_entry_point(self, address: str, item: EntryPointItem) -> EntryPointItem:
        """Replace the entry point dialled as ``address`` (``item.address`` may change it)."""
        table = tables.ENTRY_POINTS
        with self._context("entry point", item.address) as context:
            row_id = flow.existing_id(context.connection, table, "entry point", address)
            _refuse_duplicate(context.connection, table, "entry point", item.address, row_id)
            _refuse_duplicate_name(context.connection, item.name, row_id)
            values = flow.entry_point_values(context, item)
            context.connection.execute(update(table).where(table.c.id == row_id).values(values))
        self._notify("entry point", item.address, ChangeKind.CHANGED, row_id)
        return item

    def entry_points(self) -> list[EntryPointItem]:
        with self._engine.connect() as connection:
            return flow.read_entry_points(connection, Names(connection))

    def entry_point(self, address: str) -> EntryPointItem:
        with self._engine.connect() as connection:
            found = flow.read_entry_points(
                connection, Names(connection), tables.ENTRY_POINTS.c.address == address
            )
        return _one(found, "entry point", address)

    def delete_entry_point(self, address: str) -> None:
        self._delete(tables.ENTRY_POINTS, "entry point", address)

    # Queue call-flow settings

    def set_queue_flow(self, queue: str, item: QueueFlowItem) -> QueueFlowItem:
        """Replace the queue's announcements, overflow rules and priority rules."""
        with self._context("queue", queue) as context:
            queue_id = flow.existing_id(context.connection, tables.QUEUES, "queue", queue)
            flow.write_queue_flow(context, queue_id, queue, item)
        self._notify("queue", queue, ChangeKind.CHANGED, queue_id)
        return item

    def queue_flow(self, queue: str) -> QueueFlowItem:
        with self._engine.connect() as connection:
            queue_id = flow.existing_id(connection, tables.QUEUES, "queue", queue)
            return flow.read_queue_flows(connection, Names(connection)).get(
                queue_id, QueueFlowItem()
            )

    # Alarm rules

    def add_alarm_rule(self, item: AlarmRuleItem) -> AlarmRuleItem:
        return self._add_plain(
            tables.ALARM_RULES, "alarm rule", item.name, item, flow.alarm_rule_values
        )

    def update_alarm_rule(self, name: str, item: AlarmRuleItem) -> AlarmRuleItem:
        return self._update_plain(
            tables.ALARM_RULES, "alarm rule", name, item.name, item, flow.alarm_rule_values
        )

    def alarm_rules(self) -> list[AlarmRuleItem]:
        with self._engine.connect() as connection:
            return flow.read_alarm_rules(connection, Names(connection))

    def alarm_rule(self, name: str) -> AlarmRuleItem:
        with self._engine.connect() as connection:
            found = flow.read_alarm_rules(
                connection, Names(connection), tables.ALARM_RULES.c.name == name
            )
        return _one(found, "alarm rule", name)

    def delete_alarm_rule(self, name: str) -> None:
        self._delete(tables.ALARM_RULES, "alarm rule", name)

    # Shared steps

    @contextmanager
    def _context(self, kind: str, name: str) -> Iterator[Context]:
        """A write transaction; a name clash only the database saw becomes ``DuplicateName``."""
        try:
            with write_transaction(self._engine) as connection:
                yield Context(connection, self._prompts)
        except IntegrityError as error:
            if getattr(error.orig, "sqlstate", None) == "23505" or "UNIQUE" in str(error.orig):
                raise DuplicateName(kind, name) from None
            raise

    def _add_plain(
        self,
        table: Table,
        kind: str,
        name: str,
        item: Item,
        values: Callable[[Context, Item], dict[str, object]],
    ) -> Item:
        with self._context(kind, name) as context:
            _refuse_duplicate(context.connection, table, kind, name)
            row_id = context.connection.execute(
                insert(table).returning(table.c.id), values(context, item)
            ).scalar_one()
        self._notify(kind, name, ChangeKind.ADDED, row_id)
        return item

    def _update_plain(
        self,
        table: Table,
        kind: str,
        name: str,
        new_name: str,
        item: Item,
        values: Callable[[Context, Item], dict[str, object]],
    ) -> Item:
        with self._context(kind, new_name) as context:
            row_id = flow.existing_id(context.connection, table, kind, name)
            _refuse_duplicate(context.connection, table, kind, new_name, row_id)
            context.connection.execute(
                update(table).where(table.c.id == row_id).values(values(context, item))
            )
        self._notify(kind, new_name, ChangeKind.CHANGED, row_id)
        return item

    def _delete(self, table: Table, kind: str, name: str) -> None:
        with write_transaction(self._engine) as connection:
            row_id = flow.existing_id(connection, table, kind, name)
            flow.refuse_if_referenced(connection, kind, row_id, name)
            connection.execute(delete(table).where(table.c.id == row_id))
        self._notify(kind, name, ChangeKind.REMOVED, row_id)


def _refuse_duplicate(
    connection: Connection, table: Table, kind: str, name: str, own_id: int | None = None
) -> None:
    column = table.c.address if table is tables.ENTRY_POINTS else table.c.name
    found = connection.execute(select(table.c.id).where(column == name)).scalar_one_or_none()
    if found is not None and found != own_id:
        raise DuplicateName(kind, name)


def _refuse_duplicate_name(connection: Connection, name: str, own_id: int | None) -> None:
    table = tables.ENTRY_POINTS
    found = connection.execute(select(table.c.id).where(table.c.name == name)).scalar_one_or_none()
    if found is not None and found != own_id:
        raise DuplicateName("entry point", name)


def _one(found: list[Item], kind: str, name: str) -> Item:
    if not found:
        raise NotFound(kind, name)
    return found[0]
