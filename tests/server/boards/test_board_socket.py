"""A board link's socket against the real app: its token alone opens it, it carries its
own board's tiles only (never an agent, an offer or another queue), follows the centre,
and closes at once when the link is revoked or the board deleted."""

import json
import warnings
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from starlette.websockets import WebSocketDisconnect

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient, WebSocketTestSession

from tests.server.api.running import Centre, a_day
from tests.server.boards.test_boards_api import BOARDS, LINKS, a_board
from vaxla_protocol import API_PREFIX
from vaxla_protocol.boards import (
    BOARD_SOCKET_PATH,
    CLOSE_LINK_REVOKED,
    Alert,
    BoardFigures,
    BoardLinkCreated,
)

GUARD_S = 10.0


def receive(ws: WebSocketTestSession) -> dict[str, Any]:
    async def next_message() -> Any:
        with anyio.fail_after(GUARD_S):
            return await ws._send_rx.receive()

    message = ws.portal.call(next_message)
    ws._raise_on_close(message)
    return dict(json.loads(message["text"]))


def closed_with(ws: WebSocketTestSession) -> tuple[int, str]:
    """The code and reason the socket is closed with, after what it still sends."""
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            receive(ws)
    return closed.value.code, str(closed.value.reason)


@pytest.fixture
def client(running: Centre) -> Iterator[TestClient]:
    running.api.app.state.services.event_socket.snapshot_interval_s = 0.0
    with TestClient(running.api.app) as client:
        yield client


def make_link(running: Centre, board: dict[str, Any]) -> BoardLinkCreated:
    ada = running.token("ada")
    assert running.api.request("POST", BOARDS, token=ada, json=board).status_code == 201
    made = running.api.request("POST", LINKS, token=ada, json={"board": board["name"]})
    return BoardLinkCreated.model_validate_json(made.content)


def socket_path(token: str) -> str:
    return f"{API_PREFIX}{BOARD_SOCKET_PATH}/{token}"


def test_the_token_opens_its_own_board_only_and_follows_the_centre(
    running: Centre, client: TestClient
) -> None:
    sales_only = a_board(
        running,
        "Sales",
        tiles=[{"title": "Sales", "queue_ids": [running.ids["sales"]]}],
        thresholds={
            "waiting_amber": 1,
            "waiting_red": 2,
            "service_level_amber_points": 90,  # the one caller waiting makes it 0 %
            "service_level_red_points": 100,
        },
    )
    link = make_link(running, sales_only)
    make_link(running, a_board(running, "Other"))
    with client.websocket_connect(socket_path(link.token)) as ws:
        first = BoardFigures.model_validate(receive(ws))
        assert first.name == "Sales" and first.chart is not None
        assert [(t.title, t.queue_ids, t.waiting) for t in first.tiles] == [
            ("Sales", [running.ids["sales"]], 0)
        ]
        # A caller in Support (not on this board), then one in Sales.
        support = running.centre.enter("100", "+46700000001")
        running.centre.queue(support, running.ids["support"])
        sales = running.centre.enter("100", "+46700000002")
        running.centre.queue(sales, running.ids["sales"])
        while True:
            message = receive(ws)
            assert message["type"] == "board"  # never an agent's state, an offer, a snapshot
            figures = BoardFigures.model_validate(message)
            assert [t.queue_ids for t in figures.tiles] == [[running.ids["sales"]]]
            if figures.tiles[0].waiting == 1:
                break
        assert figures.tiles[0].alert is Alert.AMBER and figures.tiles[0].many_waiting
        assert "+4670" not in json.dumps(message)


def test_a_tile_carries_the_wait_a_new_caller_can_expect(
    running: Centre, client: TestClient
) -> None:
    board = a_board(
        running, "Support", tiles=[{"title": "Support", "queue_ids": [running.ids["support"]]}]
    )
    link = make_link(running, board)
    with client.websocket_connect(socket_path(link.token)) as ws:
        first = BoardFigures.model_validate(receive(ws))
        assert first.tiles[0].estimated_wait_s is None  # nobody works Support yet
        a_day(running)  # anna's one call took 60 s and 10 s of wrap-up; c2 waits
        while True:
            figures = BoardFigures.model_validate(receive(ws))
            if figures.tiles[0].waiting == 1 and figures.tiles[0].agents_wrap_up == 1:
                break
        assert figures.tiles[0].estimated_wait_s == (1 + 1) * 70.0 / 1


def test_revoking_the_link_closes_its_open_page_at_once(
    running: Centre, client: TestClient
) -> None:
    link = make_link(running, a_board(running))
    with client.websocket_connect(socket_path(link.token)) as ws:
        receive(ws)
        revoked = running.api.request("DELETE", f"{LINKS}/{link.id}", token=running.token("ada"))
        assert revoked.status_code == 200
        assert closed_with(ws) == (CLOSE_LINK_REVOKED, "this board link was revoked")
    with client.websocket_connect(socket_path(link.token)) as ws:
        with pytest.raises(WebSocketDisconnect) as refused:
            receive(ws)
        assert refused.value.code == CLOSE_LINK_REVOKED


def test_a_changed_board_reaches_its_open_pages(running: Centre, client: TestClient) -> None:
    link = make_link(running, a_board(running))
    with client.websocket_connect(socket_path(link.token)) as ws:
        assert [t["title"] for t in receive(ws)["tiles"]] == ["Support", "Everyone"]
        changed = a_board(running, tiles=[{"title": "Sales", "queue_ids": [running.ids["sales"]]}])
        replaced = running.api.request(
            "PUT", f"{BOARDS}/Floor 1", token=running.token("sofia"), json=changed
        )
        assert replaced.status_code == 200
        while True:
            figures = BoardFigures.model_validate(receive(ws))
            if [t.title for t in figures.tiles] == ["Sales"]:
                break
        assert figures.tiles[0].queue_ids == [running.ids["sales"]]


def test_deleting_the_board_closes_its_pages(running: Centre, client: TestClient) -> None:
    link = make_link(running, a_board(running))
    with client.websocket_connect(socket_path(link.token)) as ws:
        receive(ws)
        deleted = running.api.request("DELETE", f"{BOARDS}/Floor 1", token=running.token("sofia"))
        assert deleted.status_code == 204
        assert closed_with(ws) == (CLOSE_LINK_REVOKED, "the board was deleted")


def test_an_unknown_token_is_closed_with_the_reason(client: TestClient) -> None:
    with client.websocket_connect(socket_path("guess")) as ws:
        with pytest.raises(WebSocketDisconnect) as refused:
            receive(ws)
        assert refused.value.code == CLOSE_LINK_REVOKED
        assert "opens no board" in str(refused.value.reason)
