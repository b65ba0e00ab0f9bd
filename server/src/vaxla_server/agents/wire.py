"""An agent's state on the wire (``vaxla_protocol.agent.AgentState``), from the centre's
view of it: for the agent routes and the event socket."""

from vaxla_protocol.agent import AgentCall, AgentState, QueueRef
from vaxla_server.centre import AgentView
from vaxla_server.centre.contact_centre import ContactCentre


def agent_state(centre: ContactCentre, view: AgentView) -> AgentState:
    names = centre.queue_names()
    return AgentState(
        agent_id=view.agent_id,
        username=view.username,
        state=view.state,
        reason=view.reason,
        queues=[QueueRef(id=q, name=names.get(q, str(q))) for q in view.queues],
        member_of=[QueueRef(id=q, name=names.get(q, str(q))) for q in view.member_of],
        last_contact=view.last_contact,
        wrap_up_until=view.wrap_up_until,
        state_since=view.state_since,
        standby=view.standby,
        standing_by=view.standing_by,
        call=None
        if (call := view.call) is None
        else AgentCall(
            contact_id=call.contact_id,
            queue=None
            if call.queue_id is None
            else QueueRef(id=call.queue_id, name=names.get(call.queue_id, str(call.queue_id))),
            direction="outbound" if call.outbound else "inbound",
            since=call.since,
        ),
    )
