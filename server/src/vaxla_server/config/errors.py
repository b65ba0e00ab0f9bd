"""The configuration's errors: one hierarchy, so callers catch what they can handle.

Every one of them is raised before anything is written, or rolls its transaction back:
a refused change changes nothing.
"""

from collections.abc import Sequence


class ConfigError(Exception):
    """Base of every error the configuration service raises on purpose."""


class InvalidConfig(ConfigError):
    """A value is not acceptable (out of range, the wrong type, an empty name, ...);
    the message names the field and says what is allowed."""


class UnknownStrategy(InvalidConfig):
    """A queue names a distribution strategy the dispatcher does not have."""

    def __init__(self, strategy: object, known: Sequence[str]) -> None:
        super().__init__(f"unknown strategy {strategy!r}; strategies: {', '.join(known)}")
        self.strategy = strategy


class DuplicateName(ConfigError):
    """Something of this kind has this name (or code) already."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"a {kind} named {name!r} exists already")
        self.kind = kind
        self.name = name


class NotFound(ConfigError):
    """Nothing of this kind has this name (or code)."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"no {kind} named {name!r}")
        self.kind = kind
        self.name = name


PROFILE_ROLES = frozenset({"agent", "supervisor", "operator"})
"""The roles whose users may have an agent profile: a supervisor with one can take calls,
an operator with one is a receptionist answering the switchboard's queue (R29)."""


class NotAnAgent(ConfigError):
    """Agent profiles are for users of role ``agent``, ``supervisor`` or ``operator`` only."""

    def __init__(self, username: str, role: str) -> None:
        super().__init__(
            f"user {username!r} has the role {role!r}; only agents, supervisors and "
            "operators have agent profiles"
        )
        self.username = username
        self.role = role


class StillReferenced(ConfigError):
    """A skill or queue cannot be deleted while other configuration uses it.

    ``used_by`` names the users of it, such as ``queue 'Support'`` or ``agent 'anna'``.
    """

    def __init__(self, kind: str, name: str, used_by: Sequence[str]) -> None:
        super().__init__(
            f"the {kind} {name!r} cannot be deleted: it is used by {', '.join(used_by)}"
        )
        self.kind = kind
        self.name = name
        self.used_by = tuple(used_by)


class LicenceExceeded(ConfigError):
    """Logging one more agent in would pass the licence's limit (R34)."""

    def __init__(self, limit: int, logged_in: int) -> None:
        super().__init__(
            f"the licence allows {limit} agents logged in at once and {logged_in} are; "
            "another agent must log out first"
        )
        self.limit = limit
        self.logged_in = logged_in


class MissingReference(InvalidConfig):
    """Something points at a queue, menu, schedule, ... that does not exist."""

    def __init__(self, holder: str, kind: str, name: str) -> None:
        super().__init__(f"{holder} points to the {kind} {name!r}, which does not exist")
        self.holder = holder
        self.kind = kind
        self.name = name


class UnknownPrompt(InvalidConfig):
    """A prompt name with neither a default audio file nor a custom one."""

    def __init__(self, name: str, language: str | None, holder: str = "") -> None:
        where = f"in {language!r}" if language is not None else "in any language"
        prefix = f"{holder}: " if holder else ""
        super().__init__(
            f"{prefix}no prompt named {name!r} {where}: there is neither a default prompt "
            "of that name nor a custom one"
        )
        self.name = name
        self.language = language


class NotAvailableYet(InvalidConfig):
    """A feature the configuration names but this release does not have (voicemail,
    callback)."""

    def __init__(self, feature: str, holder: str) -> None:
        super().__init__(f"{holder}: {feature} is not available yet; it comes in a later release")
        self.feature = feature


class QueueNotEmpty(ConfigError):
    """A queue cannot be deleted while calls wait in it (said by the running call flow)."""

    def __init__(self, name: str, waiting: int) -> None:
        calls = "call waits" if waiting == 1 else "calls wait"
        super().__init__(
            f"the queue {name!r} cannot be deleted: {waiting} {calls} in it; move or end them first"
        )
        self.name = name
        self.waiting = waiting


class InvalidDocument(ConfigError):
    """A configuration document was refused; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        count = len(problems)
        super().__init__(
            f"the configuration document has {count} problem{'s' if count != 1 else ''}; "
            "nothing was changed: " + "; ".join(problems)
        )
        self.problems = tuple(problems)
