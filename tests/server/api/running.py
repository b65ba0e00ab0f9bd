"""The app over a running centre, for the slices' route tests (``running``, registered in
``tests/server/conftest.py``): the real app on a real store, a clock that moves
only when told to, and a configuration made before the app starts."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from vaxla_protocol import API_PREFIX, Role
from vaxla_server.app import create_app
from vaxla_server.auth import Auth
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.config import AgentSettings, Configuration, Membership, QueueSettings
from vaxla_server.config.settings import ServiceGoal
from vaxla_server.store import Store, open_store


@dataclass
class Centre:
    api: Api
    clock: FakeClock
    config: Configuration
    ids: dict[str, int]

    @property
    def centre(self) -> ContactCentre:
        centre = self.api.app.state.services.centre
        assert isinstance(centre, ContactCentre)
        return centre

    def token(self, username: str) -> str:
        return self.api.token(username)


def build(store: Store, clock: FakeClock) -> Centre:
    auth = Auth.open(store, CHEAP_SETTINGS)
    ids: dict[str, int] = {}
    for name, role in [
        ("anna", Role.AGENT),
        ("bo", Role.AGENT),
        ("nobody", Role.AGENT),
        ("sofia", Role.SUPERVISOR),
        ("olle", Role.OPERATOR),
        ("ada", Role.ADMIN),
    ]:
        ids[name] = auth.users.create(name, PASSWORD, role, now=clock()).id
    config = Configuration(store.engine)
    config.add_pause_reason("lunch", label_sv="Lunch", label_en="Lunch")
    config.add_classification_code("invoice", label_sv="Faktura", label_en="Invoice", group="x")
    ids["support"] = config.add_queue(
        QueueSettings(name="Support", wrap_up_s=10.0, service_goal=ServiceGoal(80.0, 20.0))
    ).id
    ids["sales"] = config.add_queue(QueueSettings(name="Sales")).id
    both = (Membership("Support"), Membership("Sales"))
    config.set_agent_profile("anna", AgentSettings(memberships=both))
    config.set_agent_profile("bo", AgentSettings(memberships=(Membership("Sales"),)))
    app = create_app(store, auth_settings=CHEAP_SETTINGS, clock=clock)
    return Centre(Api(app), clock, config, ids)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Centre]:
    with open_store(data_dir=tmp_path / "data") as store:
        yield build(store, FakeClock())


@pytest.fixture
def running_on_both(store: Store) -> Centre:
    return build(store, FakeClock())


def a_day(running: Centre) -> tuple[int, int, int]:
    """anna answers c0 after 5 s and talks 60 s; c1 abandons after 40 s; c2 waits."""
    centre, clock = running.centre, running.clock
    assert (
        running.api.request(
            "POST", f"{API_PREFIX}/agent/login", token=running.token("anna"), json={}
        ).status_code
        == 200
    )
    answered = centre.enter("100", "+46700000001")
    centre.queue(answered, running.ids["support"])
    clock.advance(seconds=5)
    centre.answered(answered, running.ids["anna"])
    abandoned = centre.enter("100", "+46700000002")
    centre.queue(abandoned, running.ids["support"])
    clock.advance(seconds=40)
    centre.abandoned(abandoned)
    waiting = centre.enter("200", None)
    centre.queue(waiting, running.ids["support"])
    clock.advance(seconds=20)
    centre.ended(answered, "caller")
    return answered, abandoned, waiting
