"""The configuration and user-administration routers (``/config/...``, ``/users``).

``create_app`` includes every router listed in ``routers``.
"""

from fastapi import APIRouter

routers: list[APIRouter] = []
