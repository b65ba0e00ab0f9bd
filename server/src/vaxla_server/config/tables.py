"""The configuration's tables, named once for every module of ``config`` that reads or
writes them.

They live here, below the service, the call flow and the whole-document loader, so those
modules can share them without importing one another.
"""

from typing import cast

from sqlalchemy import Table

from vaxla_server.store.models import (
    AgentCapacityRow,
    AgentMembershipRow,
    AgentProfileRow,
    AgentSkillRow,
    AlarmRuleRow,
    AnnouncementSetRow,
    ClassificationCodeRow,
    DigitCollectionRow,
    EntryPointRow,
    LicenceRow,
    MailServerRow,
    MenuKeyRow,
    MenuRow,
    PauseReasonRow,
    PromptRow,
    QueueExpansionStepRow,
    QueueFlowRow,
    QueuePriorityRuleRow,
    QueueRequirementRow,
    QueueRow,
    RecordingRuleRow,
    ScheduleExceptionRow,
    ScheduleIntervalRow,
    ScheduleRow,
    SkillRow,
    TrunkRow,
    VoicemailBoxRow,
)

# Skills, pause reasons, classification codes, queues, agent profiles and the licence.
SKILLS = cast(Table, SkillRow.__table__)
PAUSE_REASONS = cast(Table, PauseReasonRow.__table__)
CLASSIFICATION_CODES = cast(Table, ClassificationCodeRow.__table__)
QUEUES = cast(Table, QueueRow.__table__)
QUEUE_REQUIREMENTS = cast(Table, QueueRequirementRow.__table__)
QUEUE_EXPANSION_STEPS = cast(Table, QueueExpansionStepRow.__table__)
AGENT_PROFILES = cast(Table, AgentProfileRow.__table__)
AGENT_SKILLS = cast(Table, AgentSkillRow.__table__)
AGENT_MEMBERSHIPS = cast(Table, AgentMembershipRow.__table__)
AGENT_CAPACITIES = cast(Table, AgentCapacityRow.__table__)
LICENCE = cast(Table, LicenceRow.__table__)

# The call flow.
SCHEDULES = cast(Table, ScheduleRow.__table__)
SCHEDULE_INTERVALS = cast(Table, ScheduleIntervalRow.__table__)
SCHEDULE_EXCEPTIONS = cast(Table, ScheduleExceptionRow.__table__)
PROMPTS = cast(Table, PromptRow.__table__)
ANNOUNCEMENT_SETS = cast(Table, AnnouncementSetRow.__table__)
DIGIT_COLLECTIONS = cast(Table, DigitCollectionRow.__table__)
MENUS = cast(Table, MenuRow.__table__)
MENU_KEYS = cast(Table, MenuKeyRow.__table__)
ENTRY_POINTS = cast(Table, EntryPointRow.__table__)
QUEUE_FLOWS = cast(Table, QueueFlowRow.__table__)
QUEUE_PRIORITY_RULES = cast(Table, QueuePriorityRuleRow.__table__)
ALARM_RULES = cast(Table, AlarmRuleRow.__table__)
VOICEMAIL_BOXES = cast(Table, VoicemailBoxRow.__table__)
RECORDING_RULES = cast(Table, RecordingRuleRow.__table__)

# Trunks to operators.
TRUNKS = cast(Table, TrunkRow.__table__)
MAIL_SERVER = cast(Table, MailServerRow.__table__)
