import asyncio
from pathlib import Path

import httpx
import pytest

from vaxla_protocol import PROTOCOL_VERSION, Health
from vaxla_server import __version__
from vaxla_server.app import create_app
from vaxla_server.store import open_store


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
