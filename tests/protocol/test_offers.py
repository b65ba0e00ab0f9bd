import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxla_protocol.offers import (
    InvalidOfferToken,
    make_offer_token,
    session_key,
    verify_offer_header,
)

KEY = session_key("token-of-agent1")
OFFER_IDS = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)


@given(OFFER_IDS)
def test_the_softphone_accepts_what_the_server_made(offer_id: str) -> None:
    header = make_offer_token(KEY, offer_id).header_value()
    assert verify_offer_header(KEY, header) == offer_id


def test_another_session_cannot_ring_the_softphone() -> None:
    header = make_offer_token(session_key("token-of-agent2"), "o1").header_value()
    with pytest.raises(InvalidOfferToken, match="not made for this session"):
        verify_offer_header(KEY, header)


def test_a_changed_offer_id_is_refused() -> None:
    mac = make_offer_token(KEY, "o1").mac
    with pytest.raises(InvalidOfferToken, match="not made for this session"):
        verify_offer_header(KEY, f"o2;{mac}")


@pytest.mark.parametrize("value", [None, "", "o1", "o1;", ";abc", "o 1;" + "0" * 64, "o1;xyz"])
def test_missing_or_malformed_headers_are_refused(value: str | None) -> None:
    with pytest.raises(InvalidOfferToken):
        verify_offer_header(KEY, value)


def test_offer_ids_are_checked_when_made() -> None:
    with pytest.raises(ValueError, match="offer id"):
        make_offer_token(KEY, "has;semicolon")


def test_the_key_is_the_digest_the_server_keeps() -> None:
    from vaxla_server.auth.sessions import token_digest

    assert session_key("abc") == token_digest("abc")
