"""The routers of the running contact centre: agent actions, queue control, the call
log, statistics, reports and the event WebSocket.

``create_app`` includes every router listed in ``routers``.
"""

from fastapi import APIRouter

from vaxla_server.api import agent, calls, control, events_ws, queues, stats

routers: list[APIRouter] = [
    agent.router,
    agent.agents_router,
    control.router,
    queues.router,
    calls.router,
    stats.stats_router,
    stats.reports_router,
    events_ws.router,
]
"""Routers, one module per resource (the event WebSocket among them)."""
