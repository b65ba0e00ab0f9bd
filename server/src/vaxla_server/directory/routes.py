"""``/directory``, ``/presence`` and ``/lines``: the switchboard's directory of people,
hänvisning and line status (R29).

Who may do what, and why:

* every role reads the directory and the presences: operators (receptionists) put
  callers through with them, agents transfer with them, supervisors and administrators
  see what they see;
* administrators add, change, remove and import people (CSV, LDAP): the directory is
  the organisation's, like its users;
* every user sets and ends its own presence; operators and administrators set and end
  anyone's (the receptionist does it for a colleague who calls in);
* operators, supervisors and administrators see the lines (BLF): the switchboard and the
  real-time view; an agent sees its colleagues' presence, not their calls.

Every change is in the event log with who made it. A bad body, a number not in E.164, an
extension that is no Vaxla user answer 422 and change nothing; an import with a bad row
answers 422 with every bad row's number and reason and imports nothing.
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status

from vaxla_protocol import Role
from vaxla_protocol.directory import (
    CsvImport,
    DirectoryPerson,
    ImportResult,
    LdapImport,
    LineStatus,
    PersonItem,
    Presence,
    PresenceRequest,
)
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import CENTRE_ERRORS, FORBIDDEN, Centre, centre_errors
from vaxla_server.api.deps import Now, People, get_auth
from vaxla_server.auth import Auth, User
from vaxla_server.directory import wire
from vaxla_server.directory.imports import LdapUnavailable, parse_csv, read_ldap
from vaxla_server.directory.service import (
    DirectoryError,
    ImportRefused,
    PersonNotFound,
    StoredPerson,
)

router = APIRouter(tags=["directory"])

LINE_READERS_ORDER = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)
LINE_READERS = frozenset(LINE_READERS_ORDER)
"""Who sees colleagues' lines (BLF): the switchboard and the real-time view."""
Anyone = Annotated[
    User, Depends(require_role(Role.AGENT, Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN))
]
Admin = Annotated[User, Depends(require_role(Role.ADMIN))]
Receptionist = Annotated[User, Depends(require_role(Role.OPERATOR, Role.ADMIN))]
Watcher = Annotated[User, Depends(require_role(*LINE_READERS_ORDER))]
Users = Annotated[Auth, Depends(get_auth)]
PersonId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Username = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]

READ: dict[int | str, dict[str, Any]] = {**UNAUTHORIZED_RESPONSE, **FORBIDDEN}
ITEM = {**READ, status.HTTP_404_NOT_FOUND: {"description": "No such person."}}
WRITE = {
    **ITEM,
    status.HTTP_422_UNPROCESSABLE_CONTENT: {
        "description": "A field is wrong (a number not in E.164, an extension that is no "
        "user); or, for an import, the bad rows with their numbers and reasons. Nothing "
        "was changed."
    },
}
IMPORT = {
    **WRITE,
    status.HTTP_502_BAD_GATEWAY: {
        "description": "The LDAP server could not be reached or refused. Nothing changed."
    },
}
PRESENCE = {**READ, **CENTRE_ERRORS}


def _by(user: User) -> tuple[int, str]:
    return user.id, user.username


def _usernames(auth: Auth) -> set[str]:
    return {user.username for user in auth.users.list()}


@contextmanager
def _answering() -> Iterator[None]:
    try:
        yield
    except PersonNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from None
    except ImportRefused as error:
        problems = [problem.model_dump() for problem in error.problems]
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail={"message": str(error), "rows": problems},
        ) from None
    except LdapUnavailable as error:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, detail=str(error)) from None
    except DirectoryError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None


def _known_extension(item: PersonItem, auth: Auth) -> None:
    if item.extension is not None and item.extension not in _usernames(auth):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"extension: {item.extension!r} is no Vaxla user",
        )


def _people(found: list[StoredPerson], centre: Centre, user: User) -> list[DirectoryPerson]:
    """The people as ``user`` may see them: an agent without their lines."""
    presences = {view.username: view for view in centre.presences()}
    lines = centre.line_states() if user.role in LINE_READERS else None
    return [wire.person(stored, presences, lines) for stored in found]


# The directory


@router.get("/directory", responses=READ)
def people(
    user: Anyone,
    directory: People,
    centre: Centre,
    q: Annotated[str, Query(max_length=200)] = "",
) -> list[DirectoryPerson]:
    """The people in Swedish order (å, ä, ö after z), those matching every word of
    ``q`` in their name, department, title, e-mail, notes, extension or numbers when
    given (search as you type)."""
    return _people(directory.people(q), centre, user)


@router.get("/directory/{person_id}", responses=ITEM)
def person(person_id: PersonId, user: Anyone, directory: People, centre: Centre) -> DirectoryPerson:
    with _answering():
        return _people([directory.get(person_id)], centre, user)[0]


@router.post("/directory", status_code=status.HTTP_201_CREATED, responses=WRITE)
def add(
    item: PersonItem, user: Admin, directory: People, centre: Centre, auth: Users, now: Now
) -> DirectoryPerson:
    _known_extension(item, auth)
    return _people([directory.add(item, by=_by(user), now=now())], centre, user)[0]


@router.put("/directory/{person_id}", responses=WRITE)
def replace(
    person_id: PersonId,
    item: PersonItem,
    user: Admin,
    directory: People,
    centre: Centre,
    auth: Users,
    now: Now,
) -> DirectoryPerson:
    _known_extension(item, auth)
    with _answering():
        stored = directory.replace(person_id, item, by=_by(user), now=now())
    return _people([stored], centre, user)[0]


@router.delete("/directory/{person_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ITEM)
def remove(person_id: PersonId, user: Admin, directory: People, now: Now) -> Response:
    with _answering():
        directory.remove(person_id, by=_by(user), now=now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/directory/import/csv", responses=WRITE)
def import_csv(
    request: CsvImport, user: Admin, directory: People, auth: Users, now: Now
) -> ImportResult:
    """Add or replace the people of a CSV file: all of them, or (a bad row) none."""
    with _answering():
        items = parse_csv(request.text, _usernames(auth))
        added, replaced = directory.import_people(items, "csv", by=_by(user), now=now())
    return ImportResult(added=added, replaced=replaced)


@router.post("/directory/import/ldap", responses=IMPORT)
async def import_ldap(
    request: LdapImport, user: Admin, directory: People, auth: Users, now: Now
) -> ImportResult:
    """Add or replace the people an LDAP server lists: all of them, or (a bad entry)
    none."""
    with _answering():
        items = await asyncio.to_thread(read_ldap, request, _usernames(auth))
        added, replaced = await asyncio.to_thread(
            directory.import_people, items, "ldap", by=_by(user), now=now()
        )
    return ImportResult(added=added, replaced=replaced)


# Hänvisning


@router.get("/presence", responses=READ)
def presences(_user: Anyone, centre: Centre) -> list[Presence]:
    """Every presence set now, by user name."""
    return [wire.presence(view) for view in centre.presences()]


def _set(centre: Centre, username: str, request: PresenceRequest, user: User) -> Presence:
    with centre_errors():
        view = centre.set_presence(
            username, request.reason.value, request.until, note=request.note,
            by_user=user.id, by_name=user.username,
        )  # fmt: skip
    return wire.presence(view)


def _end(centre: Centre, username: str, user: User) -> Response:
    with centre_errors():
        centre.end_presence(username, by_user=user.id, by_name=user.username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/presence", responses=PRESENCE)
def set_own(request: PresenceRequest, user: Anyone, centre: Centre) -> Presence:
    """Set the calling user's presence; it ends by itself at ``until``."""
    return _set(centre, user.username, request, user)


@router.delete("/presence", status_code=status.HTTP_204_NO_CONTENT, responses=PRESENCE)
def end_own(user: Anyone, centre: Centre) -> Response:
    """End the calling user's presence (409 when none is set)."""
    return _end(centre, user.username, user)


def _existing(username: str, auth: Auth) -> str:
    if username not in _usernames(auth):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no user named {username!r}")
    return username


@router.put("/presence/{username}", responses=PRESENCE)
def set_for(
    username: Username, request: PresenceRequest, user: Receptionist, centre: Centre, auth: Users
) -> Presence:
    """Set another user's presence (the receptionist for a colleague)."""
    return _set(centre, _existing(username, auth), request, user)


@router.delete("/presence/{username}", status_code=status.HTTP_204_NO_CONTENT, responses=PRESENCE)
def end_for(username: Username, user: Receptionist, centre: Centre, auth: Users) -> Response:
    return _end(centre, _existing(username, auth), user)


# Line status


@router.get("/lines", responses=READ)
def lines(_user: Watcher, centre: Centre) -> list[LineStatus]:
    """Every Vaxla extension's line now (free, ringing, in a call, on hold, offline)."""
    return [wire.line(name, states) for states in [centre.line_states()] for name in sorted(states)]
