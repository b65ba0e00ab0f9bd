"""``GET /health``: is the server up and able to write its store, and which versions
does it run. A store that cannot write (read-only, full, gone) answers 503 with the
reason, so a monitor or a load balancer sees it before a user's login fails."""

from fastapi import APIRouter, Response, status

from vaxla_protocol import PROTOCOL_VERSION, Health
from vaxla_server import __version__
from vaxla_server.api.deps import Storage

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    responses={503: {"model": Health, "description": "The store cannot write."}},
)
def get_health(store: Storage, response: Response) -> Health:
    problem = store.write_problem()
    if problem is None:
        return Health(status="ok", version=__version__, protocol_version=PROTOCOL_VERSION)
    response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Health(
        status="degraded",
        version=__version__,
        protocol_version=PROTOCOL_VERSION,
        problems=[problem],
    )
