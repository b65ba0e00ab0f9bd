"""The directory of people, hänvisning (presence) and line status (R29) on the wire.

Routes (under ``/api/v1``):

- ``GET /directory?q=`` → ``list[DirectoryPerson]``: the people, in Swedish order, those
  matching ``q`` (name, department, title, number, e-mail or note) when given; every role
  reads it (agents for transfers, operators at the switchboard);
- ``POST /directory`` with :class:`PersonItem` → :class:`DirectoryPerson` (administrators);
- ``PUT /directory/{id}``, ``DELETE /directory/{id}`` (administrators);
- ``POST /directory/import/csv`` with :class:`CsvImport` and
  ``POST /directory/import/ldap`` with :class:`LdapImport` → :class:`ImportResult`
  (administrators): all rows or none;
- ``GET /presence`` → ``list[Presence]``; ``PUT /presence`` / ``DELETE /presence``: the
  calling user's own; ``PUT /presence/{username}`` / ``DELETE /presence/{username}``:
  someone else's (operators and administrators);
- ``GET /lines`` → ``list[LineStatus]``: each Vaxla extension's line (operators,
  supervisors, administrators).

Each change is in the event log with who did it; the event socket carries
:class:`PresenceChanged` to every role and :class:`LineStatusChanged` to operators,
supervisors and administrators.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from vaxla_protocol._base import WireModel

E164 = Annotated[str, Field(pattern=r"^\+[1-9][0-9]{6,14}$")]
"""A telephone number in E.164: ``+`` and 7 to 15 digits, the first not 0."""
Extension = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
"""A Vaxla user name: the person's softphone."""
Text = Annotated[str, Field(max_length=200)]
EMAIL = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"

CSV_COLUMNS = (
    "name",
    "extension",
    "mobile",
    "other_numbers",
    "department",
    "title",
    "email",
    "notes",
)
"""The header a CSV import must start with (``other_numbers``: separated by ``;``)."""
MAX_IMPORT_ROWS = 10_000


class PersonItem(WireModel):
    """A person of the directory, as an administrator writes it."""

    name: Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
    extension: Extension | None = None
    mobile: E164 | None = None
    other_numbers: Annotated[list[E164], Field(max_length=10)] = Field(default_factory=list)
    department: Text = ""
    title: Text = ""
    email: Annotated[str, Field(max_length=254, pattern=EMAIL)] | None = None
    notes: Annotated[str, Field(max_length=2000)] = ""
    """For the receptionist: "takes calls about invoices"."""


class PresenceReason(StrEnum):
    """Why a person is away; what callers hear (the prompt ``presence_<reason>``)."""

    LUNCH = "lunch"
    MEETING = "meeting"
    VACATION = "vacation"
    SICK = "sick"
    TRAVEL = "travel"
    AWAY = "away"


class PresenceRequest(WireModel):
    """Set a presence: why, until when (it ends by itself then; None: until removed),
    and a note for the receptionist."""

    reason: PresenceReason
    until: AwareDatetime | None = None
    note: Annotated[str, Field(max_length=200)] = ""


class Presence(WireModel):
    """A user's presence (hänvisning) now."""

    username: str
    reason: PresenceReason
    until: datetime | None
    note: str
    set_at: datetime
    set_by: str | None


LineState = Literal["free", "ringing", "in_call", "on_hold"]


class LineStatus(WireModel):
    """A Vaxla extension's line (BLF), from the server's own calls: ``offline`` when its
    user is not logged in to take calls (``free`` is a softphone that would ring)."""

    extension: str
    state: LineState | Literal["offline"]


class DirectoryPerson(PersonItem):
    id: int
    changed_at: datetime
    changed_by: str
    presence: Presence | None = None
    line: LineStatus | None = None
    """Only for a person with an extension, and only to operators, supervisors and
    administrators (an agent sees its colleagues' presence, not their calls)."""


class RowProblem(WireModel):
    row: int
    """The row's number in the file (the header is row 1), or the LDAP entry's index."""
    reason: str


class ImportResult(WireModel):
    added: int
    replaced: int
    """People matched by e-mail or, without one, by name, and replaced."""


class CsvImport(WireModel):
    """A CSV file's text: the header :data:`CSV_COLUMNS` (any order, ``name`` required),
    comma- or semicolon-separated."""

    text: Annotated[str, Field(max_length=5_000_000)]


class LdapImport(WireModel):
    """Where to read people from: each entry under ``base_dn`` matching ``filter``
    (``cn``/``displayName``, ``telephoneNumber``, ``mobile``, ``mail``, ``title``,
    ``ou``/``department``, ``uid`` as the extension when a user of that name exists)."""

    url: Annotated[str, Field(pattern=r"^ldaps?://[^\s/]+(:[0-9]{1,5})?/?$")]
    base_dn: Annotated[str, Field(min_length=1, max_length=500)]
    bind_dn: Annotated[str, Field(max_length=500)] | None = None
    password: Annotated[str | None, Field(max_length=500, repr=False)] = None
    filter: Annotated[str, Field(min_length=3, max_length=500)] = "(objectClass=person)"


class PresenceChanged(WireModel):
    """A user's presence was set (``presence``) or ended (None), by ``by`` (None: it
    ended by itself at its return time)."""

    type: Literal["presence_changed"] = "presence_changed"
    username: str
    presence: Presence | None
    by: str | None


class LineStatusChanged(WireModel):
    type: Literal["line_status"] = "line_status"
    line: LineStatus
