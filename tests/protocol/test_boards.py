"""``tile_figures``: what a board's tile shows for the queues' snapshots; here the wait a
new caller can expect (R9's estimate on the wallboard, R30)."""

from vaxla_protocol.agent import QueueState
from vaxla_protocol.boards import BoardTile, Thresholds, tile_figures


def state(queue_id: int, estimate: float | None) -> QueueState:
    return QueueState(
        id=queue_id,
        name=f"Q{queue_id}",
        waiting=1,
        longest_wait_s=5.0,
        agents_logged_in=1,
        agents_available=0,
        agents_busy=1,
        agents_paused=0,
        agents_wrap_up=0,
        service_goal_percent=80.0,
        service_goal_s=20.0,
        offered_today=0,
        answered_today=0,
        abandoned_today=0,
        service_level_today=None,
        estimated_wait_s=estimate,
    )


def test_a_tile_shows_its_queue_s_estimate_and_a_group_the_longest() -> None:
    queues = [state(1, 40.0), state(2, 95.0), state(3, None)]
    tiles = [
        BoardTile(title="One", queue_ids=[1]),
        BoardTile(title="Group", queue_ids=[1, 2, 3]),
        BoardTile(title="Unknown", queue_ids=[3]),
        BoardTile(title="Gone", queue_ids=[9]),
    ]
    shown = tile_figures(tiles, Thresholds(), queues)
    assert [t.estimated_wait_s for t in shown] == [40.0, 95.0, None, None]


def test_an_older_server_s_queue_without_an_estimate_reads_as_unknown() -> None:
    old = state(1, None).model_dump()
    del old["estimated_wait_s"]
    assert QueueState.model_validate(old).estimated_wait_s is None
