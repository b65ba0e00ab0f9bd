"""``GET /agent/phone`` on a server that takes no calls (the demo server with a worker is
in tests/e2e/test_outbound_calls.py)."""

from tests.server.api_runtime.conftest import Centre
from vaxla_protocol import API_PREFIX
from vaxla_protocol.outbound import AgentPhone

PHONE = f"{API_PREFIX}/agent/phone"


def test_without_telephony_there_is_nowhere_to_send_calls(running: Centre) -> None:
    response = running.api.request("GET", PHONE, token=running.token("anna"))
    assert response.status_code == 200, response.text
    phone = AgentPhone.model_validate(response.json())
    assert (phone.sip_uri, phone.outside_calls, phone.header) == (None, False, "X-Vaxla-Session")


def test_only_agents_ask_where_to_send_calls(running: Centre) -> None:
    assert running.api.request("GET", PHONE, token=running.token("sofia")).status_code == 403
    assert running.api.request("GET", PHONE).status_code == 401
