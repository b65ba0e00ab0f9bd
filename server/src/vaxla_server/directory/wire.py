"""The directory, presence and lines on the wire (the routes and the event socket)."""

from collections.abc import Mapping

from vaxla_protocol.directory import (
    DirectoryPerson,
    LineStatus,
    Presence,
    PresenceReason,
)
from vaxla_server.centre import PresenceView
from vaxla_server.directory.service import StoredPerson


def presence(view: PresenceView) -> Presence:
    return Presence(
        username=view.username,
        reason=PresenceReason(view.reason),
        until=view.until,
        note=view.note,
        set_at=view.set_at,
        set_by=view.set_by,
    )


def line(extension: str, lines: Mapping[str, str]) -> LineStatus:
    """``extension``'s line; a user name the centre has no agent for is ``offline``."""
    state = lines.get(extension, "offline")
    return LineStatus.model_validate({"extension": extension, "state": state})


def person(
    stored: StoredPerson,
    presences: Mapping[str, PresenceView],
    lines: Mapping[str, str] | None,
) -> DirectoryPerson:
    """``lines`` None: for a role that may not see them (the person shows none)."""
    extension = stored.item.extension
    view = presences.get(extension) if extension else None
    return DirectoryPerson(
        **stored.item.model_dump(),
        id=stored.id,
        changed_at=stored.changed_at,
        changed_by=stored.changed_by,
        presence=None if view is None else presence(view),
        line=None if extension is None or lines is None else line(extension, lines),
    )
