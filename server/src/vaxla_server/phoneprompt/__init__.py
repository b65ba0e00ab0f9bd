"""Prompts recorded by phone (R31): the server calls an administrator's phone and makes
what it records the prompt."""
