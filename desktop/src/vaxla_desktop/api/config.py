"""One kind of the configuration (``/config/<kind>``, R31) as calls: its items, adding,
replacing (which may rename) and deleting one. Items travel as the plain JSON the server
takes, so it is the server that checks them and says what is wrong."""

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.api.errors import ActionRefused
from vaxla_protocol.config import (
    ConfigDocument,
    DocumentCheck,
    HolidayItem,
    LicenceUse,
    MailTestResult,
    TrunkRegistration,
)

_ITEMS = TypeAdapter(list[dict[str, Any]])
_ITEM = TypeAdapter(dict[str, Any])


@dataclass(frozen=True)
class KindPath:
    """Where a kind's routes are and how an item is written: ``add`` (POST; without it a
    new item is PUT under its key, as an agent's profile is), ``replace`` with
    ``replace_method`` at the item's path plus ``replace_suffix`` (a pause reason's
    ``/active``); ``add_fields`` and ``replace_fields`` are what those bodies hold
    (all of the item when ``None``). A ``single`` kind is one item at ``path`` itself (the
    mail server, the SMS gateway): read (none when the server answers 404), written with
    ``PUT`` and deleted there."""

    path: str
    key: str = "name"
    add: bool = True
    replace_method: str = "PUT"
    replace_suffix: str = ""
    add_fields: tuple[str, ...] | None = None
    replace_fields: tuple[str, ...] | None = None
    single: bool = False


def _only(item: dict[str, Any], fields: tuple[str, ...] | None) -> dict[str, Any]:
    return dict(item) if fields is None else {k: v for k, v in item.items() if k in fields}


class ConfigApi:
    def __init__(self, client: ServerClient, kind: KindPath) -> None:
        self._client = client
        self.kind = kind

    def _one(self, key: str) -> str:
        return f"{self.kind.path}/{quote(key, safe='')}"

    async def items(self) -> list[dict[str, Any]]:
        if self.kind.single:
            try:
                data = await self._client.call("GET", self.kind.path)
            except ActionRefused as refusal:
                if refusal.status == HTTPStatus.NOT_FOUND:
                    return []  # none configured yet
                raise
            return [self._client.parse(_ITEM, data, self.kind.path)]
        data = await self._client.call("GET", self.kind.path)
        return self._client.parse(_ITEMS, data, self.kind.path)

    async def save(self, loaded_key: str, item: dict[str, Any]) -> dict[str, Any]:
        """Add ``item`` (``loaded_key`` empty) or replace the item loaded as ``loaded_key``;
        the item as the server answered it (empty when it answered nothing)."""
        kind = self.kind
        if kind.single:
            data = await self._client.call("PUT", kind.path, json=_only(item, kind.replace_fields))
        elif not loaded_key and kind.add:
            data = await self._client.call("POST", kind.path, json=_only(item, kind.add_fields))
        else:
            key = loaded_key or str(item.get(kind.key, ""))
            data = await self._client.call(
                kind.replace_method,
                self._one(key) + kind.replace_suffix,
                json=_only(item, kind.replace_fields),
            )
        return {} if data is None else self._client.parse(_ITEM, data, kind.path)

    async def delete(self, key: str) -> None:
        await self._client.call("DELETE", self.kind.path if self.kind.single else self._one(key))


_REGISTRATIONS = TypeAdapter(list[TrunkRegistration])


async def trunk_registrations(client: ServerClient) -> list[TrunkRegistration]:
    """Where each registration trunk's registration stands."""
    data = await client.call("GET", "/config/trunk-registrations")
    return client.parse(_REGISTRATIONS, data, "trunk registrations")


async def send_test_mail(client: ServerClient, to: str) -> MailTestResult:
    """A test mail to ``to`` through the mail server, at once."""
    data = await client.call("POST", "/config/mail-server/test", json={"to": to})
    return client.parse(TypeAdapter(MailTestResult), data, "test mail")


_HOLIDAYS = TypeAdapter(list[HolidayItem])


async def holidays(client: ServerClient, year: int) -> list[HolidayItem]:
    """The Swedish holidays and eves of ``year`` as the server's schedules know them."""
    data = await client.call("GET", f"/config/holidays/{year}")
    return client.parse(_HOLIDAYS, data, "holidays")


async def export_document(client: ServerClient) -> dict[str, Any]:
    """The whole configuration as one document."""
    return client.parse(_ITEM, await client.call("GET", "/config/document"), "document")


async def check_document(client: ServerClient, document: object) -> DocumentCheck:
    """What loading ``document`` would change; the server's refusal if it would not."""
    data = await client.call("POST", "/config/document/check", json=document)
    return client.parse(_CHECK, data, "document check")


async def load_document(client: ServerClient, document: object) -> ConfigDocument:
    data = await client.call("PUT", "/config/document", json=document)
    return client.parse(_DOCUMENT, data, "document")


_CHECK = TypeAdapter(DocumentCheck)
_DOCUMENT = TypeAdapter(ConfigDocument)


async def licence_use(client: ServerClient) -> LicenceUse:
    """The licence's limit and the most agents logged in at once on each of the last 31
    days (the server's default)."""
    data = await client.call("GET", "/config/licence/use")
    return client.parse(TypeAdapter(LicenceUse), data, "licence use")


async def set_licence(client: ServerClient, limit: int) -> None:
    await client.call("PUT", "/config/licence", json={"max_logged_in_agents": limit})
