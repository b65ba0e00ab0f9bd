"""The connection supervisor's moves, with a scripted client (no Qt, no server)."""

import asyncio

import pytest

from vaxla_desktop.api import (
    IncompatibleServer,
    ServerClient,
    ServerError,
    ServerUnreachable,
)
from vaxla_desktop.core.connection import (
    Backoff,
    ConnectionPhase,
    ConnectionStatus,
    ConnectionTracker,
)
from vaxla_desktop.session import ConnectionSupervisor, Session
from vaxla_protocol import PROTOCOL_VERSION, CurrentUser, Health, Role

USER = CurrentUser(username="anna", display_name="Anna", role=Role.AGENT)
HEALTH = Health(status="ok", version="0.1.0", protocol_version=PROTOCOL_VERSION)
DOWN = ServerUnreachable("http://vaxla.test", "connection refused")


class ScriptedClient(ServerClient):
    """Answers ``me`` and ``health`` from scripts; a script's last answer repeats."""

    def __init__(
        self, me: list[CurrentUser | ServerError], health: list[Health | ServerError]
    ) -> None:
        super().__init__("http://vaxla.test")
        self.me_script = me
        self.health_script = health

    async def me(self) -> CurrentUser:
        answer = self.me_script.pop(0) if len(self.me_script) > 1 else self.me_script[0]
        if isinstance(answer, ServerError):
            raise answer
        return answer

    async def health(self) -> Health:
        script = self.health_script
        answer = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(answer, ServerError):
            raise answer
        return answer


def supervise(
    client: ScriptedClient, *, max_attempts: int | None = None, stop_when: ConnectionPhase
) -> list[tuple[ConnectionPhase, int, type[ServerError] | None]]:
    seen: list[tuple[ConnectionPhase, int, type[ServerError] | None]] = []

    async def run() -> None:
        done = asyncio.Event()

        def on_status(status: ConnectionStatus, error: ServerError | None) -> None:
            seen.append((status.phase, status.attempt, type(error) if error else None))
            if status.phase is stop_when and len(seen) > 1:
                done.set()

        tracker = ConnectionTracker(
            backoff=Backoff(initial_s=0.001, maximum_s=0.004, jitter=0.0),
            max_attempts=max_attempts,
        )
        session = Session(server_url="http://vaxla.test", client=client, user=USER)
        supervisor = ConnectionSupervisor(session, tracker, on_status, heartbeat_s=0.001)
        task = asyncio.create_task(supervisor.run())
        waiting = asyncio.create_task(done.wait())
        await asyncio.wait({task, waiting}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        task.cancel()
        waiting.cancel()
        await client.aclose()

    asyncio.run(run())
    return seen


def test_a_loss_is_retried_with_back_off_until_the_server_answers() -> None:
    client = ScriptedClient(me=[USER, DOWN, USER], health=[DOWN, DOWN, HEALTH])
    seen = supervise(client, stop_when=ConnectionPhase.CONNECTED)
    assert seen == [
        (ConnectionPhase.CONNECTED, 0, None),
        (ConnectionPhase.LOST, 1, ServerUnreachable),
        (ConnectionPhase.RECONNECTING, 1, None),
        (ConnectionPhase.LOST, 2, ServerUnreachable),
        (ConnectionPhase.RECONNECTING, 2, None),
        (ConnectionPhase.LOST, 3, ServerUnreachable),
        (ConnectionPhase.RECONNECTING, 3, None),
        (ConnectionPhase.CONNECTED, 0, None),
    ]


def test_the_supervisor_gives_up_after_the_last_attempt() -> None:
    client = ScriptedClient(me=[USER, DOWN], health=[DOWN])
    seen = supervise(client, max_attempts=2, stop_when=ConnectionPhase.GIVEN_UP)
    assert seen[-1] == (ConnectionPhase.GIVEN_UP, 2, ServerUnreachable)
    assert [phase for phase, _, _ in seen].count(ConnectionPhase.RECONNECTING) == 2


@pytest.mark.parametrize(
    ("me", "health"),
    [
        # The server came back speaking another protocol: retrying cannot help.
        ([USER, DOWN], [IncompatibleServer(local=PROTOCOL_VERSION, remote=PROTOCOL_VERSION + 1)]),
    ],
)
def test_errors_that_retrying_cannot_mend_end_the_supervision(
    me: list[CurrentUser | ServerError], health: list[Health | ServerError]
) -> None:
    seen = supervise(ScriptedClient(me=me, health=health), stop_when=ConnectionPhase.GIVEN_UP)
    assert seen[-1] == (ConnectionPhase.GIVEN_UP, 1, IncompatibleServer)
