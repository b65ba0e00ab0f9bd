"""A storm message on the wire (the routes and the event socket)."""

from vaxla_protocol.storm import StormMessage
from vaxla_server.auth import Auth
from vaxla_server.centre import StormView


def user_name(auth: Auth, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return auth.users.name_of(user_id)


def storm_message(view: StormView, auth: Auth) -> StormMessage:
    return StormMessage(
        entry_point=view.entry_point,
        text=view.text,
        prompt=view.prompt,
        started_at=view.started_at,
        by=user_name(auth, view.by_user),
    )
