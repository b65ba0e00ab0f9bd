"""The server's store: the database, its migrations and the append-only event log.

``open_store(data_dir=...)`` or ``open_store(url=...)`` opens and migrates the database;
``store.events`` is the event log, with ``append`` and ``read`` and nothing else.
"""

from vaxla_server.store.database import Store, create_store_engine, open_store
from vaxla_server.store.errors import (
    CorruptEvent,
    InvalidEvent,
    InvalidQuery,
    NaiveTimestamp,
    PayloadMismatch,
    StoreError,
    UnknownEventKind,
    UnsupportedDatabase,
)
from vaxla_server.store.event_log import EventLog, LoggedEvent
from vaxla_server.store.events import Event, EventKind
from vaxla_server.store.heartbeat import Heartbeat

__all__ = [
    "CorruptEvent",
    "Event",
    "EventKind",
    "EventLog",
    "Heartbeat",
    "InvalidEvent",
    "InvalidQuery",
    "LoggedEvent",
    "NaiveTimestamp",
    "PayloadMismatch",
    "Store",
    "StoreError",
    "UnknownEventKind",
    "UnsupportedDatabase",
    "create_store_engine",
    "open_store",
]
