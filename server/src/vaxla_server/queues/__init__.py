"""Queues: the callers in the centre (``centre.py``: ``Contacts``: entering, waiting,
answered, ended, moved, overflowed; the contact and queue views) and the queue routes
(``routes.py``: the queues, the callers waiting in one, moving a caller to another).
"""
