"""Skills and priority from the caller's way in (R12): a menu key into a queue can ask for
a skill and a priority, and a digit collection's rules give them by the entered value;
only agents with the skill are offered the caller, and the priority is logged."""

import asyncio
from collections.abc import Awaitable, Callable

from tests.server.callflow.conftest import AGENT_CONTACT, MONDAY_MORNING, Site, document
from vaxla_protocol.config import (
    CollectDigits,
    ConfigDocument,
    GoToQueue,
    MenuItem,
    PriorityRule,
    SkillItem,
)
from vaxla_server.store import Store
from vaxla_server.store.events import Queued

BO_CONTACT = "sip:bo@127.0.0.1:5072"


def skilled_document() -> ConfigDocument:
    """Anna knows invoices, Bo does not. In the main menu 3 is "invoices" (Support with
    the skill ``invoice`` and priority 7) and 2 asks for a customer number, whose numbers
    from 9 need the skill and get priority 9."""
    doc = document()
    main = next(menu for menu in doc.menus if menu.name == "main")
    keys = dict(main.keys)
    keys["3"] = GoToQueue(queue="Support", priority=7, skills={"invoice": 1})
    keys["2"] = CollectDigits(
        collection="customer",
        then=GoToQueue(queue="Sales"),
        rules=[
            PriorityRule(prefix="9", priority=9, skill="invoice", skill_level=1),
            PriorityRule(prefix="8", priority=3),
        ],
    )
    menus = [
        MenuItem.model_validate({**main.model_dump(), "keys": keys}) if m is main else m
        for m in doc.menus
    ]
    agents = [
        agent.model_copy(update={"skills": {"invoice": 2}}) if agent.username == "anna" else agent
        for agent in doc.agents
    ]
    return doc.model_copy(
        update={"skills": [SkillItem(name="invoice")], "menus": menus, "agents": agents}
    )


def run(store: Store, scenario: Callable[[Site], Awaitable[None]]) -> Site:
    site = Site(store, MONDAY_MORNING, skilled_document())

    async def main() -> None:
        await scenario(site)
        await site.router.drain()

    asyncio.run(main())
    return site


def queued(site: Site) -> list[int]:
    return [e.event.priority for e in site.events(0) if isinstance(e.event, Queued)]


def test_a_menu_key_asks_for_a_skill_and_a_priority(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("bo", BO_CONTACT)
        call = site.worker.call("100")
        await site.advance(2)
        site.worker.press(call, "3")
        await site.advance(5)
        assert site.worker.originations(call) == []  # Bo lacks the skill
        site.log_in("anna", AGENT_CONTACT)
        await site.advance(2)
        assert [o.sip_uri for o in site.worker.originations(call)] == [AGENT_CONTACT]
        site.worker.hang_up(call)
        await site.advance(1)

    assert queued(run(sqlite_store, scenario)) == [7]


def test_an_entered_number_matching_a_rule_asks_for_the_skill(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("bo", BO_CONTACT)
        call = site.worker.call("100")
        await site.advance(2)
        site.worker.press(call, "2")
        await site.advance(1)
        site.worker.press(call, "912345#")
        await site.advance(5)
        assert site.worker.originations(call) == []
        site.log_in("anna", AGENT_CONTACT)
        await site.advance(2)
        assert [o.sip_uri for o in site.worker.originations(call)] == [AGENT_CONTACT]
        site.worker.hang_up(call)
        await site.advance(1)

    assert queued(run(sqlite_store, scenario)) == [9]


def test_an_entered_number_of_another_rule_gives_only_its_priority(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("bo", BO_CONTACT)
        call = site.worker.call("100")
        await site.advance(2)
        site.worker.press(call, "2")
        await site.advance(1)
        site.worker.press(call, "812345#")
        await site.advance(3)
        assert [o.sip_uri for o in site.worker.originations(call)] == [BO_CONTACT]
        site.worker.hang_up(call)
        await site.advance(1)

    assert queued(run(sqlite_store, scenario)) == [3]
