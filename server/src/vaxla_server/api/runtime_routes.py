"""The routers of the running contact centre: agent actions, queue control, the call
log, statistics, reports and the event WebSocket.

``create_app`` includes every router listed in ``routers``.
"""

from fastapi import APIRouter

routers: list[APIRouter] = []
