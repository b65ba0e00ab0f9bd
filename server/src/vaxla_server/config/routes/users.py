"""``/users``: list, create, change and reset the password of users (administrators)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from vaxla_protocol.users import NewUser, PasswordReset, UserChange, UserItem
from vaxla_server.api.deps import Now, get_auth
from vaxla_server.auth import Auth, User
from vaxla_server.config.routes.common import (
    ITEM_RESPONSES,
    READ_RESPONSES,
    WRITE_RESPONSES,
    Admin,
    Config,
    PathName,
    answering_refusals,
)
from vaxla_server.config.user_admin import change_user

router = APIRouter(prefix="/users", tags=["users"])
AuthService = Annotated[Auth, Depends(get_auth)]


def _item(user: User) -> UserItem:
    return UserItem(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        active=user.active,
        created_at=user.created_at,
    )


@router.get("", responses=READ_RESPONSES)
def read_users(_user: Admin, auth: AuthService) -> list[UserItem]:
    return [_item(user) for user in auth.users.list()]


@router.get("/{username}", responses=ITEM_RESPONSES)
def read_user(_user: Admin, auth: AuthService, username: PathName) -> UserItem:
    with answering_refusals():
        return _item(auth.users.get(username))


@router.post("", status_code=status.HTTP_201_CREATED, responses=WRITE_RESPONSES)
def create_user(_user: Admin, auth: AuthService, clock: Now, new: NewUser) -> UserItem:
    """Create an active user with a password (the password rules apply)."""
    with answering_refusals():
        return _item(
            auth.users.create(
                new.username, new.password, new.role, now=clock(), display_name=new.display_name
            )
        )


@router.patch("/{username}", responses=WRITE_RESPONSES)
def change(
    _user: Admin,
    config: Config,
    auth: AuthService,
    clock: Now,
    username: PathName,
    change: UserChange,
) -> UserItem:
    """Change the display name, role or active flag; deactivating or a new role ends the
    user's sessions."""
    with answering_refusals():
        return _item(
            change_user(
                config.engine,
                username,
                now=clock(),
                display_name=change.display_name,
                role=change.role,
                active=change.active,
                sessions_ended=auth.sessions.ended_for_user,
            )
        )


@router.put(
    "/{username}/password", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_RESPONSES
)
def reset_password(
    _user: Admin, auth: AuthService, clock: Now, username: PathName, reset: PasswordReset
) -> Response:
    """Set a new password; the user's sessions end."""
    with answering_refusals():
        auth.users.set_password(username, reset.password, now=clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


routers = [router]
