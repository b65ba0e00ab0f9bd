"""A request that fails because the store cannot write (a full disk, a read-only file, a
lost database) answers **503** with the store's reason, as the centre's routes do,
instead of a 500 and a traceback: logins, log-outs and the configuration write outside
the centre. Any other database error stays a 500: only a store that fails its own write
probe (``Store.write_problem``, what ``/health`` asks) is taken as the cause."""

from collections.abc import Awaitable, Callable

from fastapi import Request, Response, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from vaxla_server.store import Store

Handler = Callable[[Request, Exception], Awaitable[Response]]


def store_refusal(store: Store) -> Handler:
    """The app's handler of ``OperationalError`` for routes over ``store``."""

    async def refused(_request: Request, error: Exception) -> Response:
        problem = await run_in_threadpool(store.write_problem)
        if problem is None:
            raise error  # not the store's state: a 500 as any other fault
        return JSONResponse(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            content={"detail": f"{problem}; the request was not carried out, try again later"},
        )

    return refused
