"""The SMS gateway messages go out through (R25): one, Kannel or SMPP, or none.

Shapes and each field's rules are the wire model's (``vaxla_protocol.sms``: a sender
longer than 11 characters, a number that is not one, an unknown placeholder in a
template are refused there, on the field). The password is write-only, as the mail
server's: stored as given (the server logs in with it), never in a ``SmsGatewayView``; a
write without one keeps the stored password while the username stays. The report token
is made once, at the first write: Kannel's delivery reports must carry it.
"""

import secrets
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Engine, Table, delete, insert, select, update

from vaxla_protocol.sms import SmsGatewayFields, SmsGatewayItem, SmsGatewayView
from vaxla_server.store.models import SmsGatewayRow
from vaxla_server.store.transactions import write_transaction

GATEWAY = cast(Table, SmsGatewayRow.__table__)
_ROW = 1


class NoGateway(LookupError):
    def __init__(self) -> None:
        super().__init__("no SMS gateway is configured (PUT /config/sms-gateway)")


@dataclass(frozen=True)
class Gateway:
    """The stored gateway with its password and report token, for the sender only."""

    fields: SmsGatewayFields
    password: str | None = field(default=None, repr=False)
    report_token: str = field(default="", repr=False)

    def sender_for(self, *, queue: str | None = None, entry_point: str | None = None) -> str:
        """The shared sender of a message about a call: the entry point's, else the
        queue's, else the default (R25)."""
        by_entry = self.fields.entry_point_senders.get(entry_point or "")
        return by_entry or self.fields.queue_senders.get(queue or "") or self.fields.default_sender


class Gateways:
    """Reads, sets and removes the one SMS gateway."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def stored(self) -> Gateway | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(GATEWAY)).one_or_none()
        if row is None:
            return None
        fields = SmsGatewayFields.model_validate(row.settings)
        return Gateway(fields, row.password, row.report_token)

    def view(self) -> SmsGatewayView:
        gateway = self.stored()
        if gateway is None:
            raise NoGateway()
        return SmsGatewayView(
            **gateway.fields.model_dump(), password_set=gateway.password is not None
        )

    def set(self, item: SmsGatewayItem) -> SmsGatewayView:
        settings = SmsGatewayFields(**item.model_dump(exclude={"password"})).model_dump(mode="json")
        with write_transaction(self._engine) as connection:
            old = connection.execute(select(GATEWAY)).one_or_none()
            values: dict[str, object] = {"kind": item.kind.value, "settings": settings}
            if item.password is not None:
                values["password"] = item.password
            elif old is None or old.settings.get("username") != item.username:
                values["password"] = None
            if old is None:
                values["report_token"] = secrets.token_urlsafe(24)
                connection.execute(insert(GATEWAY), {"id": _ROW, **values})
            else:
                connection.execute(update(GATEWAY).where(GATEWAY.c.id == _ROW).values(values))
        return self.view()

    def delete(self) -> None:
        with write_transaction(self._engine) as connection:
            gone = connection.execute(delete(GATEWAY)).rowcount
        if not gone:
            raise NoGateway()
