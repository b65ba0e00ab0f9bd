"""The SMTP server alarm mails go out through (R24): one per site, or none.

Shapes and each field's rules are the wire model's (``vaxla_protocol.config.MailServerItem``:
a bad host or sender address, a port out of range, an unknown TLS mode, a password
without a username are refused there, on the field). The password is write-only, as a
trunk's: stored as given (the server logs in with it), never in a ``MailServerView``; a
write without one keeps the password stored.
"""

from dataclasses import dataclass, field

from sqlalchemy import Engine, delete, insert, select, update

from vaxla_protocol.config import MailServerFields, MailServerItem, MailServerView
from vaxla_server.config.changes import CONFIG_CHANGED, ChangeKind, ConfigChange
from vaxla_server.config.errors import NotFound
from vaxla_server.config.tables import MAIL_SERVER
from vaxla_server.notifier import Notifier
from vaxla_server.store.transactions import write_transaction

_ROW = 1
_WHAT = "mail server"


@dataclass(frozen=True)
class MailServer:
    """The stored mail server with its password, for the mailer; never for an answer."""

    fields: MailServerFields
    password: str | None = field(default=None, repr=False)


class MailServers:
    """Reads, sets and removes the one mail server."""

    def __init__(self, engine: Engine, notifier: Notifier) -> None:
        self._engine = engine
        self._notifier = notifier

    def stored(self) -> MailServer | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(MAIL_SERVER)).one_or_none()
        if row is None:
            return None
        fields = MailServerFields.model_validate(
            {name: row._mapping[name] for name in MailServerFields.model_fields}
        )
        return MailServer(fields, row.password)

    def view(self) -> MailServerView:
        server = self.stored()
        if server is None:
            raise NotFound(_WHAT, "mail-server")
        return _view(server)

    def set(self, item: MailServerItem) -> MailServerView:
        """Store ``item``; without a password in it, the one stored stays (only while the
        username stays too: a new username without a password drops the old one)."""
        values: dict[str, object] = MailServerFields(
            **item.model_dump(exclude={"password"})
        ).model_dump(mode="json")
        with write_transaction(self._engine) as connection:
            old = connection.execute(select(MAIL_SERVER)).one_or_none()
            if item.password is not None:
                values["password"] = item.password
            elif old is None or old.username != item.username:
                values["password"] = None
            if old is None:
                connection.execute(insert(MAIL_SERVER), {"id": _ROW, **values})
            else:
                connection.execute(
                    update(MAIL_SERVER).where(MAIL_SERVER.c.id == _ROW).values(values)
                )
        change = ChangeKind.ADDED if old is None else ChangeKind.CHANGED
        self._tell(change)
        return self.view()

    def delete(self) -> None:
        with write_transaction(self._engine) as connection:
            gone = connection.execute(delete(MAIL_SERVER)).rowcount
        if not gone:
            raise NotFound(_WHAT, "mail-server")
        self._tell(ChangeKind.REMOVED)

    def _tell(self, change: ChangeKind) -> None:
        self._notifier.publish(
            CONFIG_CHANGED, ConfigChange(what=_WHAT, name=_WHAT, change=change, id=_ROW)
        )


def _view(server: MailServer) -> MailServerView:
    return MailServerView(**server.fields.model_dump(), password_set=server.password is not None)
