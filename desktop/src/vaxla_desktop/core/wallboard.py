"""What a wallboard tile says and how loudly (R30); Qt-free.

Without a saved board (the built-in "every queue" board) there is a tile per queue, and
it turns amber or red against the queue's own service goal: the longest wait at the
goal's seconds is amber, at twice them red; today's service level below the goal is
amber, more than ``RED_MARGIN_POINTS`` below it red. A board saved on the server has its
own tiles (a queue or a group of queues) and thresholds: ``board_tiles`` reads them with
``vaxla_protocol.boards.tile_figures``, the rule the board's web page uses too. A full
board is cut into pages that a TV shows in turn.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from vaxla_desktop.core.queue_picture import QueueFigures
from vaxla_protocol.boards import Alert as TileLevel
from vaxla_protocol.boards import BoardView, TileFigures, tile_figures

RED_MARGIN_POINTS = 10.0
"""How far below the goal (percentage points) today's service level turns a tile red."""


class Alert(Enum):
    CALM = 0
    AMBER = 1
    RED = 2


@dataclass(frozen=True, slots=True)
class TileAlert:
    """How loud a tile is, and why: said in words too, never by colour alone."""

    level: Alert
    long_wait: bool
    """The longest wait has reached the goal's seconds."""
    below_goal: bool
    """Today's service level is below the goal."""


def tile_alert(figures: QueueFigures) -> TileAlert:
    """The louder of the queue's longest wait and today's service level."""
    queue = figures.state
    wait_level = Alert.CALM
    goal_s = queue.service_goal_s
    if queue.waiting and goal_s > 0:
        if figures.longest_wait_s >= 2 * goal_s:
            wait_level = Alert.RED
        elif figures.longest_wait_s >= goal_s:
            wait_level = Alert.AMBER
    service_level = Alert.CALM
    level = queue.service_level_today
    if level is not None and level < queue.service_goal_percent:
        below = queue.service_goal_percent - level
        service_level = Alert.RED if below > RED_MARGIN_POINTS else Alert.AMBER
    return TileAlert(
        level=max(wait_level, service_level, key=lambda alert: alert.value),
        long_wait=wait_level is not Alert.CALM,
        below_goal=service_level is not Alert.CALM,
    )


T = TypeVar("T")


def pages(items: Sequence[T], per_page: int) -> list[list[T]]:
    """``items`` in pages of at most ``per_page`` (one empty page when there are none)."""
    if per_page < 1:
        raise ValueError("a page holds at least one tile")
    return [list(items[i : i + per_page]) for i in range(0, len(items), per_page)] or [[]]


def queue_tile(figures: QueueFigures) -> TileFigures:
    """The built-in board's tile of one queue, loud by ``tile_alert``."""
    queue = figures.state
    alert = tile_alert(figures)
    return TileFigures(
        title=queue.name,
        queue_ids=[queue.id],
        waiting=queue.waiting,
        longest_wait_s=figures.longest_wait_s,
        agents_logged_in=queue.agents_logged_in,
        agents_available=queue.agents_available,
        agents_busy=queue.agents_busy,
        agents_paused=queue.agents_paused,
        agents_wrap_up=queue.agents_wrap_up,
        answered_today=queue.answered_today,
        abandoned_today=queue.abandoned_today,
        service_level_today=queue.service_level_today,
        service_goal_percent=queue.service_goal_percent,
        service_goal_s=queue.service_goal_s,
        alert=TileLevel(alert.level.value),
        long_wait=alert.long_wait,
        many_waiting=False,
        below_goal=alert.below_goal,
        estimated_wait_s=queue.estimated_wait_s,
    )


def board_tiles(board: BoardView | None, queues: Sequence[QueueFigures]) -> list[TileFigures]:
    """The tiles of ``board`` (every queue's own, without one), with the waits brought
    up to now."""
    if board is None:
        return [queue_tile(figures) for figures in queues]
    states = [f.state.model_copy(update={"longest_wait_s": f.longest_wait_s}) for f in queues]
    return tile_figures(board.tiles, board.thresholds, states)
