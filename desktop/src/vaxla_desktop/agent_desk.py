"""The agent's desk: the panel, the event socket and the agent's actions, wired.

:class:`AgentDesk` feeds every event of the socket into the panel's state and redraws
what changed, and turns the panel's ``sig_*`` requests into calls to the server as
background work, so the window never waits on the network. A refused action shows the
server's reason in the panel and changes nothing there: only the events that follow
a successful action move the panel. Other parts of the app (the softphone) hear the
same events through :attr:`AgentDesk.sig_event`.
"""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from vaxla_desktop.api import ServerError
from vaxla_desktop.api.agent import AgentApi
from vaxla_desktop.api.errors import ActionRefused
from vaxla_desktop.api.events import EventStream, LossListener
from vaxla_desktop.api.recordings import RecordingsApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.core.agent_panel import Changed
from vaxla_desktop.session import Session
from vaxla_desktop.ui.agent_panel import AgentPanel
from vaxla_desktop.ui.messages import describe
from vaxla_protocol.alarms import StandbyMoved
from vaxla_protocol.events import QueueSnapshot, ServerEvent, Welcome

log = logging.getLogger(__name__)

REJOIN_PAUSES_S = (1.0, 2.0, 4.0, 8.0)
"""Between the tries to rejoin the queues after the server came back."""


class AgentDesk(QObject):
    sig_event = Signal(object)  # every ServerEvent, after the panel has taken it
    sig_action_done = Signal(str)  # the action's name, once the server has said yes
    sig_my_queues = Signal(list)  # names of the queues I am logged in to, when they change

    def __init__(
        self,
        session: Session,
        panel: AgentPanel,
        *,
        on_lost: LossListener,
        sip_contact: Callable[[], str | None] = lambda: None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.panel = panel
        self.state = panel.state
        self.api = AgentApi(session.client)
        self.recordings = RecordingsApi(session.client)
        self.sip_contact = sip_contact
        """Where the softphone takes offers; asked at each queue login."""
        self._on_lost = on_lost
        self.stream = EventStream(session.client, self._on_event, self._on_stream_lost)
        self._work = BackgroundWork(log, "agent desk work")
        self._spawn = self._work.spawn
        self._pictured = asyncio.Event()
        self._listed = asyncio.Event()
        self._my_queues: list[str] | None = None
        """The queue logins last told through ``sig_my_queues``; None until the logins
        asked for at start are done, so the state before them is not remembered."""
        self._standing_by = False
        """Whether the server last said this stand-by agent stands by (R23)."""
        self._before_loss: tuple[list[str], bool] | None = None
        """The queues and stand-by of the moment the event socket broke, until it is
        welcomed again: the server that welcomes it may be a restarted one that has
        forgotten both, and its first picture must not erase what to take back."""

        panel.sig_ready_requested.connect(self._on_ready)
        panel.sig_pause_requested.connect(self._on_pause)
        panel.sig_queue_login_requested.connect(self._on_queue_login)
        panel.sig_all_queues_requested.connect(self._on_all_queues)
        panel.sig_standby_requested.connect(self._on_standby)
        panel.sig_classify_requested.connect(self._on_classify)
        panel.sig_take_back_requested.connect(self._on_take_back)
        panel.sig_keep_recording_requested.connect(self._on_keep_recording)

    def start(self) -> None:
        self._spawn(self.stream.run())

    async def stop(self) -> None:
        """Close the socket and end the work in flight, and wait for both."""
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    def resume_events(self) -> None:
        """The connection supervisor has the server back: reopen the socket now. The
        socket's welcome, whichever of it and the supervisor finds the server first,
        takes back what a restart forgot (:meth:`_take_back_after_loss`)."""
        self.stream.resume()

    def _on_stream_lost(self, error: ServerError) -> None:
        if self._before_loss is None:
            self._before_loss = (list(self._my_queues or []), self._standing_by)
        self._on_lost(error)

    def _take_back_after_loss(self) -> None:
        """The socket is welcomed again after a loss: rejoin the queues this desk was
        logged in to, or stand by again, if the server no longer has the agent so (a
        server restart logs every agent out and forgets who stands by)."""
        if self._before_loss is None:
            return
        wanted, standing_by = self._before_loss
        self._before_loss = None
        if standing_by:
            self._spawn(self._stand_by_again())
        elif wanted:
            self._spawn(self._rejoin(wanted))

    async def _stand_by_again(self) -> None:
        """A restart forgets who stands by: this stand-by agent stands by again."""
        try:
            me = await self.api.state()
        except ServerError as error:
            log.info("after the reconnect the agent's state could not be read: %s", error)
            return
        if me.standing_by:
            return
        if await self._run("standby", self.api.stand_by(self.sip_contact())):
            log.info("standing by again after the server came back")
            self.panel.show_note(self.tr("The server came back; you stand by again."))

    async def _rejoin(self, names: list[str]) -> None:
        """Rejoin ``names``; a server that is back but not yet answering (it has just
        started) is asked again, after 1, 2, 4 and 8 s, before the desk gives up."""
        for pause in (*REJOIN_PAUSES_S, None):
            try:
                me = await self.api.state()
            except ServerError as error:
                log.info("after the reconnect the agent's state could not be read: %s", error)
                if pause is None:
                    return
                await asyncio.sleep(pause)
                continue
            if me.queues:
                return  # still logged in (a network blip): nothing to do
            by_name = {queue.name.casefold(): queue.id for queue in me.member_of}
            wanted = [by_name[n.casefold()] for n in names if n.casefold() in by_name]
            if not wanted:
                return
            if await self._run("login", self.api.log_in(wanted, self.sip_contact())):
                break
            if pause is None:
                return
            await asyncio.sleep(pause)
        # Every path but a login that took ends above (return).
        log.info("rejoined the queues after the server came back: %s", ", ".join(names))
        self.panel.show_note(
            self.tr("The server came back; logged in to your queues again: {0}.").format(
                ", ".join(names)
            )
        )

    async def first_picture(self) -> None:
        """Return once the first queue snapshot (after every state) and the lists to
        choose from (pause reasons, classification codes) have been drawn."""
        await self._pictured.wait()
        await self._listed.wait()

    # Events

    def _on_event(self, event: ServerEvent) -> None:
        changed = self.state.apply(event)
        if Changed.ME in changed:
            self._tell_my_queues()
            if self.state.me is not None:
                self._standing_by = self.state.me.standing_by
        if isinstance(event, Welcome):
            # Each (re)connect: the lists may have changed while we were away.
            self._spawn(self._load_lists())
            self._take_back_after_loss()
        if changed is not Changed.NOTHING:
            self.panel.show_state(changed)
        me = self.state.me
        if isinstance(event, StandbyMoved) and me is not None and me.agent_id == event.agent_id:
            self.panel.show_standby_move(event.queue, event.logged_in)
        if isinstance(event, QueueSnapshot):
            self._pictured.set()
        self.sig_event.emit(event)

    async def _load_lists(self) -> None:
        try:
            await self._load_choices()
            await self._load_parked()
        finally:
            self._listed.set()

    async def _load_choices(self) -> None:
        try:
            self.panel.set_pause_reasons(await self.api.pause_reasons())
            self.panel.set_classification_codes(await self.api.classification_codes())
        except ServerError as error:
            self.panel.show_error(describe(error))

    async def _load_parked(self) -> None:
        try:
            self.panel.show_state(self.state.set_parked(await self.api.parked()))
        except ActionRefused as error:
            # A server without the personal queue yet: its events will say if it has one.
            log.info("no personal queue on this server: %s", error)
        except ServerError as error:
            self.panel.show_error(describe(error))

    # Actions

    def _on_ready(self) -> None:
        self._act("ready", self.api.ready())

    def _on_pause(self, reason: str) -> None:
        self._act("pause", self.api.pause(reason))

    def _on_queue_login(self, queue_id: int, log_in: bool) -> None:
        if log_in:
            self._act("login", self.api.log_in([queue_id], self.sip_contact()))
        else:
            self._act("logout", self.api.log_out([queue_id]))

    def _on_all_queues(self, log_in: bool) -> None:
        if log_in:
            self._act("login", self.api.log_in(None, self.sip_contact()))
        else:
            self._act("logout", self.api.log_out(None))

    def _on_standby(self, stand_by: bool) -> None:
        if stand_by:
            self._act("standby", self.api.stand_by(self.sip_contact()))
        else:
            self._act("standby", self.api.stop_standing_by())

    async def leave_queues(self) -> bool:
        """Log out of every queue (standing by no longer), as a supervisor going back to
        its view does, so it takes no calls while it watches. The queues remembered stay
        those it was in: the next agent mode joins them again. Not while on a call: the
        panel says so, and nothing changes. False when it did not leave (the reason shown)."""
        try:
            me = await self.api.state()
            if me.call is not None:
                self.panel.show_error(
                    self.tr("End the call first: you cannot leave the agent mode during a call.")
                )
                return False
            remembered, self._my_queues = self._my_queues, None
            try:
                if me.standing_by:
                    me = await self.api.stop_standing_by()
                if me.queues:
                    await self.api.log_out(None)
            except ServerError:
                self._my_queues = remembered
                raise
        except ServerError as error:
            self.panel.show_error(describe(error))
            return False
        return True

    def _tell_my_queues(self) -> None:
        me = self.state.me
        if self._my_queues is None or me is None:
            return
        names = [queue.name for queue in me.queues]
        if names != self._my_queues:
            self._my_queues = names
            self.sig_my_queues.emit(names)

    def follow_queues(self) -> None:
        """Tell ``sig_my_queues`` from the first picture on (no logins asked at start)."""

        async def follow() -> None:
            await self._pictured.wait()
            self._follow_from_now()

        self._spawn(follow())

    def _follow_from_now(self) -> None:
        me = self.state.me
        self._my_queues = [queue.name for queue in me.queues] if me is not None else []

    def join_queues(self, names: list[str] | None, *, remembered: bool = False) -> None:
        """Log in to the queues named (all the agent is a member of when ``None``) once
        the server has said which those are; a name the agent is not a member of is
        shown in the panel and nothing is joined. ``remembered``: the names are those of
        the last run, and the panel says so. ``sig_my_queues`` follows from then on."""

        async def join() -> None:
            await self._pictured.wait()
            try:
                await join_named()
            finally:
                self._follow_from_now()

        async def join_named() -> None:
            me = self.state.me
            if me is None:
                self.panel.show_error(self.tr("This user has no agent profile: no queues."))
                return
            queue_ids = None
            if names is not None:
                by_name = {queue.name.casefold(): queue.id for queue in me.member_of}
                unknown = [name for name in names if name.casefold() not in by_name]
                if unknown:
                    self.panel.show_error(
                        self.tr("Not a member of: {0}. Member of: {1}.").format(
                            ", ".join(unknown),
                            ", ".join(queue.name for queue in me.member_of) or "-",
                        )
                    )
                    return
                queue_ids = [by_name[name.casefold()] for name in names]
            joined = await self._run("login", self.api.log_in(queue_ids, self.sip_contact()))
            if joined and remembered and names:
                self.panel.show_note(
                    self.tr("Logged in to the queues of your last session: {0}.").format(
                        ", ".join(names)
                    )
                )

        self._spawn(join())

    def _on_classify(self, contact_id: int, code: str) -> None:
        async def classify() -> None:
            await self.api.classify(code)
            self.panel.classified(contact_id)

        self._act("classify", classify())

    def _on_keep_recording(self, contact_id: int) -> None:
        async def keep() -> None:
            await self.recordings.keep_call(contact_id)
            self.panel.recording_kept()

        self._act("keep_recording", keep())

    def _on_take_back(self, contact_id: int) -> None:
        self._act("take_back", self.api.take_parked(contact_id))

    def _act(self, name: str, work: Coroutine[Any, Any, object]) -> None:
        async def run() -> None:
            await self._run(name, work)

        self._spawn(run())

    async def _run(self, name: str, work: Coroutine[Any, Any, object]) -> bool:
        """Do the action; a refusal is shown in the panel. Whether the server said yes."""
        try:
            await work
        except ServerError as error:
            log.info("%s refused: %s", name, error)
            self.panel.show_error(describe(error))
            # Put back what the click changed (a queue box) as the state says.
            self.panel.show_state(Changed.ME)
            return False
        self.panel.show_error("")
        self.sig_action_done.emit(name)
        return True
