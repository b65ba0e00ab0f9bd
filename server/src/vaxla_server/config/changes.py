"""What changed in the configuration, told to listeners after each committed change, so
the running call flow can reload what it holds (the dispatcher's queues and agents)."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from vaxla_server.notifier import Topic


class ChangeKind(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """``what`` (``"queue"``, ``"menu"``, ``"agent profile"``, ..., or ``"document"``
    when a whole document replaced the configuration) named ``name`` (id ``id`` when it
    has one) was ``change``d."""

    what: str
    name: str
    change: ChangeKind
    id: int | None = None


ConfigListener = Callable[[ConfigChange], None]
CONFIG_CHANGED: Topic[ConfigChange] = Topic("configuration changed")
"""Published after every committed change of the configuration."""
QueueDeleteGuard = Callable[[int, str], None]
"""Called with (queue id, queue name) before a queue is deleted; raises ``QueueNotEmpty``
(or another ``ConfigError``) to refuse."""
