"""The admin mode's configuration (R31): one tab per editor, each a round trip to the
server's configuration API (the desks in ``admin_desk`` wire them)."""

from PySide6.QtWidgets import QTabWidget, QWidget

from vaxla_desktop.ui.document_panel import DocumentPanel
from vaxla_desktop.ui.flow_editors import (
    AnnouncementSetEditor,
    DigitCollectionEditor,
    EntryPointEditor,
    MenuEditor,
    NameBook,
    QueueEditor,
)
from vaxla_desktop.ui.licence_panel import LicencePanel
from vaxla_desktop.ui.people_editors import AgentEditor, CodeEditor, SkillEditor, UserEditor
from vaxla_desktop.ui.schedule_editor import ScheduleEditor
from vaxla_desktop.ui.service_editors import (
    AlarmRuleEditor,
    MailServerEditor,
    SmsGatewayEditor,
    TrunkEditor,
)


class AdminView(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = NameBook(self)
        self.schedules = ScheduleEditor()
        self.queues = QueueEditor(self.book)
        self.entry_points = EntryPointEditor(self.book)
        self.menus = MenuEditor(self.book)
        self.announcement_sets = AnnouncementSetEditor(self.book)
        self.digit_collections = DigitCollectionEditor(self.book)
        self.addTab(self.schedules, self.tr("Opening hours"))
        self.addTab(self.queues, self.tr("Queues"))
        self.addTab(self.entry_points, self.tr("Entry points"))
        self.addTab(self.menus, self.tr("Menus"))
        self.addTab(self.announcement_sets, self.tr("Announcements"))
        self.addTab(self.digit_collections, self.tr("Digit collections"))
        self.users = UserEditor()
        self.agents = AgentEditor()
        self.skills = SkillEditor()
        self.pause_reasons = CodeEditor(grouped=False)
        self.classification_codes = CodeEditor(grouped=True)
        self.addTab(self.users, self.tr("Users"))
        self.addTab(self.agents, self.tr("Agents"))
        self.addTab(self.skills, self.tr("Skills"))
        self.addTab(self.pause_reasons, self.tr("Pause reasons"))
        self.addTab(self.classification_codes, self.tr("Classification codes"))
        self.alarm_rules = AlarmRuleEditor(self.book)
        self.trunks = TrunkEditor()
        self.mail_server = MailServerEditor()
        self.sms_gateway = SmsGatewayEditor()
        self.addTab(self.alarm_rules, self.tr("Alarm rules"))
        self.addTab(self.trunks, self.tr("SIP trunks"))
        self.addTab(self.mail_server, self.tr("Mail server"))
        self.addTab(self.sms_gateway, self.tr("SMS gateway"))
        self.document = DocumentPanel()
        self.addTab(self.document, self.tr("Import and export"))
        self.licence = LicencePanel()
        self.addTab(self.licence, self.tr("Licence"))
