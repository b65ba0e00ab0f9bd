"""``make bench-events``: what it checks and how it judges, and one short run against a
real server."""

import pytest

from vaxla_server.sim import bench_events
from vaxla_server.sim.bench_events import Step, expected_states, parse, table, verdict


def test_the_driver_alternates_pauses_with_each_reason_in_turn_and_ready() -> None:
    assert expected_states(6) == [
        ("paused", "lunch"),
        ("available", ""),
        ("paused", "meeting"),
        ("available", ""),
        ("paused", "training"),
        ("available", ""),
    ]


def step(clients: int, complete: int, delays: list[float]) -> Step:
    return Step(clients, complete, delays, 50.0, 40.0, [])


def test_the_target_needs_every_socket_in_order_and_p99_within_50_ms() -> None:
    fast = [float(n % 40) for n in range(10_000)]
    assert verdict([step(1, 1, [5.0]), step(500, 500, fast)]).startswith("target met")
    assert verdict([step(500, 499, fast)]).startswith("target NOT met")
    slow = [*fast[:9_800], *([60.0] * 200)]
    assert step(500, 500, slow).percentile(99) == 60.0
    assert verdict([step(500, 500, slow)]).startswith("target NOT met")
    assert verdict([step(50, 50, fast)]).startswith("target not measured")


def test_the_table_gives_p99_against_the_one_socket_step() -> None:
    printed = table([step(1, 1, [10.0]), step(500, 500, [20.0, 30.0])], 20)
    assert "| 500 | 500/500 (20 each) |" in printed
    assert "| 3.0× |" in printed


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--clients", "1,x"], "--clients: comma-separated numbers"),
        (["--clients", "0"], "--clients: at least one step"),
        (["--transitions", "0"], "--transitions: at least 1"),
    ],
)
def test_bad_options_are_refused_with_the_reason(
    argv: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse(argv)
    assert exited.value.code == 2
    assert complaint in capsys.readouterr().err


def test_a_short_run_against_a_real_server_sees_every_transition(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert bench_events.main(["--clients", "1,4", "--transitions", "4", "--interval-ms", "20"]) == 0
    printed = capsys.readouterr().out
    assert "| 1 | 1/1 (4 each) |" in printed
    assert "| 4 | 4/4 (4 each) |" in printed
