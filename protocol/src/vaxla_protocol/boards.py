"""Wallboards saved on the server (R30): a board's tiles, the thresholds that turn a tile
amber or red, how its pages turn; the board links a web page opens with a token alone;
the figures a tile shows and the chart of the day.

``tile_figures`` is the one place that says what a tile of a board shows for the queue
snapshots it is given (the desktop's wallboard and the web page's socket both use it),
so the two never disagree about a colour.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import IntEnum
from typing import Annotated, Final, Literal

from pydantic import Field, ValidationInfo, field_validator

from vaxla_protocol._base import WireModel
from vaxla_protocol.agent import QueueState

BOARD_PAGE_PATH: Final = "/wallboard"
"""The web page of a board link: ``/wallboard/{token}`` (outside the API's prefix)."""
BOARD_SOCKET_PATH: Final = "/board-socket"
"""The page's WebSocket, under the API's prefix: ``/api/v1/board-socket/{token}``; the
token alone opens it, read-only: it carries ``BoardFigures`` of that board only."""
CLOSE_LINK_REVOKED: Final = 4410
"""A board socket closed because its link was revoked (or its board deleted)."""

BoardName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]
TileTitle = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]


class Thresholds(WireModel):
    """When a tile turns amber and red. A tile takes the loudest of its three measures;
    each red threshold must be beyond its amber one."""

    wait_amber_s: float = Field(default=60.0, ge=0, le=86_400)
    """The longest wait (seconds) at or above which the tile is amber."""
    wait_red_s: float = Field(default=120.0, gt=0, le=86_400)
    waiting_amber: int = Field(default=3, ge=1, le=10_000)
    """Callers waiting at or above which the tile is amber."""
    waiting_red: int = Field(default=6, ge=1, le=10_000)
    service_level_amber_points: float = Field(default=0.0, ge=0, le=100)
    """Today's service level more than this many percentage points below the queue's goal
    turns the tile amber (0: any shortfall)."""
    service_level_red_points: float = Field(default=10.0, ge=0, le=100)

    @field_validator("wait_red_s", "waiting_red", "service_level_red_points")
    @classmethod
    def _red_beyond_amber(cls, value: float, info: ValidationInfo) -> float:
        amber_name = str(info.field_name).replace("red", "amber")
        amber = info.data.get(amber_name)
        if amber is not None and value <= amber:
            raise ValueError(f"must be more than {amber_name} ({amber:g}): red comes after amber")
        return value


class BoardTile(WireModel):
    """One tile: a queue, or a group of queues shown as one (their sums; the longest of
    their waits; the service level over all of them)."""

    title: TileTitle
    queue_ids: list[Annotated[int, Field(ge=0)]] = Field(min_length=1, max_length=50)

    @field_validator("queue_ids")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("a queue is named twice in the tile")
        return value


class BoardItem(WireModel):
    """A board as a supervisor or an administrator writes it."""

    name: BoardName
    tiles: list[BoardTile] = Field(min_length=1, max_length=48)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    tiles_per_page: int = Field(default=6, ge=1, le=24)
    page_seconds: float = Field(default=10.0, ge=3, le=3600)
    """How long a TV shows a page before turning to the next."""


class BoardView(BoardItem):
    """A stored board, as the API answers it."""

    id: int
    changed_at: datetime
    changed_by: str


class BoardLinkRequest(WireModel):
    board: BoardName


class BoardLinkView(WireModel):
    """A board link; its token is never shown again after ``BoardLinkCreated``."""

    id: int
    board: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None


class BoardLinkCreated(BoardLinkView):
    token: str = Field(repr=False)
    """Shown this once: the server keeps only its hash."""
    path: str
    """Where the page is: ``/wallboard/{token}``."""


class Alert(IntEnum):
    CALM = 0
    AMBER = 1
    RED = 2


class TileFigures(WireModel):
    """What a tile shows now."""

    title: str
    queue_ids: list[int]
    waiting: int
    longest_wait_s: float
    agents_logged_in: int
    agents_available: int
    agents_busy: int
    agents_paused: int
    agents_wrap_up: int
    answered_today: int
    abandoned_today: int
    service_level_today: float | None
    service_goal_percent: float | None
    """The goal of the tile's queues (their lowest, when they differ)."""
    service_goal_s: float | None
    """The goal's seconds (their shortest, when they differ)."""
    alert: Alert
    long_wait: bool
    """The longest wait reached the amber threshold."""
    many_waiting: bool
    """The callers waiting reached the amber threshold."""
    below_goal: bool
    """Today's service level is below the goal by the amber threshold or more."""
    estimated_wait_s: float | None = None
    """What a caller joining now can expect to wait (a group's: the longest of its
    queues' estimates); None when none of its queues has one."""


def _level(value: float, amber: float, red: float) -> Alert:
    return Alert.RED if value >= red else Alert.AMBER if value >= amber else Alert.CALM


def tile_figures(
    tiles: Sequence[BoardTile], thresholds: Thresholds, queues: Iterable[QueueState]
) -> list[TileFigures]:
    """Each tile's figures from the queues' states (queues it names that no longer exist
    are left out; a tile whose queues are all gone shows zeros)."""
    by_id = {queue.id: queue for queue in queues}
    shown = []
    for tile in tiles:
        states = [by_id[i] for i in tile.queue_ids if i in by_id]
        waiting = sum(q.waiting for q in states)
        longest = max((q.longest_wait_s for q in states if q.waiting), default=0.0)
        offered = sum(q.offered_today for q in states)
        level = _service_level(states)
        goal = min((q.service_goal_percent for q in states), default=None)
        wait_alert = _level(longest, thresholds.wait_amber_s, thresholds.wait_red_s)
        if not waiting:
            wait_alert = Alert.CALM
        count_alert = _level(waiting, thresholds.waiting_amber, thresholds.waiting_red)
        goal_alert = Alert.CALM
        if level is not None and goal is not None and level < goal and offered:
            below = goal - level
            if below > thresholds.service_level_red_points:
                goal_alert = Alert.RED
            elif below > thresholds.service_level_amber_points:
                goal_alert = Alert.AMBER
        shown.append(
            TileFigures(
                title=tile.title,
                queue_ids=list(tile.queue_ids),
                waiting=waiting,
                longest_wait_s=longest,
                agents_logged_in=sum(q.agents_logged_in for q in states),
                agents_available=sum(q.agents_available for q in states),
                agents_busy=sum(q.agents_busy for q in states),
                agents_paused=sum(q.agents_paused for q in states),
                agents_wrap_up=sum(q.agents_wrap_up for q in states),
                answered_today=sum(q.answered_today for q in states),
                abandoned_today=sum(q.abandoned_today for q in states),
                service_level_today=level,
                service_goal_percent=goal,
                service_goal_s=min((q.service_goal_s for q in states), default=None),
                alert=max(wait_alert, count_alert, goal_alert),
                long_wait=wait_alert is not Alert.CALM,
                many_waiting=count_alert is not Alert.CALM,
                below_goal=goal_alert is not Alert.CALM,
                estimated_wait_s=max(
                    (q.estimated_wait_s for q in states if q.estimated_wait_s is not None),
                    default=None,
                ),
            )
        )
    return shown


def _service_level(states: Sequence[QueueState]) -> float | None:
    """One queue's own level; a group's, weighted by each queue's offered calls today."""
    known = [q for q in states if q.service_level_today is not None]
    if len(known) == 1:
        return known[0].service_level_today
    weight = sum(q.offered_today for q in known)
    if not weight:
        return None
    return sum((q.service_level_today or 0.0) * q.offered_today for q in known) / weight


class ChartPoint(WireModel):
    """One interval of the day: its start (site time), the most callers waiting at once
    in it, and the service level of the calls that left the queue in it."""

    at: datetime
    waiting_max: int
    offered: int
    service_level: float | None


class DayChart(WireModel):
    """Waiting callers and service level over today, per ``step_s``, for a set of queues
    (a board's), in the site's time zone."""

    time_zone: str
    step_s: int
    service_goal_percent: float | None
    points: list[ChartPoint]


class BoardFigures(WireModel):
    """The board socket's message: the board's tiles now (and, now and then, the chart)."""

    type: Literal["board"] = "board"
    name: str
    tiles_per_page: int
    page_seconds: float
    tiles: list[TileFigures]
    chart: DayChart | None = None
