"""The ASGI application factory: the one place the HTTP API is assembled."""

from fastapi import FastAPI

from vaxla_protocol import API_PREFIX
from vaxla_server import __version__
from vaxla_server.api import auth, config_routes, health, runtime_routes
from vaxla_server.api.access import Clock, system_clock
from vaxla_server.auth import Auth, AuthSettings
from vaxla_server.store import Store


def create_app(
    store: Store, *, auth_settings: AuthSettings | None = None, clock: Clock = system_clock
) -> FastAPI:
    """The API over ``store``; ``clock`` gives the current time to every login and check."""
    app = FastAPI(
        title="Vaxla server",
        version=__version__,
        openapi_url="/openapi.json",
    )
    app.state.auth = Auth.open(store, auth_settings or AuthSettings())
    app.state.clock = clock
    app.include_router(health.router, prefix=API_PREFIX)
    app.include_router(auth.router, prefix=API_PREFIX)
    for router in (*config_routes.routers, *runtime_routes.routers):
        app.include_router(router, prefix=API_PREFIX)
    return app
