"""The dispatcher's door: the stored configuration, handed to a real dispatcher as the
door's events, routes contacts by its rules."""

import pytest

from tests.server.config.conftest import add_user
from vaxla_dispatcher import (
    STRATEGIES,
    AddAgent,
    AddContact,
    AddQueue,
    Dispatcher,
    ExpansionStep,
    Membership,
    Offer,
    SetAgentState,
)
from vaxla_server.centre.engine import dispatcher_events
from vaxla_server.config import (
    AgentSettings,
    Configuration,
    QueueSettings,
    ServiceGoal,
)
from vaxla_server.config import ExpansionStep as StoredStep
from vaxla_server.config import Membership as StoredMembership
from vaxla_server.store import Store
from vaxla_server.store.models import QUEUE_STRATEGIES


@pytest.fixture
def config(store: Store) -> Configuration:
    return Configuration(store.engine)


def test_the_stored_strategies_are_the_dispatchers() -> None:
    assert QUEUE_STRATEGIES == STRATEGIES


def configure(config: Configuration, store: Store) -> dict[str, int]:
    ids = {
        "swedish": config.add_skill("swedish").id,
        "billing": config.add_skill("billing").id,
        "anna": add_user(store.engine, "anna"),
        "bert": add_user(store.engine, "bert"),
        "cilla": add_user(store.engine, "cilla"),
    }
    ids["Support"] = config.add_queue(
        QueueSettings(
            "Support",
            strategy="skills",
            weight=2,
            requirements={"swedish": 50},
            max_penalty=1,
            expansion=(StoredStep(after_s=60, relax=20, max_penalty=3),),
            exclusion_s=10,
            autopause=False,
            ring_timeout_s=25,
            wrap_up_s=15,
            service_goal=ServiceGoal(80, 20),
            sticky_agent_s=600,
        )
    ).id
    ids["Sales"] = config.add_queue(QueueSettings("Sales", strategy="round_robin")).id
    config.set_agent_profile(
        "anna",
        AgentSettings(
            skills={"swedish": 40, "billing": 90},
            memberships=(StoredMembership("Support"), StoredMembership("Sales", order=2)),
            capacity={"voice": 1, "chat": 2},
            personal_weight=4,
        ),
    )
    config.set_agent_profile(
        "bert",
        AgentSettings(
            skills={"swedish": 70},
            memberships=(StoredMembership("Support", penalty=1, order=1),),
            standby=True,
        ),
    )
    config.set_agent_profile("cilla", AgentSettings(capacity={"voice": 0}))
    return ids


def test_every_setting_maps_onto_the_dispatchers_events(
    config: Configuration, store: Store
) -> None:
    ids = configure(config, store)
    events = dispatcher_events(config.snapshot())
    sales, support = ids["Sales"], ids["Support"]
    assert events == [
        AddQueue(queue=sales, strategy="round_robin"),
        AddQueue(
            queue=support,
            strategy="skills",
            weight=2,
            requirements={ids["swedish"]: 50},
            max_penalty=1,
            expansion=(ExpansionStep(after_s=60.0, relax=20, max_penalty=3),),
            exclusion_s=10.0,
            autopause=False,
            wrap_up_s=15.0,
        ),
        AddAgent(
            agent=ids["anna"],
            skills={ids["swedish"]: 40, ids["billing"]: 90},
            memberships=(Membership(support, penalty=0, order=0), Membership(sales, order=2)),
            capacity={"chat": 2, "voice": 1},
            personal_weight=4,
        ),
        AddAgent(
            agent=ids["bert"],
            skills={ids["swedish"]: 70},
            memberships=(Membership(support, penalty=1, order=1),),
            capacity={"voice": 1},
        ),
        AddAgent(agent=ids["cilla"], capacity={"voice": 0}),
    ]


def test_a_dispatcher_fed_the_configuration_offers_a_matching_contact(
    config: Configuration, store: Store
) -> None:
    ids = configure(config, store)
    for engine in ("native", "reference"):
        dispatcher = Dispatcher(engine=engine)
        dispatcher.apply(dispatcher_events(config.snapshot()), now=0.0)
        dispatcher.apply(
            [SetAgentState(ids[name], "available") for name in ("anna", "bert", "cilla")]
            + [AddContact(1, queue=ids["Support"]), AddContact(2, queue=ids["Sales"])],
            now=0.0,
        )
        # Support needs swedish 50: only bert has it. Sales requires nothing; anna is its
        # only member.
        assert sorted(dispatcher.assign(now=0.0)) == [
            Offer(contact=1, agent=ids["bert"]),
            Offer(contact=2, agent=ids["anna"]),
        ], engine


def test_the_stored_expansion_reaches_the_dispatcher(config: Configuration, store: Store) -> None:
    ids = configure(config, store)
    dispatcher = Dispatcher()
    dispatcher.apply(dispatcher_events(config.snapshot()), now=0.0)
    dispatcher.apply(
        [SetAgentState(ids["anna"], "available"), AddContact(1, queue=ids["Support"])], now=0.0
    )
    # anna's swedish 40 is below the required 50 until the step at 60 s relaxes it by 20.
    assert dispatcher.assign(now=59.0) == []
    assert dispatcher.assign(now=61.0) == [Offer(contact=1, agent=ids["anna"])]
