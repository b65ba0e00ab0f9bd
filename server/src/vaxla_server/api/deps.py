"""The routers' dependencies: each service, taken from the one ``Services`` the app was
composed with (``services.compose``). A route names what it needs by type
(``Centre``, ``Config``, ...); nothing reaches into ``app.state`` by name."""

from pathlib import Path
from typing import Annotated

from fastapi import Depends
from fastapi import Path as PathParameter
from starlette.requests import HTTPConnection

from vaxla_server.auth import Auth
from vaxla_server.boards.service import Boards
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.clock import WallClock
from vaxla_server.config import Configuration
from vaxla_server.directory.service import Directory
from vaxla_server.phoneprompt.flow import PromptCalls
from vaxla_server.recording.store import Recordings
from vaxla_server.services import Services
from vaxla_server.sms.service import SmsService
from vaxla_server.stats.board import QueueBoard
from vaxla_server.stats.summary import Summaries
from vaxla_server.store import Store as StoreService
from vaxla_server.telephony import Telephony
from vaxla_server.voicemail.messages import VoicemailMessages


def get_services(connection: HTTPConnection) -> Services:
    """The app's services (HTTP requests and websockets alike)."""
    services = connection.app.state.services
    assert isinstance(services, Services)
    return services


def get_centre(connection: HTTPConnection) -> ContactCentre:
    return get_services(connection).centre


def get_configuration(connection: HTTPConnection) -> Configuration:
    return get_services(connection).configuration


def get_auth(connection: HTTPConnection) -> Auth:
    return get_services(connection).auth


def get_clock(connection: HTTPConnection) -> WallClock:
    return get_services(connection).clock


def get_board(connection: HTTPConnection) -> QueueBoard:
    return get_services(connection).board


def get_boards(connection: HTTPConnection) -> Boards:
    return get_services(connection).boards


def get_summaries(connection: HTTPConnection) -> Summaries:
    """The summaries brought up to date with the log (only what was appended since the
    last report is read)."""
    summaries = get_services(connection).summaries
    summaries.catch_up()
    return summaries


def get_directory(connection: HTTPConnection) -> Directory:
    return get_services(connection).directory


def get_store(connection: HTTPConnection) -> StoreService:
    return get_services(connection).store


def get_sms(connection: HTTPConnection) -> SmsService:
    return get_services(connection).sms


def get_telephony(connection: HTTPConnection) -> Telephony | None:
    return get_services(connection).telephony


Centre = Annotated[ContactCentre, Depends(get_centre)]
Config = Annotated[Configuration, Depends(get_configuration)]
Board = Annotated[QueueBoard, Depends(get_board)]
SavedBoards = Annotated[Boards, Depends(get_boards)]
Now = Annotated[WallClock, Depends(get_clock)]
Summary = Annotated[Summaries, Depends(get_summaries)]
People = Annotated[Directory, Depends(get_directory)]
Storage = Annotated[StoreService, Depends(get_store)]
Voice = Annotated[Telephony | None, Depends(get_telephony)]
Sms = Annotated[SmsService, Depends(get_sms)]


def get_data_dir(connection: HTTPConnection) -> Path | None:
    return get_services(connection).data_dir


DataDir = Annotated[Path | None, Depends(get_data_dir)]


def get_voicemail(connection: HTTPConnection) -> VoicemailMessages | None:
    return get_services(connection).voicemail


Voicemail = Annotated[VoicemailMessages | None, Depends(get_voicemail)]

ROW_ID_MAX = 2**31 - 1
"""The largest id a path may name: the store's ids are 32-bit integers."""
RowId = Annotated[int, PathParameter(ge=0, le=ROW_ID_MAX)]
"""An id in a route's path (an agent, queue, contact, message, link): a larger or negative
one is refused with 422, never looked up (it would overflow the store's integer)."""


def get_recordings(connection: HTTPConnection) -> Recordings | None:
    return get_services(connection).recordings


CallRecordings = Annotated[Recordings | None, Depends(get_recordings)]


def get_prompt_calls(connection: HTTPConnection) -> PromptCalls | None:
    return get_services(connection).prompt_calls


PhonePrompts = Annotated[PromptCalls | None, Depends(get_prompt_calls)]
"""Prompts recorded by phone (R31); ``None`` on a server without SIP or a data folder."""
