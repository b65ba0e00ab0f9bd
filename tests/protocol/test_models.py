import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from vaxla_protocol import (
    PROTOCOL_VERSION,
    Health,
    LoginRequest,
    LoginResponse,
)

non_empty = st.text(min_size=1)


@given(version=non_empty, protocol_version=st.integers(min_value=1))
def test_health_round_trips_through_json(version: str, protocol_version: int) -> None:
    health = Health(status="ok", version=version, protocol_version=protocol_version)
    assert Health.model_validate_json(health.model_dump_json()) == health


@given(username=non_empty, password=non_empty)
def test_login_request_round_trips_through_json(username: str, password: str) -> None:
    request = LoginRequest(username=username, password=password)
    assert LoginRequest.model_validate_json(request.model_dump_json()) == request


def test_login_response_round_trips_through_json() -> None:
    response = LoginResponse(token="abc.def")
    assert LoginResponse.model_validate_json(response.model_dump_json()) == response


def test_password_and_token_stay_out_of_repr() -> None:
    assert "hunter2" not in repr(LoginRequest(username="anna", password="hunter2"))
    assert "s3cr3t" not in repr(LoginResponse(token="s3cr3t"))


@pytest.mark.parametrize(
    "payload",
    [
        '{"status": "ok", "version": "1.0", "protocol_version": 1, "extra": true}',
        '{"status": "down", "version": "1.0", "protocol_version": 1}',
        '{"status": "ok", "version": "", "protocol_version": 1}',
        '{"status": "ok", "version": "1.0", "protocol_version": 0}',
    ],
)
def test_health_rejects_malformed_payloads(payload: str) -> None:
    with pytest.raises(ValidationError):
        Health.model_validate_json(payload)


def test_login_request_needs_both_fields() -> None:
    with pytest.raises(ValidationError):
        LoginRequest(username="anna", password="")


def test_models_are_immutable() -> None:
    health = Health(status="ok", version="1.0", protocol_version=PROTOCOL_VERSION)
    with pytest.raises(ValidationError):
        health.version = "2.0"  # type: ignore[misc]
