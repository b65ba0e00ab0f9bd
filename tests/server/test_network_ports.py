"""The free ports the tests and tools hand to SIPp and the SIP front."""

import socket
from collections.abc import Iterator

import pytest

from vaxla_server import network
from vaxla_server.network import free_media_port, udp_port_free


def test_a_media_port_has_the_port_two_above_it_free_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """SIPp's ``-mp`` binds the port and the one two above it: a port whose neighbour is
    taken is passed over for the next."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as held:
        held.bind(("127.0.0.1", 0))
        neighbour = held.getsockname()[1]
        first, second = neighbour - 2, network.free_udp_port()
        offered: Iterator[int] = iter([first, second])
        monkeypatch.setattr(network, "free_udp_port", lambda host="127.0.0.1": next(offered))
        assert free_media_port() == second
        assert not udp_port_free("127.0.0.1", neighbour)


def test_no_media_port_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "free_udp_port", lambda host="127.0.0.1": 65534)
    with pytest.raises(OSError, match=r"no UDP port free on 127\.0\.0\.1 with the one two above"):
        free_media_port()
