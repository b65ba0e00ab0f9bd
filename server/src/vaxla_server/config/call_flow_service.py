"""The call flow's half of ``Configuration``: a ``Repository`` for each named kind
(schedules, announcement sets, digit collections, menus, entry points and alarm rules),
and the prompts and queue call-flow settings, which are not named items.

Every change runs in one write transaction and is checked inside it (``call_flow.py``),
so a refused change raises a ``ConfigError`` and leaves the store as it was.
"""

from collections.abc import Sequence

from sqlalchemy import Engine, delete, select

from vaxla_protocol.config import (
    AlarmRuleItem,
    AnnouncementSetItem,
    DigitCollectionItem,
    EntryPointItem,
    Language,
    MenuItem,
    PromptItem,
    QueueFlowItem,
    RecordingRuleItem,
    ResolvedPrompt,
    ScheduleItem,
    VoicemailBoxItem,
)
from vaxla_server.config import call_flow as flow
from vaxla_server.config import kinds, tables
from vaxla_server.config.call_flow import Context, Names
from vaxla_server.config.changes import CONFIG_CHANGED, ChangeKind, ConfigChange
from vaxla_server.config.errors import NotFound, StillReferenced, UnknownPrompt
from vaxla_server.config.mail import MailServers
from vaxla_server.config.prompts import PromptLibrary
from vaxla_server.config.repository import Item, NamedKind, Repository, unique_write
from vaxla_server.config.routing import existing_id
from vaxla_server.config.trunks import Trunks
from vaxla_server.notifier import Notifier
from vaxla_server.store.event_log import append_in
from vaxla_server.store.events import Event
from vaxla_server.store.transactions import write_transaction


class CallFlowConfiguration:
    """``Configuration``'s base; see the module docstring."""

    def __init__(self, engine: Engine, prompts: PromptLibrary, notifier: Notifier) -> None:
        self._engine = engine
        self._prompts = prompts
        self.notifier = notifier
        self.schedules: Repository[ScheduleItem] = self._repository(kinds.SCHEDULES)
        self.announcement_sets: Repository[AnnouncementSetItem] = self._repository(
            kinds.ANNOUNCEMENT_SETS
        )
        self.digit_collections: Repository[DigitCollectionItem] = self._repository(
            kinds.DIGIT_COLLECTIONS
        )
        self.menus: Repository[MenuItem] = self._repository(kinds.MENUS)
        self.entry_points: Repository[EntryPointItem] = self._repository(kinds.ENTRY_POINTS)
        self.alarm_rules: Repository[AlarmRuleItem] = self._repository(kinds.ALARM_RULES)
        self.voicemail_boxes: Repository[VoicemailBoxItem] = self._repository(kinds.VOICEMAIL_BOXES)
        self.recording_rules: Repository[RecordingRuleItem] = self._repository(
            kinds.RECORDING_RULES
        )
        self.trunks = Trunks(engine, self._notify)
        self.mail_server = MailServers(engine, notifier)

    def _repository(self, kind: NamedKind[Item]) -> Repository[Item]:
        return Repository(kind, self._engine, self._prompts, self._notify)

    def _notify(self, what: str, name: str, change: ChangeKind, row_id: int | None = None) -> None:
        news = ConfigChange(what=what, name=name, change=change, id=row_id)
        self.notifier.publish(CONFIG_CHANGED, news)

    # Prompts

    def set_prompt(self, item: PromptItem, logged: Sequence[Event] = ()) -> PromptItem:
        """Register a custom prompt for ``item.language``, or replace its file; the
        ``logged`` events that tell of it are appended in the same transaction."""
        with unique_write(self._engine, "prompt", item.name) as connection:
            row_id, new = flow.write_prompt(Context(connection, self._prompts), item)
            append_in(connection, logged)
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

    # Queue call-flow settings

    def set_queue_flow(self, queue: str, item: QueueFlowItem) -> QueueFlowItem:
        """Replace the queue's announcements, overflow rules and priority rules."""
        with unique_write(self._engine, "queue", queue) as connection:
            queue_id = existing_id(connection, tables.QUEUES, tables.QUEUES.c.name, "queue", queue)
            flow.write_queue_flow(Context(connection, self._prompts), queue_id, queue, item)
        self._notify("queue", queue, ChangeKind.CHANGED, queue_id)
        return item

    def queue_flow(self, queue: str) -> QueueFlowItem:
        with self._engine.connect() as connection:
            queue_id = existing_id(connection, tables.QUEUES, tables.QUEUES.c.name, "queue", queue)
            return flow.read_queue_flows(connection, Names(connection)).get(
                queue_id, QueueFlowItem()
            )
