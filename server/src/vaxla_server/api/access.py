"""Who may call what: the bearer token behind every protected route, and its role.

Every route either depends on ``require_role(...)`` or is one of the few public ones
(health, login, the OpenAPI schema); a test walks the app's routes to hold that.
"""

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, routing, status
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vaxla_protocol import Role
from vaxla_server.api.deps import Now, get_auth
from vaxla_server.auth import Auth, InvalidToken, User

EVERY_ROLE = frozenset(Role)

UNAUTHORIZED_RESPONSE: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {
        "description": "No bearer token, or one that is unknown, expired or logged out."
    },
}
"""The ``responses=`` of a route every role may call; one that allows fewer roles
documents its 403 as well, so the schemathesis test finds every answer documented."""

bearer = HTTPBearer(
    auto_error=False, description="The token from POST /api/v1/auth/login.", scheme_name="token"
)
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


class RoleRequirement:
    """A dependency that gives the caller's ``User`` when the caller has one of ``roles``.

    No token or a bad one answers 401; a good token of another role answers 403.
    """

    def __init__(self, roles: Iterable[Role]) -> None:
        self.roles = frozenset(roles)
        if not self.roles:
            raise ValueError("a route needs at least one role")

    def __call__(
        self,
        credentials: BearerCredentials,
        auth: Annotated[Auth, Depends(get_auth)],
        clock: Now,
    ) -> User:
        if credentials is None:
            raise unauthorized("log in first: send Authorization: Bearer TOKEN")
        try:
            user = auth.sessions.authenticate(credentials.credentials, clock())
        except InvalidToken as error:
            raise unauthorized(str(error)) from None
        if user.role not in self.roles:
            allowed = ", ".join(sorted(role.value for role in self.roles))
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"role {user.role.value!r} may not do this; allowed: {allowed}",
            )
        return user


def require_role(*roles: Role) -> RoleRequirement:
    """The dependency a route declares to say which roles may call it."""
    return RoleRequirement(roles)


def route_roles(app: FastAPI) -> dict[tuple[str, str], frozenset[Role] | None]:
    """Every API route of ``app`` as (method, path), with the roles it allows.

    ``None`` marks a route that declares no roles: a public one.
    """
    table: dict[tuple[str, str], frozenset[Role] | None] = {}
    for context in routing.iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute) or context.path is None:
            continue
        # The context's dependant includes dependencies added where the router was included.
        roles = _declared_roles(context.dependant)
        for method in context.methods or ():
            table[(method, context.path)] = roles
    return table


def _declared_roles(dependant: Dependant) -> frozenset[Role] | None:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, RoleRequirement):
            return dependency.call.roles
        if (found := _declared_roles(dependency)) is not None:
            return found
    return None
