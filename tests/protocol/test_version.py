import pytest

from vaxla_protocol import PROTOCOL_VERSION, ProtocolMismatch, check_compatible


def test_same_version_is_compatible() -> None:
    check_compatible(PROTOCOL_VERSION)


@pytest.mark.parametrize("remote", [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1])
def test_other_version_raises_a_typed_mismatch(remote: int) -> None:
    with pytest.raises(ProtocolMismatch) as caught:
        check_compatible(remote)
    assert (caught.value.local, caught.value.remote) == (PROTOCOL_VERSION, remote)
    message = str(caught.value)
    assert f"this side speaks version {PROTOCOL_VERSION}" in message
    assert f"the peer speaks version {remote}" in message


def test_mismatch_says_which_side_to_upgrade() -> None:
    assert "upgrade the peer" in str(ProtocolMismatch(local=2, remote=1))
    assert "upgrade the local side" in str(ProtocolMismatch(local=1, remote=2))
