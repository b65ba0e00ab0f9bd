"""``make bench-calls``'s pure parts: SIPp's statistics and error files read for totals,
failure reasons and the placement rate; ``/proc`` read for CPU ticks, parents and PSS and
grouped into the server's parts; CPU over a window of samples; the call log checked
against SIPp and the agents; the steps' clean peak, a rate's ramp, and the calls bridged
at once in the call log."""

from collections import Counter

import pytest

from vaxla_server.sim.bench import (
    BenchError,
    LogCounts,
    ProcStat,
    Sample,
    Step,
    bridged_at_once,
    count_differences,
    cpu_percent,
    descendants,
    group_ticks,
    highest_clean,
    log_counts,
    most_at_once,
    parse_proc_stat,
    parse_pss_kb,
    problem_kinds,
    ramp_plan,
    server_groups,
    sipp_error_kinds,
    sipp_totals,
    window_cpu,
)

# The columns SIPp 3.6.1 writes with -trace_stat, up to the failure reasons and
# retransmissions (the response-time columns after them are left out here).
COLUMNS = [
    "StartTime", "LastResetTime", "CurrentTime", "ElapsedTime(P)", "ElapsedTime(C)",
    "TargetRate", "CallRate(P)", "CallRate(C)", "IncomingCall(P)", "IncomingCall(C)",
    "OutgoingCall(P)", "OutgoingCall(C)", "TotalCallCreated", "CurrentCall",
    "SuccessfulCall(P)", "SuccessfulCall(C)", "FailedCall(P)", "FailedCall(C)",
    "FailedCannotSendMessage(P)", "FailedCannotSendMessage(C)", "FailedMaxUDPRetrans(P)",
    "FailedMaxUDPRetrans(C)", "FailedUnexpectedMessage(P)", "FailedUnexpectedMessage(C)",
    "FailedCallRejected(P)", "FailedCallRejected(C)", "FailedTimeoutOnRecv(P)",
    "FailedTimeoutOnRecv(C)", "Retransmissions(P)", "Retransmissions(C)",
]  # fmt: skip
START = 1796429061.5


def stamp(seconds: float) -> str:
    return f"2026-12-05\t00:04:21.545128\t{START + seconds:.6f}"


def row(at: float, **values: int) -> str:
    """A row at ``at`` seconds after the start: the cumulative (C) columns given by
    their name without ``(C)``, every other count 0."""
    cells = {
        "StartTime": stamp(0),
        "LastResetTime": stamp(at),
        "CurrentTime": stamp(at),
        "ElapsedTime(P)": "00:00:01",
        "ElapsedTime(C)": "00:00:01",
        "TargetRate": "10000",
    }
    for column in COLUMNS:
        name = column.removesuffix("(C)")
        if column not in cells:
            cells[column] = str(values.get(name, 0) if column.endswith("(C)") else 0)
    cells["TotalCallCreated"] = str(values.get("TotalCallCreated", 0))
    return ";".join(cells[column] for column in COLUMNS) + ";"


def stats(*rows: str) -> str:
    return ";".join(COLUMNS) + ";\n" + "\n".join(rows) + "\n"


def test_sipp_totals_are_the_last_rows_cumulative_columns() -> None:
    text = stats(
        row(0.0),
        row(1.0, OutgoingCall=10, TotalCallCreated=10, SuccessfulCall=8),
        row(
            2.0,
            OutgoingCall=20,
            TotalCallCreated=20,
            SuccessfulCall=17,
            FailedCall=3,
            FailedUnexpectedMessage=2,
            FailedTimeoutOnRecv=1,
            Retransmissions=4,
        ),
    )
    totals = sipp_totals(text)
    assert (totals.successful, totals.failed, totals.created) == (17, 3, 20)
    assert totals.failures == {"UnexpectedMessage": 2, "TimeoutOnRecv": 1}
    assert totals.retransmissions == 4


def test_the_placement_rate_is_taken_while_calls_were_being_created() -> None:
    # 10/s: 10 created after 1 s, all 25 by the row at 3 s (created at 2.5 s); the row
    # that first shows them all is late, the one before it is not.
    text = stats(
        row(0.0),
        row(1.0, OutgoingCall=10, TotalCallCreated=10),
        row(2.0, OutgoingCall=20, TotalCallCreated=20),
        row(3.0, OutgoingCall=25, TotalCallCreated=25, SuccessfulCall=25),
        row(3.1, OutgoingCall=25, TotalCallCreated=25, SuccessfulCall=25),
    )
    assert sipp_totals(text).placement_rate == pytest.approx(10.0)
    # All created within the first second: from the row that shows them.
    quick = stats(row(0.0), row(0.5, OutgoingCall=5, TotalCallCreated=5))
    assert sipp_totals(quick).placement_rate == pytest.approx(10.0)


def test_a_uas_has_no_placement_rate() -> None:
    text = stats(row(0.0), row(1.0, IncomingCall=4, TotalCallCreated=4, SuccessfulCall=4))
    assert sipp_totals(text).placement_rate == 0.0
    assert sipp_totals(text).successful == 4


def test_a_statistics_file_without_rows_or_counts_is_an_error() -> None:
    with pytest.raises(BenchError, match="no rows"):
        sipp_totals(";".join(COLUMNS) + "\n")
    with pytest.raises(BenchError, match="lacks its call counts"):
        sipp_totals("StartTime;CurrentCall\nx;0\n")


ERRORS = """\
2026-12-05	00:11:58.524533	1796429518.524533: Aborting call on unexpected message for \
Call-Id '22-1281@127.0.0.1': while expecting '180' (index 2), received 'SIP/2.0 503 \
Service Unavailable (no media worker free)
Via: SIP/2.0/UDP 127.0.0.1:45338;branch=z9hG4bK-1281-22-0
To: <sip:300@127.0.0.1:43838>;tag=de209fcf55dd25ce5328884452d1dc2f-d6add46b
2026-12-05	00:11:58.6	1796429518.6: Aborting call on unexpected message for Call-Id \
'23-1281@127.0.0.1': while expecting '180' (index 2), received 'SIP/2.0 503 Service Unavailable
2026-12-05	00:12:00.1	1796429520.1: Aborting call on unexpected message for Call-Id \
'7-99@127.0.0.1': while expecting 'ACK' (index 3), received 'BYE sip:sipp@127.0.0.1:5 SIP/2.0
2026-12-05	00:12:01.1	1796429521.1: Call-Id: 9-99@127.0.0.1, receive timeout on message \
BYE:5 without label to jump to (ontimeout attribute): aborting call
2026-12-05	00:12:02.1	1796429522.1: Aborting call on UDP retransmission timeout for \
Call-ID '11-99@127.0.0.1'
"""


def test_sipp_errors_are_counted_by_kind() -> None:
    assert sipp_error_kinds(ERRORS) == Counter(
        {"503": 2, "BYE": 1, "receive timeout": 1, "retransmissions exhausted": 1}
    )
    assert sipp_error_kinds("") == Counter()


# /proc


def stat_line(
    pid: int,
    comm: str,
    ppid: int,
    utime: int,
    stime: int,
    cutime: int = 0,
    cstime: int = 0,
    start: int = 4000,
) -> str:
    # Fields 3 on: state, ppid, pgrp, session, tty, tpgid, flags, minflt, cminflt,
    # majflt, cmajflt, utime, stime, cutime, cstime, priority, nice, threads, itrealvalue,
    # starttime, vsize, rss...
    rest = [
        "S",
        ppid,
        ppid,
        ppid,
        0,
        -1,
        4194304,
        102,
        0,
        0,
        0,
        utime,
        stime,
        cutime,
        cstime,
        20,
        0,
        1,
        0,
        start,
        3133440,
        407,
    ]
    return f"{pid} ({comm}) " + " ".join(str(v) for v in rest) + "\n"


def test_proc_stat_is_read_after_the_command_name() -> None:
    # A name with spaces and a parenthesis must not shift the fields.
    stat = parse_proc_stat(stat_line(4711, "a) b (c", 12, 300, 45, 7, 3, start=98765))
    assert stat == ProcStat(pid=4711, ppid=12, ticks=345, child_ticks=10, start=98765)


def test_pss_is_the_pss_line_of_smaps_rollup() -> None:
    rollup = (
        "5574f6c02000-7ffcd8175000 ---p 00000000 00:00 0    [rollup]\n"
        "Rss:                1692 kB\n"
        "Pss_Dirty:           120 kB\n"
        "Pss:                 266 kB\n"
        "Pss_Anon:            120 kB\n"
    )
    assert parse_pss_kb(rollup) == 266
    with pytest.raises(BenchError):
        parse_pss_kb("Rss: 1 kB\nPss_Anon: 2 kB\n")


SERVER = 100
PROCESSES = {
    1: ProcStat(1, 0, 5, 0, 1),
    SERVER: ProcStat(SERVER, 1, 1000, 900, 10),  # its children's time is theirs
    200: ProcStat(200, SERVER, 40, 0, 20),  # kamailio
    201: ProcStat(201, 200, 15, 0, 21),
    202: ProcStat(202, 200, 5, 0, 21),
    300: ProcStat(300, SERVER, 60, 25, 30),  # the zygote; 25: workers that exited
    301: ProcStat(301, 300, 100, 0, 31),
    302: ProcStat(302, 300, 200, 0, 32),
    400: ProcStat(400, SERVER, 7, 0, 40),  # something else the server runs
    500: ProcStat(500, 1, 999, 0, 50),  # not the server's
}
COMMANDS = {
    200: "/usr/sbin/kamailio -f kamailio.cfg -DD -E",
    300: "/venv/bin/python -m vaxla_server.media.zygote",
    400: "/bin/sh -c true",
}


def test_descendants_follow_the_parent_links() -> None:
    parents = {pid: s.ppid for pid, s in PROCESSES.items()}
    assert descendants(parents, SERVER) == {200, 201, 202, 300, 301, 302, 400}
    assert descendants(parents, 300) == {301, 302}
    assert descendants(parents, 301) == set()


def test_the_servers_processes_are_grouped_by_what_its_children_run() -> None:
    groups = server_groups(PROCESSES, COMMANDS, SERVER)
    assert groups == {
        "server": {SERVER, 400},
        "kamailio": {200, 201, 202},
        "media": {300, 301, 302},
    }


def test_group_ticks_count_exited_workers_but_not_the_servers_children_twice() -> None:
    ticks = group_ticks(PROCESSES, server_groups(PROCESSES, COMMANDS, SERVER), SERVER)
    # server: its own 1000 and process 400's 7; not its cutime (900: the other groups).
    assert ticks == {"server": 1007, "kamailio": 60, "media": 60 + 25 + 100 + 200}


def test_cpu_is_given_in_percent_of_one_core() -> None:
    assert cpu_percent(150, 2.0, hz=100) == pytest.approx(75.0)
    assert cpu_percent(10, 0.0, hz=100) == 0.0


def test_window_cpu_uses_the_samples_inside_the_window() -> None:
    samples = [
        Sample(0.0, {"media": 0, "sipp": 0}),
        Sample(1.0, {"media": 100, "sipp": 10}),
        Sample(2.0, {"media": 150, "sipp": 20}),
        Sample(3.0, {"media": 250, "sipp": 30, "server": 5}),
        Sample(4.0, {"media": 900, "sipp": 40, "server": 6}),
    ]
    cpu, seconds = window_cpu(samples, 0.5, 3.5, hz=100)
    assert seconds == pytest.approx(2.0)  # the samples at 1.0 and 3.0
    assert cpu == pytest.approx({"media": 75.0, "sipp": 10.0, "server": 2.5})
    with pytest.raises(BenchError, match="fewer than two"):
        window_cpu(samples, 1.5, 2.5, hz=100)


# The count check


def test_log_counts_sort_outcomes() -> None:
    counts = log_counts(["answered", "abandoned", "answered", "failed"])
    assert counts == LogCounts(offered=4, answered=2, abandoned=1, other={"failed": 1})


def test_counts_match_only_when_the_log_sipp_and_the_agents_agree() -> None:
    assert count_differences(3, 2, log_counts(["answered", "answered", "abandoned"])) == []
    # SIPp completed a call the log lacks.
    assert count_differences(4, 2, log_counts(["answered", "answered", "abandoned"])) == [
        "offered 3 != callers completed 4",
        "abandoned 1 != callers completed - agents answered 2",
    ]
    # An agent answered a call the log has as abandoned.
    assert count_differences(3, 3, log_counts(["answered", "answered", "abandoned"])) == [
        "answered 2 != agents answered 3",
        "abandoned 1 != callers completed - agents answered 0",
    ]
    # Any other outcome is a difference, even when the totals add up.
    assert count_differences(2, 2, LogCounts(2, 2, 0, {"failed": 1})) == ["1 failed"]


def step(target: float, failed: int = 0, agents_short: int = 0) -> Step:
    calls = int(target)
    return Step(
        "concurrent",
        target,
        calls,
        callers_ok=calls - failed,
        callers_failed=failed,
        agents_ok=calls - failed - agents_short,
    )


def test_a_step_fails_on_a_failed_caller_or_a_caller_no_agent_answered() -> None:
    assert step(100).clean
    assert step(100, failed=2).failures == 2
    assert not step(100, failed=2).clean
    unanswered = step(100, agents_short=3)
    assert unanswered.failures == 3 and not unanswered.clean
    # An agent's call failed (its BYE got 500) though the caller's completed.
    agent_failed = Step("rate", 10, 50, callers_ok=50, agents_ok=49, agents_failed=1)
    assert agent_failed.failures == 1 and not agent_failed.clean
    # Failures on both sides are not added: which caller an agent took is not known.
    both = Step("rate", 10, 50, callers_ok=45, callers_failed=5, agents_ok=47, agents_failed=3)
    assert both.failures == 5
    # A failure SIPp counted is a failure even when the totals come out even.
    assert not Step("rate", 10, 50, callers_ok=50, agents_ok=50, agents_failed=1).clean


def test_the_highest_clean_step_is_the_last_before_the_first_failure() -> None:
    steps = [step(100), step(200), step(300, failed=1), step(400)]
    assert highest_clean(steps) == step(200)
    assert highest_clean([step(100), step(200)]) == step(200)
    assert highest_clean([step(100, failed=1)]) is None
    assert highest_clean([]) is None


def test_a_rate_rises_to_its_target_by_steps() -> None:
    ramp = ramp_plan(20, 5)
    assert (ramp.start, ramp.seconds, ramp.calls) == (5, 3.0, 30)  # 5 + 10 + 15
    assert ramp_plan(70, 5).calls == sum(range(5, 70, 5))
    assert ramp_plan(5, 5).calls == 0
    assert ramp_plan(22, 5).seconds == 4.0  # 5, 10, 15, 20, then 22


def record(
    start: float, wait: float, talk: float | None, outcome: str = "answered"
) -> dict[str, object]:
    return {
        "started_at": f"2026-12-05T00:00:{start:09.6f}Z",
        "wait_seconds": wait,
        "talk_seconds": talk,
        "outcome": outcome,
    }


def test_calls_bridged_at_once_count_talk_time_only() -> None:
    records = [
        record(0.0, 1.0, 5.0),  # talks 1..6
        record(2.0, 0.5, 2.0),  # talks 2.5..4.5
        record(3.0, 3.5, 1.0),  # talks 6.5..7.5: waited while the others talked
        record(3.0, 9.0, None, "abandoned"),
    ]
    assert bridged_at_once(records) == 2
    assert most_at_once([(0.0, 1.0), (1.0, 2.0)]) == 1  # one ends as the next starts
    assert most_at_once([]) == 0


def test_server_problems_are_counted_without_their_numbers() -> None:
    lines = [
        "2026-12-05 00:11:58,544 WARNING vaxla_server.media.kamailio: kamailio: call "
        "22-1281@127.0.0.1 from 127.0.0.1:45338: no media worker free",
        "2026-12-05 00:11:58,562 WARNING vaxla_server.media.kamailio: kamailio: call "
        "23-1281@127.0.0.1 from 127.0.0.1:45338: no media worker free",
        "2026-12-05 00:11:59,001 INFO    vaxla_server.media.pool: media worker w3 ready",
        "2026-12-05 00:12:00,001 ERROR   vaxla_server.media.pool: media worker w7 (pid 12) lost",
    ]
    kinds = problem_kinds(lines)
    assert sum(kinds.values()) == 3
    assert len(kinds) == 2
    assert kinds.most_common(1)[0][1] == 2
