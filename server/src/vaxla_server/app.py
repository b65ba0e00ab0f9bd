"""The ASGI application factory: the one place the HTTP API is assembled."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from vaxla_protocol import API_PREFIX
from vaxla_server import __version__
from vaxla_server.api.limits import BodyLimit
from vaxla_server.api.routers import page_routers, routers
from vaxla_server.api.store_refusal import store_refusal
from vaxla_server.auth import AuthSettings
from vaxla_server.clock import WallClock, system_time
from vaxla_server.events.routes import close_feed
from vaxla_server.services import compose
from vaxla_server.stats.routes.schedules import ReportMailer
from vaxla_server.store import Store
from vaxla_server.telephony import TelephonySettings

logger = logging.getLogger(__name__)


def create_app(
    store: Store,
    *,
    auth_settings: AuthSettings | None = None,
    clock: WallClock = system_time,
    telephony: TelephonySettings | None = None,
    data_dir: Path | None = None,
) -> FastAPI:
    """The API over ``store``; ``clock`` gives the current time to every login and check.

    The services are composed here (``services.compose``: the running contact centre is
    started, so it has closed what a stopped server left open before the first request)
    and held as ``app.state.services``, where the routers' dependencies find them. The
    centre's timers run in a task for as long as the app is served (the lifespan); with
    ``telephony`` the lifespan also runs the SIP front, the media workers and the call
    flow.
    """
    services = compose(
        store, auth_settings=auth_settings, clock=clock, telephony=telephony, data_dir=data_dir
    )
    centre, voice = services.centre, services.telephony

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timers = asyncio.create_task(centre.run_timers(asyncio.sleep))
        watch = asyncio.create_task(services.watch.run(asyncio.sleep))
        mailer = asyncio.create_task(services.mailer.run(asyncio.sleep))
        texts = asyncio.create_task(services.sms.run(asyncio.sleep))
        voicemail_texts = asyncio.create_task(services.voicemail_texts.run(asyncio.sleep))
        callback_texts = asyncio.create_task(services.callback_texts.run(asyncio.sleep))
        sms_reports = asyncio.create_task(services.sms.run_reports())
        tasks = [timers, watch, mailer, texts, voicemail_texts, callback_texts, sms_reports]
        if services.voicemail is not None:
            boxes = services.configuration.voicemail_boxes
            retention = lambda: {box.name: box.retention_days for box in boxes.list()}  # noqa: E731
            tasks.append(
                asyncio.create_task(services.voicemail.run_purges(retention, asyncio.sleep))
            )
        if services.recordings is not None:
            tasks.append(asyncio.create_task(services.recordings.run_purges(asyncio.sleep)))
        # The reports' summaries are loaded (or built from the log) now, not on the first
        # report, then kept up to date and saved as they go.
        summaries = asyncio.create_task(asyncio.to_thread(services.summaries.catch_up))
        tasks.append(asyncio.create_task(services.summaries.run(asyncio.sleep, asyncio.to_thread)))
        reports = asyncio.create_task(ReportMailer(services).run(asyncio.sleep))
        try:
            if voice is not None:
                await voice.start()
            yield
        finally:
            if services.prompt_calls is not None:
                await services.prompt_calls.stop()  # each failed, in the log, before the calls go
            if voice is not None:
                await voice.stop()
            for task in (*tasks, summaries, reports):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            # A clean stop saves the summaries, so the next start folds no more than it must.
            try:
                await asyncio.to_thread(services.summaries.save)
            except SQLAlchemyError as error:
                logger.error("the report summaries were not saved at the stop: %s", error)
            close_feed(app)

    app = FastAPI(
        title="Vaxla server",
        version=__version__,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.services = services
    app.add_middleware(BodyLimit)  # before routing and authentication: 413, not 401
    app.add_exception_handler(OperationalError, store_refusal(store))
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    for router in page_routers:
        app.include_router(router)
    return app
