"""What the configuration service stores comes back the same, on both engines."""

import pytest

from tests.server.config.conftest import add_user
from vaxla_server.config import (
    AgentProfile,
    AgentSettings,
    ClassificationCode,
    Configuration,
    ExpansionStep,
    Membership,
    NotFound,
    PauseReason,
    QueueSettings,
    ServiceGoal,
)
from vaxla_server.store import Store

SUPPORT = QueueSettings(
    name="Support",
    strategy="skills",
    weight=3,
    requirements={"swedish": 60, "billing": 20},
    max_penalty=1,
    expansion=(
        ExpansionStep(after_s=30, relax=10),
        ExpansionStep(after_s=90.5, relax=30, max_penalty=5),
    ),
    exclusion_s=12.5,
    autopause=False,
    ring_timeout_s=20,
    wrap_up_s=15,
    service_goal=ServiceGoal(percent=90, within_s=30),
    sticky_agent_s=3600,
)


def test_skills(config: Configuration) -> None:
    billing = config.add_skill("billing")
    swedish = config.add_skill("swedish")
    assert config.skills() == [billing, swedish]
    config.delete_skill("billing")
    assert config.skills() == [swedish]


def test_pause_reasons(config: Configuration) -> None:
    lunch = config.add_pause_reason("lunch", label_sv="Lunch", label_en="Lunch")
    admin = config.add_pause_reason(
        "admin", label_sv="Administration", label_en="Paperwork", active=False
    )
    assert lunch == PauseReason(lunch.id, "lunch", "Lunch", "Lunch", True)
    assert config.pause_reasons() == [admin, lunch]
    config.set_pause_reason_active("admin", True)
    config.set_pause_reason_active("lunch", False)
    assert [(reason.code, reason.active) for reason in config.pause_reasons()] == [
        ("admin", True),
        ("lunch", False),
    ]


def test_classification_codes(config: Configuration) -> None:
    broken = config.add_classification_code(
        "broken-router", label_sv="Trasig router", label_en="Broken router", group="fault"
    )
    sold = config.add_classification_code("sold", label_sv="Sålt", label_en="Sold", group="outcome")
    assert sold == ClassificationCode(sold.id, "sold", "Sålt", "Sold", "outcome", True)
    assert config.classification_codes() == [broken, sold]
    config.set_classification_code_active("sold", False)
    assert [code.active for code in config.classification_codes()] == [True, False]


def test_a_queue_comes_back_as_it_was_stored(config: Configuration) -> None:
    config.add_skill("swedish")
    config.add_skill("billing")
    queue = config.add_queue(SUPPORT)
    assert queue.settings == SUPPORT
    assert config.queue("Support") == queue
    assert config.queues() == [queue]


def test_a_queue_is_replaced_by_update_and_keeps_its_id(config: Configuration) -> None:
    config.add_skill("swedish")
    config.add_skill("billing")
    queue = config.add_queue(SUPPORT)
    renamed = QueueSettings(name="Kundtjänst", strategy="ring_all", requirements={"billing": 5})
    updated = config.update_queue("Support", renamed)
    assert updated.id == queue.id
    assert config.queue("Kundtjänst").settings == renamed
    with pytest.raises(NotFound, match="no queue named 'Support'"):
        config.queue("Support")


def test_deleting_a_queue_deletes_its_requirements_and_steps(
    config: Configuration, store: Store
) -> None:
    config.add_skill("swedish")
    config.add_skill("billing")
    config.add_queue(SUPPORT)
    config.delete_queue("Support")
    assert config.queues() == []
    config.delete_skill("swedish")
    assert [skill.name for skill in config.skills()] == ["billing"]


def test_agent_profiles(config: Configuration, store: Store) -> None:
    anna_id = add_user(store.engine, "Anna")
    add_user(store.engine, "bert")
    config.add_skill("swedish")
    config.add_queue(QueueSettings("Support"))
    config.add_queue(QueueSettings("Sales"))
    settings = AgentSettings(
        skills={"swedish": 80},
        memberships=(Membership("Support", penalty=0, order=2), Membership("Sales", penalty=3)),
        capacity={"voice": 1, "chat": 3},
        personal_weight=-2,
        standby=True,
    )
    profile = config.set_agent_profile("anna", settings)
    assert profile == AgentProfile(user_id=anna_id, username="Anna", settings=settings)
    assert config.agent_profile("ANNA") == profile
    bert = config.set_agent_profile("bert", AgentSettings())
    assert bert.settings == AgentSettings(capacity={"voice": 1})
    assert config.agent_profiles() == [profile, bert]

    replaced = AgentSettings(memberships=(Membership("Sales"),), capacity={"email": 0})
    config.set_agent_profile("anna", replaced)
    assert config.agent_profile("anna").settings == replaced

    config.delete_agent_profile("anna")
    with pytest.raises(NotFound, match="no agent profile named 'anna'"):
        config.agent_profile("anna")
    assert config.agent_profiles() == [bert]
    config.delete_skill("swedish")
    config.delete_queue("Support")
