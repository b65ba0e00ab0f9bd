"""The reports as files over HTTP: the CSV's and XLSX's rows and headers (sv and en, the
XLSX opened with openpyxl), and the PDF rendered to PNG with pdftoppm and checked not to
be blank (its chart drawn)."""

import csv
import io
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from tests.server.api.running import Centre, a_day
from tests.shots import shot_path
from vaxla_protocol import API_PREFIX

REPORTS = f"{API_PREFIX}/reports"


def period(running: Centre) -> dict[str, str]:
    start = running.clock.now.replace(hour=8, minute=0, second=0, microsecond=0)
    return {"from": start.isoformat(), "to": (start + timedelta(hours=2)).isoformat()}


def test_csv_and_xlsx_in_swedish_and_english(running: Centre) -> None:
    a_day(running)
    sofia = running.token("sofia")
    params = {**period(running), "interval": "1h", "queue": str(running.ids["support"])}
    swedish = running.api.request(
        "GET", f"{REPORTS}/queues/export", token=sofia, params={**params, "format": "csv"}
    )
    assert swedish.status_code == 200
    assert swedish.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = swedish.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="vaxla-queues-') and '.csv"' in disposition
    rows = list(csv.reader(io.StringIO(swedish.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["Från", "Till", "Kö", "Erbjudna", "Besvarade", "Avbrutna"]
    # The clock's day at 08:00 UTC is 09:00 or 10:00 in Stockholm: times in site time.
    assert [(r[2], r[3], r[4], r[5]) for r in rows[1:]] == [
        ("Support", "3", "1", "1"),
        ("Support", "0", "0", "0"),
    ]
    english = running.api.request(
        "GET",
        f"{REPORTS}/queues/export",
        token=sofia,
        params={**params, "format": "xlsx", "lang": "en"},
    )
    assert english.status_code == 200
    assert english.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(english.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:5] == ("From", "To", "Queue", "Offered", "Answered")
    assert values[1][2:6] == ("Support", 3, 1, 1)
    assert sheet.title == "Queues per interval"
    agents = running.api.request(
        "GET",
        f"{REPORTS}/agents/export",
        token=running.token("ada"),
        params={**period(running), "format": "xlsx", "lang": "sv"},
    )
    sheet = load_workbook(io.BytesIO(agents.content)).active
    assert sheet is not None
    (header, anna) = list(sheet.iter_rows(values_only=True))
    assert (header[0], header[1], anna[0], anna[1], anna[2]) == (
        "Handläggare",
        "Besvarade",
        "anna",
        1,
        60,
    )
    log = running.api.request(
        "GET",
        f"{API_PREFIX}/calls/export",
        token=sofia,
        params={**period(running), "format": "csv", "lang": "en", "outcome": "abandoned"},
    )
    lines = list(csv.reader(io.StringIO(log.content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["Started", "Ended", "Entry point"] and len(lines) == 2
    assert lines[1][6] == "abandoned"


def test_a_bad_format_and_the_roles_are_refused(running: Centre) -> None:
    params = {**period(running), "format": "docx"}
    bad = running.api.request(
        "GET", f"{REPORTS}/staffing/export", token=running.token("sofia"), params=params
    )
    assert bad.status_code == 422
    for name in ("anna", "olle"):
        refused = running.api.request(
            "GET",
            f"{REPORTS}/queues/export",
            token=running.token(name),
            params={**period(running), "format": "csv"},
        )
        assert refused.status_code == 403


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_pdf_renders_with_its_chart(running: Centre, tmp_path: Path, language: str) -> None:
    a_day(running)
    start = running.clock.now.replace(hour=0, minute=0, second=0, microsecond=0)
    params = {
        "from": start.isoformat(),
        "to": (start + timedelta(days=1)).isoformat(),
        "interval": "1h",
        "format": "pdf",
        "lang": language,
    }
    response = running.api.request(
        "GET", f"{REPORTS}/queues/export", token=running.token("sofia"), params=params
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is not None
    white = sum(count for count, rgb in colours if rgb == (255, 255, 255))
    assert white < image.width * image.height * 0.98, "the page is (nearly) blank"
    # The chart's bars (steel blue) and the service level's line (orange) are drawn.
    seen = [rgb for _, rgb in colours if isinstance(rgb, tuple)]
    assert any(_near(rgb, (70, 130, 180)) for rgb in seen)
    assert any(_near(rgb, (220, 80, 40)) for rgb in seen)
    image.save(shot_path(f"reports-pdf-{language}.png"))


def _near(rgb: tuple[int, ...], want: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(rgb, want, strict=True))
