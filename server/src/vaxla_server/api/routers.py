"""Every router of the app, from each feature slice's routes, in the order ``create_app``
includes them (the OpenAPI document lists the paths in this order)."""

from fastapi import APIRouter

from vaxla_server.agents import routes as agents
from vaxla_server.alarms import routes as alarms
from vaxla_server.api import health
from vaxla_server.auth import routes as auth
from vaxla_server.boards import routes as boards
from vaxla_server.config import routes as config
from vaxla_server.control import routes as control
from vaxla_server.directory import routes as directory
from vaxla_server.events import routes as events
from vaxla_server.phoneprompt import routes as phoneprompt
from vaxla_server.queues import routes as queues
from vaxla_server.recording import routes as recording
from vaxla_server.sms import routes as sms
from vaxla_server.stats.routes import calls, exports, figures, schedules
from vaxla_server.storm import routes as storm
from vaxla_server.voicemail import routes as voicemail

routers: list[APIRouter] = [
    health.router,
    auth.router,
    *config.routers,
    phoneprompt.router,
    agents.router,
    agents.agents_router,
    control.router,
    queues.router,
    alarms.router,
    sms.router,
    calls.router,
    exports.calls_router,
    figures.stats_router,
    schedules.router,
    figures.reports_router,
    exports.router,
    storm.router,
    directory.router,
    events.router,
    boards.router,
    boards.links_router,
    voicemail.router,
    recording.router,
    recording.agent_router,
]
page_routers: list[APIRouter] = [boards.page_router]
"""Routers served outside the API's prefix: the pages a browser opens by link."""
