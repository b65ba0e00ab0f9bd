"""``GET /health``: is the server up, and which versions does it run."""

from fastapi import APIRouter

from vaxla_protocol import PROTOCOL_VERSION, Health
from vaxla_server import __version__

router = APIRouter(tags=["health"])


@router.get("/health")
async def get_health() -> Health:
    return Health(status="ok", version=__version__, protocol_version=PROTOCOL_VERSION)
