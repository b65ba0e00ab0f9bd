"""The event socket: ``routes.py``, the WebSocket that hands each connected user the
news its role may see (the centre's events, offers, call control and call progress, the
queue board).
"""
