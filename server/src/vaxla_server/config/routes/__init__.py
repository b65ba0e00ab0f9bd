"""The configuration and user-administration routes (``/config/...``, ``/users``):
``basics`` (the configuration document, the licence, prompts, pause reasons and the
like), ``kinds`` (one generic set of routes per configuration kind), ``users`` (user
administration) and what they share (``common``).

``api/routers.py`` includes every router listed in ``routers``.
"""

from fastapi import APIRouter

from vaxla_server.config.routes import basics, kinds, prompt_audio, users

routers: list[APIRouter] = [
    *basics.routers,
    *prompt_audio.routers,
    *kinds.routers,
    *users.routers,
]
