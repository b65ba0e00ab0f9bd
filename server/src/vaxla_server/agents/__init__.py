"""Agents: log-in, log-out, ready, pause, classify and the supervisor's view of agents.

``routes.py`` the HTTP routes (``/agent``, ``/agents``), ``centre.py`` the rules in the
running centre (``AgentDesk``), ``wire.py`` an agent's state on the wire (also for the
event socket).
"""
