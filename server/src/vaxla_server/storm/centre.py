"""The centre's part of storm messages (R6): switching one on and off at an entry point,
and noting who heard it, each in the event log with who did it.

The switch is the centre's state like an agent's: a server started again reads the
storm messages still on from the log (``centre/recovery.py``)."""

from datetime import datetime

from vaxla_server.centre.errors import InvalidAction, InvalidValue
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.state import StormView
from vaxla_server.store.events import StormEnded, StormHeard, StormStarted


class StormSwitch(CentreKernel):
    """Storm messages at the entry points."""

    def storm_on(
        self,
        entry_point: str,
        audio: str,
        *,
        text: str | None = None,
        prompt: str | None = None,
        by_user: int | None = None,
    ) -> StormView:
        """Switch ``entry_point``'s storm message on (or replace the one that is on):
        ``audio`` is played, made from ``text`` or the recorded ``prompt``."""
        if (text is None) == (prompt is None):
            raise InvalidValue("a storm message is made from a text or a recorded prompt")
        with self._transaction():
            t = self._tick()
            event = StormStarted(
                at=self._at(t), entry_point=entry_point, audio=audio, text=text,
                prompt=prompt, by_user=by_user,
            )  # fmt: skip
            storm = StormView(entry_point, audio, text, prompt, event.at, by_user)
            self._storms[entry_point] = storm
            self._finish([event], t)
            return storm

    def storm_off(self, entry_point: str, *, by_user: int | None = None) -> None:
        """Switch ``entry_point``'s storm message off; refused when none is on."""
        with self._transaction():
            t = self._tick()
            if entry_point not in self._storms:
                raise InvalidAction(f"entry point {entry_point} has no storm message on")
            del self._storms[entry_point]
            self._finish([StormEnded(at=self._at(t), entry_point=entry_point, by_user=by_user)], t)

    def storms(self) -> list[StormView]:
        """Every storm message switched on, by entry point."""
        with self._transaction():
            return sorted(self._storms.values(), key=lambda storm: storm.entry_point)

    def storm_at(self, entry_point: str) -> StormView | None:
        with self._transaction():
            return self._storms.get(entry_point)

    def storm_heard(self, contact_id: int, entry_point: str, started_at: datetime) -> None:
        """The caller ``contact_id`` was played the storm message switched on at
        ``started_at``."""
        with self._transaction():
            t = self._tick()
            self._contact(contact_id)
            event = StormHeard(
                at=self._at(t), contact_id=contact_id, entry_point=entry_point,
                started_at=started_at,
            )  # fmt: skip
            self._finish([event], t)
