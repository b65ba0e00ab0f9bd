"""The ``X-Vaxla-Session`` header of an agent's outbound call."""

import pytest

from vaxla_protocol.offers import session_key
from vaxla_protocol.outbound import (
    InvalidSessionHeader,
    header_agent,
    session_header,
    verify_session_header,
)

KEY = session_key("the-agent's-bearer-token")


def test_a_header_names_its_agent_and_verifies_for_its_number_only() -> None:
    value = session_header(KEY, 7, "+4687654321")
    assert "the-agent's-bearer-token" not in value and KEY not in value
    assert header_agent(value) == 7
    assert verify_session_header(KEY, value, "+4687654321") == 7
    with pytest.raises(InvalidSessionHeader, match="not made by this agent's session"):
        verify_session_header(KEY, value, "+4611111111")
    with pytest.raises(InvalidSessionHeader, match="not made by this agent's session"):
        verify_session_header(session_key("another-token"), value, "+4687654321")
    forged_agent = "8;" + value.split(";", 1)[1]
    with pytest.raises(InvalidSessionHeader, match="not made by this agent's session"):
        verify_session_header(KEY, forged_agent, "+4687654321")


@pytest.mark.parametrize("value", [None, "", "7", "x;" + "0" * 64, "7;" + "0" * 63, "7;Z" * 2])
def test_a_missing_or_malformed_header_is_refused(value: str | None) -> None:
    with pytest.raises(InvalidSessionHeader):
        verify_session_header(KEY, value, "+4687654321")
