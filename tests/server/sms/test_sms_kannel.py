"""SMS through a real Kannel (R25), fakesmsc as the operator: messages queued while the
gateway is down stay in the outbox (across a restart of the SMS service), are retried
after their back-off once Kannel is up, all reach the operator with the shared sender,
and their delivery reports come back to the server's own HTTP route and are stored and
logged."""

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from tests.server.alarms.smtp import free_tcp_port
from tests.server.api.running import Centre
from tests.server.sms.kannel import SECRET, USER, kannel
from vaxla_protocol import API_PREFIX
from vaxla_server.sms.service import SMS_NEWS, SmsNews, SmsService
from vaxla_server.store.events import EventKind

GATEWAY: dict[str, Any] = {
    "kind": "kannel",
    "host": "127.0.0.1",
    "username": USER,
    "password": SECRET,
    "default_sender": "Kommunen",
}


@contextlib.contextmanager
def served(app: FastAPI) -> Iterator[int]:
    """The app's routes over HTTP on a free loopback port (Kannel's reports come here)."""
    port = free_tcp_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        pause = threading.Event()
        for _ in range(300):  # uvicorn tells of its start by a flag only
            if server.started or not thread.is_alive():
                break
            pause.wait(0.05)
        assert server.started, "uvicorn did not start"
        yield port
    finally:
        server.should_exit = True
        thread.join(15)


class Reports:
    """Waits on the SMS news (published after each commit), never on sleeps."""

    def __init__(self) -> None:
        self.news: list[SmsNews] = []
        self._changed = threading.Condition()

    def __call__(self, news: SmsNews) -> None:
        with self._changed:
            self.news.append(news)
            self._changed.notify_all()

    def wait(self, message_id: int, status: str, timeout: float = 30.0) -> None:
        with self._changed:
            found = self._changed.wait_for(
                lambda: any(n.message_id == message_id and n.status == status for n in self.news),
                timeout,
            )
        assert found, f"SMS {message_id} never became {status}: {self.news}"


def test_queued_while_kannel_is_down_then_sent_delivered_and_reported(
    running: Centre, tmp_path: Path
) -> None:
    services = running.api.app.state.services
    sms: SmsService = services.sms
    reports = Reports()
    services.notifier.subscribe(SMS_NEWS, reports)
    sendsms_port = free_tcp_port()
    with served(running.api.app) as http_port:
        answer = running.api.request(
            "PUT",
            f"{API_PREFIX}/config/sms-gateway",
            token=running.token("ada"),
            json=GATEWAY
            | {
                "port": sendsms_port,
                "dlr_base_url": f"http://127.0.0.1:{http_port}",
                "queue_senders": {"Support": "Support"},
            },
        )
        assert answer.status_code == 200, answer.text

        # Kannel is down: queued, tried, kept with the reason, none lost.
        first = sms.send("070-123 45 67", "Hej! Vi ringer dig snart.", purpose="test")
        second = sms.send("+46701112233", "Räksmörgås ÅÄÖ", "Support", purpose="test")
        assert sms.send_due() == 0
        down = sms.message(first)
        assert (down.status, down.attempts) == ("queued", 1)
        assert down.last_error is not None and "refused the connection" in down.last_error

        # A restart of the service: the outbox is in the store.
        again = SmsService(sms.engine, sms.gateways, running.clock, services.notifier)
        assert again.waiting() == 2
        with kannel(tmp_path / "kannel", sendsms_port) as gateway:
            assert again.send_due() == 0  # not due: the first retry is 30 s later
            running.clock.advance(seconds=30)
            assert again.send_due() == 2
            assert "<Kommunen +46701234567 text Hej! Vi ringer dig snart.>" in gateway.received(
                "+46701234567"
            )
            assert "+46701112233" in gateway.received("Support +46701112233")
            reports.wait(first, "delivered")
            reports.wait(second, "delivered")

    assert again.waiting() == 0
    delivered = sms.message(first)
    assert delivered.status == "delivered" and delivered.attempts == 2
    assert delivered.report == "delivered to the phone"
    kinds = [EventKind.SMS_QUEUED, EventKind.SMS_SENT, EventKind.SMS_REPORT]
    logged = [(e.event.kind, e.event.message_id) for e in services.store.events.read(kinds=kinds)]
    assert logged[:2] == [(EventKind.SMS_QUEUED, first), (EventKind.SMS_QUEUED, second)]
    assert (EventKind.SMS_SENT, first) in logged
    assert (EventKind.SMS_REPORT, first) in logged
