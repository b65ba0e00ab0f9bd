"""Who works in the centre, in the admin mode (R31): users and their roles, agents'
profiles (skills with levels, queue memberships with tiers), the skills, the pause
reasons and the classification codes. Each is an ``ItemEditor`` of ``config_form``.

What the server does not let change is shown but not editable: a pause reason's code
and labels once it exists (it is offered or not), a skill's name, a user's name.
"""

from PySide6.QtWidgets import QWidget

from vaxla_desktop.ui import config_form as form
from vaxla_desktop.ui.config_form import Column, Field, ItemEditor, TextEditor
from vaxla_protocol import Role


class UserEditor(ItemEditor):
    """The users (``/users``): a new one with its password, an existing one's display
    name, role and whether it may log in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            key="username",
            template={"username": "", "role": "agent", "active": True},
            title=lambda item: f"{item.get('username')} ({item.get('role')})",
            may_delete=False,
            fixed_on_existing=("username", "password"),
            parent=parent,
        )

    def make_fields(self) -> list[Field]:
        return [
            Field("username", self.tr("User name"), TextEditor, words=("username",)),
            Field("display_name", self.tr("Display name"), lambda: TextEditor(optional=True)),
            Field("role", self.tr("Role"), self._roles),
            Field("active", self.tr("Active"), lambda: form.FlagEditor(self.tr("may log in"))),
            Field("password", self.tr("Password (new users)"), form.SecretEditor),
        ]

    def _roles(self) -> form.FieldEditor:
        names = {
            Role.AGENT: self.tr("agent"),
            Role.SUPERVISOR: self.tr("supervisor"),
            Role.OPERATOR: self.tr("receptionist"),
            Role.ADMIN: self.tr("administrator"),
        }
        return form.ChoiceEditor([(role.value, names.get(role, role.value)) for role in Role])


class AgentEditor(ItemEditor):
    """The agents' profiles (``/config/agents``): skills with levels, the queues each is
    a member of with its tier (the lower rings first) and order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            key="username",
            template={"username": "", "skills": {}, "memberships": []},
            fixed_on_existing=("username",),
            parent=parent,
        )

    def make_fields(self) -> list[Field]:
        return [
            Field("username", self.tr("User name"), TextEditor, words=("user",)),
            Field(
                "skills",
                self.tr("Skills"),
                lambda: form.TableEditor(
                    [Column("skill", self.tr("Skill")), Column("level", self.tr("Level"), True)],
                    mapping=True,
                ),
                words=("skill",),
            ),
            Field(
                "memberships",
                self.tr("Queues"),
                lambda: form.TableEditor(
                    [
                        Column("queue", self.tr("Queue")),
                        Column("penalty", self.tr("Tier"), number=True),
                        Column("order", self.tr("Order"), number=True),
                    ]
                ),
                words=("membership", "queue"),
            ),
            Field("personal_weight", self.tr("Weight"), lambda: form.NumberEditor(low=-1_000_000)),
            Field(
                "standby", self.tr("Standby"), lambda: form.FlagEditor(self.tr("on standby duty"))
            ),
        ]


class SkillEditor(ItemEditor):
    """The skills (``/config/skills``): added and deleted, not renamed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(fixed_on_existing=("name",), parent=parent)

    def make_fields(self) -> list[Field]:
        return [Field("name", self.tr("Name"), TextEditor)]


class CodeEditor(ItemEditor):
    """Pause reasons or classification codes (``grouped``): a new one with its labels; an
    existing one offered to agents or not."""

    def __init__(self, *, grouped: bool, parent: QWidget | None = None) -> None:
        self.grouped = grouped
        template = {"code": "", "label_sv": "", "label_en": "", "active": True}
        super().__init__(
            key="code",
            template={**template, "group": ""} if grouped else template,
            title=lambda item: f"{item.get('code')}  {item.get('label_sv')}",
            may_delete=False,
            fixed_on_existing=("code", "label_sv", "label_en", "group"),
            parent=parent,
        )

    def make_fields(self) -> list[Field]:
        fields = [
            Field("code", self.tr("Code"), TextEditor),
            Field("label_sv", self.tr("In Swedish"), TextEditor, words=("label_sv",)),
            Field("label_en", self.tr("In English"), TextEditor, words=("label_en",)),
            Field(
                "active", self.tr("Offered"), lambda: form.FlagEditor(self.tr("offered to agents"))
            ),
        ]
        if self.grouped:
            fields.insert(3, Field("group", self.tr("Group"), TextEditor))
        return fields
