"""The demo site that ``vaxla-server serve --demo`` loads: documented, small, complete.

* Entry point ``100``: a Swedish menu — 1 Support, 2 Sales, 9 the English menu with the
  same choices (and 9 there back to Swedish).
* Entry point ``200``: straight into Support.
* Queues **Support** (longest idle, 15 s ring timeout, 10 s wrap-up; after 5 minutes of
  waiting a caller overflows to Sales) and **Sales** (open on weekdays 08:00 to 17:00 Stockholm
  time; outside those hours callers hear the closed message). Both announce the caller's
  position and estimated wait between the periodic messages.
* Skills ``support``, ``sales``, ``english``. Agents ``agent1`` to ``agent12`` have
  ``support``, ``agent9`` to ``agent20`` have ``sales`` (9 to 12 both, in both queues),
  ``agent1`` to ``agent5`` also ``english``.
* Entry point ``0``: the switchboard (R29), the queue **Växeln**, answered by the
  receptionist ``reception1`` (an operator with an agent profile: the Switchboard tab and
  the softphone). ``operator1`` is an operator without one (the directory and presence).
* A directory of twelve colleagues (departments, titles, notes for the receptionist):
  five have Vaxla softphones (``agent1`` to ``agent4`` and ``supervisor1``, whose lines
  the receptionist sees), the rest mobile numbers from the range the Swedish regulator
  keeps for fiction (070-174 06 05 to 070-174 06 99).
* Users ``agent1`` to ``agent20``, ``operator1``, ``reception1``, ``supervisor1``,
  ``admin1``; every demo user's password is ``demo``.

Loading is idempotent: users that exist are kept as they are, the configuration is
loaded only into a store that has no entry points and no queues yet, and the directory
only into an empty one, so changes an administrator made to a demo site survive a restart.
"""

import logging
from datetime import datetime, time

from vaxla_protocol import Role
from vaxla_protocol.config import (
    AgentProfileItem,
    AnnouncementSetItem,
    ClassificationCodeItem,
    CollectDigits,
    ConfigDocument,
    DigitCollectionItem,
    DigitKind,
    EntryPointItem,
    GoToMenu,
    GoToQueue,
    Language,
    MembershipItem,
    MenuItem,
    OpeningInterval,
    PauseReasonItem,
    QueueFlowItem,
    QueueItem,
    ScheduleItem,
    SkillItem,
    Strategy,
    SwitchLanguage,
    Weekday,
)
from vaxla_protocol.directory import PersonItem
from vaxla_server.auth import Auth, AuthSettings
from vaxla_server.auth.errors import DuplicateUser
from vaxla_server.config import Configuration
from vaxla_server.directory.service import Directory
from vaxla_server.store import Store

log = logging.getLogger(__name__)

DEMO_PASSWORD = "demo"
AGENTS = tuple(f"agent{number}" for number in range(1, 21))
RECEPTIONIST = "reception1"
STAFF = (
    ("operator1", Role.OPERATOR),
    (RECEPTIONIST, Role.OPERATOR),
    ("supervisor1", Role.SUPERVISOR),
    ("admin1", Role.ADMIN),
)
SWITCHBOARD = "Växeln"


def _person(
    name: str,
    department: str,
    title: str,
    *,
    extension: str | None = None,
    mobile: str | None = None,
    notes: str = "",
) -> PersonItem:
    email = name.lower().replace(" ", ".").translate(str.maketrans("åäöé", "aaoe"))
    return PersonItem(
        name=name, extension=extension, mobile=mobile, department=department, title=title,
        email=f"{email}@example.se", notes=notes,
    )  # fmt: skip


DEMO_PEOPLE = (
    _person(
        "Anna Lindqvist",
        "Kundtjänst",
        "Handläggare",
        extension="agent1",
        notes="Fakturor och betalningar",
    ),
    _person("Björn Åberg", "Kundtjänst", "Handläggare", extension="agent2", mobile="+46701740605"),
    _person(
        "Cecilia Öhman",
        "Kundtjänst",
        "Handläggare",
        extension="agent3",
        notes="Engelsktalande kunder",
    ),
    _person("David Ek", "Kundtjänst", "Handläggare", extension="agent4"),
    _person(
        "Eva Strand",
        "Kundtjänst",
        "Gruppchef",
        extension="supervisor1",
        mobile="+46701740606",
        notes="Klagomål och eskalerade ärenden",
    ),
    _person(
        "Fredrik Nilsson",
        "Ekonomi",
        "Ekonomichef",
        mobile="+46701740607",
        notes="Leverantörsfakturor; inte kundfakturor",
    ),
    _person(
        "Gunilla Sjöberg",
        "Ekonomi",
        "Löneadministratör",
        mobile="+46701740608",
        notes="Lönefrågor tisdag och torsdag",
    ),
    _person(
        "Hassan Yilmaz",
        "IT",
        "Systemförvaltare",
        mobile="+46701740609",
        notes="Inloggning och behörigheter",
    ),
    _person(
        "Ingrid Holm",
        "Ledning",
        "Verksamhetschef",
        mobile="+46701740610",
        notes="Kopplas bara efter fråga",
    ),
    _person(
        "Johan Ärlig",
        "Försäljning",
        "Säljare",
        mobile="+46701740611",
        notes="Offerter över 100 000 kr",
    ),
    _person("Karin Lund", "Försäljning", "Försäljningschef", mobile="+46701740612"),
    _person(
        "Lars Östlund",
        "Fastighet",
        "Vaktmästare",
        mobile="+46701740613",
        notes="Nycklar, passerkort och lokaler",
    ),
)
"""The demo's directory (R29): Swedish names and letters to search and sort."""


def _skills(number: int) -> dict[str, int]:
    skills: dict[str, int] = {}
    if number <= 12:
        skills["support"] = 5
    if number >= 9:
        skills["sales"] = 5
    if number <= 5:
        skills["english"] = 5
    return skills


def _agent(number: int) -> AgentProfileItem:
    skills = _skills(number)
    queues = [name for name in ("Support", "Sales") if name.lower() in skills]
    return AgentProfileItem(
        username=f"agent{number}",
        skills=skills,
        memberships=[MembershipItem(queue=queue) for queue in queues],
    )


def _menu(name: str, language: Language, other: str) -> MenuItem:
    return MenuItem(
        name=name,
        language=language,
        prompt="demo_menu_main",
        keys={
            "1": GoToQueue(queue="Support"),
            "2": GoToQueue(queue="Sales"),
            "3": CollectDigits(collection="customer_number", then=GoToQueue(queue="Support")),
            "9": SwitchLanguage(menu=other),
        },
    )


def demo_document() -> ConfigDocument:
    weekdays = (
        Weekday.MONDAY,
        Weekday.TUESDAY,
        Weekday.WEDNESDAY,
        Weekday.THURSDAY,
        Weekday.FRIDAY,
    )
    office = {day: [OpeningInterval(start=time(8), end=time(17))] for day in weekdays}
    announcements = AnnouncementSetItem(
        name="standard",
        first="queue_first",
        periodic=["queue_periodic_1", "queue_periodic_2", "queue_periodic_3"],
        periodic_interval_s=30,
        announce_position=True,
        announce_wait=True,
    )
    return ConfigDocument(
        skills=[SkillItem(name=name) for name in ("support", "sales", "english")],
        pause_reasons=[
            PauseReasonItem(code="lunch", label_sv="Lunch", label_en="Lunch"),
            PauseReasonItem(code="meeting", label_sv="Möte", label_en="Meeting"),
            PauseReasonItem(code="training", label_sv="Utbildning", label_en="Training"),
            PauseReasonItem(code="admin", label_sv="Administration", label_en="Admin work"),
        ],
        classification_codes=[
            ClassificationCodeItem(
                code="support.question", label_sv="Fråga", label_en="Question", group="support"
            ),
            ClassificationCodeItem(
                code="support.fault",
                label_sv="Felanmälan",
                label_en="Fault report",
                group="support",
            ),
            ClassificationCodeItem(
                code="sales.order", label_sv="Beställning", label_en="Order", group="sales"
            ),
            ClassificationCodeItem(
                code="sales.quote", label_sv="Offert", label_en="Quote", group="sales"
            ),
        ],
        schedules=[ScheduleItem(name="office", weekly=office)],
        announcement_sets=[announcements],
        queues=[
            QueueItem(
                name="Support",
                strategy=Strategy.LONGEST_IDLE,
                requirements={"support": 1},
                ring_timeout_s=15,
                wrap_up_s=10,
                sticky_agent_s=3600,
                flow=QueueFlowItem(
                    announcements="standard",
                    max_wait_s=300,
                    on_max_wait=GoToQueue(queue="Sales"),
                ),
            ),
            QueueItem(
                name="Sales",
                strategy=Strategy.LONGEST_IDLE,
                requirements={"sales": 1},
                ring_timeout_s=15,
                wrap_up_s=10,
                flow=QueueFlowItem(announcements="standard", schedule="office"),
            ),
            QueueItem(
                name=SWITCHBOARD,
                strategy=Strategy.SEQUENTIAL,
                ring_timeout_s=20,
                wrap_up_s=0,
                flow=QueueFlowItem(announcements="standard"),
            ),
        ],
        agents=[
            *(_agent(number) for number in range(1, 21)),
            AgentProfileItem(
                username=RECEPTIONIST, memberships=[MembershipItem(queue=SWITCHBOARD)]
            ),
        ],
        digit_collections=[
            DigitCollectionItem(
                name="customer_number",
                kind=DigitKind.CUSTOMER_NUMBER,
                min_length=4,
                max_length=10,
                prompt="enter_customer_number",
            )
        ],
        menus=[
            _menu("main_sv", Language.SV, "main_en"),
            _menu("main_en", Language.EN, "main_sv"),
        ],
        entry_points=[
            EntryPointItem(
                address="100",
                name="Växel",
                language=Language.SV,
                welcome_prompt="welcome",
                first=GoToMenu(menu="main_sv"),
            ),
            EntryPointItem(
                address="200",
                name="Support direkt",
                language=Language.SV,
                first=GoToQueue(queue="Support"),
            ),
            EntryPointItem(
                address="0",
                name=SWITCHBOARD,
                language=Language.SV,
                welcome_prompt="welcome",
                first=GoToQueue(queue=SWITCHBOARD),
            ),
        ],
    )


def load_demo(store: Store, configuration: Configuration, now: datetime) -> list[str]:
    """Create the demo users and load the demo configuration; what was done, in words."""
    done: list[str] = []
    users = Auth.open(store, AuthSettings(min_password_length=len(DEMO_PASSWORD))).users
    wanted = [(name, Role.AGENT) for name in AGENTS] + list(STAFF)
    created = 0
    for name, role in wanted:
        try:
            users.create(name, DEMO_PASSWORD, role, now=now)
            created += 1
        except DuplicateUser:
            pass
    done.append(f"{created} demo users created, {len(wanted) - created} kept")
    current = configuration.export_document()
    if current.entry_points or current.queues:
        done.append("configuration kept: this store has entry points or queues already")
    else:
        configuration.apply_document(demo_document())
        done.append(
            "demo configuration loaded: entry points 100, 200 and 0, "
            f"Support, Sales and {SWITCHBOARD}"
        )
    directory = Directory(store.engine)
    if directory.people():
        done.append("directory kept: it has people already")
    else:
        admin = users.get("admin1")
        for person in DEMO_PEOPLE:
            directory.add(person, by=(admin.id, admin.username), now=now)
        done.append(f"demo directory loaded: {len(DEMO_PEOPLE)} people")
    return done
