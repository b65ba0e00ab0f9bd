"""The watch: every ``WATCH_EVERY_S`` the centre checks its stand-by agents (R23) and
evaluates the alarm rules (R24) on the queues' figures now.

The rules are read from the configuration once and again after each change of it; the
service level is today's from the queue board (computed from the event log), the other
figures are the centre's own. The server runs ``run`` as a task, sleeping through the
injected clock's ``sleep``; a test on a manual clock calls ``check`` itself.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from vaxla_protocol.config import AlarmMetric, AlarmRuleItem
from vaxla_server.centre import EventLogUnavailable
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.config import CONFIG_CHANGED, Configuration
from vaxla_server.stats.board import QueueBoard

logger = logging.getLogger(__name__)

WATCH_EVERY_S = 1.0


class Watch:
    """Runs the centre's stand-by check and alarm evaluation."""

    def __init__(
        self, centre: ContactCentre, board: QueueBoard, configuration: Configuration
    ) -> None:
        self._centre = centre
        self._board = board
        self._configuration = configuration
        self._rules: list[AlarmRuleItem] | None = None
        configuration.notifier.subscribe(CONFIG_CHANGED, self._forget_rules)

    def _forget_rules(self, _change: object) -> None:
        self._rules = None

    def rules(self) -> list[AlarmRuleItem]:
        rules = self._rules
        if rules is None:
            rules = self._rules = self._configuration.alarm_rules.list()
        return rules

    def check(self) -> None:
        """Stand-by agents in or out, then every alarm rule evaluated, now."""
        self._centre.check_standby()
        rules = self.rules()
        levels: dict[int, float | None] = {}
        if any(rule.metric is AlarmMetric.SERVICE_LEVEL_PCT for rule in rules):
            now = self._centre.wall_time()
            levels = {state.id: state.service_level_today for state in self._board.states(now)}
        self._centre.check_alarms(rules, levels)

    async def run(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        """``check`` every ``WATCH_EVERY_S`` (in a thread: it writes to the log), until
        cancelled."""
        while True:
            try:
                await asyncio.to_thread(self.check)
            except EventLogUnavailable:
                pass  # logged where it failed; the next round tries again
            except Exception:
                logger.exception("the alarm and stand-by watch failed")
            await sleep(WATCH_EVERY_S)
