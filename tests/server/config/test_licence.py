import pytest

from vaxla_server.config import Configuration, InvalidConfig, Licence, LicenceExceeded


@pytest.mark.parametrize(
    ("limit", "logged_in", "allowed"),
    [(5, 0, True), (5, 4, True), (5, 5, False), (5, 7, False), (0, 0, False)],
)
def test_can_log_in_below_the_limit_only(limit: int, logged_in: int, allowed: bool) -> None:
    assert Licence(limit).can_log_in(logged_in) is allowed


def test_check_log_in_refuses_with_a_clear_message() -> None:
    Licence(10).check_log_in(9)
    with pytest.raises(LicenceExceeded) as refused:
        Licence(10).check_log_in(10)
    assert str(refused.value) == (
        "the licence allows 10 agents logged in at once and 10 are; "
        "another agent must log out first"
    )
    assert (refused.value.limit, refused.value.logged_in) == (10, 10)


def test_the_licence_is_a_stored_setting(config: Configuration) -> None:
    assert config.licence() is None
    assert config.set_licence(25) == Licence(25)
    assert config.licence() == Licence(25)
    config.set_licence(50)
    assert config.licence() == Licence(50)


@pytest.mark.parametrize("limit", [-1, 2**31, True, 2.5])
def test_an_impossible_licence_is_refused_and_changes_nothing(
    config: Configuration, limit: object
) -> None:
    config.set_licence(10)
    with pytest.raises(InvalidConfig, match="maximum of logged-in agents"):
        config.set_licence(limit)  # type: ignore[arg-type]
    assert config.licence() == Licence(10)
