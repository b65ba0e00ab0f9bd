"""The scheduled reports (R33), beside the reports themselves: each mailed as a file to
its recipients every day, week or month (``/reports/schedules``). An ``ItemEditor`` of
``config_form``: the server checks every value and says what is wrong, on the field."""

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from vaxla_desktop.ui.config_form import (
    ChoiceEditor,
    Column,
    Field,
    ItemEditor,
    NumberEditor,
    TableEditor,
    TextEditor,
)


class ReportScheduleEditor(ItemEditor):
    """A schedule's name (fixed once saved), the report, its period, interval, file
    format and language, the hour it is mailed at (site time), one queue or all, and
    the e-mail addresses it goes to."""

    def __init__(
        self,
        reports: Sequence[tuple[str, str]],
        intervals: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        self.reports, self.intervals = list(reports), list(intervals)  # (key, shown name)
        super().__init__(
            template={
                "name": "",
                "report": "queues",
                "period": "day",
                "interval": "1h",
                "format": "pdf",
                "language": "sv",
                "hour": 6,
                "queue": None,
                "recipients": [],
            },
            title=lambda item: f"{item.get('name')} ({item.get('period')}, {item.get('format')})",
            fixed_on_existing=("name",),
            parent=parent,
        )

    def make_fields(self) -> list[Field]:
        periods = [
            ("day", self.tr("the day before, every day")),
            ("week", self.tr("the week before, on Mondays")),
            ("month", self.tr("the month before, on the 1st")),
        ]
        formats = [(kind, kind.upper()) for kind in ("pdf", "xlsx", "csv")]
        languages = [("sv", self.tr("Swedish")), ("en", self.tr("English"))]
        return [
            Field("name", self.tr("Name"), TextEditor),
            Field("report", self.tr("Report"), lambda: ChoiceEditor(self.reports)),
            Field("period", self.tr("Period"), lambda: ChoiceEditor(periods)),
            Field("interval", self.tr("Interval"), lambda: ChoiceEditor(self.intervals)),
            Field("format", self.tr("Format"), lambda: ChoiceEditor(formats)),
            Field("language", self.tr("Language"), lambda: ChoiceEditor(languages)),
            Field("hour", self.tr("Mailed at (hour)"), lambda: NumberEditor(high=1000)),
            Field(
                "queue",
                self.tr("Queue"),
                lambda: ChoiceEditor(optional=True, none_text=self.tr("All queues")),
            ),
            Field(
                "recipients",
                self.tr("Recipients"),
                lambda: TableEditor([Column("to", self.tr("E-mail address"))], plain=True),
                words=("recipient",),
            ),
        ]

    def set_queues(self, names: Sequence[str]) -> None:
        """The queues a schedule may be of (by name), as the server has them."""
        queue = self.editors["queue"]
        assert isinstance(queue, ChoiceEditor)
        queue.set_choices([(name, name) for name in sorted(names)])
