"""A '#' that ends an entry of the collection's full length is that entry's terminator:
it is swallowed, not read by the next collection or menu as an empty entry."""

import asyncio

from tests.server.callflow.conftest import MONDAY_MORNING, Site, document
from vaxla_protocol.config import (
    CollectDigits,
    ConfigDocument,
    DigitCollectionItem,
    DigitKind,
    GoToMenu,
    GoToQueue,
    Language,
    MenuItem,
)
from vaxla_server.store import Store
from vaxla_server.store.events import DigitsEntered, MenuChoice

PNR_12 = "198112189876"


def with_pnr_then(then: CollectDigits | GoToMenu) -> ConfigDocument:
    doc = document()
    pnr = DigitCollectionItem(name="pnr", kind=DigitKind.PERSONNUMMER, prompt="enter_personnummer")
    after = MenuItem(
        name="after",
        language=Language.SV,
        prompt="demo_menu_main",
        keys={"1": GoToQueue(queue="Support"), "#": GoToQueue(queue="Sales")},
    )
    main = doc.menus[0].model_copy(
        update={"keys": {**doc.menus[0].keys, "3": CollectDigits(collection="pnr", then=then)}}
    )
    return doc.model_copy(
        update={
            "digit_collections": [*doc.digit_collections, pnr],
            "menus": [main, *doc.menus[1:], after],
        }
    )


def run_keys(store: Store, doc: ConfigDocument, *presses: str) -> Site:
    """A caller to 100 presses 3, then each of ``presses`` three seconds apart."""
    site = Site(store, MONDAY_MORNING, doc)

    async def main() -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        call = site.worker.call("100")
        await site.advance(2)
        site.worker.press(call, "3")
        for keys in presses:
            await site.advance(3)
            site.worker.press(call, keys)
        await site.advance(3)
        site.worker.hang_up(call)
        await site.advance(1)
        await site.router.drain()

    asyncio.run(main())
    return site


def entered(site: Site) -> list[tuple[str, str | None, bool]]:
    return [
        (e.collection, e.digits, e.valid)
        for e in (logged.event for logged in site.events(0))
        if isinstance(e, DigitsEntered)
    ]


def test_a_hash_after_a_full_personnummer_is_not_the_next_collections_entry(
    sqlite_store: Store,
) -> None:
    doc = with_pnr_then(CollectDigits(collection="customer", then=GoToQueue(queue="Support")))
    site = run_keys(sqlite_store, doc, PNR_12 + "#", "1234#")
    assert entered(site) == [("pnr", "********-9876", True), ("customer", "1234", True)]
    assert "invalid_input" not in site.worker.played["w1-1"]


def test_a_hash_pressed_just_after_a_full_entry_is_swallowed_too(sqlite_store: Store) -> None:
    doc = with_pnr_then(CollectDigits(collection="customer", then=GoToQueue(queue="Support")))
    site = run_keys(sqlite_store, doc, PNR_12, "#", "1234#")
    assert entered(site) == [("pnr", "********-9876", True), ("customer", "1234", True)]


def test_a_hash_after_a_full_entry_is_not_the_next_menus_key(sqlite_store: Store) -> None:
    site = run_keys(sqlite_store, with_pnr_then(GoToMenu(menu="after")), PNR_12 + "#", "1")
    choices = [e.event for e in site.events(0) if isinstance(e.event, MenuChoice)]
    assert [(c.menu, c.key) for c in choices] == [("main", "3"), ("after", "1")]


def test_a_key_other_than_hash_after_a_full_entry_is_the_next_steps(sqlite_store: Store) -> None:
    site = run_keys(sqlite_store, with_pnr_then(GoToMenu(menu="after")), PNR_12 + "1")
    choices = [e.event for e in site.events(0) if isinstance(e.event, MenuChoice)]
    assert [(c.menu, c.key) for c in choices] == [("main", "3"), ("after", "1")]


def test_a_hash_pressed_later_is_the_next_menus_key(sqlite_store: Store) -> None:
    site = run_keys(sqlite_store, with_pnr_then(GoToMenu(menu="after")), PNR_12, "", "", "#")
    choices = [e.event for e in site.events(0) if isinstance(e.event, MenuChoice)]
    assert [(c.menu, c.key) for c in choices] == [("main", "3"), ("after", "#")]
