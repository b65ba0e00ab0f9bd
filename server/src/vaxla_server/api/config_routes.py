"""The configuration and user-administration routers (``/config/...``, ``/users``).

``create_app`` includes every router listed in ``routers``.
"""

from fastapi import APIRouter

from vaxla_server.api import config_basics, config_kinds, users

routers: list[APIRouter] = [*config_basics.routers, *config_kinds.routers, *users.routers]
