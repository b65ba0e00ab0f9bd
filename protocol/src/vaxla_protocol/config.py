"""The configuration on the wire: what ``/api/v1/config/...`` takes and gives, and the
whole-configuration document (``GET``/``PUT /api/v1/config/document``).

Everything is named by name (queues, menus, skills, prompts), never by database id, so
a document exported from one server loads into another. Shapes and ranges are checked
here; rules that need the rest of the configuration (does the queue exist, can a
personnummer have 8 digits) are the server's, which answers them with a clear message.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from vaxla_protocol._base import WireModel
from vaxla_protocol.auth import Role
from vaxla_protocol.outbound import SrtpMode
from vaxla_protocol.sms import e164

# No surrounding spaces and no control characters (PostgreSQL refuses NUL in text).
Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$",
    ),
]
Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
Label = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]
PromptName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]{0,63}$")]
Channel = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,32}$")]
PhoneNumber = Annotated[str, Field(pattern=r"^\+?[0-9*#]{1,32}$")]
Seconds = Annotated[float, Field(ge=0, le=86400)]
PositiveSeconds = Annotated[float, Field(gt=0, le=86400)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Level = Annotated[int, Field(ge=0, le=100)]
Priority = Annotated[int, Field(ge=0, le=100)]


class Language(StrEnum):
    """The languages callers are served in; each has its own default prompt set."""

    SV = "sv"
    EN = "en"


# Skills, pause reasons, classification codes


class SkillItem(WireModel):
    name: Name


class PauseReasonItem(WireModel):
    code: Code
    label_sv: Label
    label_en: Label
    active: bool = True


class ClassificationCodeItem(WireModel):
    code: Code
    label_sv: Label
    label_en: Label
    group: Code
    active: bool = True


class ActiveFlag(WireModel):
    """Offer a pause reason or classification code to agents (``true``) or not."""

    active: bool


class LicenceItem(WireModel):
    """At most ``max_logged_in_agents`` agents logged in at once (R34)."""

    max_logged_in_agents: Count


# Actions: what the call flow does next


class GoToMenu(WireModel):
    """Play the menu ``menu``."""

    kind: Literal["menu"] = "menu"
    menu: Name


class GoToQueue(WireModel):
    """Put the caller in the queue ``queue``. ``priority`` and ``skills`` are what this
    way into the queue says about the caller (a menu key: "invoices" needs the skill
    ``invoice``); they add to what the caller's number and entered data give, the
    higher priority and level winning (R12)."""

    kind: Literal["queue"] = "queue"
    queue: Name
    priority: Priority = 0
    skills: dict[Name, Level] = Field(default_factory=dict)


class CollectDigits(WireModel):
    """Collect digits by the definition ``collection``, then do ``then``. A valid entry
    starting with a rule's ``prefix`` gets that rule's priority and skill (the first
    rule that matches; R12), e.g. customer numbers from 9 to the key-account agents."""

    kind: Literal["digits"] = "digits"
    collection: Name
    then: Action
    rules: list[PriorityRule] = Field(default_factory=list, max_length=100)


class PlayMessage(WireModel):
    """Play the prompt ``prompt``, then do ``then`` (hang up when absent)."""

    kind: Literal["message"] = "message"
    prompt: PromptName
    then: Action | None = None


class TransferTo(WireModel):
    """Transfer the call to an outside number."""

    kind: Literal["transfer"] = "transfer"
    number: PhoneNumber


class SwitchLanguage(WireModel):
    """Go to ``menu``, a menu in another language."""

    kind: Literal["language"] = "language"
    menu: Name


class HangUp(WireModel):
    """End the call."""

    kind: Literal["hangup"] = "hangup"


class Voicemail(WireModel):
    """Leave a message in the voicemail box ``box`` (R7): its greeting, a beep, then
    the caller is recorded up to the box's limit, until ``#`` or the hang-up."""

    kind: Literal["voicemail"] = "voicemail"
    box: Name


class Callback(WireModel):
    """Be called back by ``queue`` (R17): the caller confirms the number to call (as in
    the queue's own callback) and becomes a callback contact in that queue, which must
    have callback settings. From a waiting caller's overflow (``on_max_wait`` …) it keeps
    its accumulated wait; sent while the queue is closed, the callback is scheduled for
    the queue's next opening (or a time the caller keys, with the queue's
    ``schedule_key``)."""

    kind: Literal["callback"] = "callback"
    queue: Name


Action = Annotated[
    GoToMenu
    | GoToQueue
    | CollectDigits
    | PlayMessage
    | TransferTo
    | SwitchLanguage
    | HangUp
    | Voicemail
    | Callback,
    Field(discriminator="kind"),
]


# Queues


class Strategy(StrEnum):
    SEQUENTIAL = "sequential"
    LONGEST_IDLE = "longest_idle"
    ROUND_ROBIN = "round_robin"
    FEWEST_CALLS = "fewest_calls"
    LEAST_TALK_TIME = "least_talk_time"
    RANDOM = "random"
    RING_ALL = "ring_all"
    SKILLS = "skills"


class ExpansionStepItem(WireModel):
    after_s: Seconds
    relax: Level = 0
    max_penalty: Count | None = None


class EscalationItem(WireModel):
    """A queue's escalation rule (R16): a waiting caller's priority rises by ``raise_by``
    once its accumulated wait reaches ``after_s`` seconds, and again every ``every_s``
    after that (once only when omitted), never above ``max_priority``."""

    after_s: PositiveSeconds
    raise_by: Annotated[int, Field(ge=1, le=100)] = 1
    every_s: PositiveSeconds | None = None
    max_priority: Annotated[int, Field(ge=1, le=100)] = 100


class ServiceGoalItem(WireModel):
    percent: Annotated[float, Field(ge=0, le=100)] = 80.0
    within_s: PositiveSeconds = 20.0


class PriorityRule(WireModel):
    """Callers whose number (or, in a digit collection, whose entry) starts with
    ``prefix`` get ``priority`` (higher is served first) and, when given, need the skill
    ``skill`` as well."""

    prefix: Annotated[str, Field(pattern=r"^\+?[0-9]{1,20}$")]
    priority: Priority = 0
    skill: Name | None = None
    skill_level: Level = 0


class CallbackWindow(WireModel):
    """A daily time window, ``start`` to ``end`` in ``time_zone`` (``end`` after
    ``start``, the same day)."""

    start: time
    end: time
    time_zone: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")] = (
        "Europe/Stockholm"
    )


class CallbackItem(WireModel):
    """A queue's callback (R17): the caller leaves the line but keeps its place, and is
    called back at its turn.

    Offered by ``key`` (voluntary: a digit, said in the queue's ``callback_offer``
    message) and/or imposed (forced) when the estimated wait passes ``forced_after_s``
    or when a caller arrives outside ``forced_outside``. ``confirm_number``: the caller's
    number is read back digit by digit, 1 confirms it, 2 keys another ending with #.
    ``order``: ``agent_first`` rings the agent first and then calls the citizen (the
    agent hears the progress); ``citizen_first`` holds the offer for the agent while the
    citizen is called, and only once the citizen answers (and hears that this is the
    callback it asked for) rings the agent; an agent who does not answer then leaves
    the callback at its place in the line for the next agent (the citizen is told and
    called again). A callback that is not answered (no answer, busy) is tried
    ``retries`` more times, ``retry_interval_s`` apart (0: back in the line at its
    place at once); after the last try it is closed as unreachable and ``sms_text`` is
    sent to the number.

    ``schedule_key`` (said after ``key``): the caller keys a time of day as four digits
    (HHMM, then #) and is called back then: the next time of day so, at least
    ``schedule_lead_min`` minutes ahead, that lies within the queue's opening hours. A
    scheduled callback waits out of the line until it is due, then enters the line as a
    caller arriving then (its wait counted from the due time) with its priority raised
    by ``schedule_raise``, so it goes before callers who came in before it was due
    unless they have as high a priority."""

    key: Annotated[str, Field(pattern=r"^[0-9]$")] | None = None
    forced_after_s: PositiveSeconds | None = None
    forced_outside: CallbackWindow | None = None
    confirm_number: bool = True
    order: Literal["agent_first", "citizen_first"] = "agent_first"
    retries: Annotated[int, Field(ge=0, le=10)] = 2
    retry_interval_s: Seconds = 300.0
    sms_text: Annotated[str, Field(min_length=1, max_length=480, pattern=r"\S")]
    schedule_key: Annotated[str, Field(pattern=r"^[0-9]$")] | None = None
    schedule_lead_min: Annotated[int, Field(ge=0, le=1440)] = 15
    schedule_raise: Priority = 10


class QueueFlowItem(WireModel):
    """What a queue does with its callers besides distributing them (R10, R12 to R16).

    Each ``on_*`` target may be a queue, a transfer to a number, a message, a voicemail
    box or a callback; ``None`` means the rule is off.
    """

    announcements: Name | None = None
    max_length: Annotated[int, Field(ge=1, le=100000)] | None = None
    on_max_length: Action | None = None
    max_wait_s: PositiveSeconds | None = None
    on_max_wait: Action | None = None
    schedule: Name | None = None
    on_closed: Action | None = None
    on_nobody_logged_in: Action | None = None
    priority_rules: list[PriorityRule] = Field(default_factory=list)
    callback: CallbackItem | None = None


class StandbyItem(WireModel):
    """When the queue's stand-by agents (agent profiles with ``standby``) are logged in
    to it by the server (R23): as soon as ``waiting`` callers wait, or the longest wait
    reaches ``longest_wait_s`` (either; ``None`` is off, both off means never), and
    logged out again once neither has held for ``calm_s`` seconds."""

    waiting: Annotated[int, Field(ge=1, le=100000)] | None = None
    longest_wait_s: PositiveSeconds | None = None
    calm_s: Seconds = 120.0


class QueueItem(WireModel):
    name: Name
    strategy: Strategy = Strategy.LONGEST_IDLE
    weight: Int32 = 0
    requirements: dict[Name, Level] = Field(default_factory=dict)
    max_penalty: Count | None = None
    expansion: list[ExpansionStepItem] = Field(default_factory=list)
    exclusion_s: Seconds = 30.0
    autopause: bool = True
    ring_timeout_s: PositiveSeconds = 15.0
    wrap_up_s: Seconds = 0.0
    service_goal: ServiceGoalItem = ServiceGoalItem()
    sticky_agent_s: Seconds = 0.0
    escalation: EscalationItem | None = None
    flow: QueueFlowItem = QueueFlowItem()
    standby: StandbyItem = StandbyItem()


# Agents


class MembershipItem(WireModel):
    queue: Name
    penalty: Count = 0
    order: Int32 = 0


class AgentSettingsItem(WireModel):
    skills: dict[Name, Level] = Field(default_factory=dict)
    memberships: list[MembershipItem] = Field(default_factory=list)
    capacity: dict[Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,32}$")], Count] = Field(
        default_factory=lambda: {"voice": 1}
    )
    personal_weight: Int32 = 0
    standby: bool = False


class AgentProfileItem(AgentSettingsItem):
    username: Name


class LicenceDay(WireModel):
    """The most agents logged in at once on ``day`` (the site's day), from the event log."""

    day: date
    peak_agents: int


class LicenceUse(WireModel):
    """The licence's limit (``None``: none set) and its use, one day after another up to
    today."""

    max_logged_in_agents: int | None
    days: list[LicenceDay]


# Schedules


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


class HolidayPolicy(StrEnum):
    """What a Swedish public holiday does: nothing, closes all day, or uses holiday hours."""

    IGNORE = "ignore"
    CLOSED = "closed"
    HOLIDAY_HOURS = "holiday_hours"


class OpeningInterval(WireModel):
    """Open ``start`` to ``end`` (``end`` 00:00 is midnight); one past midnight must say
    ``crosses_midnight``."""

    start: time
    end: time
    crosses_midnight: bool = False


class ScheduleException(WireModel):
    """Open or closed on ``day`` from ``start`` (midnight when absent) to ``end``
    (midnight when absent), e.g. closed 2026-12-24 from 12:00."""

    day: date
    open: bool
    start: time | None = None
    end: time | None = None
    label: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = ""


class ScheduleItem(WireModel):
    name: Name
    time_zone: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")] = (
        "Europe/Stockholm"
    )
    weekly: dict[Weekday, list[OpeningInterval]] = Field(default_factory=dict)
    holiday_policy: HolidayPolicy = HolidayPolicy.CLOSED
    include_holiday_eves: bool = True
    holiday_hours: list[OpeningInterval] = Field(default_factory=list)
    exceptions: list[ScheduleException] = Field(default_factory=list)


class HolidayItem(WireModel):
    """A Swedish public holiday, or a holiday eve (``eve``: midsommarafton, julafton,
    nyårsafton), by its Swedish name; schedules close on them by their holiday policy."""

    day: date
    name: str
    eve: bool


# Prompts and announcements


class PromptItem(WireModel):
    """A prompt of the language ``language``. ``custom_path`` (an absolute path to a WAV
    file) replaces the default prompt of that name; a name with no default needs one."""

    name: PromptName
    language: Language
    custom_path: Annotated[str, Field(max_length=1000, pattern=r"^/[^\x00]*$")] | None = None


class PromptSpeech(WireModel):
    """Words the server speaks (espeak-ng) to make a prompt, in the prompt's language."""

    text: Annotated[str, Field(min_length=1, max_length=1000, pattern=r"\S")]


_PHONE_NUMBER = re.compile(r"\+?[0-9]{2,20}")
_PHONE_URI = re.compile(
    r"sips?:[A-Za-z0-9_.!~*'()&=+$,;?/%-]{1,64}@[A-Za-z0-9.\-]{1,253}(:[0-9]{1,5})?"
)


_NUMBER_SEPARATORS = re.compile(r"[ ().-]")


def _phone(value: str) -> str:
    """A SIP URI as given, or a number with its separators taken out: ``070-123 45 67``
    is called as ``0701234567``."""
    value = value.strip()
    if _PHONE_URI.fullmatch(value):
        return value
    number = _NUMBER_SEPARATORS.sub("", value)
    if _PHONE_NUMBER.fullmatch(number):
        return number
    raise ValueError(
        f"{value[:80]!r} is neither a telephone number (2 to 20 digits, a + first if "
        "international; spaces, dashes and brackets are left out) nor a SIP URI "
        "(sip:user@host or sip:user@host:port)"
    )


PhoneToCall = Annotated[str, Field(min_length=1, max_length=400), AfterValidator(_phone)]
"""A phone the server calls: a number (through the outside line) or a SIP URI."""


class PromptByPhone(WireModel):
    """Record a prompt by phone: the server calls ``phone``, which hears what to do and a
    tone and is recorded until ``#``, its hang-up or the limit; the recording becomes the
    prompt in ``language``."""

    language: Language
    phone: PhoneToCall


PromptCallStateName = Literal["calling", "recording", "saved", "failed"]


class PromptCall(WireModel):
    """A prompt being recorded by phone, and how it went: ``calling`` the phone,
    ``recording`` once it answered and heard the tone, ``saved`` (the prompt plays the
    recording, ``seconds`` long) or ``failed`` (``reason`` in words; the prompt is as it
    was)."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    name: PromptName
    language: Language
    phone: str
    state: PromptCallStateName
    reason: str | None = None
    seconds: float | None = None
    by: str
    started_at: datetime


class ResolvedPrompt(WireModel):
    """Where the audio of a prompt is, and whether it is the custom or the default one."""

    name: PromptName
    language: Language
    path: str
    custom: bool


class AnnouncementSetItem(WireModel):
    """Announcements shared by several queues (R10)."""

    name: Name
    first: PromptName | None = None
    periodic: list[PromptName] = Field(default_factory=list)
    periodic_interval_s: Annotated[float, Field(ge=5, le=3600)] = 30.0
    announce_position: bool = False
    announce_wait: bool = False
    announce_agents_answering: bool = False


# Digit collection


class DigitKind(StrEnum):
    CUSTOMER_NUMBER = "customer_number"
    PERSONNUMMER = "personnummer"
    PIN = "pin"
    FREE_DIGITS = "free_digits"


class DigitCollectionItem(WireModel):
    """How to collect one entry from the caller. Lengths: a customer number and free
    digits take ``min_length``..``max_length``; a PIN exactly ``max_length`` (both equal);
    a personnummer is 10 or 12 digits (leave the lengths out, or give 10 and 12).

    After ``retries`` further failed tries: go on without the entry (``on_failure_menu``
    absent) or go to the menu ``on_failure_menu``.
    """

    name: Name
    kind: DigitKind
    min_length: Annotated[int, Field(ge=1, le=64)] | None = None
    max_length: Annotated[int, Field(ge=1, le=64)] | None = None
    luhn: bool = False
    allow_samordningsnummer: bool = True
    retries: Annotated[int, Field(ge=0, le=10)] = 2
    prompt: PromptName
    invalid_prompt: PromptName = "invalid_input"
    on_failure_menu: Name | None = None


# Menus and entry points

MenuKey = Literal["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]


class MenuItem(WireModel):
    """A menu of one language: a prompt, then DTMF keys to actions. After ``retries``
    further timeouts or invalid keys, ``on_timeout`` is done."""

    name: Name
    language: Language
    prompt: PromptName
    keys: dict[MenuKey, Action] = Field(default_factory=dict)
    timeout_s: Annotated[float, Field(ge=1, le=60)] = 5.0
    retries: Annotated[int, Field(ge=0, le=10)] = 2
    invalid_prompt: PromptName = "invalid_key"
    on_timeout: Action = HangUp()


class EntryPointItem(WireModel):
    """A number callers dial (the SIP user part, e.g. ``100``) and what happens to them.

    ``first`` is a menu or a queue. ``when_closed`` (outside ``schedule``) and
    ``when_nobody_logged_in`` are a message, a queue or a transfer; absent means play
    the default prompt (``closed`` or ``nobody_logged_in``) and hang up.
    """

    address: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.+-]{1,64}$")]
    name: Name
    language: Language = Language.SV
    schedule: Name | None = None
    welcome_prompt: PromptName | None = None
    first: Action
    when_closed: Action | None = None
    when_nobody_logged_in: Action | None = None


# Alarm rules


class AlarmMetric(StrEnum):
    WAITING_COUNT = "waiting_count"
    LONGEST_WAIT_S = "longest_wait_s"
    SERVICE_LEVEL_PCT = "service_level_pct"
    AGENTS_READY = "agents_ready"


class Comparison(StrEnum):
    ABOVE = ">"
    AT_LEAST = ">="
    BELOW = "<"
    AT_MOST = "<="


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.fullmatch(value) or ".." in value:
        raise ValueError(f"{value!r} is not an e-mail address (like larm@example.se)")
    return value


EmailAddress = Annotated[str, AfterValidator(_email)]
"""An e-mail address: ``local@domain.tld``, ASCII, at most 254 characters."""


def _recipient(value: str) -> str:
    if "@" in value:
        return _email(value)
    if not any(c.isdigit() for c in value):
        raise ValueError(
            f"{value!r} is neither an e-mail address (like larm@example.se) nor a phone "
            "number (like +46701234567)"
        )
    return e164(value)


AlarmRecipient = Annotated[str, AfterValidator(_recipient)]
"""An e-mail address (mailed), or a phone number (sent an SMS; normalised to E.164)."""


class AlarmRuleItem(WireModel):
    """Raise an alarm of ``severity`` while ``metric`` of ``queue`` compares true (R24).

    Hysteresis: a raised alarm clears only once the figure is back past ``clear_at``
    (on the normal side of ``threshold``; ``None``: as soon as the rule no longer holds).
    Quiet period: after an alarm clears, the rule raises no new one for ``quiet_s``
    seconds. ``recipients`` are told when it is raised and when it clears: an e-mail
    address by mail, a phone number by SMS (R24)."""

    name: Name
    queue: Name
    metric: AlarmMetric
    comparison: Comparison
    threshold: Annotated[float, Field(ge=0, le=1e9)]
    severity: Severity = Severity.WARNING
    clear_at: Annotated[float, Field(ge=0, le=1e9)] | None = None
    quiet_s: Seconds = 300.0
    recipients: Annotated[list[AlarmRecipient], Field(max_length=50)] = Field(default_factory=list)

    @field_validator("clear_at")
    @classmethod
    def _clear_on_the_normal_side(cls, value: float | None, info: ValidationInfo) -> float | None:
        comparison, threshold = info.data.get("comparison"), info.data.get("threshold")
        if value is None or comparison is None or threshold is None:
            return value
        above = comparison in (Comparison.ABOVE, Comparison.AT_LEAST)
        if (above and value > threshold) or (not above and value < threshold):
            side = "at or below" if above else "at or above"
            raise ValueError(
                f"clear_at {value:g} must be {side} the threshold {threshold:g}: the alarm "
                f"is raised when the figure is {comparison.value} {threshold:g} and clears "
                "when it is back on the other side"
            )
        return value

    @field_validator("recipients")
    @classmethod
    def _each_once(cls, value: list[str]) -> list[str]:
        seen = {address.lower() for address in value}
        if len(seen) != len(value):
            raise ValueError("an address or number is listed twice among the recipients")
        return value


# Trunks


class TrunkKind(StrEnum):
    """How the operator knows the trunk is ours: by the address calls come from (``ip``)
    or by a registration with a username and password (``registration``)."""

    IP = "ip"
    REGISTRATION = "registration"


def _network(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        raise ValueError(
            f"{value!r} is not an IP address or network (like 192.0.2.10 or 192.0.2.0/24)"
        ) from None


TrunkAddress = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_network)]
"""An address or network calls may come from; stored as a network (``192.0.2.10/32``)."""
_HOST_PORT = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])"
    r"(?::[0-9]{1,5})?$"
)


def _host_port(value: str) -> str:
    if not _HOST_PORT.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a host with an optional port (like sip.operator.se or "
            "192.0.2.1:5060, without sip:)"
        )
    return value


HostPort = Annotated[str, Field(max_length=255), AfterValidator(_host_port)]
"""A SIP host and optional port, without ``sip:`` (``sip.operator.se``, ``192.0.2.1:5060``)."""
SipUser = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.!~*'()&=+$,;?/%-]+$")
]
Secret = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[\x20-\x7e]+$")]
OutsideNumber = Annotated[str, Field(pattern=r"^\+?[0-9]{2,20}$")]


class TrunkTransport(StrEnum):
    """How the front carries SIP to and from the trunk: ``udp`` (most operators), ``tcp``,
    or ``tls`` (SIP over TLS, needed for SRTP: its keys travel in the SDP)."""

    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class TrunkFields(WireModel):
    """A SIP trunk to an operator, as both sides of the API see it.

    An ``ip`` trunk is known by its ``addresses`` (calls from them are accepted); a
    ``registration`` trunk registers as ``username`` at its ``registrar`` (through
    ``outbound_proxy`` if given), renewing every ``expiry_s``, and calls from its
    ``addresses`` are accepted too. Outside numbers (agents' calls, transfers out,
    overflow to a number) leave through the one trunk marked ``outbound``: to its
    ``gateway``, or a registration trunk's registrar when it has none, with its
    ``caller_id`` as the calling number; a challenge is answered with its username and
    password. ``transport`` is how the front's SIP reaches the trunk (registrations and
    outside calls); ``srtp`` whether the outside calls' audio to it is encrypted (SDES:
    ``optional`` offers SRTP and takes plain RTP, ``mandatory`` SRTP only), which needs
    ``transport: tls``.
    """

    name: Name
    kind: TrunkKind
    addresses: list[TrunkAddress] = Field(default_factory=list, validate_default=True)
    registrar: HostPort | None = Field(default=None, validate_default=True)
    username: SipUser | None = Field(default=None, validate_default=True)
    expiry_s: Annotated[int, Field(ge=10, le=86400)] = 3600
    outbound_proxy: HostPort | None = None
    outbound: bool = False
    gateway: HostPort | None = Field(default=None, validate_default=True)
    caller_id: OutsideNumber | None = None
    transport: TrunkTransport = TrunkTransport.UDP
    srtp: SrtpMode = Field(default="off", validate_default=True)

    @field_validator("srtp")
    @classmethod
    def _srtp_over_tls(cls, value: SrtpMode, info: ValidationInfo) -> SrtpMode:
        if value != "off" and info.data.get("transport") is not TrunkTransport.TLS:
            raise ValueError(
                "SRTP towards a trunk needs transport tls: its keys (SDES) travel in the "
                "SIP messages, readable on udp or tcp"
            )
        return value

    @field_validator("addresses")
    @classmethod
    def _ip_trunk_has_addresses(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("kind") is TrunkKind.IP and not value:
            raise ValueError("an IP trunk needs at least one address or network calls come from")
        return value

    @field_validator("registrar")
    @classmethod
    def _registrar_for_registration(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind is TrunkKind.REGISTRATION and value is None:
            raise ValueError("a registration trunk needs its registrar (host[:port])")
        if kind is TrunkKind.IP and value is not None:
            raise ValueError("an IP trunk does not register: leave the registrar out")
        return value

    @field_validator("username")
    @classmethod
    def _username_for_registration(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("kind") is TrunkKind.REGISTRATION and value is None:
            raise ValueError("a registration trunk needs the username it registers as")
        return value

    @field_validator("gateway")
    @classmethod
    def _somewhere_to_send(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("outbound") and info.data.get("kind") is TrunkKind.IP and value is None:
            raise ValueError(
                "an IP trunk that carries outside calls needs its gateway (host[:port])"
            )
        return value


class TrunkItem(TrunkFields):
    """A trunk as an administrator writes it. ``password`` is write-only: no answer
    ever carries it; leaving it out keeps the one stored for the trunk of that name."""

    password: Secret | None = Field(default=None, repr=False, validate_default=True)

    @field_validator("password")
    @classmethod
    def _password_needs_username(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("username") is None:
            raise ValueError("a password needs a username: give the trunk's username too")
        return value


class TrunkView(TrunkFields):
    """A trunk as the API answers it: whether a password is stored, never the password."""

    password_set: bool


RegistrationState = Literal["registering", "registered", "failed", "unregistered"]


class TrunkRegistration(WireModel):
    """Where a registration trunk's registration stands, since when. ``reason`` is the
    registrar's own answer when it refused (``403 Forbidden``), or what went wrong; a
    failed one is tried again at ``retry_at`` (later with every failure in a row)."""

    trunk: Name
    state: RegistrationState
    reason: str | None = None
    retry_at: datetime | None = None
    since: datetime


# Voicemail boxes


class VoicemailBoxItem(WireModel):
    """A shared voicemail box (R7): callers sent to it (a ``voicemail`` action) hear the
    prompt ``greeting`` in their language, then a beep, and are recorded for at most
    ``max_message_s`` seconds. ``readers`` (user names) and every user of a role in
    ``reader_roles`` may list, play and handle its messages; ``notify_app`` tells them of
    each new one in the app, ``notify_emails`` are mailed (the WAV attached when
    ``attach_audio``) and ``notify_phones`` get an SMS (numbers in E.164 or Swedish
    national form). Messages are deleted ``retention_days`` days after they came.

    ``task_queue``: each new message is also a voicemail task, a contact waiting in that
    queue's line with ``task_priority`` and offered to its agents in turn with its
    calls; the agent who takes it may play it, call back and mark it handled, which
    ends the task (so does a reader marking it handled in the Voicemail tab). The
    agent offered or holding the task may read that one message without being one of
    the box's readers."""

    name: Name
    greeting: PromptName
    max_message_s: Annotated[float, Field(ge=5, le=600)] = 120.0
    readers: Annotated[list[Name], Field(max_length=200)] = Field(default_factory=list)
    reader_roles: list[Role] = Field(default_factory=list)
    notify_app: bool = True
    notify_emails: Annotated[list[EmailAddress], Field(max_length=50)] = Field(default_factory=list)
    attach_audio: bool = False
    notify_phones: Annotated[list[Annotated[str, Field(max_length=32)]], Field(max_length=20)] = (
        Field(default_factory=list)
    )
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 30
    task_queue: Name | None = None
    task_priority: Priority = 0


# Call recording


class RecordingMode(StrEnum):
    """Which calls a recording rule records: every one, a random share, or none (an
    agent may still keep one it talks in: see ``RecordingRuleItem``)."""

    ALL = "all"
    SHARE = "share"
    NONE = "none"


class RecordingRuleItem(WireModel):
    """Call recording (R27) for the calls to one ``queue`` or one ``entry_point``
    (its address; exactly one of the two). ``all`` records every such call, ``share``
    a random ``share_percent`` of them, ``none`` none. A call chosen hears
    ``consent_prompt`` before its recording starts; the caller and the agent are
    recorded mixed. A call that is not recorded is recorded all the same into a buffer
    that is deleted at its end, unless its agent asks to keep it (the whole call, its
    start included). Recordings are deleted ``retention_days`` days after the call,
    unless marked kept. An entry point's rule decides before its first action; a
    queue's when the call reaches the queue, for a call no rule has decided yet."""

    name: Name
    queue: Name | None = None
    entry_point: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.+-]{1,64}$")] | None = None
    mode: RecordingMode = RecordingMode.ALL
    share_percent: Annotated[float, Field(gt=0, lt=100)] | None = None
    consent_prompt: PromptName = "recording_consent"
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 90

    @model_validator(mode="after")
    def _one_target_and_share(self) -> RecordingRuleItem:
        if (self.queue is None) == (self.entry_point is None):
            raise ValueError(
                "name exactly one of queue and entry_point: the calls the rule records"
            )
        if self.mode is RecordingMode.SHARE and self.share_percent is None:
            raise ValueError("mode share needs share_percent: the percentage of calls recorded")
        if self.mode is not RecordingMode.SHARE and self.share_percent is not None:
            raise ValueError(f"share_percent is only for mode share (this rule's is {self.mode})")
        return self


# The mail server alarms are mailed through


class MailTls(StrEnum):
    """How the connection to the SMTP server is protected: ``starttls`` on a plain
    connection (port 587), ``implicit`` TLS from the start (port 465), or ``off``."""

    STARTTLS = "starttls"
    IMPLICIT = "implicit"
    OFF = "off"


_MAIL_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")


def _mail_host(value: str) -> str:
    if not _MAIL_HOST.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a host name or address (like smtp.example.se or 192.0.2.25)"
        )
    return value


class MailServerFields(WireModel):
    """The SMTP server alarm mails go through, as both sides of the API see it."""

    host: Annotated[str, Field(max_length=255), AfterValidator(_mail_host)]
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    tls: MailTls = MailTls.STARTTLS
    username: (
        Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")] | None
    ) = None
    sender: EmailAddress
    """The From address of the mails."""


class MailServerItem(MailServerFields):
    """The mail server as an administrator writes it. ``password`` is write-only: no
    answer ever carries it; leaving it out keeps the one stored."""

    password: Secret | None = Field(default=None, repr=False, validate_default=True)

    @field_validator("password")
    @classmethod
    def _password_needs_username(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("username") is None:
            raise ValueError("a password needs a username: give the mail server's username too")
        return value


class MailServerView(MailServerFields):
    """The mail server as the API answers it: whether a password is stored, never it."""

    password_set: bool


class MailTestResult(WireModel):
    """A test mail the mail server took: to whom, through which (``host:port``)."""

    to: EmailAddress
    server: str


# The whole configuration


class ConfigDocument(WireModel):
    """The whole configuration in one document (R11 to R24): loaded in one transaction,
    all or nothing; agent profiles name users that must exist already."""

    skills: list[SkillItem] = Field(default_factory=list)
    pause_reasons: list[PauseReasonItem] = Field(default_factory=list)
    classification_codes: list[ClassificationCodeItem] = Field(default_factory=list)
    schedules: list[ScheduleItem] = Field(default_factory=list)
    prompts: list[PromptItem] = Field(default_factory=list)
    announcement_sets: list[AnnouncementSetItem] = Field(default_factory=list)
    queues: list[QueueItem] = Field(default_factory=list)
    agents: list[AgentProfileItem] = Field(default_factory=list)
    digit_collections: list[DigitCollectionItem] = Field(default_factory=list)
    menus: list[MenuItem] = Field(default_factory=list)
    entry_points: list[EntryPointItem] = Field(default_factory=list)
    alarm_rules: list[AlarmRuleItem] = Field(default_factory=list)
    voicemail_boxes: list[VoicemailBoxItem] = Field(default_factory=list)
    recording_rules: list[RecordingRuleItem] = Field(default_factory=list)
    licence: LicenceItem | None = None
    trunks: list[TrunkItem] = Field(default_factory=list)
    """Without passwords when exported; a trunk loaded without one keeps the password
    stored for the trunk of that name."""


class ProblemSeverity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class ConfigProblemItem(WireModel):
    severity: ProblemSeverity
    where: str
    message: str


class DocumentRefused(WireModel):
    """A refused document: ``detail`` says so; ``problems`` lists every problem found."""

    detail: str
    problems: list[str]


CollectDigits.model_rebuild()
PlayMessage.model_rebuild()


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class DocumentChange(WireModel):
    """One item a configuration document would add, remove or change: its part of the
    document (``queues``), its key there (a name, a code, an address, a user name) and,
    for a change, which of its fields differ."""

    part: str
    key: str
    change: ChangeKind
    fields: list[str] = Field(default_factory=list)


class DocumentCheck(WireModel):
    """What loading a document would do, found by loading it and rolling back: every
    item it changes, and the problems the result would have (warnings; a document with
    errors is refused instead, as loading it is)."""

    changes: list[DocumentChange]
    problems: list[ConfigProblemItem]
