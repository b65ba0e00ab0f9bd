import asyncio

import httpx
import pytest

from vaxla_desktop.api import ServerClient, ServerError
from vaxla_protocol import PROTOCOL_VERSION, Health, ProtocolMismatch


def client_answering(status_code: int, body: object) -> ServerClient:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/health"
        return httpx.Response(status_code, json=body)

    return ServerClient("http://vaxla.test/", transport=httpx.MockTransport(handle))


def fetch_health(client: ServerClient) -> Health:
    async def fetch() -> Health:
        async with client:
            return await client.health()

    return asyncio.run(fetch())


def test_health_is_parsed_into_the_protocol_model() -> None:
    body = {"status": "ok", "version": "0.1.0", "protocol_version": PROTOCOL_VERSION}
    assert fetch_health(client_answering(200, body)) == Health.model_validate(body)


def test_other_protocol_version_is_a_mismatch_even_with_a_new_shape() -> None:
    body = {"status": "ok", "version": "9.0", "protocol_version": 99, "new_field": 1}
    with pytest.raises(ProtocolMismatch):
        fetch_health(client_answering(200, body))


@pytest.mark.parametrize(
    ("status_code", "body"),
    [(500, {"detail": "boom"}), (200, {"status": "ok"}), (200, ["not", "an", "object"])],
)
def test_bad_answers_are_server_errors(status_code: int, body: object) -> None:
    with pytest.raises(ServerError, match=r"http://vaxla\.test"):
        fetch_health(client_answering(status_code, body))


def test_unreachable_server_is_a_server_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = ServerClient("http://vaxla.test", transport=httpx.MockTransport(refuse))
    with pytest.raises(ServerError, match="connection refused"):
        fetch_health(client)
