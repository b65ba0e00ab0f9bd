"""Alarms and the mail server through the real app (R24): bad configuration refused with
a clear message and nothing changed, the password never answered, ``/alarms`` and the
acknowledgement by role, logged with who, and the supervisor's socket told."""

import warnings
from typing import Any

import httpx

from tests.server.api.running import Centre
from tests.server.events.test_events_ws import connect, until
from vaxla_protocol import API_PREFIX
from vaxla_protocol.alarms import AlarmsChanged
from vaxla_protocol.events import QueueSnapshot
from vaxla_server.store.events import AlarmAcknowledged, EventKind

with warnings.catch_warnings():
    # As in the event socket's tests: starlette's test client still runs on httpx.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

MAIL: dict[str, Any] = {
    "host": "smtp.example.se",
    "port": 587,
    "tls": "starttls",
    "sender": "vaxla@example.se",
}
RULE: dict[str, Any] = {
    "name": "many-waiting",
    "queue": "Support",
    "metric": "waiting_count",
    "comparison": ">=",
    "threshold": 1,
    "recipients": ["chef@example.se"],
}


def call(running: Centre, user: str, method: str, path: str, body: Any = None) -> httpx.Response:
    return running.api.request(method, f"{API_PREFIX}{path}", token=running.token(user), json=body)


def problems(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    return str(response.json()["detail"])


def test_a_bad_mail_server_is_refused_and_changes_nothing(running: Centre) -> None:

    refusals: list[tuple[dict[str, Any], str]] = [
        ({"port": 0}, "greater than or equal to 1"),
        ({"tls": "ssl"}, "'starttls', 'implicit' or 'off'"),
        ({"sender": "vaxla"}, "'vaxla' is not an e-mail address"),
        ({"host": "smtp example"}, "'smtp example' is not a host name or address"),
        ({"password": "hemligt"}, "a password needs a username"),
    ]
    for change, words in refusals:
        assert words in problems(call(running, "ada", "PUT", "/config/mail-server", MAIL | change))
    assert call(running, "ada", "GET", "/config/mail-server").status_code == 404


def test_the_password_is_kept_and_never_answered(running: Centre) -> None:
    body = MAIL | {"username": "vaxla", "password": "hemligt"}
    answer = call(running, "ada", "PUT", "/config/mail-server", body)
    assert answer.status_code == 200 and "hemligt" not in answer.text
    assert answer.json()["password_set"] is True
    kept = call(running, "ada", "PUT", "/config/mail-server", MAIL | {"username": "vaxla"})
    assert kept.json()["password_set"] is True
    read = call(running, "sofia", "GET", "/config/mail-server")
    assert read.status_code == 200 and "hemligt" not in read.text
    stored = running.config.mail_server.stored()
    assert stored is not None and stored.password == "hemligt"
    assert call(running, "sofia", "PUT", "/config/mail-server", body).status_code == 403
    assert call(running, "anna", "GET", "/config/mail-server").status_code == 403


def test_a_bad_alarm_rule_is_refused_with_why(running: Centre) -> None:

    refusals: list[tuple[dict[str, Any], str]] = [
        ({"recipients": ["chef"]}, "'chef' is neither an e-mail address"),
        ({"recipients": ["chef@"]}, "'chef@' is not an e-mail address"),
        ({"recipients": ["07O-123"]}, "'07O-123' is not a phone number"),
        ({"recipients": ["0701234567", "+46 70 123 45 67"]}, "listed twice"),
        ({"recipients": ["a@example.se", "A@example.se"]}, "listed twice"),
        ({"clear_at": 3}, "clear_at 3 must be at or below the threshold 1"),
    ]
    for change, words in refusals:
        assert words in problems(call(running, "ada", "POST", "/config/alarm-rules", RULE | change))
    service = RULE | {"metric": "service_level_pct", "comparison": "<", "threshold": 80}
    refused = call(running, "ada", "POST", "/config/alarm-rules", service | {"clear_at": 120})
    assert refused.status_code == 400  # the configuration's own check, as for the threshold
    assert "clear_at of a service level is a percentage" in refused.text
    assert call(running, "ada", "GET", "/config/alarm-rules").json() == []


def test_raised_alarms_are_listed_and_acknowledged_with_who(running: Centre) -> None:
    assert call(running, "ada", "POST", "/config/alarm-rules", RULE).status_code == 201
    client = TestClient(running.api.app)
    with connect(client, running.token("olle")) as operator:
        start = until(operator, lambda m: isinstance(m, QueueSnapshot))
        assert not any(isinstance(m, AlarmsChanged) for m in start)  # not an operator's
    with connect(client, running.token("sofia")) as supervisor:
        start = until(supervisor, lambda m: isinstance(m, QueueSnapshot))
        assert [m.alarms for m in start if isinstance(m, AlarmsChanged)] == [[]]
        contact = running.centre.enter("100", None)
        running.centre.queue(contact, running.ids["support"])
        running.api.app.state.services.watch.check()
        told = until(supervisor, lambda m: isinstance(m, AlarmsChanged))[-1]
        assert isinstance(told, AlarmsChanged)
        assert [(a.rule, a.queue, a.value) for a in told.alarms] == [("many-waiting", "Support", 1)]

        assert call(running, "anna", "GET", "/alarms").status_code == 403
        assert call(running, "olle", "POST", "/alarms/many-waiting/acknowledge").status_code == 403
        listed = call(running, "sofia", "GET", "/alarms").json()
        assert [(a["rule"], a["acknowledged_by"]) for a in listed] == [("many-waiting", None)]
        done = call(running, "sofia", "POST", "/alarms/many-waiting/acknowledge")
        assert done.status_code == 200 and done.json()["acknowledged_by"] == "sofia"
        told = until(supervisor, lambda m: isinstance(m, AlarmsChanged))[-1]
        assert isinstance(told, AlarmsChanged)
        assert told.alarms[0].acknowledged_by == "sofia"
    again = call(running, "sofia", "POST", "/alarms/many-waiting/acknowledge")
    assert again.status_code == 409 and "acknowledged already" in again.json()["detail"]
    assert call(running, "ada", "POST", "/alarms/other/acknowledge").status_code == 404
    [event] = [e.event for e in running.centre.log.read(kinds=[EventKind.ALARM_ACKNOWLEDGED])]
    assert isinstance(event, AlarmAcknowledged) and event.by_user == running.ids["sofia"]
