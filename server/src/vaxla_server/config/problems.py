"""A problem ``Configuration.check`` finds in the stored configuration as a whole."""

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """Something wrong with the stored configuration as a whole; ``where`` names it."""

    severity: Severity
    where: str
    message: str
