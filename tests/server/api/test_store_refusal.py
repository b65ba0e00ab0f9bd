"""Routes outside the centre that cannot write the store answer 503 with the reason."""

from tests.server.api.running import Centre
from tests.server.auth.conftest import PASSWORD
from tests.server.centre.test_write_ahead import refusing_writes
from vaxla_protocol import API_PREFIX


def test_a_login_and_a_logout_the_store_cannot_write_answer_503(running: Centre) -> None:
    token = running.token("anna")
    engine = running.api.app.state.services.store.engine
    with refusing_writes(engine):
        login = running.api.request(
            "POST", f"{API_PREFIX}/auth/login", json={"username": "bo", "password": PASSWORD}
        )
        logout = running.api.request("POST", f"{API_PREFIX}/auth/logout", token=token)
    for refused in (login, logout):
        assert refused.status_code == 503, refused.text
        detail = refused.json()["detail"]
        assert detail.startswith("the store cannot write: ") and "readonly" in detail
        assert detail.endswith("the request was not carried out, try again later")
    # Nothing was changed: anna's session still works, and both work once it writes.
    assert running.api.request("GET", f"{API_PREFIX}/auth/me", token=token).status_code == 200
    assert running.api.request("POST", f"{API_PREFIX}/auth/logout", token=token).status_code == 204
    assert running.token("bo")
