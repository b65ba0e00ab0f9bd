import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.server.centre.test_write_ahead import refusing_writes
from vaxla_protocol import PROTOCOL_VERSION, Health
from vaxla_server import __version__
from vaxla_server.app import create_app
from vaxla_server.store import open_store
from vaxla_server.store.database import SQLITE_FILE_NAME
from vaxla_server.store.events import AgentReady


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def get(data_dir: Path, path: str) -> httpx.Response:
    async def request() -> httpx.Response:
        with open_store(data_dir=data_dir) as store:
            transport = httpx.ASGITransport(app=create_app(store))
            async with httpx.AsyncClient(transport=transport, base_url="http://vaxla.test") as c:
                return await c.get(path)

    return asyncio.run(request())


def test_health_reports_versions_without_a_token(data_dir: Path) -> None:
    response = get(data_dir, "/api/v1/health")
    assert response.status_code == 200
    health = Health.model_validate_json(response.content)
    assert health == Health(status="ok", version=__version__, protocol_version=PROTOCOL_VERSION)


def test_openapi_schema_describes_health(data_dir: Path) -> None:
    schema = get(data_dir, "/openapi.json").json()
    assert schema["info"]["version"] == __version__
    assert "/api/v1/health" in schema["paths"]
    assert "Health" in schema["components"]["schemas"]


def test_health_says_when_the_store_cannot_write(data_dir: Path) -> None:
    """A read-only or full store: logins and calls would fail, so health answers 503
    with the reason (SQLite's ``query_only`` refuses writes as a read-only disk does),
    and 200 again once the store writes."""

    async def requests() -> tuple[httpx.Response, httpx.Response]:
        with open_store(data_dir=data_dir) as store:
            transport = httpx.ASGITransport(app=create_app(store))
            async with httpx.AsyncClient(transport=transport, base_url="http://vaxla.test") as c:
                with refusing_writes(store.engine):
                    refused = await c.get("/api/v1/health")
                return refused, await c.get("/api/v1/health")

    refused, again = asyncio.run(requests())
    assert refused.status_code == 503
    health = Health.model_validate_json(refused.content)
    assert health.status == "degraded"
    (problem,) = health.problems
    assert problem.startswith("the store cannot write: ") and "readonly" in problem
    assert again.status_code == 200 and Health.model_validate_json(again.content).status == "ok"


def test_a_stopped_store_is_whole_in_its_main_file(data_dir: Path, tmp_path: Path) -> None:
    """After a stop nothing waits in the write-ahead log, even when a connection was still
    out (a thread of the server's that had not finished): a copy of the database file
    alone, what a careless backup takes, has every event."""
    ready = AgentReady(at=datetime(2026, 12, 5, 9, tzinfo=UTC), agent_id=3)
    store = open_store(data_dir=data_dir)
    store.events.append([ready])
    still_out = store.engine.connect()
    try:
        store.close()
        copy = tmp_path / "copy"
        copy.mkdir()
        shutil.copy(data_dir / SQLITE_FILE_NAME, copy / SQLITE_FILE_NAME)
        with open_store(data_dir=copy) as copied:
            assert [logged.event for logged in copied.events.read()] == [ready]
    finally:
        still_out.close()
