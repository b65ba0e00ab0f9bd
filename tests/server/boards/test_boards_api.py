"""``/boards`` and ``/board-links`` against the real app: who may do what, what a bad
board is told (422 naming the field, nothing saved), every change in the event log with
who made it, and a board's chart of the day."""

from typing import Any

import pytest

from tests.server.api.running import Centre, a_day
from vaxla_protocol import API_PREFIX
from vaxla_protocol.boards import BoardLinkCreated, BoardView, DayChart
from vaxla_server.store.events import (
    BoardDeleted,
    BoardLinkRevoked,
    BoardSaved,
    EventKind,
)
from vaxla_server.store.events import (
    BoardLinkCreated as LinkCreatedEvent,
)

BOARDS = f"{API_PREFIX}/boards"
LINKS = f"{API_PREFIX}/board-links"


def a_board(running: Centre, name: str = "Floor 1", **changes: Any) -> dict[str, Any]:
    board: dict[str, Any] = {
        "name": name,
        "tiles": [
            {"title": "Support", "queue_ids": [running.ids["support"]]},
            {"title": "Everyone", "queue_ids": [running.ids["support"], running.ids["sales"]]},
        ],
        "thresholds": {"wait_amber_s": 30, "wait_red_s": 90},
        "tiles_per_page": 4,
        "page_seconds": 15,
    }
    board.update(changes)
    return board


def add(running: Centre, token: str, board: dict[str, Any]) -> Any:
    return running.api.request("POST", BOARDS, token=token, json=board)


def board_events(running: Centre) -> list[Any]:
    kinds = [
        EventKind.BOARD_SAVED,
        EventKind.BOARD_DELETED,
        EventKind.BOARD_LINK_CREATED,
        EventKind.BOARD_LINK_REVOKED,
    ]
    return [logged.event for logged in running.centre.log.read(kinds=kinds)]


def test_a_supervisor_saves_changes_and_deletes_a_board_each_change_logged(
    running: Centre,
) -> None:
    sofia = running.token("sofia")
    created = running.api.request("POST", BOARDS, token=sofia, json=a_board(running))
    assert created.status_code == 201, created.text
    board = BoardView.model_validate_json(created.content)
    assert board.changed_by == "sofia"
    assert board.thresholds.wait_red_s == 90
    assert board.thresholds.waiting_amber == 3  # the default
    changed = running.api.request(
        "PUT", f"{BOARDS}/Floor 1", token=running.token("ada"), json=a_board(running, "Floor 2")
    )
    assert changed.status_code == 200, changed.text
    listed = running.api.request("GET", BOARDS, token=running.token("olle")).json()
    assert [(b["name"], b["changed_by"]) for b in listed] == [("Floor 2", "ada")]
    assert running.api.request("DELETE", f"{BOARDS}/Floor 2", token=sofia).status_code == 204
    assert running.api.request("GET", BOARDS, token=sofia).json() == []
    events = board_events(running)
    assert [type(e) for e in events] == [BoardSaved, BoardSaved, BoardDeleted]
    assert [e.by_user for e in events] == [
        running.ids["sofia"],
        running.ids["ada"],
        running.ids["sofia"],
    ]
    assert [getattr(e, "added", None) for e in events] == [True, False, None]


@pytest.mark.parametrize(
    ("change", "loc", "says"),
    [
        (
            {"thresholds": {"wait_amber_s": 120, "wait_red_s": 60}},
            ["thresholds", "wait_red_s"],
            "red comes after amber",
        ),
        (
            {"thresholds": {"waiting_amber": 5, "waiting_red": 5}},
            ["thresholds", "waiting_red"],
            "more than waiting_amber",
        ),
        (
            {"thresholds": {"service_level_amber_points": 15, "service_level_red_points": 5}},
            ["thresholds", "service_level_red_points"],
            "red comes after amber",
        ),
        ({"tiles": []}, ["tiles"], "at least 1"),
        ({"tiles": [{"title": "", "queue_ids": [1]}]}, ["tiles", 0, "title"], "at least 1"),
        (
            {"tiles": [{"title": "A", "queue_ids": [1, 1]}]},
            ["tiles", 0, "queue_ids"],
            "named twice",
        ),
        (
            {"tiles": [{"title": "A", "queue_ids": [9999]}]},
            ["tiles", 0, "queue_ids"],
            "no queue with id 9999",
        ),
        ({"page_seconds": 1}, ["page_seconds"], "greater than or equal to 3"),
        ({"tiles_per_page": 0}, ["tiles_per_page"], "greater than or equal to 1"),
        ({"colour": "pink"}, ["colour"], "Extra inputs are not permitted"),
    ],
)
def test_a_bad_board_is_refused_naming_the_field_and_nothing_is_saved(
    running: Centre, change: dict[str, Any], loc: list[Any], says: str
) -> None:
    sofia = running.token("sofia")
    refused = running.api.request("POST", BOARDS, token=sofia, json=a_board(running, **change))
    assert refused.status_code == 422, refused.text
    [problem] = [p for p in refused.json()["detail"] if p["loc"][1:] == loc]
    assert says in problem["msg"]
    assert running.api.request("GET", BOARDS, token=sofia).json() == []
    assert board_events(running) == []


def test_a_taken_name_or_a_missing_board_is_refused(running: Centre) -> None:
    sofia = running.token("sofia")
    assert (
        running.api.request("POST", BOARDS, token=sofia, json=a_board(running)).status_code == 201
    )
    again = running.api.request("POST", BOARDS, token=sofia, json=a_board(running))
    assert again.status_code == 409
    assert "exists already" in again.json()["detail"]
    missing = running.api.request("PUT", f"{BOARDS}/Nope", token=sofia, json=a_board(running))
    assert missing.status_code == 404
    assert len(board_events(running)) == 1


@pytest.mark.parametrize(
    ("user", "method", "path", "allowed"),
    [
        ("anna", "GET", BOARDS, False),
        ("olle", "GET", BOARDS, True),
        ("olle", "POST", BOARDS, False),
        ("anna", "POST", BOARDS, False),
        ("sofia", "POST", LINKS, False),
        ("sofia", "GET", LINKS, False),
        ("olle", "GET", LINKS, False),
    ],
)
def test_roles_that_may_not_are_refused_with_the_reason(
    running: Centre, user: str, method: str, path: str, allowed: bool
) -> None:
    body = {"board": "Floor 1"} if path == LINKS else a_board(running)
    response = running.api.request(method, path, token=running.token(user), json=body)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "may not do this" in response.json()["detail"]
    assert board_events(running) == []


def test_an_admin_makes_a_link_shown_once_and_revokes_it(running: Centre) -> None:
    ada = running.token("ada")
    assert add(running, ada, a_board(running)).status_code == 201
    made = running.api.request("POST", LINKS, token=ada, json={"board": "Floor 1"})
    assert made.status_code == 201, made.text
    link = BoardLinkCreated.model_validate_json(made.content)
    assert len(link.token) >= 40 and link.path == f"/wallboard/{link.token}"
    listed = running.api.request("GET", LINKS, token=ada).json()
    assert listed == [
        {
            "id": link.id,
            "board": "Floor 1",
            "created_at": listed[0]["created_at"],
            "created_by": "ada",
            "revoked_at": None,
        }
    ]
    assert made.text.count(link.token) == 2  # the token, and the page's path
    assert link.token not in running.api.request("GET", LINKS, token=ada).text
    page = running.api.request("GET", link.path, headers={"Accept-Language": "sv,en;q=0.5"})
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text and "Floor 1" in page.text
    revoked = running.api.request("DELETE", f"{LINKS}/{link.id}", token=ada)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    gone = running.api.request("GET", link.path, headers={"Accept-Language": "en-GB"})
    assert gone.status_code == 410
    assert "This link to the board has been revoked." in gone.text
    events = board_events(running)
    assert [type(e) for e in events] == [BoardSaved, LinkCreatedEvent, BoardLinkRevoked]
    assert all(e.by_user == running.ids["ada"] for e in events)
    # Only the hash is stored.
    with running.api.app.state.services.store.engine.connect() as connection:
        from sqlalchemy import text

        stored = connection.execute(text("SELECT token_hash FROM board_links")).scalar_one()
    assert stored != link.token and len(stored) == 64


def test_an_unknown_token_opens_nothing(running: Centre) -> None:
    page = running.api.request("GET", "/wallboard/not-a-token")
    assert page.status_code == 404
    assert "cannot be shown" in page.text


def test_the_chart_of_the_day_counts_waiting_callers_and_the_service_level(
    running: Centre,
) -> None:
    sofia = running.token("sofia")
    assert (
        running.api.request("POST", BOARDS, token=sofia, json=a_board(running)).status_code == 201
    )
    a_day(running)  # one answered within the goal, one abandoned after 40 s, one waits
    second = running.centre.enter("200", None)
    running.centre.queue(second, running.ids["sales"])  # two wait at once now
    chart = DayChart.model_validate_json(
        running.api.request("GET", f"{BOARDS}/Floor 1/chart", token=sofia).content
    )
    assert chart.time_zone == "Europe/Stockholm" and chart.step_s == 900
    now_point = chart.points[-1]
    assert now_point.offered == 4
    assert now_point.waiting_max == 2
    assert now_point.service_level == pytest.approx(25.0)  # 1 answered within the goal of 4
    assert chart.service_goal_percent == 80.0
    assert all(p.waiting_max == 0 for p in chart.points[:-1])


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("sv-SE,sv;q=0.9,en;q=0.8", "sv"),
        ("en-US,en;q=0.9,sv;q=0.8", "en"),
        ("de,sv;q=0.5,en;q=0.4", "sv"),
        ("sv;q=0,en", "en"),
        ("fr", "en"),
    ],
)
def test_the_page_speaks_the_browser_s_language(
    running: Centre, header: str | None, language: str
) -> None:
    ada = running.token("ada")
    assert add(running, ada, a_board(running)).status_code == 201
    made = running.api.request("POST", LINKS, token=ada, json={"board": "Floor 1"})
    link = BoardLinkCreated.model_validate_json(made.content)
    headers = {} if header is None else {"Accept-Language": header}
    page = running.api.request("GET", link.path, headers=headers)
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    assert ("Ansluter" in page.text) is (language == "sv")
