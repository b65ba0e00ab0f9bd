"""Browsing for servers: a real advertisement made by the server's own code, on loopback."""

import asyncio
import uuid

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from vaxla_desktop.discovery import (
    DiscoveredServer,
    MalformedAdvertisement,
    ServerBrowser,
    server_from_records,
)
from vaxla_desktop.ui.server_model import ServerListModel
from vaxla_protocol import PROTOCOL_VERSION
from vaxla_server import __version__ as server_version
from vaxla_server.discovery import SERVICE_TYPE, Advertisement, ServiceAdvertiser
from vaxla_server.network import BindAddress

WAIT_S = 15.0


def check_model(tester: ModelTester, model: ServerListModel) -> None:
    # pytest-qt's ModelTester has no type annotations.
    tester.check(model)  # type: ignore[no-untyped-call]


FINGERPRINT = ":".join(["5A"] * 32)


class Recorder:
    """Feeds the model and lets the test wait until a name has come or gone."""

    def __init__(self, model: ServerListModel) -> None:
        self.model = model
        self.changed = asyncio.Event()
        self.present: dict[str, DiscoveredServer] = {}

    def server_found(self, server: DiscoveredServer) -> None:
        self.model.server_found(server)
        self.present[server.service_name] = server
        self.changed.set()

    def server_gone(self, service_name: str) -> None:
        self.model.server_gone(service_name)
        self.present.pop(service_name, None)
        self.changed.set()

    async def until(self, condition: str, name: str) -> None:
        async def wait() -> None:
            while (name in self.present) != (condition == "present"):
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(wait(), WAIT_S)


def advertisement(name: str, port: int, fingerprint: str | None) -> Advertisement:
    return Advertisement(
        instance_name=name,
        bind=BindAddress.parse("127.0.0.1"),
        port=port,
        tls_fingerprint=fingerprint,
    )


def test_servers_appear_and_disappear_as_they_advertise(qtmodeltester: ModelTester) -> None:
    model = ServerListModel()
    check_model(qtmodeltester, model)
    recorder = Recorder(model)
    suffix = uuid.uuid4().hex[:10]
    # Names chosen so that the second sorts first: rows are kept in name order.
    names = [f"vaxla-test-b-{suffix}", f"vaxla-test-a-{suffix}"]
    full = [f"{name}.{SERVICE_TYPE}" for name in names]

    async def scenario() -> None:
        browser = ServerBrowser(recorder, interfaces=["127.0.0.1"])
        await browser.start()
        try:
            first = await ServiceAdvertiser.register(advertisement(names[0], 8780, FINGERPRINT))
            second = await ServiceAdvertiser.register(advertisement(names[1], 8781, None))
            await recorder.until("present", full[0])
            await recorder.until("present", full[1])
            rows = [model.server_at(row) for row in range(model.rowCount())]
            ours = [server for server in rows if server is not None and server.name in names]
            assert [server.name for server in ours] == [names[1], names[0]]
            tls_server = recorder.present[full[0]]
            assert tls_server == DiscoveredServer(
                service_name=full[0],
                url="https://127.0.0.1:8780",
                fingerprint=FINGERPRINT,
                protocol_version=PROTOCOL_VERSION,
                server_version=server_version,
            )
            assert tls_server.compatible
            assert recorder.present[full[1]].url == "http://127.0.0.1:8781"
            assert recorder.present[full[1]].fingerprint is None
            check_model(qtmodeltester, model)
            await first.withdraw()
            await recorder.until("absent", full[0])
            assert full[1] in recorder.present
            await second.withdraw()
            await recorder.until("absent", full[1])
        finally:
            await browser.close()

    asyncio.run(scenario())
    check_model(qtmodeltester, model)
    assert not any(
        server.name in names
        for row in range(model.rowCount())
        if (server := model.server_at(row)) is not None
    )


def test_the_model_updates_a_server_in_place(qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    model = ServerListModel()
    check_model(qtmodeltester, model)
    pv = str(PROTOCOL_VERSION)
    old = server_from_records(f"desk.{SERVICE_TYPE}", {"api": "http://10.0.0.1:8780", "pv": pv})
    model.server_found(old)
    new = server_from_records(f"desk.{SERVICE_TYPE}", {"api": "http://10.0.0.2:8780", "pv": pv})
    with qtbot.waitSignal(model.dataChanged):
        model.server_found(new)
    assert model.rowCount() == 1
    assert model.data(model.index(0)) == "desk — http://10.0.0.2:8780"
    assert model.data(model.index(0), ServerListModel.SERVER_ROLE) == new
    model.server_gone("unknown." + SERVICE_TYPE)
    assert model.rowCount() == 1


@pytest.mark.parametrize("records", [{}, {"api": "ftp://x"}, {"api": "desk:8780"}])
def test_an_advertisement_without_an_http_api_is_ignored(records: dict[str, str]) -> None:
    with pytest.raises(MalformedAdvertisement, match="no http"):
        server_from_records(f"odd.{SERVICE_TYPE}", records)


def test_an_unreadable_protocol_version_is_incompatible() -> None:
    server = server_from_records(f"x.{SERVICE_TYPE}", {"api": "http://h:1/api/v1", "pv": "one"})
    assert server.protocol_version is None
    assert not server.compatible


def test_a_server_of_another_protocol_is_marked_in_the_list(
    qtmodeltester: ModelTester,
) -> None:
    model = ServerListModel()
    records = {"api": "http://h:1/api/v1", "pv": str(PROTOCOL_VERSION + 1)}
    model.server_found(server_from_records(f"new.{SERVICE_TYPE}", records))
    model.server_found(
        server_from_records(f"ours.{SERVICE_TYPE}", {**records, "pv": str(PROTOCOL_VERSION)})
    )
    check_model(qtmodeltester, model)
    assert model.data(model.index(0)) == (
        f"new — http://h:1 (protocol {PROTOCOL_VERSION + 1}: another app version is needed)"
    )
    assert model.data(model.index(1)) == "ours — http://h:1"
    assert model.data(model.index(0), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(1), Qt.ItemDataRole.ForegroundRole) is None
