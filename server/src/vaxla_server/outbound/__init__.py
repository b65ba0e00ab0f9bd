"""Outbound calls: an agent's call to an outside number from its softphone.

``flow.py`` the call flow's part (the session header check, calling the number through
the outside gateway and bridging), ``centre.py`` the rules in the running centre
(``OutboundCalls``). There is no outbound route: the softphone's INVITE is the request
(``GET /agent/phone``, in ``agents/routes.py``, says where to send it).
"""
