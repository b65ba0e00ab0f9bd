"""Call control: an agent's transfers (blind, attended), parking and taking back.

``routes.py`` the HTTP routes (``/agent/transfer``, ``/agent/park`` ...), ``flow.py``
the call flow's part (``CallControl``, carried out by the caller's own flow task),
``centre.py`` the rules in the running centre (``CallControlSteps``).
"""
