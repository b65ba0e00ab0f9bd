from dataclasses import replace

import pytest
from argon2 import Type
from argon2.profiles import RFC_9106_LOW_MEMORY

from tests.server.auth.conftest import CHEAP_PARAMETERS
from vaxla_server.auth import Passwords
from vaxla_server.auth.passwords import DEFAULT_PARAMETERS


def test_the_product_hashes_with_argon2id_at_rfc_9106_strength() -> None:
    assert DEFAULT_PARAMETERS == RFC_9106_LOW_MEMORY
    assert DEFAULT_PARAMETERS.type is Type.ID


def test_hash_verifies_the_password_and_nothing_else() -> None:
    passwords = Passwords(CHEAP_PARAMETERS)
    password_hash = passwords.hash("hunter22")
    assert password_hash.startswith("$argon2id$")
    assert "hunter22" not in password_hash
    assert passwords.verify(password_hash, "hunter22")
    assert not passwords.verify(password_hash, "hunter23")
    assert not passwords.verify("not a hash", "hunter22")


def test_no_hash_never_verifies_even_the_stand_in_password() -> None:
    passwords = Passwords(CHEAP_PARAMETERS)
    assert not passwords.verify(None, "vaxla: no such user")
    assert not passwords.verify(None, "")


def test_a_hash_made_with_other_parameters_verifies_and_needs_a_rehash() -> None:
    old = Passwords(CHEAP_PARAMETERS).hash("hunter22")
    stronger = Passwords(replace(CHEAP_PARAMETERS, time_cost=CHEAP_PARAMETERS.time_cost + 1))
    assert stronger.verify(old, "hunter22")
    assert stronger.needs_rehash(old)
    assert not stronger.needs_rehash(stronger.hash("hunter22"))


def test_only_argon2id_is_accepted() -> None:
    with pytest.raises(ValueError, match="argon2id"):
        Passwords(replace(CHEAP_PARAMETERS, type=Type.I))
