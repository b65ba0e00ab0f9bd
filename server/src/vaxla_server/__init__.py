"""Vaxla's queue server."""

from importlib.metadata import version

__version__ = version("vaxla-server")
