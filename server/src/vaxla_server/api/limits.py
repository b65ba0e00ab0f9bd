"""Request bodies are limited before anything else reads them.

Without a limit, four 200 MB uploads without a token took the server from 144 MB to
1.5 GB before each was refused 401. ``BodyLimit`` answers **413** as soon as a body is
known to be too large: at once from its ``Content-Length``, or, for a body sent in
chunks, when the bytes read pass the limit (nothing past it is kept). This happens
before routing and authentication, so an anonymous sender cannot make the server hold a
large body. The configuration document has a larger limit of its own.
"""

import json
import re
from collections.abc import Mapping, Sequence

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vaxla_protocol import API_PREFIX

DEFAULT_BODY_LIMIT = 1024 * 1024
"""Bytes a request body may have: every route but those in ``BODY_LIMITS``."""
BODY_LIMITS: Mapping[str, int] = {
    f"{API_PREFIX}/config/document": 16 * 1024 * 1024,
}
"""Routes (exact paths) that take larger bodies, and their limits in bytes."""
BODY_LIMIT_PATTERNS: Sequence[tuple[re.Pattern[str], int]] = (
    (re.compile(rf"^{API_PREFIX}/config/prompts/[a-z]+/[^/]+/audio$"), 20 * 1024 * 1024),
)
"""Routes with path parameters that take larger bodies (a prompt's sound file)."""


def _limit_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


class BodyLimit:
    """ASGI middleware: 413 for a request body over its route's limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int = DEFAULT_BODY_LIMIT,
        limits: Mapping[str, int] = BODY_LIMITS,
    ) -> None:
        self._app = app
        self._default = default
        self._limits = dict(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        limit = self._limits.get(scope["path"]) or next(
            (size for pattern, size in BODY_LIMIT_PATTERNS if pattern.match(scope["path"])),
            self._default,
        )
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(send, limit)
            return
        read = 0
        over = False
        started = False

        async def limited_receive() -> Message:
            nonlocal read, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit:
                    over = True
                    return {"type": "http.disconnect"}  # the app stops reading here
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if over and not started:
                # The app's answer to a body cut off at the limit (FastAPI's 400 "error
                # parsing the body" for a JSON route): the sender is told 413 instead.
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self._app(scope, limited_receive, tracked_send)
        except ClientDisconnect:
            if not over:
                raise
        if over and not started:
            await _too_large(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        {"detail": f"the request body is larger than this route takes ({_limit_text(limit)})"}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
