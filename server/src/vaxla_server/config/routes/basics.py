"""``/config/...`` for what is not a list of items under a key (those are
``kinds.py``): whether a pause reason or classification code is offered, the
licence (one of it), the mail server alarms go through (one of it), prompts (by name
and language, default or custom), the whole document and its problems, and the trunks'
registrations.

Reads are for administrators and supervisors, writes for administrators.
"""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Response, status

from vaxla_protocol.config import (
    ActiveFlag,
    ChangeKind,
    ConfigDocument,
    ConfigProblemItem,
    DocumentChange,
    DocumentCheck,
    EmailAddress,
    HolidayItem,
    Language,
    LicenceDay,
    LicenceItem,
    LicenceUse,
    MailServerItem,
    MailServerView,
    MailTestResult,
    ProblemSeverity,
    PromptItem,
    ResolvedPrompt,
    TrunkKind,
    TrunkRegistration,
)
from vaxla_server.alarms.mail import Mailer, MailTestFailed
from vaxla_server.api.deps import Centre, Now, Voice, get_services
from vaxla_server.config import ConfigProblem, NotFound, UnknownPrompt
from vaxla_server.config.licence import peak_agents_per_day
from vaxla_server.config.routes.common import (
    ITEM_RESPONSES,
    READ_RESPONSES,
    WRITE_RESPONSES,
    Admin,
    Config,
    PathName,
    Reader,
    answering_refusals,
)
from vaxla_server.config.schedule import swedish_holidays
from vaxla_server.services import Services
from vaxla_server.stats import events_between
from vaxla_server.stats.days import SITE_TIME_ZONE, site_midnight

router = APIRouter(prefix="/config", tags=["configuration"])
_NO_CONTENT = status.HTTP_204_NO_CONTENT


def _no_content() -> Response:
    return Response(status_code=_NO_CONTENT)


# Whether pause reasons and classification codes are offered


@router.put("/pause-reasons/{code}/active", status_code=_NO_CONTENT, responses=WRITE_RESPONSES)
def set_pause_reason_active(
    _user: Admin, config: Config, code: PathName, flag: ActiveFlag
) -> Response:
    """Offer the reason to agents again, or stop offering it (history keeps it)."""
    with answering_refusals():
        config.set_pause_reason_active(code, flag.active)
    return _no_content()


@router.put(
    "/classification-codes/{code}/active", status_code=_NO_CONTENT, responses=WRITE_RESPONSES
)
def set_classification_code_active(
    _user: Admin, config: Config, code: PathName, flag: ActiveFlag
) -> Response:
    with answering_refusals():
        config.set_classification_code_active(code, flag.active)
    return _no_content()


# The licence


@router.get("/licence", responses=ITEM_RESPONSES)
def read_licence(_user: Reader, config: Config) -> LicenceItem:
    licence = config.licence()
    if licence is None:
        with answering_refusals():
            raise NotFound("licence", "licence")
    assert licence is not None
    return LicenceItem(max_logged_in_agents=licence.max_logged_in_agents)


@router.get("/licence/use", responses=READ_RESPONSES)
def read_licence_use(
    _user: Reader,
    config: Config,
    centre: Centre,
    now: Now,
    days: Annotated[int, Query(ge=1, le=366)] = 31,
) -> LicenceUse:
    """The licence's limit and, for each of the last ``days`` days up to today (the
    site's days), the most agents logged in at once, from the event log (R34)."""
    licence = config.licence()
    today = site_midnight(now()).date()
    first = today - timedelta(days=days - 1)
    peaks = peak_agents_per_day(events_between(centre.log), first, today, SITE_TIME_ZONE)
    return LicenceUse(
        max_logged_in_agents=None if licence is None else licence.max_logged_in_agents,
        days=[LicenceDay(day=day, peak_agents=peak) for day, peak in peaks],
    )


@router.put("/licence", responses=WRITE_RESPONSES)
def set_licence(_user: Admin, config: Config, item: LicenceItem) -> LicenceItem:
    with answering_refusals():
        config.set_licence(item.max_logged_in_agents)
    return item


# The Swedish holidays schedules follow


@router.get("/holidays/{year}", responses=READ_RESPONSES)
def read_holidays(_user: Reader, year: Annotated[int, Path(ge=1900, le=2200)]) -> list[HolidayItem]:
    """The Swedish public holidays and holiday eves of ``year``, as every schedule's
    holiday policy sees them (the eves only where it includes them)."""
    return [HolidayItem(day=day, name=name, eve=eve) for day, name, eve in swedish_holidays(year)]


# The mail server alarms are mailed through (R24)


@router.get("/mail-server", responses=ITEM_RESPONSES)
def read_mail_server(_user: Reader, config: Config) -> MailServerView:
    """The SMTP server alarm mails go through; whether a password is stored, never it."""
    with answering_refusals():
        return config.mail_server.view()


@router.put("/mail-server", responses=WRITE_RESPONSES)
def set_mail_server(_user: Admin, config: Config, item: MailServerItem) -> MailServerView:
    """Set the SMTP server: host, port, TLS (``starttls``, ``implicit`` or ``off``), the
    username and password it wants (left out: the stored password stays), the sender."""
    with answering_refusals():
        return config.mail_server.set(item)


def _mailer(services: Annotated[Services, Depends(get_services)]) -> Mailer:
    return services.mailer


@router.post("/mail-server/test", responses=ITEM_RESPONSES)
def send_test_mail(
    user: Admin,
    mailer: Annotated[Mailer, Depends(_mailer)],
    to: Annotated[EmailAddress, Body(embed=True)],
) -> MailTestResult:
    """Send a test mail to ``to`` through the mail server at once (not through the
    alarm mails' outbox): 409 with what went wrong in words (the server refused the
    log-in, nothing listens there, TLS failed, ...) when it did not take it; 404 when
    no mail server is set. Nothing is stored."""
    with answering_refusals():
        try:
            server = mailer.send_test(to, user.username)
        except MailTestFailed as error:
            raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    return MailTestResult(to=to, server=server)


@router.delete("/mail-server", status_code=_NO_CONTENT, responses=ITEM_RESPONSES)
def delete_mail_server(_user: Admin, config: Config) -> Response:
    """No mail server: alarms are still raised, logged and shown, but not mailed."""
    with answering_refusals():
        config.mail_server.delete()
    return _no_content()


# Prompts


@router.get("/prompts", responses=READ_RESPONSES)
def read_custom_prompts(_user: Reader, config: Config) -> list[PromptItem]:
    """The registered custom prompts."""
    return config.prompts()


@router.get("/prompts/{language}", responses=READ_RESPONSES)
def read_prompt_names(_user: Reader, config: Config, language: Language) -> list[str]:
    """Every prompt name the language has, default and custom."""
    return config.prompt_names(language)


@router.get("/prompts/{language}/{name}", responses=ITEM_RESPONSES)
def resolve_prompt(
    _user: Reader, config: Config, language: Language, name: PathName
) -> ResolvedPrompt:
    """Where the audio of the prompt is: the custom file, else the default one."""
    with answering_refusals():
        try:
            return config.resolve_prompt(name, language)
        except UnknownPrompt:
            raise NotFound("prompt", f"{name} ({language.value})") from None


@router.put("/prompts", responses=WRITE_RESPONSES)
def set_prompt(_user: Admin, config: Config, item: PromptItem) -> PromptItem:
    """Register a custom prompt, or replace its file."""
    with answering_refusals():
        return config.set_prompt(item)


@router.delete("/prompts/{language}/{name}", status_code=_NO_CONTENT, responses=WRITE_RESPONSES)
def delete_prompt(_user: Admin, config: Config, language: Language, name: PathName) -> Response:
    with answering_refusals():
        config.delete_prompt(name, language)
    return _no_content()


# The whole configuration


@router.get("/document", responses=READ_RESPONSES)
def read_document(_user: Reader, config: Config) -> ConfigDocument:
    """The whole configuration as one document (a backup)."""
    return config.export_document()


@router.put("/document", responses=WRITE_RESPONSES)
def replace_document(_user: Admin, config: Config, document: ConfigDocument) -> ConfigDocument:
    """Replace the whole configuration: all of it, or nothing and 400 listing every
    problem."""
    with answering_refusals():
        config.apply_document(document)
    return config.export_document()


@router.post("/document/check", responses=WRITE_RESPONSES)
def check_document(_user: Admin, config: Config, document: ConfigDocument) -> DocumentCheck:
    """What replacing the whole configuration with ``document`` would change, item by
    item, and the warnings the result would have; nothing is stored. A document the
    rules refuse answers 400 listing every problem, as ``PUT /document`` would."""
    with answering_refusals():
        changes, problems = config.preview_document(document)
    return DocumentCheck(
        changes=[
            DocumentChange(part=part, key=key, change=ChangeKind(change), fields=fields)
            for part, key, change, fields in changes
        ],
        problems=[_problem(problem) for problem in problems],
    )


def _problem(problem: ConfigProblem) -> ConfigProblemItem:
    return ConfigProblemItem(
        severity=ProblemSeverity(problem.severity.value),
        where=problem.where,
        message=problem.message,
    )


@router.get("/problems", responses=READ_RESPONSES)
def read_problems(_user: Reader, config: Config) -> list[ConfigProblemItem]:
    """Problems of the stored configuration as a whole, errors first."""
    return [_problem(problem) for problem in config.check()]


# The trunks' registrations


@router.get("/trunk-registrations", responses=READ_RESPONSES)
def read_trunk_registrations(
    _user: Reader, config: Config, voice: Voice, now: Now
) -> list[TrunkRegistration]:
    """Where each registration trunk's registration stands: registering, registered,
    failed (with the registrar's reason, and when it is tried again) or unregistered.
    The event socket tells supervisors and administrators of every change."""
    if voice is not None:
        return voice.trunks.states()
    return [
        TrunkRegistration(
            trunk=trunk.name,
            state="unregistered",
            reason="this server takes no calls (serve without --sip-port)",
            since=now(),
        )
        for trunk in config.trunks.views()
        if trunk.kind is TrunkKind.REGISTRATION
    ]


routers: list[APIRouter] = [router]
