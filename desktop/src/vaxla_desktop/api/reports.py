"""The reports (``/reports``, ``/calls``, R33) as typed calls: a report's rows, and its
file (CSV, XLSX or PDF) as the server makes it. A period is whole days of the site."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.agent import QueueState

SITE_ZONE = ZoneInfo("Europe/Stockholm")
_ROWS = TypeAdapter(list[dict[str, object]])
_QUEUES = TypeAdapter(list[QueueState])


def period(first: str, last: str) -> tuple[datetime, datetime]:
    """From the start of day ``first`` to the end of day ``last`` (site time)."""
    start = datetime.combine(date.fromisoformat(first), time(0), tzinfo=SITE_ZONE)
    end_day = date.fromisoformat(last) + timedelta(days=1)
    return start, datetime.combine(end_day, time(0), tzinfo=SITE_ZONE)


def _query(query: dict[str, object], **more: object) -> tuple[str, str]:
    """The report's path and its query string."""
    report = str(query["report"])
    start, end = period(str(query["from"]), str(query["to"]))
    params: dict[str, object] = {"from": start.isoformat(), "to": end.isoformat(), **more}
    if query.get("queue") is not None:
        params["queue"] = query["queue"]
    if report in ("queues", "staffing"):
        params["interval"] = query["interval"]
    path = "/calls" if report == "calls" else f"/reports/{report}"
    return path, urlencode(params)


class ReportsApi:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def queues(self) -> list[tuple[int, str]]:
        data = await self._client.call("GET", "/queues")
        return [(q.id, q.name) for q in self._client.parse(_QUEUES, data, "queues")]

    async def rows(self, query: dict[str, object]) -> list[dict[str, object]]:
        """The report's rows (the call log's: the calls that started in the period, at
        most 1000, newest first)."""
        path, params = _query(query)
        if query["report"] == "calls":
            start, end = period(str(query["from"]), str(query["to"]))
            extra = {"since": start.isoformat(), "until": end.isoformat(), "limit": 1000}
            if query.get("queue") is not None:
                extra["queue"] = query["queue"]
            params = urlencode(extra)
        data = await self._client.call("GET", f"{path}?{params}")
        return self._client.parse(_ROWS, data, "report")

    async def file(self, query: dict[str, object], kind: str, language: str) -> bytes:
        """The report as a file in ``kind`` (csv, xlsx, pdf), headers in ``language``."""
        path, params = _query(query, format=kind, lang=language)
        return await self._client.fetch_bytes(f"{path}/export?{params}")
