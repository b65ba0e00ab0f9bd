"""The configuration's values, and the checks that keep them within what the dispatcher
and the database accept.

A queue's and an agent's settings name skills and queues by name; the service resolves
the names to the stored ids. Integers are bounded to 32 bits (the database's
``INTEGER``), which is inside every range the dispatcher accepts, so whatever is stored
can be handed to it unchanged.
"""

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from vaxla_server.config.errors import InvalidConfig, UnknownStrategy
from vaxla_server.store.models import MAX_SKILL_LEVEL
from vaxla_server.store.models import QUEUE_STRATEGIES as STRATEGIES

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
NAME_MAX_LENGTH = 64
LABEL_MAX_LENGTH = 200
CHANNEL_MAX_LENGTH = 32
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
CODE_RULE = "1 to 64 characters: lower-case ASCII letters, digits, '.', '_' and '-'"


@dataclass(frozen=True, slots=True)
class ExpansionStep:
    """After ``after_s`` seconds of waiting, required levels drop by ``relax`` and members
    up to ``max_penalty`` become eligible (the dispatcher's ``ExpansionStep``)."""

    after_s: float
    relax: int = 0
    max_penalty: int | None = None


@dataclass(frozen=True, slots=True)
class Escalation:
    """A queue's escalation rule (R16): a waiting contact's priority rises by
    ``raise_by`` once its accumulated wait reaches ``after_s``, and again every
    ``every_s`` after that (once only when None), never above ``max_priority``."""

    after_s: float
    raise_by: int = 1
    every_s: float | None = None
    max_priority: int = 100


MAX_PRIORITY = 100
"""The highest priority a contact can have (``vaxla_protocol.config.Priority``)."""


@dataclass(frozen=True, slots=True)
class ServiceGoal:
    """``percent`` of the answered calls within ``within_s`` seconds."""

    percent: float = 80.0
    within_s: float = 20.0


@dataclass(frozen=True, slots=True)
class Standby:
    """When the queue's stand-by agents are logged in (``waiting`` callers or the longest
    wait at ``longest_wait_s``; ``None`` is off) and how long it must be calm
    (``calm_s``) before they are logged out again (R23)."""

    waiting: int | None = None
    longest_wait_s: float | None = None
    calm_s: float = 120.0

    @property
    def on(self) -> bool:
        return self.waiting is not None or self.longest_wait_s is not None


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """A queue's configuration. ``requirements`` maps skill names to the least level."""

    name: str
    strategy: str = "longest_idle"
    weight: int = 0
    requirements: Mapping[str, int] = field(default_factory=dict)
    max_penalty: int | None = None
    expansion: Sequence[ExpansionStep] = ()
    exclusion_s: float = 30.0
    autopause: bool = True
    ring_timeout_s: float = 15.0
    wrap_up_s: float = 0.0
    service_goal: ServiceGoal = ServiceGoal()
    sticky_agent_s: float = 0.0
    escalation: Escalation | None = None
    standby: Standby = Standby()


@dataclass(frozen=True, slots=True)
class Membership:
    """Membership of the queue named ``queue``: lower ``penalty`` is offered first;
    ``order`` is the fixed order of ``sequential`` and ``round_robin``."""

    queue: str
    penalty: int = 0
    order: int = 0


@dataclass(frozen=True, slots=True)
class AgentSettings:
    """An agent's profile. ``skills`` maps skill names to levels; ``capacity`` maps
    channels to how many contacts of it the agent takes at once."""

    skills: Mapping[str, int] = field(default_factory=dict)
    memberships: Sequence[Membership] = ()
    capacity: Mapping[str, int] = field(default_factory=lambda: {"voice": 1})
    personal_weight: int = 0
    standby: bool = False


@dataclass(frozen=True, slots=True)
class Skill:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class PauseReason:
    id: int
    code: str
    label_sv: str
    label_en: str
    active: bool


@dataclass(frozen=True, slots=True)
class ClassificationCode:
    id: int
    code: str
    label_sv: str
    label_en: str
    group: str
    active: bool


@dataclass(frozen=True, slots=True)
class Queue:
    id: int
    settings: QueueSettings


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """The profile of the user ``username`` (id ``user_id``, the dispatcher's agent id)."""

    user_id: int
    username: str
    settings: AgentSettings


def check_name(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidConfig(f"{what} must be a string, not {value!r}")
    if not value or value != value.strip() or len(value) > NAME_MAX_LENGTH:
        raise InvalidConfig(
            f"{what} must have 1 to {NAME_MAX_LENGTH} characters and no surrounding spaces, "
            f"not {value!r}"
        )
    return value


def check_code(value: object, what: str) -> str:
    if not isinstance(value, str) or not CODE_PATTERN.fullmatch(value):
        raise InvalidConfig(f"{what} {value!r} is not valid: {CODE_RULE}")
    return value


def check_label(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > LABEL_MAX_LENGTH:
        raise InvalidConfig(
            f"{what} must be text of 1 to {LABEL_MAX_LENGTH} characters, not {value!r}"
        )
    return value


def check_bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidConfig(f"{what} must be true or false, not {value!r}")
    return value


def check_int(value: object, what: str, low: int = INT32_MIN, high: int = INT32_MAX) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidConfig(f"{what} must be an integer from {low} to {high}, not {value!r}")
    return value


def check_level(value: object, what: str) -> int:
    return check_int(value, what, 0, MAX_SKILL_LEVEL)


def check_seconds(value: object, what: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidConfig(f"{what} must be a number of seconds, not {value!r}")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0 or (positive and seconds == 0):
        bound = "greater than 0" if positive else "0 or more"
        raise InvalidConfig(f"{what} must be a finite number of seconds, {bound}, not {value!r}")
    return seconds


def check_levels(value: object, what: str) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise InvalidConfig(f"{what} must map skill names to levels, not {value!r}")
    return {
        check_name(skill, f"{what}: skill name"): check_level(level, f"{what}: level of {skill!r}")
        for skill, level in value.items()
    }


def checked_queue(settings: QueueSettings) -> QueueSettings:
    """``settings`` with numbers as the store keeps them, or ``InvalidConfig``."""
    name = check_name(settings.name, "queue name")
    if settings.strategy not in STRATEGIES:
        raise UnknownStrategy(settings.strategy, STRATEGIES)
    max_penalty = (
        None if settings.max_penalty is None else check_int(settings.max_penalty, "max_penalty", 0)
    )
    steps: list[ExpansionStep] = []
    for number, step in enumerate(settings.expansion, start=1):
        what = f"expansion step {number}"
        after_s = check_seconds(step.after_s, f"{what}: after_s")
        if steps and after_s <= steps[-1].after_s:
            raise InvalidConfig(
                f"expansion steps must have strictly increasing after_s; step {number} "
                f"({after_s:g} s) does not come after step {number - 1} "
                f"({steps[-1].after_s:g} s)"
            )
        steps.append(
            ExpansionStep(
                after_s=after_s,
                relax=check_level(step.relax, f"{what}: relax"),
                max_penalty=None
                if step.max_penalty is None
                else check_int(step.max_penalty, f"{what}: max_penalty", 0),
            )
        )
    goal = settings.service_goal
    percent = goal.percent
    if isinstance(percent, bool) or not isinstance(percent, int | float):
        raise InvalidConfig(f"service goal percent must be a number, not {percent!r}")
    if not 0 <= percent <= 100:
        raise InvalidConfig(f"service goal percent must be from 0 to 100, not {percent!r}")
    return QueueSettings(
        name=name,
        strategy=settings.strategy,
        weight=check_int(settings.weight, "weight"),
        requirements=check_levels(settings.requirements, "requirements"),
        max_penalty=max_penalty,
        expansion=tuple(steps),
        exclusion_s=check_seconds(settings.exclusion_s, "exclusion_s"),
        autopause=check_bool(settings.autopause, "autopause"),
        ring_timeout_s=check_seconds(settings.ring_timeout_s, "ring_timeout_s", positive=True),
        wrap_up_s=check_seconds(settings.wrap_up_s, "wrap_up_s"),
        service_goal=ServiceGoal(
            percent=float(percent),
            within_s=check_seconds(goal.within_s, "service goal within_s", positive=True),
        ),
        sticky_agent_s=check_seconds(settings.sticky_agent_s, "sticky_agent_s"),
        standby=_checked_standby(settings.standby),
        escalation=None if settings.escalation is None else checked_escalation(settings.escalation),
    )


def checked_escalation(rule: Escalation) -> Escalation:
    """``rule`` as the store keeps it, or ``InvalidConfig`` saying what is wrong."""
    max_priority = check_int(rule.max_priority, "escalation: max_priority", 1, MAX_PRIORITY)
    return Escalation(
        after_s=check_seconds(rule.after_s, "escalation: after_s", positive=True),
        raise_by=check_int(rule.raise_by, "escalation: raise_by", 1, MAX_PRIORITY),
        every_s=None
        if rule.every_s is None
        else check_seconds(rule.every_s, "escalation: every_s", positive=True),
        max_priority=max_priority,
    )


def _checked_standby(standby: Standby) -> Standby:
    waiting = standby.waiting
    if waiting is not None:
        waiting = check_int(waiting, "standby waiting", 1)
    longest = standby.longest_wait_s
    if longest is not None:
        longest = check_seconds(longest, "standby longest_wait_s", positive=True)
    return Standby(waiting, longest, check_seconds(standby.calm_s, "standby calm_s"))


def checked_agent(settings: AgentSettings) -> AgentSettings:
    """``settings`` as the store keeps them, or ``InvalidConfig``."""
    memberships: list[Membership] = []
    seen: set[str] = set()
    for membership in settings.memberships:
        queue = check_name(membership.queue, "membership queue")
        if queue in seen:
            raise InvalidConfig(f"queue {queue!r} is listed twice in the memberships")
        seen.add(queue)
        memberships.append(
            Membership(
                queue=queue,
                penalty=check_int(membership.penalty, f"penalty in {queue!r}", 0),
                order=check_int(membership.order, f"order in {queue!r}"),
            )
        )
    if not isinstance(settings.capacity, Mapping):
        raise InvalidConfig(f"capacity must map channels to counts, not {settings.capacity!r}")
    capacity: dict[str, int] = {}
    for channel, count in settings.capacity.items():
        if not isinstance(channel, str) or not channel or len(channel) > CHANNEL_MAX_LENGTH:
            raise InvalidConfig(
                f"a channel must be a name of 1 to {CHANNEL_MAX_LENGTH} characters, not {channel!r}"
            )
        capacity[channel] = check_int(count, f"capacity of {channel!r}", 0)
    return AgentSettings(
        skills=check_levels(settings.skills, "skills"),
        memberships=tuple(memberships),
        capacity=capacity,
        personal_weight=check_int(settings.personal_weight, "personal_weight"),
        standby=check_bool(settings.standby, "standby"),
    )
