"""Where the running server notes that it is alive (one row of ``store_probe``).

The running centre's timer task marks it every few seconds; after a crash, the centre's
start closes the calls left open at the last mark (or the last event, if later), not at
the moment the server came back.
"""

from datetime import datetime
from typing import cast

from sqlalchemy import Engine, Table, select, update

from vaxla_server.store.models import StoreProbeRow
from vaxla_server.store.transactions import write_transaction

_PROBE = cast(Table, StoreProbeRow.__table__)


class Heartbeat:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def mark(self, at: datetime) -> None:
        """The server runs at ``at``."""
        with write_transaction(self._engine) as connection:
            connection.execute(update(_PROBE).where(_PROBE.c.id == 1).values(alive_at=at))

    def last(self) -> datetime | None:
        """The last moment marked, if any."""
        with self._engine.connect() as connection:
            return connection.execute(select(_PROBE.c.alive_at).where(_PROBE.c.id == 1)).scalar()
