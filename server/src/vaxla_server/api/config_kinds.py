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
from vaxla_server.config import Configuration, kinds
from vaxla_server.config.repository import NamedKind, Repository

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


def _kept(
    path: str, kind: NamedKind[Any], repository: Callable[[Configuration], Repository[Any]]
) -> Kind[Any]:
    """The kind whose items ``repository`` keeps."""
    return Kind(
        path,
        kind.label,
        kind.model,
        lambda config: repository(config).list(),
        lambda config, key: repository(config).get(key),
        lambda config, item: repository(config).add(item),
        lambda config, key, item: repository(config).replace(key, item),
        lambda config, key: repository(config).delete(key),
    )


KINDS: list[Kind[Any]] = [
    _kept("schedules", kinds.SCHEDULES, lambda config: config.schedules),
    _kept("announcement-sets", kinds.ANNOUNCEMENT_SETS, lambda config: config.announcement_sets),
    _kept("digit-collections", kinds.DIGIT_COLLECTIONS, lambda config: config.digit_collections),
    _kept("menus", kinds.MENUS, lambda config: config.menus),
    _kept("entry-points", kinds.ENTRY_POINTS, lambda config: config.entry_points),
    _kept("alarm-rules", kinds.ALARM_RULES, lambda config: config.alarm_rules),
]

routers = [kind_router(kind) for kind in KINDS]
