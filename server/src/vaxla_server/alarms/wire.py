"""The raised alarms on the wire (``vaxla_protocol.alarms.AlarmState``), from the
centre's view of them: for ``/alarms`` and the event socket."""

from vaxla_protocol.alarms import AlarmState
from vaxla_protocol.config import AlarmMetric, Comparison, Severity
from vaxla_server.centre.contact_centre import AlarmView, ContactCentre


def alarm_state(view: AlarmView, queue_names: dict[int, str]) -> AlarmState:
    return AlarmState(
        rule=view.rule,
        queue_id=view.queue_id,
        queue=queue_names.get(view.queue_id, str(view.queue_id)),
        metric=AlarmMetric(view.metric),
        comparison=Comparison(view.comparison),
        threshold=view.threshold,
        value=view.value,
        severity=Severity(view.severity),
        raised_at=view.raised_at,
        acknowledged_by=view.acknowledged_name,
        acknowledged_at=view.acknowledged_at,
    )


def alarm_states(centre: ContactCentre) -> list[AlarmState]:
    """Every raised alarm now, the newest first."""
    names = centre.queue_names()
    return [alarm_state(view, names) for view in centre.alarms()]
