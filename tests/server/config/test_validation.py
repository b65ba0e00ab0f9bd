"""Every refused change says what is wrong and leaves the stored configuration as it was."""

import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

import pytest

from tests.server.config.conftest import add_user, config_contents
from vaxla_server.config import (
    AgentSettings,
    ConfigError,
    Configuration,
    DuplicateName,
    Escalation,
    ExpansionStep,
    InvalidConfig,
    Membership,
    NotAnAgent,
    NotFound,
    QueueSettings,
    ServiceGoal,
    StillReferenced,
    UnknownStrategy,
)
from vaxla_server.store import Store

SUPPORT = QueueSettings(
    "Support",
    requirements={"swedish": 50},
    expansion=(ExpansionStep(after_s=30, relax=10),),
)
ANNA = AgentSettings(
    skills={"swedish": 70, "billing": 10}, memberships=(Membership("Support", penalty=1),)
)


@pytest.fixture
def seeded(config: Configuration, store: Store) -> Iterator[Configuration]:
    """Two skills, one queue, an agent with a profile, an agent without, an operator,
    a pause reason, a classification code and a licence; afterwards, the test's refused
    change must have left all of it as it was."""
    config.add_skill("swedish")
    config.add_skill("billing")
    config.add_queue(SUPPORT)
    config.add_queue(QueueSettings("Sales"))
    add_user(store.engine, "anna")
    add_user(store.engine, "bert")
    add_user(store.engine, "olle", role="operator")
    add_user(store.engine, "ada", role="admin")
    config.set_agent_profile("anna", ANNA)
    config.add_pause_reason("lunch", label_sv="Lunch", label_en="Lunch")
    config.add_classification_code("sold", label_sv="Sålt", label_en="Sold", group="outcome")
    config.set_licence(5)
    before = config_contents(store.engine)
    yield config
    assert config_contents(store.engine) == before


E = TypeVar("E", bound=ConfigError)


def refused(error: type[E], match: str, change: Callable[[], object]) -> pytest.ExceptionInfo[E]:
    with pytest.raises(error, match=match) as info:
        change()
    return info


def queue(**changes: Any) -> QueueSettings:
    return replace(QueueSettings("New"), **changes)


def agent(**changes: Any) -> AgentSettings:
    return replace(AgentSettings(), **changes)


def test_unknown_strategy(seeded: Configuration) -> None:
    info = refused(
        UnknownStrategy,
        r"unknown strategy 'fastest'; strategies: sequential, longest_idle, .*skills",
        lambda: seeded.add_queue(queue(strategy="fastest")),
    )
    assert info.value.strategy == "fastest"
    refused(
        UnknownStrategy,
        "unknown strategy",
        lambda: seeded.update_queue("Support", replace(SUPPORT, strategy="Longest_Idle")),
    )


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"requirements": {"swedish": 101}}, r"requirements: level of 'swedish' .* 0 to 100"),
        ({"requirements": {"swedish": -1}}, r"requirements: level of 'swedish'"),
        ({"requirements": {"swedish": 50.0}}, r"must be an integer from 0 to 100, not 50.0"),
        ({"expansion": [ExpansionStep(10, relax=101)]}, r"expansion step 1: relax"),
        ({"expansion": [ExpansionStep(10, max_penalty=-1)]}, r"expansion step 1: max_penalty"),
        ({"expansion": [ExpansionStep(-1)]}, r"expansion step 1: after_s .* 0 or more"),
        ({"max_penalty": -1}, r"max_penalty must be an integer from 0"),
        ({"weight": 2**31}, r"weight must be an integer"),
        ({"weight": True}, r"weight must be an integer"),
        ({"exclusion_s": -0.1}, r"exclusion_s must be a finite number of seconds, 0 or more"),
        ({"exclusion_s": math.inf}, r"exclusion_s must be a finite"),
        ({"ring_timeout_s": 0}, r"ring_timeout_s must be .* greater than 0"),
        ({"ring_timeout_s": -5}, r"ring_timeout_s"),
        ({"wrap_up_s": -1}, r"wrap_up_s must be"),
        ({"wrap_up_s": "10"}, r"wrap_up_s must be a number of seconds"),
        ({"sticky_agent_s": -1}, r"sticky_agent_s must be"),
        ({"service_goal": ServiceGoal(percent=101)}, r"service goal percent .* 0 to 100"),
        ({"service_goal": ServiceGoal(percent=-1)}, r"service goal percent"),
        ({"service_goal": ServiceGoal(within_s=0)}, r"service goal within_s .* greater than 0"),
        ({"autopause": 1}, r"autopause must be true or false"),
        ({"name": ""}, r"queue name must have 1 to 64 characters"),
        ({"name": " Support"}, r"no surrounding spaces"),
        ({"name": "x" * 65}, r"queue name must have 1 to 64"),
        ({"escalation": Escalation(after_s=0)}, r"escalation: after_s .* greater than 0"),
        ({"escalation": Escalation(after_s=30, raise_by=0)}, r"escalation: raise_by .* 1 to 100"),
        ({"escalation": Escalation(30, every_s=-5)}, r"escalation: every_s .* greater than 0"),
        ({"escalation": Escalation(30, max_priority=101)}, r"escalation: max_priority .* 1 to"),
        ({"escalation": Escalation(30, raise_by=True)}, r"escalation: raise_by must be an int"),
    ],
)
def test_queue_values_out_of_range(
    seeded: Configuration, changes: dict[str, Any], match: str
) -> None:
    refused(InvalidConfig, match, lambda: seeded.add_queue(queue(**changes)))
    refused(
        InvalidConfig, match, lambda: seeded.update_queue("Support", replace(SUPPORT, **changes))
    )


@pytest.mark.parametrize("second", [30, 29.5])
def test_expansion_steps_must_strictly_increase(seeded: Configuration, second: float) -> None:
    steps = (ExpansionStep(10), ExpansionStep(30, relax=5), ExpansionStep(second, relax=9))
    refused(
        InvalidConfig,
        rf"strictly increasing after_s; step 3 \({second:g} s\) does not come after "
        r"step 2 \(30 s\)",
        lambda: seeded.add_queue(queue(expansion=steps)),
    )


def test_a_queue_requiring_an_unknown_skill(seeded: Configuration) -> None:
    refused(
        NotFound,
        "no skill named 'german'",
        lambda: seeded.add_queue(queue(requirements={"swedish": 10, "german": 10})),
    )
    refused(
        NotFound,
        "no skill named 'german'",
        lambda: seeded.update_queue("Support", replace(SUPPORT, requirements={"german": 1})),
    )


def test_updating_a_missing_queue(seeded: Configuration) -> None:
    refused(NotFound, "no queue named 'Billing'", lambda: seeded.update_queue("Billing", SUPPORT))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"skills": {"swedish": 101}}, r"skills: level of 'swedish' must be .* 0 to 100"),
        ({"skills": {"swedish": -3}}, r"skills: level of 'swedish'"),
        ({"capacity": {"voice": -1}}, r"capacity of 'voice' must be an integer from 0"),
        ({"capacity": {"": 1}}, r"a channel must be a name of 1 to 32 characters"),
        ({"capacity": [("voice", 1)]}, r"capacity must map channels to counts"),
        ({"memberships": [Membership("Support", penalty=-1)]}, r"penalty in 'Support'"),
        ({"memberships": [Membership("Support", order=2**31)]}, r"order in 'Support'"),
        (
            {"memberships": [Membership("Support"), Membership("Support", penalty=2)]},
            r"queue 'Support' is listed twice in the memberships",
        ),
        ({"personal_weight": -(2**31) - 1}, r"personal_weight must be an integer"),
        ({"standby": "yes"}, r"standby must be true or false"),
    ],
)
def test_agent_values_out_of_range(
    seeded: Configuration, changes: dict[str, Any], match: str
) -> None:
    refused(InvalidConfig, match, lambda: seeded.set_agent_profile("anna", agent(**changes)))
    refused(InvalidConfig, match, lambda: seeded.set_agent_profile("bert", agent(**changes)))


def test_a_membership_of_a_missing_queue(seeded: Configuration) -> None:
    refused(
        NotFound,
        "no queue named 'Billing'",
        lambda: seeded.set_agent_profile(
            "anna", agent(memberships=[Membership("Sales"), Membership("Billing")])
        ),
    )


def test_an_agent_with_an_unknown_skill(seeded: Configuration) -> None:
    refused(
        NotFound,
        "no skill named 'german'",
        lambda: seeded.set_agent_profile("bert", agent(skills={"german": 50})),
    )


def test_a_profile_for_a_user_who_is_not_an_agent(seeded: Configuration) -> None:
    info = refused(
        NotAnAgent,
        "user 'ada' has the role 'admin'; only agents, supervisors and operators have "
        "agent profiles",
        lambda: seeded.set_agent_profile("ada", AgentSettings()),
    )
    assert (info.value.username, info.value.role) == ("ada", "admin")


def test_an_operator_may_have_a_profile_to_answer_the_switchboard(
    config: Configuration, store: Store
) -> None:
    add_user(store.engine, "olle", role="operator")
    config.set_agent_profile("olle", AgentSettings())
    assert config.agent_profile("olle").username == "olle"


def test_a_profile_for_an_unknown_user(seeded: Configuration) -> None:
    refused(NotFound, "no user named 'nobody'", lambda: seeded.set_agent_profile("nobody", agent()))
    refused(NotFound, "no user named 'nobody'", lambda: seeded.delete_agent_profile("nobody"))
    refused(NotFound, "no agent profile named 'bert'", lambda: seeded.delete_agent_profile("bert"))


def test_deleting_a_skill_still_in_use_says_by_what(seeded: Configuration) -> None:
    info = refused(
        StillReferenced,
        r"the skill 'swedish' cannot be deleted: it is used by queue 'Support', agent 'anna'",
        lambda: seeded.delete_skill("swedish"),
    )
    assert info.value.used_by == ("queue 'Support'", "agent 'anna'")
    refused(
        StillReferenced,
        r"the skill 'billing' cannot be deleted: it is used by agent 'anna'$",
        lambda: seeded.delete_skill("billing"),
    )


def test_deleting_a_queue_with_members_says_who(seeded: Configuration) -> None:
    refused(
        StillReferenced,
        r"the queue 'Support' cannot be deleted: it is used by agent 'anna'$",
        lambda: seeded.delete_queue("Support"),
    )


def test_deleting_what_does_not_exist(seeded: Configuration) -> None:
    refused(NotFound, "no skill named 'german'", lambda: seeded.delete_skill("german"))
    refused(NotFound, "no queue named 'Billing'", lambda: seeded.delete_queue("Billing"))


def test_duplicate_names(seeded: Configuration) -> None:
    info = refused(
        DuplicateName, "a skill named 'swedish' exists already", lambda: seeded.add_skill("swedish")
    )
    assert (info.value.kind, info.value.name) == ("skill", "swedish")
    refused(
        DuplicateName, "a queue named 'Support' exists already", lambda: seeded.add_queue(SUPPORT)
    )
    refused(
        DuplicateName,
        "a queue named 'Sales' exists already",
        lambda: seeded.update_queue("Support", replace(SUPPORT, name="Sales")),
    )
    refused(
        DuplicateName,
        "a pause reason named 'lunch' exists already",
        lambda: seeded.add_pause_reason("lunch", label_sv="Mat", label_en="Food"),
    )
    refused(
        DuplicateName,
        "a classification code named 'sold' exists already",
        lambda: seeded.add_classification_code(
            "sold", label_sv="Sålt", label_en="Sold", group="product"
        ),
    )


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda c: c.add_skill(""), "skill name must have 1 to 64"),
        (lambda c: c.add_skill(7), "skill name must be a string"),
        (
            lambda c: c.add_pause_reason("Lunch Break", label_sv="L", label_en="L"),
            r"pause reason code 'Lunch Break' is not valid: 1 to 64 characters",
        ),
        (
            lambda c: c.add_pause_reason("break", label_sv=" ", label_en="Break"),
            "Swedish label must be text of 1 to 200 characters",
        ),
        (
            lambda c: c.add_pause_reason("break", label_sv="Rast", label_en="x" * 201),
            "English label must be text",
        ),
        (
            lambda c: c.add_classification_code(
                "fault-1", label_sv="Fel", label_en="Fault", group="Fault Type"
            ),
            "classification group 'Fault Type' is not valid",
        ),
        (lambda c: c.set_pause_reason_active("gone", False), "no pause reason named 'gone'"),
        (
            lambda c: c.set_classification_code_active("gone", True),
            "no classification code named 'gone'",
        ),
        (lambda c: c.set_pause_reason_active("lunch", 0), "active must be true or false"),
    ],
)
def test_other_refusals(
    seeded: Configuration, change: Callable[[Configuration], object], match: str
) -> None:
    with pytest.raises(ConfigError, match=match):
        change(seeded)
