"""Password hashing with argon2id."""

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

# RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes; about 0.1 s a hash.
DEFAULT_PARAMETERS = RFC_9106_LOW_MEMORY


class Passwords:
    """Hashes passwords and checks them against stored hashes.

    A hash made with other parameters than the current ones still verifies, and
    ``needs_rehash`` says it should be replaced at the next successful login.
    """

    def __init__(self, parameters: Parameters = DEFAULT_PARAMETERS) -> None:
        if parameters.type is not Type.ID:
            raise ValueError(f"passwords are hashed with argon2id, not {parameters.type.name}")
        self._hasher = PasswordHasher.from_parameters(parameters)
        # Checked instead of a real hash when the user does not exist, so that the answer
        # takes as long as for a wrong password.
        self._dummy_hash = self._hasher.hash("vaxla: no such user")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches ``password_hash``; ``None`` costs the same and fails."""
        try:
            stored = self._dummy_hash if password_hash is None else password_hash
            matches = self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
        return matches and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
