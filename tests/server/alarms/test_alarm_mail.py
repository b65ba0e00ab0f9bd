"""Alarm mails (R24) through a real SMTP server (aiosmtpd on loopback): the raise and the
clearing mailed to the rule's recipients, over plain SMTP, STARTTLS and implicit TLS
with a user name and password; a failed send logged in words and tried again after its
back-off, kept in the outbox across a restart."""

import logging
from pathlib import Path

import pytest

from tests.server.alarms.smtp import SECRET, USER, free_tcp_port, smtp_server
from tests.server.centre.world import World
from vaxla_protocol.config import AlarmRuleItem, MailServerItem, MailTls
from vaxla_server.alarms.mail import Mailer

# aiosmtpd's own warnings, in its thread: about its test set-up (smtp.py) and its API.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
    pytest.mark.filterwarnings("ignore:Session.login_data is deprecated"),
]

RECIPIENTS = ["chef@example.se", "jour@example.se"]


def waiting_rule(world: World) -> None:
    world.config.alarm_rules.add(
        AlarmRuleItem.model_validate(
            {
                "name": "support-queue",
                "queue": "Support",
                "metric": "waiting_count",
                "comparison": ">=",
                "threshold": 1,
                "severity": "critical",
                "recipients": RECIPIENTS,
            }
        )
    )


def mail_server(world: World, port: int, tls: MailTls, *, password: str | None = None) -> None:
    world.config.mail_server.set(
        MailServerItem(
            host="127.0.0.1",
            port=port,
            tls=tls,
            username=None if password is None else USER,
            password=password,
            sender="vaxla@example.se",
        )
    )


def raise_and_clear(world: World) -> None:
    rules = world.config.alarm_rules.list()
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    world.centre.check_alarms(rules, {})
    world.clock.advance(seconds=5)
    world.centre.abandoned(contact)
    world.centre.check_alarms(rules, {})


@pytest.mark.parametrize("tls", [MailTls.OFF, MailTls.STARTTLS, MailTls.IMPLICIT])
def test_the_raise_and_the_clearing_are_mailed(world: World, tmp_path: Path, tls: MailTls) -> None:
    waiting_rule(world)
    secured = tls is not MailTls.OFF  # a password only over TLS
    with smtp_server(tmp_path, tls=tls.value, auth=secured) as smtp:
        mail_server(world, smtp.port, tls, password=SECRET if secured else None)
        mailer = Mailer(
            world.store.engine, world.centre, world.config, world.clock, context=smtp.client_context
        )
        raise_and_clear(world)
        assert mailer.queue_noted() == 2
        assert mailer.send_due() == 2
        assert mailer.waiting() == 0
        [(sender, to, raised), (_, _, cleared)] = smtp.inbox.received
    assert sender == "vaxla@example.se" and to == RECIPIENTS
    assert raised["Subject"] == "Vaxla: larm 'support-queue' i Support: väntande samtal 1 >= 1"
    assert "The alarm 'support-queue' (critical) was raised in the queue Support" in (
        raised.get_content()
    )
    assert cleared["Subject"] == "Vaxla: larm 'support-queue' i Support är över"
    assert "calls waiting now 0" in cleared.get_content()


def test_a_wrong_password_is_logged_in_words_and_the_mail_kept(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    waiting_rule(world)
    with smtp_server(tmp_path, tls="starttls", auth=True) as smtp:
        mail_server(world, smtp.port, MailTls.STARTTLS, password="fel")
        mailer = Mailer(
            world.store.engine, world.centre, world.config, world.clock, context=smtp.client_context
        )
        raise_and_clear(world)
        mailer.queue_noted()
        with caplog.at_level(logging.WARNING):
            assert mailer.send_due() == 0
        assert smtp.inbox.received == []
    assert mailer.waiting() == 2
    assert (
        f"the mail server 127.0.0.1:{smtp.port} refused the user name or password: 535"
        in caplog.text
    )
    assert "trying again in 30 s" in caplog.text


def test_a_server_that_is_down_gets_the_mail_after_the_back_off_even_after_a_restart(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    waiting_rule(world)
    port = free_tcp_port()
    mail_server(world, port, MailTls.OFF)
    mailer = Mailer(world.store.engine, world.centre, world.config, world.clock)
    raise_and_clear(world)
    mailer.queue_noted()
    with caplog.at_level(logging.WARNING):
        assert mailer.send_due() == 0
    assert f"the mail server 127.0.0.1:{port} refused the connection" in caplog.text
    assert mailer.waiting() == 2
    mailer.close()

    # The server restarts: the outbox is the store's.
    world.restart()
    mailer = Mailer(world.store.engine, world.centre, world.config, world.clock)
    with smtp_server(tmp_path, port=port) as smtp:
        world.clock.advance(seconds=29)
        assert mailer.send_due() == 0  # not due yet: the first retry is after 30 s
        assert smtp.inbox.received == []
        world.clock.advance(seconds=1)
        assert mailer.send_due() == 2
        assert len(smtp.inbox.received) == 2
    assert mailer.waiting() == 0


def test_without_a_mail_server_the_mail_waits(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    waiting_rule(world)
    mailer = Mailer(world.store.engine, world.centre, world.config, world.clock)
    raise_and_clear(world)
    mailer.queue_noted()
    with caplog.at_level(logging.WARNING):
        assert mailer.send_due() == 0
    assert "no mail server is configured (PUT /config/mail-server)" in caplog.text
    assert mailer.waiting() == 2


def test_the_centre_is_never_held_by_a_send(world: World) -> None:
    """The follower only notes: a raise with a mail server that does not answer is logged
    at once, and the mail written to the outbox only when the mailer runs."""
    waiting_rule(world)
    mail_server(world, free_tcp_port(), MailTls.OFF)
    mailer = Mailer(world.store.engine, world.centre, world.config, world.clock)
    raise_and_clear(world)
    assert mailer.waiting() == 0  # nothing written or sent from the centre's thread
    assert mailer.queue_noted() == 2
