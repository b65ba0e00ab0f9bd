"""Requests to the server, answered as ``vaxla_protocol`` models.

The client holds the session's bearer token once :meth:`ServerClient.login` has
succeeded; every failure is a :class:`ServerError` subclass worded for the user.
"""

import ssl
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from vaxla_desktop.api.errors import (
    ActionRefused,
    BadAnswer,
    CertificateRefused,
    IncompatibleServer,
    ServerError,
    ServerUnreachable,
    SessionEnded,
    TooManyAttempts,
    WrongCredentials,
)
from vaxla_protocol import (
    API_PREFIX,
    PROTOCOL_VERSION,
    CurrentUser,
    Health,
    LoginRequest,
    LoginResponse,
)

__all__ = ["ServerClient", "ServerError", "server_base_url"]

_M = TypeVar("_M", bound=BaseModel)
_T = TypeVar("_T")


def server_base_url(url: str) -> str:
    """The server's base URL, also from an API URL such as zeroconf's ``api`` record."""
    url = url.strip().rstrip("/")
    return url.removesuffix(API_PREFIX)


class ServerClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        ssl_context: ssl.SSLContext | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = server_base_url(base_url)
        # Kept for the event WebSocket, which must trust the same certificate.
        self.ssl_context = ssl_context
        self._token: str | None = None
        self._http = httpx.AsyncClient(
            base_url=self.base_url + API_PREFIX,
            timeout=timeout,
            transport=transport,
            verify=ssl_context if ssl_context is not None else True,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def logged_in(self) -> bool:
        return self._token is not None

    @property
    def token(self) -> str:
        """The session's bearer token (the event socket's Hello carries it)."""
        if self._token is None:
            raise SessionEnded
        return self._token

    async def call(self, method: str, path: str, *, json: Any = None) -> object:
        """An authorised request under the API prefix; its JSON answer (None if empty).

        A refusal the agent can act on (400, 404, 409, 422) is an :class:`ActionRefused`
        with the server's sentence; anything else that is not a success a ``BadAnswer``.
        """
        response = await self._request(method, path, authorised=True, json=json)
        if response.status_code in _REFUSALS:
            raise ActionRefused(response.status_code, _detail(response), _problems(response))
        if response.status_code == httpx.codes.NO_CONTENT:
            self._check(response)
            return None
        return self._json(response)

    async def send_file(self, path: str, data: bytes, media_type: str) -> object:
        """PUT a file's bytes as the body (``media_type``); the JSON answer, refusals as
        :meth:`call`'s."""
        response = await self._request(
            "PUT", path, authorised=True, content=data, content_type=media_type
        )
        if response.status_code in _REFUSALS or response.status_code in (413, 415):
            raise ActionRefused(response.status_code, _detail(response))
        return self._json(response)

    async def fetch_bytes(self, path: str) -> bytes:
        """An authorised GET whose answer is a file (a prompt's audio): its bytes."""
        return (await self.fetch_file(path)).content

    async def fetch_file(self, path: str, *, timeout: float | None = None) -> httpx.Response:
        """An authorised GET whose answer is a file, with its headers; ``timeout``: the
        seconds to wait for it when the server makes it first (an encoded recording),
        rather than the client's usual few. Refusals as :meth:`call`'s."""
        response = await self._request("GET", path, authorised=True, timeout=timeout)
        if response.status_code in _REFUSALS:
            raise ActionRefused(response.status_code, _detail(response))
        self._check(response)
        return response

    async def health(self) -> Health:
        """The server's health; raises ``IncompatibleServer`` for another protocol."""
        response = await self._request("GET", "/health")
        if response.status_code == httpx.codes.SERVICE_UNAVAILABLE:
            # A degraded server says why in a health body of its own.
            try:
                return Health.model_validate_json(response.content)
            except ValidationError:
                pass  # not ours: the usual "HTTP 503" below
        data = self._json(response)
        # Compare versions before validating: a server speaking another protocol may
        # well send a different health shape, and the mismatch is the useful message.
        remote_version = data.get("protocol_version") if isinstance(data, dict) else None
        if isinstance(remote_version, int) and remote_version != PROTOCOL_VERSION:
            raise IncompatibleServer(local=PROTOCOL_VERSION, remote=remote_version)
        return self._model(Health, data, "health")

    async def login(self, username: str, password: str) -> CurrentUser:
        """Check the protocol, open a session and return who it belongs to."""
        await self.health()
        request = LoginRequest(username=username, password=password)
        response = await self._request("POST", "/auth/login", json=request.model_dump())
        if response.status_code == httpx.codes.UNAUTHORIZED:
            raise WrongCredentials
        if response.status_code == httpx.codes.TOO_MANY_REQUESTS:
            retry_after = response.headers.get("Retry-After", "")
            raise TooManyAttempts(int(retry_after) if retry_after.isdigit() else None)
        self._token = self._model(LoginResponse, self._json(response), "login").token
        return await self.me()

    async def me(self) -> CurrentUser:
        """Who the session belongs to; raises :class:`SessionEnded` if it has ended."""
        response = await self._request("GET", "/auth/me", authorised=True)
        return self._model(CurrentUser, self._json(response), "user")

    async def logout(self) -> None:
        """End the session on the server; the client forgets its token either way."""
        try:
            response = await self._request("POST", "/auth/logout", authorised=True)
            self._check(response)
        except SessionEnded:
            pass  # Already over: what logging out wanted.
        finally:
            self._token = None

    async def _request(
        self,
        method: str,
        path: str,
        *,
        authorised: bool = False,
        json: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        headers = {"Content-Type": content_type} if content_type else {}
        waited = httpx.USE_CLIENT_DEFAULT if timeout is None else timeout
        if authorised:
            if self._token is None:
                raise SessionEnded
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = await self._http.request(
                method, path, headers=headers, json=json, content=content, timeout=waited
            )
        except httpx.TransportError as error:
            if _refused_certificate(error):
                raise CertificateRefused(self.base_url) from error
            raise ServerUnreachable(self.base_url, str(error) or type(error).__name__) from error
        if authorised and response.status_code == httpx.codes.UNAUTHORIZED:
            self._token = None
            raise SessionEnded
        return response

    def _check(self, response: httpx.Response) -> None:
        if response.is_error and response.status_code not in {401, 429}:
            raise BadAnswer(self.base_url, f"HTTP {response.status_code} for {response.url.path}")

    def _json(self, response: httpx.Response) -> object:
        self._check(response)
        try:
            return response.json()
        except ValueError as error:
            raise BadAnswer(self.base_url, f"not JSON: {error}") from error

    def parse(self, adapter: TypeAdapter[_T], data: object, what: str) -> _T:
        """``data`` (an answer of this server) as ``adapter``'s type; a ``BadAnswer``
        that names ``what`` when it does not fit."""
        try:
            return adapter.validate_python(data)
        except ValidationError as error:
            raise BadAnswer(self.base_url, f"unexpected {what} answer: {error}") from error

    def _model(self, model: type[_M], data: object, what: str) -> _M:
        return self.parse(TypeAdapter(model), data, what)


_REFUSALS = frozenset({400, 404, 409, 422})


def _detail(response: httpx.Response) -> str:
    """The server's ``detail`` sentence (FastAPI's shape), or the status line."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        # A validation error's first problem, with where it is (``tiles.0.title: ...``).
        problem = detail[0]
        where = ".".join(str(part) for part in problem.get("loc", [])[1:])
        message = str(problem.get("msg", detail))
        return f"{where}: {message}" if where else message
    return f"HTTP {response.status_code} for {response.url.path}"


def _problems(response: httpx.Response) -> tuple[tuple[str, str], ...]:
    """Every problem of a 422's list as (where, sentence): where is the body's field path,
    dotted (``service_goal.percent``), without FastAPI's leading ``body``."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return ()
    if not isinstance(detail, list):
        return ()
    problems = []
    for problem in detail:
        if isinstance(problem, dict):
            where = [str(part) for part in problem.get("loc", [])]
            if where[:1] == ["body"]:
                where = where[1:]
            problems.append((".".join(where), str(problem.get("msg", ""))))
    return tuple(problems)


def _refused_certificate(error: httpx.TransportError) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False
