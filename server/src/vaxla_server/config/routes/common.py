"""What the configuration routers share: the ``Configuration`` of the app, who may read
and write, and how a refused change becomes an HTTP answer.

A refused change answers 400 (not acceptable: a bad rule, a missing reference), 404 (what
the path names does not exist) or 409 (a clash with what is stored: a name in use, still
referenced, calls waiting); 422 stays FastAPI's own answer to a body of the wrong shape.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, status

from vaxla_protocol import Role
from vaxla_server.api.access import EVERY_ROLE, UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.deps import Config as Config
from vaxla_server.auth import AuthError, DuplicateUser, InvalidUser, UnknownUser, User
from vaxla_server.config import (
    ConfigError,
    DuplicateName,
    NotFound,
    QueueNotEmpty,
    StillReferenced,
    TrunkConflict,
)
from vaxla_server.config.user_admin import AgentProfileInTheWay, LastAdmin

# A name in a path: anything but NUL, which PostgreSQL cannot compare with text.
NAME_PATTERN = r"^[^\x00]+$"
PathName = Annotated[str, Path(pattern=NAME_PATTERN)]
READERS = require_role(Role.ADMIN, Role.SUPERVISOR)
EVERY_USER = require_role(*EVERY_ROLE)
Admin = Annotated[User, Depends(require_role(Role.ADMIN))]
Reader = Annotated[User, Depends(READERS)]
AnyUser = Annotated[User, Depends(EVERY_USER)]

_FORBIDDEN: dict[int | str, dict[str, Any]] = {
    status.HTTP_403_FORBIDDEN: {"description": "The caller's role may not do this."}
}
READ_RESPONSES: dict[int | str, dict[str, Any]] = {**UNAUTHORIZED_RESPONSE, **_FORBIDDEN}
ITEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    **READ_RESPONSES,
    status.HTTP_404_NOT_FOUND: {"description": "Nothing of this kind has that name."},
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ITEM_RESPONSES,
    status.HTTP_400_BAD_REQUEST: {
        "description": "The change breaks a rule or points to something missing; "
        "the message says what. Nothing was changed."
    },
    status.HTTP_409_CONFLICT: {
        "description": "The name is taken, the item is still used (the message names by "
        "what), or calls wait in the queue. Nothing was changed."
    },
}


@contextmanager
def answering_refusals() -> Iterator[None]:
    """Turn a refused change (a ``ConfigError`` or an ``AuthError``) into its 4xx."""
    try:
        yield
    except (NotFound, UnknownUser) as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from None
    except (
        DuplicateName,
        StillReferenced,
        QueueNotEmpty,
        DuplicateUser,
        AgentProfileInTheWay,
        LastAdmin,
        TrunkConflict,
    ) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    except (ConfigError, InvalidUser, AuthError) as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(error)) from None
