import pytest

from vaxla_desktop.core.dial import DialRequest, DialScheme, InvalidDialLink, parse_dial_link


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("tel:+4687654321", DialRequest(DialScheme.TEL, "+4687654321")),
        ("tel:+46-8-765 43 21", DialRequest(DialScheme.TEL, "+4687654321")),
        ("TEL:+46%208%2076%2054%2032", DialRequest(DialScheme.TEL, "+468765432")),
        ("tel:(08) 765.43.21", DialRequest(DialScheme.TEL, "087654321")),
        ("tel:1234;phone-context=example.com", DialRequest(DialScheme.TEL, "1234")),
        ("tel:*21#", DialRequest(DialScheme.TEL, "*21#")),
        ("sip:anna@vaxla.example.com", DialRequest(DialScheme.SIP, "anna@vaxla.example.com")),
        ("sip:1001@10.0.0.5:5062;transport=udp", DialRequest(DialScheme.SIP, "1001@10.0.0.5:5062")),
        ("sips:bo@[2001:db8::1]:5061", DialRequest(DialScheme.SIPS, "bo@[2001:db8::1]:5061")),
    ],
)
def test_links_become_dial_requests(link: str, expected: DialRequest) -> None:
    assert parse_dial_link(link) == expected


def test_a_request_gives_back_a_clean_uri() -> None:
    assert parse_dial_link(" tel:+46 8 765 ").uri == "tel:+468765"


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("+4687654321", "starts with tel: or sip:"),
        ("https://vaxla.example.com", "not calls"),
        ("tel:", "no number"),
        ("tel:+4", "2 to 15 digits"),
        ("tel:+1234567890123456", "2 to 15 digits"),
        ("tel:08-CALL-ME", "only digits"),
        ("sip:vaxla.example.com", "user@host"),
        ("sip:@vaxla.example.com", "user@host"),
        ("sip:anna@", "not a host"),
        ("sip:anna@bad_host!", "not a host"),
        ("sip:anna@host:99999", "not a port"),
        ("sip:an na@host", "not a SIP user"),
    ],
)
def test_anything_else_is_refused_with_the_reason(link: str, reason: str) -> None:
    with pytest.raises(InvalidDialLink, match=reason):
        parse_dial_link(link)
