"""Vaxla's desktop application."""

from importlib.metadata import version

__version__ = version("vaxla-desktop")
