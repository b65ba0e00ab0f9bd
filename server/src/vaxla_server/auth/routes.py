"""``/auth``: log in for a bearer token, log out, and ask who the token belongs to."""

import math
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from vaxla_protocol import CurrentUser, LoginRequest, LoginResponse
from vaxla_server.api.access import (
    EVERY_ROLE,
    UNAUTHORIZED_RESPONSE,
    BearerCredentials,
    require_role,
)
from vaxla_server.api.deps import Now, get_auth
from vaxla_server.auth import Auth, LoginFailed, LoginThrottled, User

router = APIRouter(prefix="/auth", tags=["auth"])

AnyUser = Annotated[User, Depends(require_role(*EVERY_ROLE))]


@router.post(
    "/login",
    responses={
        status.HTTP_401_UNAUTHORIZED: {"description": "Unknown user name or wrong password."},
        status.HTTP_429_TOO_MANY_REQUESTS: {
            "description": "Too many failed logins from this address; see Retry-After."
        },
    },
)
def login(
    credentials: LoginRequest,
    request: Request,
    auth: Annotated[Auth, Depends(get_auth)],
    clock: Now,
) -> LoginResponse:
    """Open a session; the token goes in ``Authorization: Bearer TOKEN`` from then on."""
    address = request.client.host if request.client is not None else "unknown"
    try:
        issued = auth.sessions.login(credentials.username, credentials.password, address, clock())
    except LoginFailed as error:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail=str(error), headers={"WWW-Authenticate": "Bearer"}
        ) from None
    except LoginThrottled as error:
        retry_after = max(1, math.ceil(error.retry_after.total_seconds()))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=str(error),
            headers={"Retry-After": str(retry_after)},
        ) from None
    return LoginResponse(token=issued.token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=UNAUTHORIZED_RESPONSE)
def logout(
    _user: AnyUser,
    credentials: BearerCredentials,
    auth: Annotated[Auth, Depends(get_auth)],
    clock: Now,
) -> Response:
    """End the session of the token this request carries."""
    assert credentials is not None
    auth.sessions.logout(credentials.credentials, clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", responses=UNAUTHORIZED_RESPONSE)
def me(user: AnyUser) -> CurrentUser:
    """The user the bearer token belongs to."""
    return CurrentUser(username=user.username, display_name=user.display_name, role=user.role)
