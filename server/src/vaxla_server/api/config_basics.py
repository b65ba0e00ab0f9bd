"""``/config/...`` for skills, pause reasons, classification codes, queues, agent profiles,
the licence, prompts, the whole document and its problems.

Agents and operators may read pause reasons and classification codes (the desktop offers
them); every other read is for administrators and supervisors; writes are for
administrators.
"""

from fastapi import APIRouter, Response, status

from vaxla_protocol.config import (
    ActiveFlag,
    AgentProfileItem,
    AgentSettingsItem,
    ClassificationCodeItem,
    ConfigDocument,
    ConfigProblemItem,
    Language,
    LicenceItem,
    PauseReasonItem,
    ProblemSeverity,
    PromptItem,
    QueueItem,
    ResolvedPrompt,
    SkillItem,
)
from vaxla_server.api.config_common import (
    ITEM_RESPONSES,
    READ_RESPONSES,
    WRITE_RESPONSES,
    Admin,
    AnyUser,
    Config,
    PathName,
    Reader,
    answering_refusals,
)
from vaxla_server.config import NotFound, UnknownPrompt
from vaxla_server.config.wire import agent_item, agent_settings, queue_item, queue_settings

router = APIRouter(prefix="/config", tags=["configuration"])
_CREATED = status.HTTP_201_CREATED
_NO_CONTENT = status.HTTP_204_NO_CONTENT


def _no_content() -> Response:
    return Response(status_code=_NO_CONTENT)


# Skills


@router.get("/skills", responses=READ_RESPONSES)
def read_skills(_user: Reader, config: Config) -> list[SkillItem]:
    return [SkillItem(name=skill.name) for skill in config.skills()]


@router.post("/skills", status_code=_CREATED, responses=WRITE_RESPONSES)
def add_skill(_user: Admin, config: Config, item: SkillItem) -> SkillItem:
    with answering_refusals():
        config.add_skill(item.name)
    return item


@router.delete("/skills/{name}", status_code=_NO_CONTENT, responses=WRITE_RESPONSES)
def delete_skill(_user: Admin, config: Config, name: PathName) -> Response:
    """Refused (409) while a queue requires it or an agent has it."""
    with answering_refusals():
        config.delete_skill(name)
    return _no_content()


# Pause reasons and classification codes


@router.get("/pause-reasons", responses=READ_RESPONSES)
def read_pause_reasons(_user: AnyUser, config: Config) -> list[PauseReasonItem]:
    return [
        PauseReasonItem(
            code=reason.code,
            label_sv=reason.label_sv,
            label_en=reason.label_en,
            active=reason.active,
        )
        for reason in config.pause_reasons()
    ]


@router.post("/pause-reasons", status_code=_CREATED, responses=WRITE_RESPONSES)
def add_pause_reason(_user: Admin, config: Config, item: PauseReasonItem) -> PauseReasonItem:
    with answering_refusals():
        config.add_pause_reason(
            item.code, label_sv=item.label_sv, label_en=item.label_en, active=item.active
        )
    return item


@router.put("/pause-reasons/{code}/active", status_code=_NO_CONTENT, responses=WRITE_RESPONSES)
def set_pause_reason_active(
    _user: Admin, config: Config, code: PathName, flag: ActiveFlag
) -> Response:
    """Offer the reason to agents again, or stop offering it (history keeps it)."""
    with answering_refusals():
        config.set_pause_reason_active(code, flag.active)
    return _no_content()


@router.get("/classification-codes", responses=READ_RESPONSES)
def read_classification_codes(_user: AnyUser, config: Config) -> list[ClassificationCodeItem]:
    return [
        ClassificationCodeItem(
            code=code.code,
            label_sv=code.label_sv,
            label_en=code.label_en,
            group=code.group,
            active=code.active,
        )
        for code in config.classification_codes()
    ]


@router.post("/classification-codes", status_code=_CREATED, responses=WRITE_RESPONSES)
def add_classification_code(
    _user: Admin, config: Config, item: ClassificationCodeItem
) -> ClassificationCodeItem:
    with answering_refusals():
        config.add_classification_code(
            item.code,
            label_sv=item.label_sv,
            label_en=item.label_en,
            group=item.group,
            active=item.active,
        )
    return item


@router.put(
    "/classification-codes/{code}/active", status_code=_NO_CONTENT, responses=WRITE_RESPONSES
)
def set_classification_code_active(
    _user: Admin, config: Config, code: PathName, flag: ActiveFlag
) -> Response:
    with answering_refusals():
        config.set_classification_code_active(code, flag.active)
    return _no_content()


# Queues


@router.get("/queues", responses=READ_RESPONSES)
def read_queues(_user: Reader, config: Config) -> list[QueueItem]:
    return [queue_item(queue, config.queue_flow(queue.settings.name)) for queue in config.queues()]


@router.get("/queues/{name}", responses=ITEM_RESPONSES)
def read_queue(_user: Reader, config: Config, name: PathName) -> QueueItem:
    with answering_refusals():
        return queue_item(config.queue(name), config.queue_flow(name))


@router.post("/queues", status_code=_CREATED, responses=WRITE_RESPONSES)
def add_queue(_user: Admin, config: Config, item: QueueItem) -> QueueItem:
    with answering_refusals():
        queue = config.add_queue(queue_settings(item), item.flow)
    return queue_item(queue, item.flow)


@router.put("/queues/{name}", responses=WRITE_RESPONSES)
def replace_queue(_user: Admin, config: Config, name: PathName, item: QueueItem) -> QueueItem:
    """Replace the queue (``item.name`` may rename it) and its call flow."""
    with answering_refusals():
        queue = config.update_queue(name, queue_settings(item), item.flow)
    return queue_item(queue, item.flow)


@router.delete("/queues/{name}", status_code=_NO_CONTENT, responses=WRITE_RESPONSES)
def delete_queue(_user: Admin, config: Config, name: PathName) -> Response:
    """Refused (409) while agents are members, something points to it, or calls wait."""
    with answering_refusals():
        config.delete_queue(name)
    return _no_content()


# Agent profiles


@router.get("/agents", responses=READ_RESPONSES)
def read_agents(_user: Reader, config: Config) -> list[AgentProfileItem]:
    return [agent_item(profile) for profile in config.agent_profiles()]


@router.get("/agents/{username}", responses=ITEM_RESPONSES)
def read_agent(_user: Reader, config: Config, username: PathName) -> AgentProfileItem:
    with answering_refusals():
        return agent_item(config.agent_profile(username))


@router.put("/agents/{username}", responses=WRITE_RESPONSES)
def set_agent(
    _user: Admin, config: Config, username: PathName, item: AgentSettingsItem
) -> AgentProfileItem:
    """Give the agent (a user of role ``agent``) this profile, replacing the old one."""
    with answering_refusals():
        return agent_item(config.set_agent_profile(username, agent_settings(item)))


@router.delete("/agents/{username}", status_code=_NO_CONTENT, responses=WRITE_RESPONSES)
def delete_agent(_user: Admin, config: Config, username: PathName) -> Response:
    with answering_refusals():
        config.delete_agent_profile(username)
    return _no_content()


# The licence


@router.get("/licence", responses=ITEM_RESPONSES)
def read_licence(_user: Reader, config: Config) -> LicenceItem:
    licence = config.licence()
    if licence is None:
        with answering_refusals():
            raise NotFound("licence", "licence")
    assert licence is not None
    return LicenceItem(max_logged_in_agents=licence.max_logged_in_agents)


@router.put("/licence", responses=WRITE_RESPONSES)
def set_licence(_user: Admin, config: Config, item: LicenceItem) -> LicenceItem:
    with answering_refusals():
        config.set_licence(item.max_logged_in_agents)
    return item


# Prompts


@router.get("/prompts", responses=READ_RESPONSES)
def read_custom_prompts(_user: Reader, config: Config) -> list[PromptItem]:
    """The registered custom prompts."""
    return config.prompts()


@router.get("/prompts/{language}", responses=READ_RESPONSES)
def read_prompt_names(_user: Reader, config: Config, language: Language) -> list[str]:
    """Every prompt name the language has, default and custom."""
    return config.prompt_names(language)


@router.get("/prompts/{language}/{name}", responses=ITEM_RESPONSES)
def resolve_prompt(
    _user: Reader, config: Config, language: Language, name: PathName
) -> ResolvedPrompt:
    """Where the audio of the prompt is: the custom file, else the default one."""
    with answering_refusals():
        try:
            return config.resolve_prompt(name, language)
        except UnknownPrompt:
            raise NotFound("prompt", f"{name} ({language.value})") from None


@router.put("/prompts", responses=WRITE_RESPONSES)
def set_prompt(_user: Admin, config: Config, item: PromptItem) -> PromptItem:
    """Register a custom prompt, or replace its file."""
    with answering_refusals():
        return config.set_prompt(item)


@router.delete("/prompts/{language}/{name}", status_code=_NO_CONTENT, responses=WRITE_RESPONSES)
def delete_prompt(_user: Admin, config: Config, language: Language, name: PathName) -> Response:
    with answering_refusals():
        config.delete_prompt(name, language)
    return _no_content()


# The whole configuration


@router.get("/document", responses=READ_RESPONSES)
def read_document(_user: Reader, config: Config) -> ConfigDocument:
    """The whole configuration as one document (a backup)."""
    return config.export_document()


@router.put("/document", responses=WRITE_RESPONSES)
def replace_document(_user: Admin, config: Config, document: ConfigDocument) -> ConfigDocument:
    """Replace the whole configuration: all of it, or nothing and 400 listing every
    problem."""
    with answering_refusals():
        config.apply_document(document)
    return config.export_document()


@router.get("/problems", responses=READ_RESPONSES)
def read_problems(_user: Reader, config: Config) -> list[ConfigProblemItem]:
    """Problems of the stored configuration as a whole, errors first."""
    return [
        ConfigProblemItem(
            severity=ProblemSeverity(problem.severity.value),
            where=problem.where,
            message=problem.message,
        )
        for problem in config.check()
    ]


routers: list[APIRouter] = [router]
