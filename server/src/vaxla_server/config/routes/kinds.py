"""``/config/<kind>`` for every kind kept as items under a key in the path: skills, pause
reasons, classification codes, queues, agent profiles, and the call flow's schedules,
announcement sets, digit collections, menus, entry points and alarm rules.

``kind_router`` makes the same routes for each from its ``Kind``: list (``GET``), read one
(``GET /{key}``), add (``POST``), replace (``PUT /{key}``, which may rename) and delete;
a kind has those it gives a ``Route`` for. What does not fit that shape (a pause reason's
active flag, prompts by name and language, the licence, the whole document) is in
``basics.py``.

Reads are for administrators and supervisors, except that every role may read the pause
reasons and classification codes (the desktop offers them); writes are for
administrators.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, Path, Response, status
from pydantic import BaseModel

from vaxla_protocol.config import (
    AgentProfileItem,
    AgentSettingsItem,
    ClassificationCodeItem,
    PauseReasonItem,
    QueueItem,
    SkillItem,
    TrunkItem,
    TrunkView,
)
from vaxla_server.api.access import RoleRequirement
from vaxla_server.auth import User
from vaxla_server.config import Configuration, kinds
from vaxla_server.config.repository import NamedKind, Repository
from vaxla_server.config.routes.common import (
    EVERY_USER,
    ITEM_RESPONSES,
    NAME_PATTERN,
    READ_RESPONSES,
    READERS,
    WRITE_RESPONSES,
    Admin,
    Config,
    answering_refusals,
)
from vaxla_server.config.wire import agent_item, agent_settings, queue_item, queue_settings

Call = TypeVar("Call", bound=Callable[..., Any])


@dataclass(frozen=True)
class Route(Generic[Call]):
    """What a route calls, with the endpoint's name (FastAPI makes it the route's summary
    and operation id, which clients are generated from) and its description."""

    name: str
    call: Call
    doc: str | None = None


@dataclass(frozen=True)
class Kind:
    """One kind's routes. ``key`` is the path parameter naming an item; ``body`` is what
    a replace takes when it is not ``model``; ``readers`` are the roles that may read."""

    path: str
    model: type[BaseModel]
    read_all: Route[Callable[[Configuration], list[Any]]] | None = None
    read_one: Route[Callable[[Configuration, str], Any]] | None = None
    add: Route[Callable[[Configuration, Any], Any]] | None = None
    replace: Route[Callable[[Configuration, str, Any], Any]] | None = None
    remove: Route[Callable[[Configuration, str], None]] | None = None
    key: str = "name"
    body: type[BaseModel] | None = None
    readers: RoleRequirement = READERS
    answer: type[BaseModel] | None = None
    """What reads and writes answer, when it is not ``model`` (a trunk: without its
    password)."""


def kind_router(kind: Kind) -> APIRouter:
    """The routes ``kind`` gives calls for; a refused change answers its 4xx."""
    router = APIRouter(prefix=f"/config/{kind.path}", tags=["configuration"])
    model, body, answer = kind.model, kind.body or kind.model, kind.answer or kind.model
    Reader = Annotated[User, Depends(kind.readers)]
    Key = Annotated[str, Path(alias=kind.key, pattern=NAME_PATTERN)]

    def read_all(_user: Reader, config: Config) -> Any:
        return _call(kind.read_all)(config)

    def read_one(_user: Reader, config: Config, key: Key) -> Any:
        with answering_refusals():
            return _call(kind.read_one)(config, key)

    def add(_user: Admin, config: Config, item: model) -> Any:  # type: ignore[valid-type]
        with answering_refusals():
            return _call(kind.add)(config, item)

    def replace(_user: Admin, config: Config, key: Key, item: body) -> Any:  # type: ignore[valid-type]
        with answering_refusals():
            return _call(kind.replace)(config, key, item)

    def remove(_user: Admin, config: Config, key: Key) -> Response:
        with answering_refusals():
            _call(kind.remove)(config, key)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    one, read, write = f"/{{{kind.key}}}", READ_RESPONSES, WRITE_RESPONSES
    created, emptied = status.HTTP_201_CREATED, status.HTTP_204_NO_CONTENT
    for route, method, path, endpoint, responses, settings in (
        (kind.read_all, "GET", "", read_all, read, {"response_model": list[answer]}),  # type: ignore[valid-type]
        (kind.read_one, "GET", one, read_one, ITEM_RESPONSES, {"response_model": answer}),
        (kind.add, "POST", "", add, write, {"response_model": answer, "status_code": created}),
        (kind.replace, "PUT", one, replace, write, {"response_model": answer}),
        (kind.remove, "DELETE", one, remove, write, {"status_code": emptied}),
    ):
        if route is not None:
            router.add_api_route(
                path,
                endpoint,
                methods=[method],
                name=route.name,
                description=route.doc,
                responses=responses,
                **settings,
            )
    return router


def _call(route: Route[Call] | None) -> Call:
    """The call of a route ``kind_router`` registered, so never ``None``."""
    assert route is not None
    return route.call


def _kept(
    path: str, kind: NamedKind[Any], repository: Callable[[Configuration], Repository[Any]]
) -> Kind:
    """The routes of a call-flow kind, which ``repository`` keeps."""
    label = kind.label
    named = f"The {label} named in the path (an entry point by its address)."
    return Kind(
        path,
        kind.model,
        read_all=Route("read_all", lambda config: repository(config).list(), f"Every {label}."),
        read_one=Route("read_one", lambda config, key: repository(config).get(key), named),
        add=Route("add", lambda config, item: repository(config).add(item), f"Add a {label}."),
        replace=Route(
            "replace", lambda config, key, item: repository(config).replace(key, item), named
        ),
        remove=Route("remove", lambda config, key: repository(config).delete(key), named),
    )


# Skills, pause reasons and classification codes: the service gives its own values, field
# for field the items', and takes plain ones; an add answers with the item it was given.


def _as_items(
    model: type[BaseModel], read: Callable[[Configuration], Sequence[object]]
) -> Callable[[Configuration], list[Any]]:
    return lambda config: [
        model.model_validate(value, from_attributes=True) for value in read(config)
    ]


def _add_skill(config: Configuration, item: SkillItem) -> SkillItem:
    config.add_skill(item.name)
    return item


def _add_pause_reason(config: Configuration, item: PauseReasonItem) -> PauseReasonItem:
    config.add_pause_reason(
        item.code, label_sv=item.label_sv, label_en=item.label_en, active=item.active
    )
    return item


def _add_classification_code(
    config: Configuration, item: ClassificationCodeItem
) -> ClassificationCodeItem:
    config.add_classification_code(
        item.code,
        label_sv=item.label_sv,
        label_en=item.label_en,
        group=item.group,
        active=item.active,
    )
    return item


KINDS: list[Kind] = [
    Kind(
        "skills",
        SkillItem,
        read_all=Route("read_skills", _as_items(SkillItem, Configuration.skills)),
        add=Route("add_skill", _add_skill),
        remove=Route(
            "delete_skill",
            Configuration.delete_skill,
            "Refused (409) while a queue requires it or an agent has it.",
        ),
    ),
    Kind(
        "pause-reasons",
        PauseReasonItem,
        read_all=Route(
            "read_pause_reasons", _as_items(PauseReasonItem, Configuration.pause_reasons)
        ),
        add=Route("add_pause_reason", _add_pause_reason),
        readers=EVERY_USER,
    ),
    Kind(
        "classification-codes",
        ClassificationCodeItem,
        read_all=Route(
            "read_classification_codes",
            _as_items(ClassificationCodeItem, Configuration.classification_codes),
        ),
        add=Route("add_classification_code", _add_classification_code),
        readers=EVERY_USER,
    ),
    Kind(
        "queues",
        QueueItem,
        read_all=Route(
            "read_queues",
            lambda config: [
                queue_item(queue, config.queue_flow(queue.settings.name))
                for queue in config.queues()
            ],
        ),
        read_one=Route(
            "read_queue",
            lambda config, name: queue_item(config.queue(name), config.queue_flow(name)),
        ),
        add=Route(
            "add_queue",
            lambda config, item: queue_item(
                config.add_queue(queue_settings(item), item.flow), item.flow
            ),
        ),
        replace=Route(
            "replace_queue",
            lambda config, name, item: queue_item(
                config.update_queue(name, queue_settings(item), item.flow), item.flow
            ),
            "Replace the queue (``item.name`` may rename it) and its call flow.",
        ),
        remove=Route(
            "delete_queue",
            Configuration.delete_queue,
            "Refused (409) while agents are members, something points to it, or calls wait.",
        ),
    ),
    Kind(
        "agents",
        AgentProfileItem,
        read_all=Route(
            "read_agents",
            lambda config: [agent_item(profile) for profile in config.agent_profiles()],
        ),
        read_one=Route(
            "read_agent", lambda config, username: agent_item(config.agent_profile(username))
        ),
        replace=Route(
            "set_agent",
            lambda config, username, item: agent_item(
                config.set_agent_profile(username, agent_settings(item))
            ),
            "Give the agent (a user of role ``agent``) this profile, replacing the old one.",
        ),
        remove=Route("delete_agent", Configuration.delete_agent_profile),
        key="username",
        body=AgentSettingsItem,
    ),
    _kept("schedules", kinds.SCHEDULES, lambda config: config.schedules),
    _kept("announcement-sets", kinds.ANNOUNCEMENT_SETS, lambda config: config.announcement_sets),
    _kept("digit-collections", kinds.DIGIT_COLLECTIONS, lambda config: config.digit_collections),
    _kept("menus", kinds.MENUS, lambda config: config.menus),
    _kept("entry-points", kinds.ENTRY_POINTS, lambda config: config.entry_points),
    _kept("alarm-rules", kinds.ALARM_RULES, lambda config: config.alarm_rules),
    _kept("voicemail-boxes", kinds.VOICEMAIL_BOXES, lambda config: config.voicemail_boxes),
    _kept("recording-rules", kinds.RECORDING_RULES, lambda config: config.recording_rules),
    Kind(
        "trunks",
        TrunkItem,
        answer=TrunkView,
        read_all=Route(
            "read_trunks",
            lambda config: config.trunks.views(),
            "Every trunk; a password is never answered, only whether one is stored.",
        ),
        read_one=Route("read_trunk", lambda config, name: config.trunks.get(name)),
        add=Route(
            "add_trunk",
            lambda config, item: config.trunks.add(item),
            "Add a trunk. Refused (409) when another trunk carries the outside calls "
            "already or registers the same username at the same registrar.",
        ),
        replace=Route(
            "replace_trunk",
            lambda config, name, item: config.trunks.replace(name, item),
            "Replace the trunk (``item.name`` may rename it); without ``password`` the "
            "stored one stays.",
        ),
        remove=Route("delete_trunk", lambda config, name: config.trunks.delete(name)),
    ),
]

routers = [kind_router(kind) for kind in KINDS]
