"""Between the service's settings (``settings.py``) and the wire models of
``vaxla_protocol.config``, for the queues and agent profiles that predate the wire models."""

from vaxla_protocol.config import (
    AgentProfileItem,
    AgentSettingsItem,
    EscalationItem,
    ExpansionStepItem,
    MembershipItem,
    QueueFlowItem,
    QueueItem,
    ServiceGoalItem,
    StandbyItem,
    Strategy,
)
from vaxla_server.config.settings import (
    AgentProfile,
    AgentSettings,
    Escalation,
    ExpansionStep,
    Membership,
    Queue,
    QueueSettings,
    ServiceGoal,
    Standby,
)


def queue_settings(item: QueueItem) -> QueueSettings:
    return QueueSettings(
        name=item.name,
        strategy=item.strategy.value,
        weight=item.weight,
        requirements=dict(item.requirements),
        max_penalty=item.max_penalty,
        expansion=tuple(
            ExpansionStep(after_s=step.after_s, relax=step.relax, max_penalty=step.max_penalty)
            for step in item.expansion
        ),
        exclusion_s=item.exclusion_s,
        autopause=item.autopause,
        ring_timeout_s=item.ring_timeout_s,
        wrap_up_s=item.wrap_up_s,
        service_goal=ServiceGoal(
            percent=item.service_goal.percent, within_s=item.service_goal.within_s
        ),
        sticky_agent_s=item.sticky_agent_s,
        escalation=None
        if item.escalation is None
        else Escalation(
            after_s=item.escalation.after_s,
            raise_by=item.escalation.raise_by,
            every_s=item.escalation.every_s,
            max_priority=item.escalation.max_priority,
        ),
        standby=Standby(item.standby.waiting, item.standby.longest_wait_s, item.standby.calm_s),
    )


def queue_item(queue: Queue, flow: QueueFlowItem) -> QueueItem:
    settings = queue.settings
    return QueueItem(
        name=settings.name,
        strategy=Strategy(settings.strategy),
        weight=settings.weight,
        requirements=dict(sorted(settings.requirements.items())),
        max_penalty=settings.max_penalty,
        expansion=[
            ExpansionStepItem(after_s=step.after_s, relax=step.relax, max_penalty=step.max_penalty)
            for step in settings.expansion
        ],
        exclusion_s=settings.exclusion_s,
        autopause=settings.autopause,
        ring_timeout_s=settings.ring_timeout_s,
        wrap_up_s=settings.wrap_up_s,
        service_goal=ServiceGoalItem(
            percent=settings.service_goal.percent, within_s=settings.service_goal.within_s
        ),
        sticky_agent_s=settings.sticky_agent_s,
        escalation=None
        if (rule := settings.escalation) is None
        else EscalationItem(
            after_s=rule.after_s,
            raise_by=rule.raise_by,
            every_s=rule.every_s,
            max_priority=rule.max_priority,
        ),
        flow=flow,
        standby=StandbyItem(
            waiting=settings.standby.waiting,
            longest_wait_s=settings.standby.longest_wait_s,
            calm_s=settings.standby.calm_s,
        ),
    )


def agent_settings(item: AgentSettingsItem) -> AgentSettings:
    return AgentSettings(
        skills=dict(item.skills),
        memberships=tuple(
            Membership(queue=member.queue, penalty=member.penalty, order=member.order)
            for member in item.memberships
        ),
        capacity=dict(item.capacity),
        personal_weight=item.personal_weight,
        standby=item.standby,
    )


def agent_item(profile: AgentProfile) -> AgentProfileItem:
    settings = profile.settings
    return AgentProfileItem(
        username=profile.username,
        skills=dict(sorted(settings.skills.items())),
        memberships=[
            MembershipItem(queue=member.queue, penalty=member.penalty, order=member.order)
            for member in sorted(settings.memberships, key=lambda member: member.queue)
        ],
        capacity=dict(sorted(settings.capacity.items())),
        personal_weight=settings.personal_weight,
        standby=settings.standby,
    )
