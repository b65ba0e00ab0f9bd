"""The per-offer token that lets an agent's softphone accept only the server's calls.

When the server offers a contact to an agent it dials the SIP contact the agent's
softphone reported at login, with the header ``X-Vaxla-Offer: OFFER_ID;MAC``. The MAC is
an HMAC-SHA256 of the offer id keyed by the SHA-256 of the agent's bearer token: the
server keeps exactly that digest of every session, and the softphone can compute it from
the token it holds, so no further secret is exchanged and a caller who can reach the
softphone's SIP port but does not hold the agent's session cannot ring it.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Final

OFFER_HEADER: Final = "X-Vaxla-Offer"
_OFFER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAC = re.compile(r"[0-9a-f]{64}")


class InvalidOfferToken(ValueError):
    """The header is missing, malformed, or was not made with this session's key."""


@dataclass(frozen=True, slots=True)
class OfferToken:
    offer_id: str
    mac: str

    def header_value(self) -> str:
        return f"{self.offer_id};{self.mac}"


def session_key(bearer_token: str) -> str:
    """The key both sides know: the SHA-256 (hex) of the agent's bearer token."""
    return hashlib.sha256(bearer_token.encode()).hexdigest()


def _mac(key: str, offer_id: str) -> str:
    return hmac.new(key.encode(), offer_id.encode(), hashlib.sha256).hexdigest()


def make_offer_token(key: str, offer_id: str) -> OfferToken:
    """The token for ``offer_id``; ``key`` is ``session_key`` of the agent's session."""
    if not _OFFER_ID.fullmatch(offer_id):
        raise ValueError(f"offer id must be 1-64 characters of [A-Za-z0-9_-]: {offer_id!r}")
    return OfferToken(offer_id, _mac(key, offer_id))


def verify_offer_header(key: str, value: str | None) -> str:
    """The offer id in a header ``value`` made with ``key``; raises ``InvalidOfferToken``."""
    if value is None:
        raise InvalidOfferToken(f"no {OFFER_HEADER} header: not an offer from the server")
    offer_id, separator, mac = value.strip().partition(";")
    if not separator or not _OFFER_ID.fullmatch(offer_id) or not _MAC.fullmatch(mac):
        raise InvalidOfferToken(f"malformed {OFFER_HEADER} header: {value!r}")
    if not hmac.compare_digest(mac, _mac(key, offer_id)):
        raise InvalidOfferToken(f"{OFFER_HEADER} header not made for this session")
    return offer_id
