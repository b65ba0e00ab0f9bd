"""``make bench-calls``'s pure parts: SIPp's statistics file read for its totals, the
most calls held at once counted from call-log intervals, the worker's peak reached with
zero failures, and the check of the call log against SIPp and the agents."""

import pytest

from vaxla_server.sim.bench import (
    BenchError,
    Step,
    clean_peak,
    counts_match,
    held_at_once,
    sipp_counts,
)

# The first 18 columns of a file SIPp 3.7 wrote with -trace_stat -fd 1 (two calls); the
# last row is written at the end, with the period columns (P) reset.
HEADER = (
    "StartTime;LastResetTime;CurrentTime;ElapsedTime(P);ElapsedTime(C);TargetRate;"
    "CallRate(P);CallRate(C);IncomingCall(P);IncomingCall(C);OutgoingCall(P);"
    "OutgoingCall(C);TotalCallCreated;CurrentCall;SuccessfulCall(P);SuccessfulCall(C);"
    "FailedCall(P);FailedCall(C)"
)
T = "2026-11-30\t23:50:39.624442\t1796082639.624442"
STATS = "\n".join(
    [
        HEADER,
        f"{T};{T};{T};00:00:00;00:00:00;10;0;0;0;0;0;0;0;0;0;0;0;0",
        f"{T};{T};{T};00:00:00;00:00:00;10;9.66;9.56;0;0;3;3;3;1;2;2;1;1",
        f"{T};{T};{T};00:00:00;00:00:00;10;0;9.56;0;0;0;3;3;0;0;2;0;1",
        "",
    ]
)


def test_sipp_counts_are_the_last_rows_cumulative_columns() -> None:
    assert sipp_counts(STATS) == (2, 1)


def test_a_statistics_file_without_rows_or_counts_is_an_error() -> None:
    with pytest.raises(BenchError, match="no rows"):
        sipp_counts(HEADER + "\n")
    with pytest.raises(BenchError, match="lacks its call counts"):
        sipp_counts("StartTime;CurrentCall\nx;0\n")


def record(start: float, end: float) -> dict[str, object]:
    def at(seconds: float) -> str:
        return f"2026-11-30T23:00:{seconds:09.6f}Z"

    return {"started_at": at(start), "ended_at": at(end)}


def test_held_at_once_counts_the_most_overlapping_calls() -> None:
    records = [record(0.0, 2.0), record(1.0, 3.0), record(1.5, 1.8), record(2.5, 4.0)]
    assert held_at_once(records) == 3  # at 1.6 s
    assert held_at_once([]) == 0


def test_a_call_ending_as_another_starts_is_not_held_with_it() -> None:
    assert held_at_once([record(0.0, 1.0), record(1.0, 2.0)]) == 1


def run(rate: float, failed: int, legs: int) -> Step:
    return Step(rate=rate, calls=30, sipp_successful=30 - failed, sipp_failed=failed,
                offered=30 - failed, answered=30 - failed, abandoned=0, other=0,
                agents_answered=30 - failed, log_overlap=1, worker_legs=legs,
                worker_calls=legs // 2, counts_match=True)  # fmt: skip


def test_the_clean_peak_is_the_workers_peak_before_the_first_failed_call() -> None:
    assert clean_peak([run(2, 0, 2), run(4, 0, 3), run(8, 2, 4), run(4, 0, 4)]) == run(4, 0, 3)
    assert clean_peak([run(2, 0, 2), run(4, 0, 4)]) == run(4, 0, 4)
    assert clean_peak([run(2, 1, 4)]) is None


def test_counts_match_only_when_log_sipp_and_agents_agree() -> None:
    outcomes = ["answered", "answered", "abandoned"]
    assert counts_match(3, 2, outcomes)
    assert not counts_match(4, 2, outcomes)  # SIPp completed a call the log lacks
    assert not counts_match(3, 3, outcomes)  # an agent answered one logged as abandoned
    assert not counts_match(3, 2, ["answered", "answered", "failed"])
