"""The desktop's client for the server's HTTP API."""

from vaxla_desktop.api.client import ServerClient, ServerError

__all__ = ["ServerClient", "ServerError"]
