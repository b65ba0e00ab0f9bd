"""``vaxla-sim``'s command line: help that says what the commands do, and bad arguments
refused with a message naming the argument and what is wrong."""

import pytest

from vaxla_server.sim.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    assert isinstance(exited.value.code, int)
    return exited.value.code, out, err


def test_help_names_both_simulators_and_the_leg_cap(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "agents" in out and "callers" in out and "4 call legs" in out


def test_agents_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "agents", "--help")
    assert code == 0
    for option in ("--server", "--count", "--first", "--password", "--answer-after", "--talk",
                   "--wrap-up", "--report", "X-Vaxla-Offer", "403"):  # fmt: skip
        assert option in out


def test_callers_help_says_when_a_caller_hangs_up(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "callers", "--help")
    assert code == 0
    for option in ("--target", "--rate", "--digits", "--patience", "--talk", "--count"):
        assert option in out
    assert "PATIENCE + TALK" in " ".join(out.split())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["agents", "--server", "http://h", "--count", "0"], "--count: must be 1 or more: 0"),
        (["agents", "--server", "h:80", "--count", "2"], "not an http(s) URL"),
        (["agents", "--server", "http://h", "--count", "2", "--talk", "-1"], "0 or more"),
        (["agents", "--count", "2"], "--server"),
        (["callers", "--target", "100", "--rate", "1", "--patience", "5"], "not a SIP URI"),
        (["callers", "--target", "sip:100@h", "--rate", "0", "--patience", "5"], "positive"),
        (["callers", "--target", "sip:100@h", "--rate", "x", "--patience", "5"], "not a number"),
        (
            [
                "callers",
                "--target",
                "sip:100@h",
                "--rate",
                "1",
                "--patience",
                "5",
                "--digits",
                "1x",
            ],
            "not DTMF digits",
        ),
        (["callers", "--target", "sip:100@h", "--rate", "1"], "--patience"),
        ([], "agents,callers"),
    ],
)
def test_bad_arguments_are_refused_with_what_is_wrong(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
