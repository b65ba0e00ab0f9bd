"""``/config/<kind>`` for the kinds that are whole named items: schedules,
announcement sets, digit collections, menus, entry points and alarm rules.

Each gets the same five routes: list, read one, add (``POST``), replace (``PUT``, which may
rename) and delete. Reads are for administrators and supervisors, writes for
administrators.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from vaxla_protocol.config import (
    AlarmRuleItem,
    AnnouncementSetItem,
    DigitCollectionItem,
    EntryPointItem,
    MenuItem,
    ScheduleItem,
)
from vaxla_server.api.config_common import (
    ITEM_RESPONSES,
    READ_RESPONSES,
    WRITE_RESPONSES,
    Admin,
    Config,
    PathName,
    Reader,
    answering_refusals,
)
from vaxla_server.config import Configuration

Item = TypeVar("Item", bound=BaseModel)


@dataclass(frozen=True)
class Kind(Generic[Item]):
    """One kind of item and the ``Configuration`` methods that keep it."""

    path: str
    label: str
    model: type[Item]
    read_all: Callable[[Configuration], list[Item]]
    read: Callable[[Configuration, str], Item]
    add: Callable[[Configuration, Item], Item]
    replace: Callable[[Configuration, str, Item], Item]
    remove: Callable[[Configuration, str], None]


def kind_router(kind: Kind[Any]) -> APIRouter:
    router = APIRouter(prefix=f"/config/{kind.path}", tags=["configuration"])
    model = kind.model

    @router.get("", response_model=list[model], responses=READ_RESPONSES)  # type: ignore[valid-type]
    def read_all(_user: Reader, config: Config) -> Any:
        return kind.read_all(config)

    @router.get("/{name}", response_model=model, responses=ITEM_RESPONSES)
    def read_one(_user: Reader, config: Config, name: PathName) -> Any:
        with answering_refusals():
            return kind.read(config, name)

    @router.post(
        "", response_model=model, status_code=status.HTTP_201_CREATED, responses=WRITE_RESPONSES
    )
    def add(_user: Admin, config: Config, item: model) -> Any:  # type: ignore[valid-type]
        with answering_refusals():
            return kind.add(config, item)

    @router.put("/{name}", response_model=model, responses=WRITE_RESPONSES)
    def replace(_user: Admin, config: Config, name: PathName, item: model) -> Any:  # type: ignore[valid-type]
        with answering_refusals():
            return kind.replace(config, name, item)

    @router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_RESPONSES)
    def remove(_user: Admin, config: Config, name: PathName) -> Response:
        with answering_refusals():
            kind.remove(config, name)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    for endpoint in (read_one, replace, remove):
        endpoint.__doc__ = f"The {kind.label} named in the path (an entry point by its address)."
    read_all.__doc__ = f"Every {kind.label}."
    add.__doc__ = f"Add a {kind.label}."
    return router


KINDS: list[Kind[Any]] = [
    Kind(
        "schedules",
        "schedule",
        ScheduleItem,
        Configuration.schedules,
        Configuration.schedule,
        Configuration.add_schedule,
        Configuration.update_schedule,
        Configuration.delete_schedule,
    ),
    Kind(
        "announcement-sets",
        "announcement set",
        AnnouncementSetItem,
        Configuration.announcement_sets,
        Configuration.announcement_set,
        Configuration.add_announcement_set,
        Configuration.update_announcement_set,
        Configuration.delete_announcement_set,
    ),
    Kind(
        "digit-collections",
        "digit collection",
        DigitCollectionItem,
        Configuration.digit_collections,
        Configuration.digit_collection,
        Configuration.add_digit_collection,
        Configuration.update_digit_collection,
        Configuration.delete_digit_collection,
    ),
    Kind(
        "menus",
        "menu",
        MenuItem,
        Configuration.menus,
        Configuration.menu,
        Configuration.add_menu,
        Configuration.update_menu,
        Configuration.delete_menu,
    ),
    Kind(
        "entry-points",
        "entry point",
        EntryPointItem,
        Configuration.entry_points,
        Configuration.entry_point,
        Configuration.add_entry_point,
        Configuration.update_entry_point,
        Configuration.delete_entry_point,
    ),
    Kind(
        "alarm-rules",
        "alarm rule",
        AlarmRuleItem,
        Configuration.alarm_rules,
        Configuration.alarm_rule,
        Configuration.add_alarm_rule,
        Configuration.update_alarm_rule,
        Configuration.delete_alarm_rule,
    ),
]

routers = [kind_router(kind) for kind in KINDS]
