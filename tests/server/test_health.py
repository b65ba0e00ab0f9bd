import asyncio

import httpx

from vaxla_protocol import PROTOCOL_VERSION, Health
from vaxla_server import __version__
from vaxla_server.app import create_app


def get(path: str) -> httpx.Response:
    async def request() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://vaxla.test") as client:
            return await client.get(path)

    return asyncio.run(request())


def test_health_reports_versions() -> None:
    response = get("/api/v1/health")
    assert response.status_code == 200
    health = Health.model_validate_json(response.content)
    assert health == Health(status="ok", version=__version__, protocol_version=PROTOCOL_VERSION)


def test_openapi_schema_describes_health() -> None:
    schema = get("/openapi.json").json()
    assert schema["info"]["version"] == __version__
    assert "/api/v1/health" in schema["paths"]
    assert "Health" in schema["components"]["schemas"]
