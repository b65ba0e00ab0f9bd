"""The ASGI application factory: the one place the HTTP API is assembled."""

from fastapi import FastAPI

from vaxla_protocol import API_PREFIX
from vaxla_server import __version__
from vaxla_server.api import health


def create_app() -> FastAPI:
    app = FastAPI(
        title="Vaxla server",
        version=__version__,
        openapi_url="/openapi.json",
    )
    app.include_router(health.router, prefix=API_PREFIX)
    return app
