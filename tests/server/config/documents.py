"""A whole configuration like the demo's, for the call-flow and document tests."""

from datetime import date, time
from typing import Any

from vaxla_protocol.config import ConfigDocument


def demo_like() -> dict[str, Any]:
    """Entry point 100: a Swedish menu (1 Support, 2 Sales, 9 the English menu, which has
    the same choices and 9 back); 200 straight into Support; agents anna and bo."""

    def menu(name: str, language: str, other: str) -> dict[str, Any]:
        return {
            "name": name,
            "language": language,
            "prompt": "demo_menu_main",
            "keys": {
                "1": {"kind": "queue", "queue": "Support"},
                "2": {"kind": "queue", "queue": "Sales"},
                "9": {"kind": "language", "menu": other},
                "5": {
                    "kind": "digits",
                    "collection": "Customer number",
                    "then": {"kind": "queue", "queue": "Support"},
                },
            },
            "on_timeout": {"kind": "queue", "queue": "Support"},
        }

    return {
        "skills": [{"name": "english"}, {"name": "sales"}, {"name": "support"}],
        "pause_reasons": [{"code": "lunch", "label_sv": "Lunch", "label_en": "Lunch"}],
        "classification_codes": [
            {"code": "invoice", "label_sv": "Faktura", "label_en": "Invoice", "group": "billing"}
        ],
        "schedules": [
            {
                "name": "Office hours",
                "weekly": {
                    day: [{"start": time(8), "end": time(17)}]
                    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
                },
                "exceptions": [
                    {"day": date(2026, 12, 24), "open": False, "start": time(12)},
                    {
                        "day": date(2026, 12, 27),
                        "open": True,
                        "start": time(10),
                        "end": time(14),
                    },
                ],
            }
        ],
        "announcement_sets": [
            {
                "name": "Standard",
                "first": "queue_first",
                "periodic": ["queue_periodic_1", "queue_periodic_2"],
                "periodic_interval_s": 45,
                "announce_position": True,
                "announce_wait": True,
            }
        ],
        "queues": [
            {
                "name": "Sales",
                "strategy": "round_robin",
                "flow": {"on_nobody_logged_in": {"kind": "transfer", "number": "+46812345"}},
            },
            {
                "name": "Support",
                "requirements": {"support": 10},
                "flow": {
                    "announcements": "Standard",
                    "max_length": 20,
                    "on_max_length": {"kind": "queue", "queue": "Sales"},
                    "schedule": "Office hours",
                    "on_closed": {"kind": "message", "prompt": "closed"},
                    "priority_rules": [{"prefix": "+4670", "priority": 5, "skill": "english"}],
                },
            },
        ],
        "agents": [
            {
                "username": "anna",
                "skills": {"support": 50, "english": 10},
                "memberships": [{"queue": "Sales", "penalty": 1}, {"queue": "Support"}],
            },
            {"username": "bo", "memberships": [{"queue": "Sales"}]},
        ],
        "digit_collections": [
            {
                "name": "Customer number",
                "kind": "customer_number",
                "min_length": 6,
                "max_length": 8,
                "luhn": True,
                "prompt": "enter_customer_number",
                "on_failure_menu": "Huvudmeny",
            }
        ],
        "menus": [menu("Huvudmeny", "sv", "Main menu"), menu("Main menu", "en", "Huvudmeny")],
        "entry_points": [
            {
                "address": "100",
                "name": "Switchboard",
                "schedule": "Office hours",
                "welcome_prompt": "welcome",
                "first": {"kind": "menu", "menu": "Huvudmeny"},
                "when_closed": {"kind": "message", "prompt": "closed"},
            },
            {
                "address": "200",
                "name": "Support line",
                "language": "en",
                "first": {"kind": "queue", "queue": "Support"},
                "when_nobody_logged_in": {"kind": "queue", "queue": "Sales"},
            },
        ],
        "alarm_rules": [
            {
                "name": "Support queue long",
                "queue": "Support",
                "metric": "waiting_count",
                "comparison": ">=",
                "threshold": 10,
                "severity": "critical",
            }
        ],
        "licence": {"max_logged_in_agents": 25},
    }


def demo_document() -> ConfigDocument:
    return ConfigDocument.model_validate(demo_like())
