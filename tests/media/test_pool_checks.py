"""The pool refuses what it cannot do before starting anything."""

import asyncio

import pytest

from vaxla_server.media.messages import Answer, Shutdown
from vaxla_server.media.pool import MediaPool, PoolError, UnknownCall


def ignore(message: object) -> None:
    pass


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"size": 0}, "at least one worker"),
        ({"size": 2, "sip_ports": [5070]}, "1 SIP ports given for 2 workers"),
        ({"max_calls": 33}, "1-32"),
    ],
)
def test_bad_pool_settings_are_refused(options: dict[str, object], problem: str) -> None:
    with pytest.raises(PoolError, match=problem):
        MediaPool(ignore, **options)  # type: ignore[arg-type]


def test_commands_need_a_call_the_pool_knows() -> None:
    pool = MediaPool(ignore)

    async def run() -> None:
        with pytest.raises(UnknownCall, match="w1-1"):
            await pool.send(Answer(call_id="w1-1"))
        with pytest.raises(PoolError, match="names no call"):
            await pool.send(Shutdown())

    asyncio.run(run())
    assert pool.workers == []
