"""The ASGI application factory: the one place the HTTP API is assembled."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from vaxla_protocol import API_PREFIX
from vaxla_server import __version__
from vaxla_server.acd.centre import ContactCentre
from vaxla_server.api import auth, config_routes, health, runtime_routes
from vaxla_server.api.access import Clock, system_clock
from vaxla_server.auth import Auth, AuthSettings
from vaxla_server.config import Configuration
from vaxla_server.store import Store
from vaxla_server.telephony import Telephony, TelephonySettings


def create_app(
    store: Store,
    *,
    auth_settings: AuthSettings | None = None,
    clock: Clock = system_clock,
    telephony: TelephonySettings | None = None,
) -> FastAPI:
    """The API over ``store``; ``clock`` gives the current time to every login and check.

    The running contact centre (``app.state.centre``) is started here, so it has closed
    what a stopped server left open before the first request; its timers run in a task
    for as long as the app is served (the lifespan). With ``telephony`` the lifespan also
    runs the media workers and the call flow (``app.state.telephony``).
    """
    configuration = Configuration(store.engine)
    centre = ContactCentre(log=store.events, config=configuration, clock=clock)
    centre.start()
    centre.follow(configuration)

    voice = (
        None
        if telephony is None
        else Telephony(telephony, centre=centre, configuration=configuration)
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        timers = asyncio.create_task(centre.run_timers(asyncio.sleep))
        try:
            if voice is not None:
                await voice.start()
            yield
        finally:
            if voice is not None:
                await voice.stop()
            timers.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timers

    app = FastAPI(
        title="Vaxla server",
        version=__version__,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.configuration = configuration
    app.state.centre = centre
    app.state.telephony = voice
    app.state.auth = auth_store = Auth.open(store, auth_settings or AuthSettings())
    if voice is not None:  # an outbound call's header is made with one of these sessions
        voice.flow.session_keys = lambda agent_id: auth_store.sessions.session_keys(
            agent_id, clock()
        )
    app.state.clock = clock
    app.include_router(health.router, prefix=API_PREFIX)
    app.include_router(auth.router, prefix=API_PREFIX)
    for router in (*config_routes.routers, *runtime_routes.routers):
        app.include_router(router, prefix=API_PREFIX)
    return app
