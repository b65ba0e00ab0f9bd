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


class NotAnAgent(ConfigError):
    """Agent profiles are for users of role ``agent`` only."""

    def __init__(self, username: str, role: str) -> None:
        super().__init__(
            f"user {username!r} has the role {role!r}; only agents have agent profiles"
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
