"""The reports as files: CSV, XLSX (openpyxl) and PDF (fpdf2, with the chart of the calls
and the service level per interval), headers in Swedish or English.

A report is a ``Table``: a title, its columns (each with its Swedish and English header)
and its rows (mappings from a column's key to its value). Times are written in the
site's time zone; durations in seconds; shares (the service level) in percent. The CSV
is UTF-8 with a byte-order mark (so Excel reads å, ä and ö), separated by ``;`` in
Swedish (Excel's list separator there) and ``,`` in English.
"""

import csv
import io
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Literal

from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

Language = Literal["sv", "en"]
Value = str | int | float | datetime | None


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


CONTENT_TYPES = {
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.PDF: "application/pdf",
}


@dataclass(frozen=True)
class Column:
    key: str
    sv: str
    en: str

    def header(self, language: Language) -> str:
        return self.sv if language == "sv" else self.en


@dataclass(frozen=True)
class Chart:
    """Bars of ``bars`` (a column's key, summed per ``at``) and a line of ``level`` (a
    percentage), one point per distinct value of the column ``at``."""

    at: str
    bars: str
    level: str | None
    sv: str
    en: str


@dataclass
class Table:
    name: str
    """For the file's name: ``vaxla-{name}-{from}-{to}.{format}``."""
    sv: str
    en: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Value]]
    start: datetime
    end: datetime
    chart: Chart | None = None
    zone: tzinfo | None = None
    notes: list[str] = field(default_factory=list)

    def title(self, language: Language) -> str:
        return self.sv if language == "sv" else self.en

    def file_name(self, kind: FileFormat) -> str:
        start, end = (self._local(t).strftime("%Y-%m-%dT%H%M") for t in (self.start, self.end))
        return f"vaxla-{self.name}-{start}-{end}.{kind.value}"

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone) if self.zone is not None else moment

    def cell(self, value: Value) -> str | int | float | None:
        """A value as a file holds it: times in the site's zone without it, floats to
        two decimals."""
        if isinstance(value, datetime):
            return self._local(value).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, float):
            return round(value, 2)
        return value


def render(table: Table, kind: FileFormat, language: Language) -> bytes:
    if kind == FileFormat.CSV:
        return to_csv(table, language)
    if kind == FileFormat.XLSX:
        return to_xlsx(table, language)
    return to_pdf(table, language)


def to_csv(table: Table, language: Language) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if language == "sv" else ",", lineterminator="\r\n")
    writer.writerow([column.header(language) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            ["" if (v := table.cell(row.get(c.key))) is None else v for c in table.columns]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, language: Language) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.title(language)[:31]
    sheet.append([column.header(language) for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([table.cell(row.get(column.key)) for column in table.columns])
    for index, column in enumerate(table.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(10, len(column.header(language)) + 2)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_PERIOD = {"sv": "Period", "en": "Period"}
_NO_ROWS = {"sv": "Inga rader för perioden.", "en": "No rows for the period."}
_SERVICE_LEVEL = {"sv": "Servicenivå (%)", "en": "Service level (%)"}


def to_pdf(table: Table, language: Language) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin(table.title(language)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    period = f"{table.cell(table.start)} - {table.cell(table.end)}"
    pdf.cell(0, 6, f"{_PERIOD[language]}: {period}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if table.chart is not None and table.rows:
        _chart(pdf, table, table.chart, language)
    if not table.rows:
        pdf.cell(0, 8, _NO_ROWS[language], new_x="LMARGIN", new_y="NEXT")
    else:
        _grid(pdf, table, language)
    return bytes(pdf.output())


def _grid(pdf: FPDF, table: Table, language: Language) -> None:
    pdf.set_font("Helvetica", "", 7)
    with pdf.table(
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 232, 240)),
        line_height=4,
        text_align="LEFT",
    ) as grid:
        heading = grid.row()
        for column in table.columns:
            heading.cell(_latin(column.header(language)))
        for row in table.rows:
            line = grid.row()
            for column in table.columns:
                value = table.cell(row.get(column.key))
                line.cell(_latin("" if value is None else str(value)))


def _chart(pdf: FPDF, table: Table, chart: Chart, language: Language) -> None:
    """Bars of the calls per interval and the service level's line over them."""
    totals: dict[str, list[float]] = {}
    for row in table.rows:
        key = str(table.cell(row.get(chart.at)))
        bars = row.get(chart.bars)
        level = row.get(chart.level) if chart.level else None
        total = totals.setdefault(key, [0.0, 0.0, 0.0])
        total[0] += float(bars) if isinstance(bars, int | float) else 0.0
        if isinstance(level, int | float):
            total[1] += float(level)
            total[2] += 1
    labels = list(totals)
    x0, y0 = pdf.l_margin + 12, pdf.get_y() + 6
    width, height = pdf.w - pdf.l_margin - pdf.r_margin - 24, 60
    pdf.set_font("Helvetica", "B", 9)
    pdf.text(pdf.l_margin, y0 - 2, _latin(chart.sv if language == "sv" else chart.en))
    top = max((t[0] for t in totals.values()), default=0.0) or 1.0
    step = width / max(1, len(labels))
    pdf.set_draw_color(120, 120, 120)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    pdf.line(x0, y0, x0, y0 + height)
    pdf.set_font("Helvetica", "", 6)
    pdf.text(x0 - 10, y0 + 2, f"{top:.0f}")
    pdf.text(x0 - 10, y0 + height, "0")
    pdf.set_fill_color(70, 130, 180)
    points = []
    for index, label in enumerate(labels):
        value, level_sum, level_count = totals[label]
        bar = height * value / top
        left = x0 + index * step + step * 0.15
        if bar > 0:
            pdf.rect(left, y0 + height - bar, step * 0.7, bar, style="F")
        if level_count:
            points.append((left + step * 0.35, y0 + height * (1 - level_sum / level_count / 100)))
        if len(labels) <= 24 or index % max(1, len(labels) // 12) == 0:
            pdf.text(left, y0 + height + 4, label[-5:] if len(labels) > 1 else label)
    pdf.set_draw_color(220, 80, 40)
    pdf.set_line_width(0.6)
    for (xa, ya), (xb, yb) in itertools.pairwise(points):
        pdf.line(xa, ya, xb, yb)
    for x, y in points:
        pdf.circle(x, y, 0.8, style="D")
    pdf.set_line_width(0.2)
    pdf.set_font("Helvetica", "", 7)
    pdf.set_text_color(220, 80, 40)
    pdf.text(x0 + width - 30, y0 + 3, _SERVICE_LEVEL[language])
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_y(y0 + height + 8)


def _latin(text: str) -> str:
    """The core PDF fonts hold Latin-1 (å, ä, ö and é are in it); anything else is
    replaced rather than refused."""
    return text.encode("latin-1", "replace").decode("latin-1")
