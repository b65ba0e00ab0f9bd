"""Request bodies are limited before routing and authentication (413, not 401)."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from fastapi import FastAPI, Request

from vaxla_server.api.limits import BodyLimit
from vaxla_server.app import create_app
from vaxla_server.store import open_store

MIB = 1024 * 1024


def test_an_oversized_body_without_a_token_gets_413_before_401(tmp_path: Path) -> None:
    async def requests() -> list[httpx.Response]:
        with open_store(data_dir=tmp_path) as store:
            transport = httpx.ASGITransport(app=create_app(store))
            async with httpx.AsyncClient(transport=transport, base_url="http://vaxla.test") as c:
                return [
                    # A configuration document may be large, up to 16 MiB ...
                    await c.put("/api/v1/config/document", content=b"x" * (17 * MIB)),
                    await c.put("/api/v1/config/document", content=b"{}"),
                    # ... any other body up to 1 MiB.
                    await c.post("/api/v1/auth/login", content=b"x" * (2 * MIB)),
                ]

    too_large, small, login = asyncio.run(requests())
    assert too_large.status_code == 413
    assert too_large.json() == {
        "detail": "the request body is larger than this route takes (16 MiB)"
    }
    assert small.status_code == 401  # within the limit: on to authentication
    assert login.status_code == 413 and "(1 MiB)" in login.json()["detail"]


def test_a_chunked_body_too_large_for_a_json_route_gets_413(tmp_path: Path) -> None:
    """The route reads its JSON body and fails at the cut (FastAPI answers that 400,
    "error parsing the body"): the sender is told 413, the body's real fault."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b"x" * 65536

    async def request() -> httpx.Response:
        with open_store(data_dir=tmp_path) as store:
            transport = httpx.ASGITransport(app=create_app(store))
            async with httpx.AsyncClient(transport=transport, base_url="http://vaxla.test") as c:
                return await c.post("/api/v1/auth/login", content=chunks())

    answer = asyncio.run(request())
    assert answer.status_code == 413 and "(1 MiB)" in answer.json()["detail"]


def test_a_chunked_body_is_cut_off_at_the_limit() -> None:
    """No Content-Length: the body is counted as it is read, and the app never sees more
    than the limit."""
    seen: list[int] = []
    inner = FastAPI()

    @inner.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        body = await request.body()
        seen.append(len(body))
        return {"bytes": len(body)}

    inner.add_middleware(BodyLimit, default=1000, limits={})  # as create_app does
    app = inner

    async def chunks(count: int) -> AsyncIterator[bytes]:
        for _ in range(count):
            yield b"y" * 300

    async def requests() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://vaxla.test") as c:
            return (
                await c.post("/upload", content=chunks(10)),
                await c.post("/upload", content=chunks(3)),
            )

    over, under = asyncio.run(requests())
    assert over.status_code == 413 and "(1000 bytes)" in over.json()["detail"]
    assert under.status_code == 200 and under.json() == {"bytes": 900}
    assert seen == [900]
