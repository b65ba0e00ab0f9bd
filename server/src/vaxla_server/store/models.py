"""The tables, as SQLAlchemy declarative models.

The migrations in ``migrations/versions`` create these tables; a test compares the two,
so a change here without a migration fails.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# SQLite makes only an INTEGER PRIMARY KEY the rowid; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")
JsonPayload = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A time-zone aware instant, stored and returned in UTC on every engine.

    SQLite has no time zones, so the value is stored as UTC without an offset and given
    back its zone on the way out; PostgreSQL keeps a ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} has no time zone")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class EventRow(Base):
    """One entry of the append-only event log (see ``events.py`` for the kinds).

    The database refuses UPDATE and DELETE on this table (triggers made by the first
    migration). ``kind`` is not constrained in the database: the catalogue grows with the
    product, and ``EventLog.append`` is the one way rows get in.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_contact_id", "contact_id", "id"),
        Index("ix_events_agent_id", "agent_id", "id"),
        Index("ix_events_queue_id", "queue_id", "id"),
        Index("ix_events_kind", "kind", "id"),
        Index("ix_events_at", "at"),
        # Never reuse the id of a rolled-back row; readers page by id.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, Identity(always=True), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(40))
    contact_id: Mapped[int | None] = mapped_column(BigInteger)
    agent_id: Mapped[int | None] = mapped_column(BigInteger)
    queue_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonPayload)


# The roles a user can have; the same values as ``vaxla_protocol.Role``.
USER_ROLES = ("agent", "operator", "supervisor", "admin")


class UserRow(Base):
    """A person who logs in: agents, operators, supervisors and administrators.

    ``username_key`` is the user name in lower case; its unique index makes user names
    unique without regard to case, and logins look users up by it.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN (" + ", ".join(f"'{role}'" for role in USER_ROLES) + ")",
            name="ck_users_role",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TokenRow(Base):
    """A session opened by a login. Only the SHA-256 of the bearer token is kept."""

    __tablename__ = "tokens"
    __table_args__ = (Index("ix_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
