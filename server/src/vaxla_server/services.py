"""The composition root: every long-lived service of the server, built once and wired
here, in the order they depend on each other.

Nothing else constructs a service or hands one collaborator to another: the routers get
theirs through FastAPI's dependency injection (``api/deps.py`` reads the one typed
``Services`` the app holds), and every service that publishes or follows news gets the
one ``Notifier``. Tests build the same graph with their own clock and settings.
"""

import asyncio
import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

from vaxla_server.alarms.mail import Mailer
from vaxla_server.alarms.watch import Watch
from vaxla_server.auth import Auth, AuthSettings
from vaxla_server.boards.service import Boards
from vaxla_server.centre import CentreError, VoicemailTaskView
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.clock import WallClock, system_time
from vaxla_server.config import Configuration
from vaxla_server.directory.service import Directory
from vaxla_server.notifier import Notifier
from vaxla_server.phoneprompt.flow import PromptCalls
from vaxla_server.recording.store import Recordings
from vaxla_server.sms.callbacks import callback_texts
from vaxla_server.sms.from_log import LogTexts
from vaxla_server.sms.gateway import Gateways
from vaxla_server.sms.service import SmsService
from vaxla_server.stats.board import QueueBoard
from vaxla_server.stats.snapshot import SummarySnapshots
from vaxla_server.stats.summary import Summaries
from vaxla_server.store import Store
from vaxla_server.store.events import EndCause, Event, EventKind, VoicemailLeft
from vaxla_server.telephony import Telephony, TelephonySettings
from vaxla_server.voicemail.messages import (
    VOICEMAIL_NEWS,
    VoicemailMessages,
    VoicemailNews,
    sms_notices,
)

DEFAULT_SNAPSHOT_INTERVAL_S = 1.0
DEFAULT_SESSION_RECHECK_S = 10.0

log = logging.getLogger(__name__)


@dataclass
class EventSocketSettings:
    """How often the event socket sends queue snapshots and rechecks a session."""

    snapshot_interval_s: float = DEFAULT_SNAPSHOT_INTERVAL_S
    """At most one queue snapshot per interval while queues change (the last change
    always reaches the desktop)."""
    session_recheck_s: float = DEFAULT_SESSION_RECHECK_S
    """A socket whose session ended is closed at the first event after this long."""


@dataclass(frozen=True)
class Services:
    """The server's services, wired."""

    clock: WallClock
    store: Store
    notifier: Notifier
    configuration: Configuration
    centre: ContactCentre
    auth: Auth
    board: QueueBoard
    boards: Boards
    """The wallboards saved on the server and their links."""
    telephony: Telephony | None
    """The SIP front, media workers and call flow; ``None`` on a server without SIP."""
    watch: Watch
    """Stand-by agents and alarm rules, checked every second (R23, R24)."""
    mailer: Mailer
    """The alarm mails' outbox and sender (R24), and the alarm SMS to phone numbers."""
    sms: SmsService
    """The SMS outbox and gateway (R25): ``send(to, text, sender)`` for every slice."""
    callback_texts: LogTexts
    """The SMS to citizens that callbacks could not reach (R17)."""
    summaries: Summaries
    """The event log folded into 15-minute buckets for the reports (R33)."""
    directory: Directory
    """The directory of people (R29)."""
    voicemail_texts: LogTexts
    """The SMS telling a box's phones of a new voicemail message (R7), decided by the log."""
    voicemail: VoicemailMessages | None = None
    """The voicemail messages (R7); ``None`` on a server that keeps no files."""
    recordings: Recordings | None = None
    """The calls' recordings (R27); ``None`` on a server that keeps no files."""
    prompt_calls: PromptCalls | None = None
    """Prompts recorded by phone (R31); ``None`` on a server without SIP or files."""
    event_socket: EventSocketSettings = field(default_factory=EventSocketSettings)
    data_dir: Path | None = None
    """The server's data directory, where the files it makes are kept (prompts made
    from uploads and text); ``None``: a server that keeps no files (tests)."""


def follow_voicemail_task(centre: ContactCentre, news: VoicemailNews) -> None:
    """A voicemail task follows its message (R7): a message left in a box with a
    ``task_queue`` waits in that queue's line; one handled or purged ends its task. A
    task the centre could not log now is queued at the next start (from the message's
    ``VoicemailLeft``)."""
    message = news.message
    try:
        if news.change == "left" and news.task_queue is not None:
            task = VoicemailTaskView(
                message.id, message.box, message.caller, message.received_at, message.seconds
            )
            centre.queue_voicemail_task(task, news.task_queue, priority=news.task_priority)
        elif news.change in ("handled", "purged"):
            cause: EndCause = (
                "voicemail_handled" if news.change == "handled" else "voicemail_purged"
            )
            centre.end_voicemail_task(message.id, by_agent=news.by_user, cause=cause)
    except CentreError as error:
        log.warning("the voicemail task of message %d: %s", message.id, error)


def compose(
    store: Store,
    *,
    auth_settings: AuthSettings | None = None,
    clock: WallClock = system_time,
    telephony: TelephonySettings | None = None,
    data_dir: Path | None = None,
) -> Services:
    """Build every service over ``store``. The centre is started here, so it has closed
    what a stopped server left open before anything can ask it a question."""
    notifier = Notifier()
    configuration = Configuration(store.engine, notifier=notifier)
    centre = ContactCentre(
        log=store.events,
        config=configuration,
        clock=clock,
        notifier=notifier,
        heartbeat=store.heartbeat,
    )
    centre.start()
    centre.follow(configuration)
    auth = Auth.open(store, auth_settings or AuthSettings(), notifier=notifier)
    files = data_dir if data_dir is not None else telephony.data_dir if telephony else None
    voicemail = None if files is None else VoicemailMessages(store.engine, notifier, files, clock)
    recordings = None if files is None else Recordings(store.engine, notifier, files, clock)
    voice = (
        None
        if telephony is None
        else Telephony(
            telephony,
            centre=centre,
            configuration=configuration,
            session_keys=lambda agent_id: auth.sessions.session_keys(agent_id, clock()),
            voicemail=voicemail,
            recordings=recordings,
        )
    )
    prompt_calls = (
        None
        if voice is None or files is None
        else PromptCalls(
            router=voice.router,
            outside_line=voice.trunks.outside_line,
            configuration=configuration,
            events=store.events,
            prompt=voice.flow.prompt,
            folder=files / "prompts",
            clock=voice.clock,
            offload=asyncio.to_thread,
        )
    )
    summaries = Summaries(store.events, SummarySnapshots(store.engine), clock=clock)
    board = QueueBoard(centre, summaries)
    sms = SmsService(store.engine, Gateways(store.engine), clock, notifier)

    def voicemail_sms(event: Event) -> list[tuple[int, str, str, str | None]]:
        assert isinstance(event, VoicemailLeft)
        boxes = configuration.voicemail_boxes.list()
        return sms_notices(event, next((b for b in boxes if b.name == event.box), None))

    voicemail_texts = LogTexts(
        sms, store.events, kind=EventKind.VOICEMAIL_LEFT, purpose="voicemail", texts=voicemail_sms
    )
    notifier.subscribe(
        VOICEMAIL_NEWS, lambda news: voicemail_texts.wake() if news.change == "left" else None
    )
    notifier.subscribe(VOICEMAIL_NEWS, functools.partial(follow_voicemail_task, centre))
    return Services(
        clock=clock,
        store=store,
        notifier=notifier,
        configuration=configuration,
        centre=centre,
        auth=auth,
        board=board,
        boards=Boards(store.engine, configuration, notifier),
        telephony=voice,
        data_dir=data_dir,
        watch=Watch(centre, board, configuration),
        mailer=Mailer(store.engine, centre, configuration, clock, sms=sms),
        sms=sms,
        voicemail_texts=voicemail_texts,
        callback_texts=callback_texts(sms, centre, store.events),
        voicemail=voicemail,
        recordings=recordings,
        prompt_calls=prompt_calls,
        summaries=summaries,
        directory=Directory(store.engine),
    )
