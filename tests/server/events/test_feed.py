"""A socket's share of the feed: what each role may see, and a client that stops
reading is closed instead of growing the server's memory."""

import asyncio
from datetime import UTC, datetime

import pytest

from vaxla_protocol import Role
from vaxla_server.auth import User
from vaxla_server.events.feed import CLOSE_TOO_SLOW, MAX_BEHIND, Connection, Item

NOW = datetime(2026, 12, 5, tzinfo=UTC)


def user(user_id: int, role: Role) -> User:
    return User(
        id=user_id,
        username=f"u{user_id}",
        display_name=f"U {user_id}",
        role=role,
        active=True,
        created_at=NOW,
    )


def drain(
    connection: Connection, end: tuple[int, str] | None = (1000, "done")
) -> tuple[list[str], list[tuple[int, str]]]:
    """What the connection sends of what it took, and how it closes after ``end``."""
    sent: list[str] = []
    closed: list[tuple[int, str]] = []

    async def send(text: str) -> None:
        sent.append(text)

    async def close(code: int, reason: str) -> None:
        closed.append((code, reason))

    async def main() -> None:
        running = asyncio.create_task(connection.run(send, close))
        await asyncio.sleep(0)  # one turn: the sender sends all it has and waits
        if end is not None:
            connection.end(*end)
        await running

    asyncio.run(main())
    return sent, closed


def state(agent_id: int, *queues: int) -> Item:
    return Item(f"state of {agent_id}", "agent", agent_id, frozenset(queues))


EVERY_OFFER_AND_CALL = ["offer to 1", "offer to 2", "call of 1", "snapshot"]


@pytest.mark.parametrize(
    ("user_id", "role", "seen"),
    [
        (1, Role.AGENT, ["state of 1", "state of 2", "offer to 1", "call of 1", "snapshot"]),
        (9, Role.OPERATOR, ["state of 1", "state of 2", "state of 3", "snapshot"]),
        (8, Role.SUPERVISOR, [*(f"state of {n}" for n in (1, 2, 3)), *EVERY_OFFER_AND_CALL]),
        # A supervisor with an agent profile (agent 2): its own offer, among all.
        (2, Role.SUPERVISOR, [*(f"state of {n}" for n in (1, 2, 3)), *EVERY_OFFER_AND_CALL]),
    ],
)
def test_each_role_keeps_what_it_may_see(user_id: int, role: Role, seen: list[str]) -> None:
    """Agent 1 is in queue 10: it sees itself, agent 2 (also in 10), not agent 3 (in 20
    only), and only its own offers and calls. The operator sees every agent but no
    offer or call; the supervisor sees everything."""

    connection = Connection(user(user_id, role), "digest", member_of=[10])
    connection.take(
        [
            state(1, 10),
            state(2, 10, 20),
            state(3, 20),
            Item("offer to 1", "offer", 1),
            Item("offer to 2", "offer", 2),
            Item("call of 1", "control", 1),
            Item("snapshot", "snapshot"),
        ]
    )
    assert drain(connection) == (seen, [(1000, "done")])


def test_an_agent_moved_to_other_queues_sees_its_new_colleagues() -> None:
    connection = Connection(user(1, Role.AGENT), "digest", member_of=[10])
    connection.memberships({1: frozenset({20})})
    connection.take([state(2, 10), state(3, 20)])
    assert drain(connection)[0] == ["state of 3"]


def test_a_client_that_stops_reading_is_closed_before_the_rest_is_sent() -> None:
    connection = Connection(user(1, Role.SUPERVISOR), "digest")
    for n in range(MAX_BEHIND + 1):
        connection.take([Item(str(n), "snapshot")])
    assert connection.ended
    connection.take([Item("after", "snapshot")])
    sent, closed = drain(connection, end=None)
    assert sent == []
    assert [code for code, _ in closed] == [CLOSE_TOO_SLOW]
    assert "reconnect" in closed[0][1]


def test_a_voicemail_message_is_told_only_to_the_readers_of_its_box() -> None:
    """The box is read by the user u5 (an agent, by name) and by the supervisors."""
    news = Item("message left", "voicemail", readers=frozenset({"u5", "role:supervisor"}))
    for user_id, role, sees in [
        (5, Role.AGENT, True),
        (1, Role.AGENT, False),
        (8, Role.SUPERVISOR, True),
        (9, Role.OPERATOR, False),
        (7, Role.ADMIN, False),
    ]:
        connection = Connection(user(user_id, role), "digest")
        connection.take([news])
        assert drain(connection)[0] == (["message left"] if sees else []), (user_id, role)
