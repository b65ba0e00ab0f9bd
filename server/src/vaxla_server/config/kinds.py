"""The call flow's named kinds: where each is stored and how an item becomes its rows,
for the ``Repository`` that keeps each of them and for the whole-document loader."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from vaxla_protocol.config import (
    AlarmRuleItem,
    AnnouncementSetItem,
    DigitCollectionItem,
    EntryPointItem,
    MenuItem,
    RecordingRuleItem,
    ScheduleItem,
    VoicemailBoxItem,
)
from vaxla_server.config import call_flow as flow
from vaxla_server.config import tables
from vaxla_server.config.call_flow import Context, Names
from vaxla_server.config.repository import Item, NamedKind


def _with_names(
    read: Callable[[Connection, Names, Any], list[Item]],
) -> Callable[[Connection, Any], list[Item]]:
    """``read`` for the kinds whose items name what their rows point to by id."""
    return lambda connection, where: read(connection, Names(connection), where)


def _digit_collection_values(context: Context, item: DigitCollectionItem) -> dict[str, object]:
    return {
        **flow.digit_collection_values(context, item),
        "on_failure": flow.digit_collection_failure(context, item),
    }


SCHEDULES = NamedKind(
    "schedule",
    ScheduleItem,
    tables.SCHEDULES,
    flow.read_schedules,
    flow.schedule_values,
    children=flow.write_schedule_children,
)
ANNOUNCEMENT_SETS = NamedKind(
    "announcement set",
    AnnouncementSetItem,
    tables.ANNOUNCEMENT_SETS,
    flow.read_announcement_sets,
    flow.announcement_values,
)
# A digit collection's failure menu can lead a silent caller back round.
DIGIT_COLLECTIONS = NamedKind(
    "digit collection",
    DigitCollectionItem,
    tables.DIGIT_COLLECTIONS,
    _with_names(flow.read_digit_collections),
    _digit_collection_values,
    may_loop=True,
)
MENUS = NamedKind(
    "menu",
    MenuItem,
    tables.MENUS,
    _with_names(flow.read_menus),
    flow.menu_values,
    children=flow.write_menu_actions,
    may_loop=True,
)
# Named by the address callers dial; its name must be unique as well.
ENTRY_POINTS = NamedKind(
    "entry point",
    EntryPointItem,
    tables.ENTRY_POINTS,
    _with_names(flow.read_entry_points),
    flow.entry_point_values,
    unique=("address", "name"),
)
ALARM_RULES = NamedKind(
    "alarm rule",
    AlarmRuleItem,
    tables.ALARM_RULES,
    _with_names(flow.read_alarm_rules),
    flow.alarm_rule_values,
)
# Before the actions that point to them in a whole document; a box's messages keep it.
VOICEMAIL_BOXES = NamedKind(
    "voicemail box",
    VoicemailBoxItem,
    tables.VOICEMAIL_BOXES,
    flow.read_voicemail_boxes,
    flow.voicemail_box_values,
)
# After the queues and entry points whose calls they record (named, not pointed to).
RECORDING_RULES = NamedKind(
    "recording rule",
    RecordingRuleItem,
    tables.RECORDING_RULES,
    flow.read_recording_rules,
    flow.recording_rule_values,
)
