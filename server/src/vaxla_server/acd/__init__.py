"""The automatic call distribution: ``acd.centre``, the running contact centre.

The pure rules the call flow is configured with, opening hours (``config.schedule``) and
caller input (``config.caller_input``), live below it in ``config``, which never imports
``acd``.
"""
