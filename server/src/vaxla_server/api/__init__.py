"""The web plumbing the feature slices' routes share: the services by dependency injection
(``deps.py``), roles and bearer tokens (``access.py``), the centre's errors as HTTP answers
(``centre_access.py``), the health route and the assembly of every router
(``routers.py``)."""
