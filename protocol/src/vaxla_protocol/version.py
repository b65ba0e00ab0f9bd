"""The protocol version, the API path, and the check both sides make before talking."""

from typing import Final

# Bump on any change to the wire models that an older peer would misread.
PROTOCOL_VERSION: Final = 3

# Where the HTTP API lives on a server; changes only with a new major API.
API_PREFIX: Final = "/api/v1"


class ProtocolMismatch(Exception):
    """The peer speaks a protocol version this side does not."""

    def __init__(self, *, local: int, remote: int) -> None:
        self.local = local
        self.remote = remote
        super().__init__(
            f"protocol version mismatch: this side speaks version {local}, "
            f"the peer speaks version {remote}; "
            f"upgrade the {'peer' if remote < local else 'local side'} so both match"
        )


def check_compatible(remote_version: int) -> None:
    """Raise :class:`ProtocolMismatch` unless the peer speaks our protocol version."""
    if remote_version != PROTOCOL_VERSION:
        raise ProtocolMismatch(local=PROTOCOL_VERSION, remote=remote_version)
