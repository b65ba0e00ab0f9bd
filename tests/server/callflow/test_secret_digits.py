"""A personnummer and a PIN keyed in through the call flow: checked, attached for the
agent, and kept out of the event log — the personnummer masked but for its last four
digits whichever form was keyed (R5), the PIN never."""

import asyncio

from tests.server.callflow.conftest import MONDAY_MORNING, Site, document
from vaxla_protocol.config import (
    CollectDigits,
    ConfigDocument,
    DigitCollectionItem,
    DigitKind,
    GoToQueue,
)
from vaxla_server.store import Store
from vaxla_server.store.events import DigitsEntered

PNR_12 = "198112189876"  # Skatteverket's classic test number, 12-digit form
PNR_10 = "8112189876"  # the same, 10-digit form
PNR_BAD = "198112189875"  # one digit off: the checksum fails
PIN = "4711"


def with_secret_collections() -> ConfigDocument:
    doc = document()
    collections = [
        DigitCollectionItem(name="pnr", kind=DigitKind.PERSONNUMMER, prompt="enter_personnummer"),
        DigitCollectionItem(
            name="pin", kind=DigitKind.PIN, min_length=4, max_length=4, prompt="enter_pin"
        ),
    ]
    then = CollectDigits(collection="pin", then=GoToQueue(queue="Support"))
    main = doc.menus[0].model_copy(
        update={"keys": {**doc.menus[0].keys, "3": CollectDigits(collection="pnr", then=then)}}
    )
    return doc.model_copy(
        update={
            "digit_collections": [*doc.digit_collections, *collections],
            "menus": [main, *doc.menus[1:]],
        }
    )


def call_with(store: Store, *entries: str) -> tuple[Site, dict[str, str]]:
    """One caller to 100 presses 3 and keys ``entries`` one after the other (an entry
    of the collection's full length ends without '#'); the contact's data for the agent."""
    site = Site(store, MONDAY_MORNING, with_secret_collections())
    data: dict[str, str] = {}

    async def main() -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        call = site.worker.call("100")
        await site.advance(2)
        site.worker.press(call, "3")
        for entry in entries:
            await site.advance(3)
            site.worker.press(call, entry)
        await site.advance(3)
        data.update(site.centre.contact(0).data)
        site.worker.hang_up(call)
        await site.advance(1)
        await site.router.drain()

    asyncio.run(main())
    return site, data


def logged_digits(site: Site) -> list[tuple[str, str | None, bool, int]]:
    return [
        (e.collection, e.digits, e.valid, e.attempt)
        for e in (logged.event for logged in site.events(0))
        if isinstance(e, DigitsEntered)
    ]


def raw_log(site: Site) -> str:
    return "".join(logged.event.model_dump_json() for logged in site.events())


def test_a_12_digit_personnummer_and_a_pin_are_masked_for_the_agent_and_the_log(
    sqlite_store: Store,
) -> None:
    site, data = call_with(sqlite_store, PNR_BAD, PNR_12, PIN)
    assert data == {"pnr": "********-9876", "pin": "****"}
    assert logged_digits(site) == [
        ("pnr", None, False, 1),
        ("pnr", "********-9876", True, 2),
        ("pin", "****", True, 1),
    ]
    log = raw_log(site)
    assert "19811218" not in log and "811218" not in log and PIN not in log


def test_the_10_digit_form_gives_the_same_mask(sqlite_store: Store) -> None:
    site, data = call_with(sqlite_store, PNR_10 + "#", PIN)
    assert data["pnr"] == "********-9876"
    assert logged_digits(site)[0] == ("pnr", "********-9876", True, 1)
    assert "811218" not in raw_log(site)
