"""One action of a desk, run in the background: the panel's last error is cleared first,
and the server's refusal is shown there in words (``ui.messages.describe``)."""

from collections.abc import Coroutine
from typing import Any, Protocol

from vaxla_desktop.api import ServerError
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.ui.messages import describe


class ShowsErrors(Protocol):
    def show_error(self, text: str) -> None: ...


def act(background: BackgroundWork, shown: ShowsErrors, work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` in ``background``; a refusal is said in ``shown``."""

    async def run() -> None:
        shown.show_error("")
        try:
            await work
        except ServerError as error:
            shown.show_error(describe(error))

    background.spawn(run())
