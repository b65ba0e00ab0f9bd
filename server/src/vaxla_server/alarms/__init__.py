"""Alarms (R24): the stored alarm rules evaluated on every queue's live figures, with
hysteresis and a quiet period (``centre.py``, the centre's part); the watch that runs the
evaluation and the stand-by agents' check every second (``watch.py``); the mails to each
rule's e-mail recipients through the configured SMTP server, kept in an outbox until
sent, and the SMS to its phone numbers through the SMS slice (``mail.py``); and
``/alarms``, the raised alarms and their acknowledgement (``routes.py``).
"""
