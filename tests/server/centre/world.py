"""The running centre the slices' tests share (``world``, registered in
``tests/server/conftest.py``): the contact centre over a real store and configuration,
with a clock that moves only when told to and a delivery that records what it is asked
to ring."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.server.auth.conftest import FakeClock
from tests.server.config.conftest import add_user
from vaxla_protocol.offers import OfferToken
from vaxla_server.centre import AgentLeg, OfferedContact
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.config import AgentSettings, Configuration, Membership, QueueSettings
from vaxla_server.config.settings import ServiceGoal
from vaxla_server.store import Store, open_store
from vaxla_server.store.events import EventKind

SESSION_KEY = "0" * 64


@dataclass
class RecordingDelivery:
    """Test double of the media side: remembers every offer and withdrawal."""

    offers: list[tuple[OfferedContact, AgentLeg, OfferToken]] = field(default_factory=list)
    withdrawn: list[tuple[int, int]] = field(default_factory=list)

    def offer(self, contact: OfferedContact, agent: AgentLeg, token: OfferToken) -> None:
        self.offers.append((contact, agent, token))

    def withdraw(self, contact_id: int, agent_id: int) -> None:
        self.withdrawn.append((contact_id, agent_id))

    def offered(self) -> list[tuple[int, int]]:
        return [(contact.contact_id, agent.agent_id) for contact, agent, _ in self.offers]


@dataclass
class World:
    """A small configured centre: queues Support (RONA 15 s, wrap-up 10 s, autopause)
    and Sales (no autopause, no wrap-up); agents anna and bo in both, cid in Sales."""

    store: Store
    config: Configuration
    clock: FakeClock
    delivery: RecordingDelivery
    centre: ContactCentre
    support: int
    sales: int
    anna: int
    bo: int
    cid: int

    def restart(self) -> ContactCentre:
        """A new centre on the same store, as after a server restart."""
        self.delivery = RecordingDelivery()
        self.centre = ContactCentre(
            log=self.store.events,
            config=self.config,
            clock=self.clock,
            delivery=self.delivery,
            heartbeat=self.store.heartbeat,
        )
        self.centre.start()
        return self.centre


def configure(store: Store) -> tuple[Configuration, dict[str, int]]:
    config = Configuration(store.engine)
    config.add_skill("swedish")
    config.add_pause_reason("lunch", label_sv="Lunch", label_en="Lunch")
    config.add_pause_reason("meeting", label_sv="Möte", label_en="Meeting", active=False)
    config.add_classification_code("invoice", label_sv="Faktura", label_en="Invoice", group="x")
    config.add_classification_code(
        "old", label_sv="Gammal", label_en="Old", group="x", active=False
    )
    support = config.add_queue(
        QueueSettings(
            name="Support",
            ring_timeout_s=15.0,
            wrap_up_s=10.0,
            autopause=True,
            service_goal=ServiceGoal(80.0, 20.0),
        )
    )
    sales = config.add_queue(QueueSettings(name="Sales", autopause=False, wrap_up_s=0.0))
    ids = {"support": support.id, "sales": sales.id}
    for name in ("anna", "bo", "cid"):
        ids[name] = add_user(store.engine, name)
    both = (Membership("Support"), Membership("Sales"))
    config.set_agent_profile("anna", AgentSettings(skills={"swedish": 50}, memberships=both))
    config.set_agent_profile("bo", AgentSettings(memberships=both))
    config.set_agent_profile("cid", AgentSettings(memberships=(Membership("Sales"),)))
    return config, ids


def make_world(store: Store) -> World:
    config, ids = configure(store)
    clock = FakeClock()
    delivery = RecordingDelivery()
    centre = ContactCentre(
        log=store.events, config=config, clock=clock, delivery=delivery, heartbeat=store.heartbeat
    )
    centre.start()
    return World(store, config, clock, delivery, centre, **ids)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """On SQLite: the centre's logic does not depend on the engine."""
    with open_store(data_dir=tmp_path / "data") as store:
        yield make_world(store)


@pytest.fixture
def world_on_both(store: Store) -> World:
    """On SQLite and PostgreSQL, for what the store keeps across a restart."""
    return make_world(store)


# Helpers the centre's tests share (agents, queues and the kernel's own).

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def kinds(world: World, since: int = 0) -> list[str]:
    return [logged.event.kind.value for logged in world.store.events.read(since_id=since)]


def last_id(world: World) -> int:
    events = world.store.events.read(limit=100000)
    return events[-1].id if events else 0


def events_of(world: World, kind: EventKind) -> list[Any]:
    return [logged.event for logged in world.store.events.read(kinds=[kind])]


def log_in(world: World, agent: int, queues: list[int] | None = None) -> None:
    world.centre.log_in(
        agent, session_key=SESSION_KEY, queues=queues, sip_contact=f"sip:{agent}@127.0.0.1:5070"
    )
