"""SMS through the real app (R25), without a gateway running: numbers normalised to
E.164 and bad ones refused with why; the gateway's configuration for administrators
only, refused when bad with nothing changed, its password never answered; an agent's
SMS to the caller of its last call from a template (sender by queue, logged with who),
never to another number unless the configuration allows it; delivery reports refused
without the gateway's token; alarm rules' phone numbers get the alarm by SMS."""

from typing import Any

import httpx
import pytest

from tests.server.api.running import Centre
from tests.server.centre.world import World
from vaxla_protocol import API_PREFIX
from vaxla_protocol.config import AlarmRuleItem
from vaxla_protocol.sms import SmsGatewayItem, e164, render, sms_sender
from vaxla_server.alarms.mail import Mailer
from vaxla_server.notifier import Notifier
from vaxla_server.sms.gateway import Gateways
from vaxla_server.sms.service import BadSms, SmsService
from vaxla_server.store.events import EventKind, SmsQueued

GATEWAY: dict[str, Any] = {
    "kind": "kannel",
    "host": "127.0.0.1",
    "port": 13013,
    "username": "vaxla",
    "password": "hemligt",
    "default_sender": "Kommunen",
    "queue_senders": {"Support": "+46101234567"},
    "templates": [
        {
            "name": "callback",
            "text_sv": "Hej! Vi i {queue} ringer upp dig. /{sender}",
            "text_en": "Hi! We in {queue} will call you back. /{sender}",
        }
    ],
}


def call(running: Centre, user: str, method: str, path: str, body: Any = None) -> httpx.Response:
    return running.api.request(method, f"{API_PREFIX}{path}", token=running.token(user), json=body)


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("070-123 45 67", "+46701234567"),
        ("0701234567", "+46701234567"),
        ("+46 (0)8 123 456", "+468123456"),
        ("+46 08 123 456", None),
        ("0046701234567", "+46701234567"),
        ("+4915112345678", "+4915112345678"),
    ],
)
def test_numbers_are_normalised_to_e164(written: str, number: str | None) -> None:
    if number is None:
        with pytest.raises(ValueError, match="is not a phone number"):
            e164(written)
    else:
        assert e164(written) == number


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("07O1234567", "digits, spaces and dashes only"),
        ("+46", "8 to 15 digits"),
        ("+4601234567", "the area code comes without its 0"),
        ("+0701234567", "does not start with 0 after it"),
        ("+46701234567890123", "8 to 15 digits"),
    ],
)
def test_a_bad_number_is_refused_with_why(written: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        e164(written)


def test_senders_and_templates() -> None:
    assert sms_sender("Kommunen") == "Kommunen"
    assert sms_sender("08-123 456 78") == "+46812345678"
    with pytest.raises(ValueError, match="at most 11 characters"):
        sms_sender("Kommunen Support")
    with pytest.raises(ValueError, match="at least one letter"):
        sms_sender("---")
    text = render("{queue} / {sender}", queue="Support", entry_point="100", sender="Kommunen")
    assert text == "Support / Kommunen"


def test_the_gateway_is_for_administrators_and_a_bad_one_changes_nothing(
    running: Centre,
) -> None:
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"kind": "http"}, "'kannel' or 'smpp'"),
        ({"default_sender": "Kommunen Support"}, "at most 11 characters"),
        ({"queue_senders": {"Support": "+46 07"}}, "is not a phone number"),
        (
            {"templates": [{"name": "x", "text_sv": "{namn}", "text_en": "x"}]},
            "unknown placeholder {namn}",
        ),
        ({"templates": [{"name": "x", "text_sv": "{", "text_en": "x"}]}, "unmatched brace"),
        ({"dlr_base_url": "ftp://vaxla"}, "should match pattern"),
        ({"queue_senders": {"Kassa": "Kassan"}}, "the queue 'Kassa', which does not exist"),
        ({"entry_point_senders": {"999": "Kassan"}}, "the entry point '999', which does not"),
    ]
    for change, words in refusals:
        answer = call(running, "ada", "PUT", "/config/sms-gateway", GATEWAY | change)
        assert answer.status_code in (400, 422) and words in answer.text, (change, answer.text)
    assert call(running, "ada", "GET", "/config/sms-gateway").status_code == 404
    for user in ("sofia", "anna", "olle"):
        assert call(running, user, "PUT", "/config/sms-gateway", GATEWAY).status_code == 403
        assert call(running, user, "GET", "/config/sms-gateway").status_code == 403

    view = call(running, "ada", "PUT", "/config/sms-gateway", GATEWAY).json()
    assert "password" not in view and view["password_set"] is True
    kept = call(running, "ada", "PUT", "/config/sms-gateway", GATEWAY | {"password": None})
    assert kept.json()["password_set"] is True
    assert call(running, "ada", "DELETE", "/config/sms-gateway").status_code == 204
    assert call(running, "ada", "GET", "/config/sms-gateway").status_code == 404


def queued(running: Centre) -> list[Any]:
    store = running.api.app.state.services.store
    return [logged.event for logged in store.events.read(kinds=[EventKind.SMS_QUEUED])]


def answered_call(running: Centre, caller: str | None) -> int:
    assert call(running, "anna", "POST", "/agent/login", {}).status_code == 200
    contact = running.centre.enter("100", caller)
    running.centre.queue(contact, running.ids["support"])
    running.centre.answered(contact, running.ids["anna"])
    return contact


def test_an_agent_sends_a_template_to_the_caller_of_its_last_call(running: Centre) -> None:
    assert call(running, "anna", "GET", "/agent/sms").status_code == 404  # no gateway
    assert call(running, "ada", "PUT", "/config/sms-gateway", GATEWAY).status_code == 200
    before = call(running, "anna", "GET", "/agent/sms").json()
    assert before["to"] is None and before["why_not"] == "you have had no call yet"
    refused = call(
        running, "anna", "POST", "/agent/sms", {"template": "callback", "language": "sv"}
    )
    assert refused.status_code == 400 and "you have had no call yet" in refused.text

    contact = answered_call(running, "0701234567")
    running.centre.ended(contact, "caller")  # the last call counts after it ended too
    options = call(running, "anna", "GET", "/agent/sms").json()
    assert options["to"] == "+46701234567" and options["sender"] == "+46101234567"
    assert options["templates"] == [
        {
            "name": "callback",
            "text_sv": "Hej! Vi i Support ringer upp dig. /+46101234567",
            "text_en": "Hi! We in Support will call you back. /+46101234567",
        }
    ]
    sent = call(running, "anna", "POST", "/agent/sms", {"template": "callback", "language": "en"})
    assert sent.status_code == 202, sent.text
    assert sent.json()["text"] == "Hi! We in Support will call you back. /+46101234567"
    [logged] = queued(running)
    assert isinstance(logged, SmsQueued)
    assert (logged.by_user, logged.contact_id, logged.to, logged.template) == (
        running.ids["anna"],
        contact,
        "+46701234567",
        "callback",
    )

    other = {"template": "callback", "language": "sv", "to": "+46709999999"}
    forbidden = call(running, "anna", "POST", "/agent/sms", other)
    assert forbidden.status_code == 403 and "only to the caller" in forbidden.text
    unknown = call(running, "anna", "POST", "/agent/sms", {"template": "nej", "language": "sv"})
    assert unknown.status_code == 400 and "no SMS template 'nej'" in unknown.text
    bad = call(running, "anna", "POST", "/agent/sms", other | {"to": "hej"})
    assert bad.status_code == 400 and "is not a phone number" in bad.text
    assert len(queued(running)) == 1  # nothing more

    allowed = GATEWAY | {"agents_may_send_to_any_number": True}
    assert call(running, "ada", "PUT", "/config/sms-gateway", allowed).status_code == 200
    assert call(running, "anna", "POST", "/agent/sms", other).status_code == 202
    assert call(running, "olle", "POST", "/agent/sms", other).status_code == 403
    listed = call(running, "sofia", "GET", "/sms/messages").json()
    assert [m["to"] for m in listed] == ["+46709999999", "+46701234567"]
    assert call(running, "anna", "GET", "/sms/messages").status_code == 403


def test_a_hidden_number_gets_no_sms(running: Centre) -> None:
    assert call(running, "ada", "PUT", "/config/sms-gateway", GATEWAY).status_code == 200
    answered_call(running, None)
    options = call(running, "anna", "GET", "/agent/sms").json()
    assert options["to"] is None and "hidden number" in options["why_not"]


def test_a_delivery_report_needs_the_gateways_token(running: Centre) -> None:
    assert call(running, "ada", "PUT", "/config/sms-gateway", GATEWAY).status_code == 200
    sms: SmsService = running.api.app.state.services.sms
    message = sms.send("0701234567", "Hej", purpose="test")
    path = f"{API_PREFIX}/sms/reports"
    wrong = running.api.request("GET", f"{path}/fel?id={message}&type=1")
    assert wrong.status_code == 404
    token = sms.gateways.stored().report_token  # type: ignore[union-attr]
    odd = running.api.request("GET", f"{path}/{token}?id={message}&type=3")
    assert odd.status_code == 400 and "not a Kannel delivery report type" in odd.text
    assert sms.message(message).status == "queued"
    good = running.api.request("GET", f"{path}/{token}?id={message}&type=1&answer=ok")
    assert good.status_code == 204
    assert sms.message(message).status == "delivered"
    late = running.api.request("GET", f"{path}/{token}?id={message}&type=8")
    assert late.status_code == 204
    # An earlier stage arriving late changes neither the state nor the report's words.
    assert sms.message(message).status == "delivered"
    assert sms.message(message).report == "delivered to the phone: ok"


def test_a_bad_message_is_refused_and_nothing_queued(world: World) -> None:
    sms = SmsService(world.store.engine, Gateways(world.store.engine), world.clock, Notifier())
    with pytest.raises(BadSms, match="'12' is not a phone number"):
        sms.send("12", "Hej", "Kommunen", purpose="test")
    with pytest.raises(BadSms, match="at most 612"):
        sms.send("0701234567", "x" * 613, "Kommunen", purpose="test")
    with pytest.raises(BadSms, match="is not a sender"):
        sms.send("0701234567", "Hej", "Kommunen Support", purpose="test")
    assert sms.messages() == []


def test_an_alarm_goes_by_sms_to_the_rules_phone_numbers(world: World) -> None:
    world.config.alarm_rules.add(
        AlarmRuleItem.model_validate(
            {
                "name": "kö",
                "queue": "Support",
                "metric": "waiting_count",
                "comparison": ">=",
                "threshold": 1,
                "recipients": ["chef@example.se", "070-111 22 33"],
            }
        )
    )
    gateways = Gateways(world.store.engine)
    sms = SmsService(world.store.engine, gateways, world.clock, Notifier())
    mailer = Mailer(world.store.engine, world.centre, world.config, world.clock, sms=sms)
    gateways.set(SmsGatewayItem.model_validate(GATEWAY))
    rules = world.config.alarm_rules.list()
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    world.centre.check_alarms(rules, {})
    assert mailer.queue_noted() == 1  # the mail to the address
    [text] = sms.messages()
    assert (text.to, text.sender, text.purpose) == ("+46701112233", "Kommunen", "alarm")
    assert text.text.startswith("Vaxla-larm kö (warning) i Support")
    assert "väntande samtal 1 (>= 1)" in text.text
    mailer.close()
