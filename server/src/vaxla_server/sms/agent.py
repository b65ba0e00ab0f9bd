"""An agent's SMS to the caller of its current or last call, from the templates (R25).

The call is read from the event log: the agent's last ``answered`` contact, and the
caller's number and entry point from that contact's ``contact_entered``. So it holds
across a restart of the server and of the desktop. The sender is the entry point's,
else the queue's, else the gateway's default. An agent writes another number only when
the configuration allows agents any number (``agents_may_send_to_any_number``).
"""

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Engine, Table, select

from vaxla_protocol.sms import (
    AgentSmsOptions,
    AgentSmsRequest,
    AgentSmsTemplate,
    SmsQueued,
    e164,
    render,
)
from vaxla_server.sms.gateway import NoGateway
from vaxla_server.sms.service import BadSms, SmsService
from vaxla_server.store.events import EventKind
from vaxla_server.store.models import EventRow

EVENTS = cast(Table, EventRow.__table__)


@dataclass(frozen=True, slots=True)
class LastCall:
    contact_id: int
    caller: str | None
    entry_point: str
    queue_id: int | None


class NotAllowed(Exception):
    """The agent may not send this: the reason in words."""


def last_call(engine: Engine, agent_id: int) -> LastCall | None:
    """The agent's current or last answered call, None before its first."""
    with engine.connect() as connection:
        answered = connection.execute(
            select(EVENTS.c.contact_id, EVENTS.c.queue_id)
            .where(EVENTS.c.agent_id == agent_id, EVENTS.c.kind == EventKind.ANSWERED.value)
            .order_by(EVENTS.c.id.desc())
            .limit(1)
        ).one_or_none()
        if answered is None or answered.contact_id is None:
            return None
        entered = connection.execute(
            select(EVENTS.c.payload)
            .where(
                EVENTS.c.contact_id == answered.contact_id,
                EVENTS.c.kind == EventKind.CONTACT_ENTERED.value,
            )
            .order_by(EVENTS.c.id)
            .limit(1)
        ).one_or_none()
    payload = {} if entered is None else entered.payload
    return LastCall(
        answered.contact_id,
        payload.get("caller"),
        str(payload.get("entry_point", "")),
        answered.queue_id,
    )


class AgentTexts:
    """What an agent may send, and the sending."""

    def __init__(self, engine: Engine, sms: SmsService) -> None:
        self._engine = engine
        self._sms = sms

    def options(self, agent_id: int, queue_names: dict[int, str]) -> AgentSmsOptions:
        gateway = self._sms.gateways.stored()
        if gateway is None:
            raise NoGateway()
        call = last_call(self._engine, agent_id)
        queue = None if call is None or call.queue_id is None else queue_names.get(call.queue_id)
        entry_point = "" if call is None else call.entry_point
        sender = gateway.sender_for(queue=queue, entry_point=entry_point)
        to, why_not = None, None
        if call is None:
            why_not = "you have had no call yet"
        elif call.caller is None:
            why_not = "the caller's number is not known (a hidden number)"
        else:
            try:
                to = e164(call.caller)
            except ValueError as error:
                why_not = f"the caller's number cannot get an SMS: {error}"
        fill = {"queue": queue or "", "entry_point": entry_point, "sender": sender}
        return AgentSmsOptions(
            to=to,
            contact_id=None if call is None else call.contact_id,
            queue=queue,
            sender=sender,
            templates=[
                AgentSmsTemplate(
                    name=template.name,
                    text_sv=render(template.text_sv, **fill),
                    text_en=render(template.text_en, **fill),
                )
                for template in gateway.fields.templates
            ],
            may_send_to_any_number=gateway.fields.agents_may_send_to_any_number,
            why_not=why_not,
        )

    def send(
        self, agent_id: int, request: AgentSmsRequest, queue_names: dict[int, str]
    ) -> SmsQueued:
        """Queue the template to the caller (or ``request.to`` where allowed), logged as
        the agent's (``by_user``)."""
        options = self.options(agent_id, queue_names)
        found = [t for t in options.templates if t.name == request.template]
        if not found:
            names = ", ".join(t.name for t in options.templates) or "none are configured"
            raise BadSms(f"no SMS template {request.template!r} (the templates: {names})")
        text = found[0].text_sv if request.language == "sv" else found[0].text_en
        to = options.to
        wanted = None
        if request.to is not None:
            try:
                wanted = e164(request.to)
            except ValueError as error:
                raise BadSms(str(error)) from None
        if wanted is not None and wanted != options.to:
            if not options.may_send_to_any_number:
                raise NotAllowed(
                    "agents may send an SMS only to the caller of their current or last "
                    "call; an administrator can allow any number in the SMS gateway's "
                    "configuration"
                )
            to = wanted
        if to is None:
            raise BadSms(f"no SMS can go to the caller: {options.why_not}")
        message_id = self._sms.send(
            to,
            text,
            options.sender,
            purpose="agent",
            by_user=agent_id,
            contact_id=options.contact_id if to == options.to else None,
            template=request.template,
        )
        return SmsQueued(id=message_id, to=to, sender=options.sender, text=text)
