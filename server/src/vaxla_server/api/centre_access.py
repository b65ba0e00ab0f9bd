"""What the running-centre routes share: the centre itself (``Centre``, from ``deps``),
and its errors as answers.

``CENTRE_ERRORS`` documents the answers ``centre_errors()`` gives, so every route that
acts on the centre lists them in its ``responses=``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import HTTPException, status

from vaxla_server.api.deps import Centre as Centre
from vaxla_server.centre import (
    CentreError,
    EventLogUnavailable,
    InvalidAction,
    InvalidValue,
    UnknownSubject,
)
from vaxla_server.config import ConfigError, LicenceExceeded

Responses = dict[int | str, dict[str, Any]]

FORBIDDEN: Responses = {
    status.HTTP_403_FORBIDDEN: {"description": "The caller's role may not do this."}
}
NOT_FOUND: Responses = {
    status.HTTP_404_NOT_FOUND: {"description": "No such agent, contact or queue."},
}
CONFLICT: Responses = {
    status.HTTP_409_CONFLICT: {
        "description": "The action does not fit the current state (not logged in, not "
        "offered, not waiting), or the licence's limit of agents logged in is reached."
    },
}
UNPROCESSABLE: Responses = {
    status.HTTP_422_UNPROCESSABLE_CONTENT: {
        "description": "A value the configuration does not know or allow (an unknown "
        "pause reason, classification code or queue membership), or a malformed body."
    },
}
UNAVAILABLE: Responses = {
    status.HTTP_503_SERVICE_UNAVAILABLE: {
        "description": "The event log could not be written (a full disk, a lost database): "
        "nothing was changed, and the same request may be sent again later."
    },
}
CENTRE_ERRORS: Responses = {**NOT_FOUND, **CONFLICT, **UNPROCESSABLE, **UNAVAILABLE}


@contextmanager
def centre_errors() -> Iterator[None]:
    """Turn the centre's refusals into 404, 409, 422 and 503 answers with their message."""
    try:
        yield
    except EventLogUnavailable as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=str(error)) from None
    except UnknownSubject as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from None
    except (InvalidAction, LicenceExceeded) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    except InvalidValue as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
    except (CentreError, ConfigError) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
