"""People into the directory from a CSV file or an LDAP server (R29).

Both read every row or entry first and check it as a ``PersonItem``; one bad row
refuses the whole import (``ImportRefused``, each bad row's number and reason), so the
directory is never half-imported. Numbers may be written as people write them: spaces,
dashes and brackets are dropped, ``00`` becomes ``+``, and a Swedish national number
(``08-123 45 67``, ``070-…``) becomes E.164 (``+468…``, ``+4670…``); what is still not
E.164 is refused.
"""

import contextlib
import csv
import io
import warnings
from collections.abc import Callable, Iterable, Mapping

from pydantic import ValidationError

from vaxla_protocol.directory import (
    CSV_COLUMNS,
    MAX_IMPORT_ROWS,
    LdapImport,
    PersonItem,
    RowProblem,
)
from vaxla_server.directory.service import DirectoryError, ImportRefused

COUNTRY = "+46"
"""The country a national number (one starting with a single 0) is in."""
LDAP_TIMEOUT_S = 10


class LdapUnavailable(DirectoryError):
    """The LDAP server could not be reached, refused the bind, or refused the search."""


def normalise_number(text: str) -> str:
    number = "".join(c for c in text.strip() if c not in " -()./\u00a0")
    if number.startswith("00"):
        return "+" + number[2:]
    if number.startswith("0"):
        return COUNTRY + number[1:]
    return number


def _item(fields: Mapping[str, object]) -> PersonItem:
    return PersonItem.model_validate(fields)


def _reason(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"]
        if problem["type"] == "string_pattern_mismatch":
            value = problem.get("input")
            message = {
                "mobile": f"{value!r} is not a telephone number (E.164: +46701234567)",
                "other_numbers": f"{value!r} is not a telephone number (E.164: +4681234567)",
                "email": f"{value!r} is not an e-mail address",
                "extension": f"{value!r} is not a user name",
                "name": "the name is empty",
            }.get(str(problem["loc"][0]), message)
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def _checked(rows: Iterable[tuple[int, Callable[[], Mapping[str, object]]]]) -> list[PersonItem]:
    items: list[PersonItem] = []
    problems: list[RowProblem] = []
    for number, read in rows:
        try:
            items.append(_item(read()))
        except ValidationError as error:
            problems.append(RowProblem(row=number, reason=_reason(error)))
        except ValueError as error:
            problems.append(RowProblem(row=number, reason=str(error)))
    if problems:
        raise ImportRefused(problems)
    return items


def parse_csv(text: str, users: Iterable[str]) -> list[PersonItem]:
    """The people of a CSV text whose header is ``CSV_COLUMNS`` (in any order; ``name``
    required, the others optional; comma or semicolon separated); an extension must be a
    Vaxla user (``users``)."""
    known = set(users)
    if not text.strip():
        raise ImportRefused([RowProblem(row=1, reason="the file is empty")])
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [column.strip().lower() for column in next(reader)]
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown or "name" not in header or len(set(header)) != len(header):
        raise ImportRefused([RowProblem(row=1, reason=(
            f"the header must name the columns {', '.join(CSV_COLUMNS)} (name required, "
            f"each once); it has {', '.join(header) or 'none'}"
        ))])  # fmt: skip
    rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if len(rows) > MAX_IMPORT_ROWS:
        raise ImportRefused([RowProblem(row=1, reason=f"more than {MAX_IMPORT_ROWS} rows")])

    def reader_of(row: list[str]) -> Callable[[], Mapping[str, object]]:
        def read() -> Mapping[str, object]:
            if len(row) != len(header):
                raise ValueError(f"{len(row)} columns where the header has {len(header)}")
            cells = {column: cell.strip() for column, cell in zip(header, row, strict=True)}
            extension = cells.get("extension")
            if extension and extension not in known:
                raise ValueError(f"extension: {extension!r} is no Vaxla user")
            return _fields(cells)

        return read

    return _checked((line, reader_of(row)) for line, row in rows)


def _fields(cells: Mapping[str, str]) -> dict[str, object]:
    fields: dict[str, object] = {"name": cells.get("name", "")}
    for column in ("department", "title", "notes"):
        fields[column] = cells.get(column, "")
    for column in ("extension", "email"):
        fields[column] = cells.get(column) or None
    mobile = cells.get("mobile")
    fields["mobile"] = normalise_number(mobile) if mobile else None
    others = cells.get("other_numbers", "")
    fields["other_numbers"] = [normalise_number(n) for n in others.split(";") if n.strip()]
    return fields


def read_ldap(request: LdapImport, users: Iterable[str]) -> list[PersonItem]:
    """The people under ``request.base_dn``; an entry's ``uid`` is its extension when a
    Vaxla user of that name exists (``users``)."""
    with warnings.catch_warnings():
        # ldap3 2.9.1 imports names pyasn1 0.6 has deprecated (they still work).
        warnings.simplefilter("ignore", DeprecationWarning)
        import ldap3
        from ldap3.core.exceptions import LDAPException
    known = set(users)
    attributes = ["cn", "displayName", "uid", "mail", "mobile", "telephoneNumber", "title",
                  "ou", "departmentNumber", "description"]  # fmt: skip
    try:
        server = ldap3.Server(request.url, connect_timeout=LDAP_TIMEOUT_S)
        connection = ldap3.Connection(
            server,
            user=request.bind_dn,
            password=request.password,
            receive_timeout=LDAP_TIMEOUT_S,
            raise_exceptions=True,
        )
        try:
            connection.open()
            connection.bind()
            connection.search(request.base_dn, request.filter, attributes=attributes)
            entries = [dict(entry.entry_attributes_as_dict) for entry in connection.entries]
        finally:
            with contextlib.suppress(LDAPException):
                connection.unbind()
            if connection.socket is not None:  # ldap3 leaves it open when connecting fails
                connection.socket.close()
    except LDAPException as error:
        raise LdapUnavailable(f"the LDAP server {request.url} refused: {error}") from None
    entries.sort(key=lambda entry: str(entry.get("cn", [""])[0] if entry.get("cn") else ""))

    def reader_of(entry: dict[str, list[object]]) -> Callable[[], Mapping[str, object]]:
        def first(name: str) -> str:
            values = entry.get(name) or []
            return str(values[0]).strip() if values else ""

        def read() -> Mapping[str, object]:
            uid = first("uid")
            phones = [str(n) for n in entry.get("telephoneNumber") or []]
            return _fields({
                "name": first("displayName") or first("cn"),
                "extension": uid if uid in known else "",
                "email": first("mail"),
                "mobile": first("mobile"),
                "other_numbers": ";".join(phones),
                "title": first("title"),
                "department": first("ou") or first("departmentNumber"),
                "notes": first("description"),
            })  # fmt: skip

        return read

    return _checked((index, reader_of(entry)) for index, entry in enumerate(entries, start=1))
