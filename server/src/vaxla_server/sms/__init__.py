"""SMS (R25): the SMS gateway's configuration, Kannel or SMPP (``gateway.py``); the
sending of one message and the gateway's answer in words (``send.py``); the outbox in
the store with its retries and delivery reports, the service other slices call
(``service.py``: ``send(to, text, sender)``); and the routes (``routes.py``):
``/config/sms-gateway``, Kannel's delivery reports, ``/agent/sms`` and ``/sms/messages``.
"""
