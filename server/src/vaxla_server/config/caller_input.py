"""Digits a caller enters (R5): personnummer, PIN, customer number and free digits.

Each rule turns what was entered into a typed value that can travel with the call to the
agent, or raises a typed error saying what is wrong, so the call flow can pick the right
"please try again" prompt. Rules are configuration and refuse impossible settings when
they are built, not when the first caller hits them.

Every rule has the same `validate(entered, today=...)` signature so the call flow can hold
any of them; `today` is the reference date in the entry point's time zone and only the
personnummer rule needs it (to tell which century a 10-digit number belongs to).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Protocol

# The widest a caller's entry can sensibly be; longer input is a stuck key, not data.
MAX_DIGITS = 64

_PERSONNUMMER_SHAPE = re.compile(
    r"(?P<century>\d{2})?(?P<yymmdd>\d{6})(?P<separator>[-+]?)(?P<serial>\d{4})"
)
_SAMORDNING_DAY_OFFSET = 60


class CallerInputError(ValueError):
    """Entered digits that a rule does not accept; the message says what is wrong."""


class InvalidCharacterError(CallerInputError):
    """A character that is not a digit (or not an allowed separator)."""

    def __init__(self, character: str, position: int) -> None:
        super().__init__(f"character {character!r} at position {position + 1} is not a digit")
        self.character = character
        self.position = position


class WrongLengthError(CallerInputError):
    """Too few or too many digits."""

    def __init__(self, length: int, allowed: tuple[int, ...] | range) -> None:
        if isinstance(allowed, range):
            expected = f"{allowed.start} to {allowed.stop - 1}"
        else:
            expected = " or ".join(str(count) for count in allowed)
        super().__init__(f"{length} digits entered; expected {expected}")
        self.length = length
        self.allowed = allowed


class MisplacedSeparatorError(CallerInputError):
    """A '-' or '+' that is not between the birth date and the last four digits."""

    def __init__(self) -> None:
        super().__init__(
            "a separator may only stand before the last four digits, "
            "and '+' only in the 10-digit form"
        )


class BadChecksumError(CallerInputError):
    """The last digit does not match the Luhn checksum of the digits before it."""

    def __init__(self, expected: int, entered: int) -> None:
        super().__init__(f"check digit is {entered} but the other digits give {expected}")
        self.expected = expected
        self.entered = entered


class ImpossibleDateError(CallerInputError):
    """The birth date part is not a date (month 13, 30 February, day 0)."""

    def __init__(self, year: int | None, month: int, day: int) -> None:
        month_day = f"{month:02d}-{day:02d}"
        shown = f"{year:04d}-{month_day}" if year is not None else f"month-day {month_day}"
        super().__init__(f"{shown} is not a date")
        self.year = year
        self.month = month
        self.day = day


class BirthDateInFutureError(CallerInputError):
    """A birth date after the reference date."""

    def __init__(self, birth_date: date, today: date) -> None:
        super().__init__(
            f"birth date {birth_date.isoformat()} is after the reference date {today.isoformat()}"
        )
        self.birth_date = birth_date
        self.today = today


class SamordningsnummerNotAllowedError(CallerInputError):
    """A coordination number where the rule asks for a personnummer proper."""

    def __init__(self) -> None:
        super().__init__("this is a samordningsnummer, and the rule accepts personnummer only")


class InvalidRuleError(ValueError):
    """A digit-collection rule whose settings no input could satisfy."""


def luhn_check_digit(payload: str) -> int:
    """The Luhn digit that makes `payload + digit` valid (personnummer's last digit)."""
    total = 0
    # Doubling starts at the digit next to the check digit, i.e. the payload's last.
    for index, character in enumerate(reversed(payload)):
        value = int(character) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _check_digits(entered: str, *, extra: str = "") -> None:
    for position, character in enumerate(entered):
        if not (character.isascii() and character.isdigit()) and character not in extra:
            raise InvalidCharacterError(character, position)


def _check_luhn(digits: str) -> None:
    expected = luhn_check_digit(digits[:-1])
    if int(digits[-1]) != expected:
        raise BadChecksumError(expected, int(digits[-1]))


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ImpossibleDateError(year, month, day) from None


class InputKind(enum.Enum):
    """What a validated entry is, as the agent's panel labels it."""

    PERSONNUMMER = "personnummer"
    PIN = "pin"
    CUSTOMER_NUMBER = "customer_number"
    FREE_DIGITS = "free_digits"


@dataclass(frozen=True, repr=False)
class Personnummer:
    """A checked personnummer or samordningsnummer, normalised to 12 digits.

    The repr shows only the last four digits, so a logged value does not leak it.
    """

    digits: str
    birth_date: date
    is_samordningsnummer: bool

    kind: ClassVar[InputKind] = InputKind.PERSONNUMMER

    def __repr__(self) -> str:
        return f"Personnummer({mask_personnummer(self)})"

    @property
    def formatted(self) -> str:
        """YYYYMMDD-NNNN, the form Skatteverket writes with a full year."""
        return f"{self.digits[:8]}-{self.digits[8:]}"


@dataclass(frozen=True, repr=False)
class Pin:
    """A PIN code of the configured length."""

    digits: str

    kind: ClassVar[InputKind] = InputKind.PIN

    def __repr__(self) -> str:
        # A PIN is a secret: logs and tracebacks must not show it.
        return "Pin(****)"


@dataclass(frozen=True)
class CustomerNumber:
    """A customer number within the configured length (and checksum, if asked)."""

    digits: str

    kind: ClassVar[InputKind] = InputKind.CUSTOMER_NUMBER


@dataclass(frozen=True)
class FreeDigits:
    """Any digits within the configured length, taken as entered."""

    digits: str

    kind: ClassVar[InputKind] = InputKind.FREE_DIGITS


EnteredData = Personnummer | Pin | CustomerNumber | FreeDigits


class DigitRule(Protocol):
    """A digit-collection rule: validates one entry."""

    def validate(self, entered: str, *, today: date) -> EnteredData:
        """The typed value, or a `CallerInputError` saying what is wrong."""
        ...


def _length_range(min_length: int, max_length: int) -> range:
    if min_length < 1:
        raise InvalidRuleError(f"minimum length {min_length} must be at least 1")
    if max_length < min_length:
        raise InvalidRuleError(f"maximum length {max_length} is below minimum {min_length}")
    if max_length > MAX_DIGITS:
        raise InvalidRuleError(f"maximum length {max_length} is above {MAX_DIGITS}")
    return range(min_length, max_length + 1)


@dataclass(frozen=True)
class PersonnummerRule:
    """Swedish personnummer, 10 or 12 digits, with '-' or '+' or no separator.

    A 10-digit number resolves to the most recent birth date on or before `today`, so a
    caller of 0 to 99 years needs no century; '+' (written from the year a person turns
    100) moves the birth year to at least 100 years before `today`'s year. A phone keypad
    has no '+', so a caller of 100 or more enters the 12-digit form. A samordningsnummer
    (day of month + 60) is accepted unless `allow_samordningsnummer` is False.
    """

    allow_samordningsnummer: bool = True

    def validate(self, entered: str, *, today: date) -> Personnummer:
        """The 12-digit normalised number, or what is wrong with the entry."""
        text = entered.strip()
        _check_digits(text, extra="-+")
        digit_count = sum(character.isdigit() for character in text)
        if digit_count not in (10, 12):
            raise WrongLengthError(digit_count, (10, 12))
        shape = _PERSONNUMMER_SHAPE.fullmatch(text)
        if shape is None or (shape["century"] and shape["separator"] == "+"):
            raise MisplacedSeparatorError()
        yymmdd, serial = shape["yymmdd"], shape["serial"]
        _check_luhn(yymmdd + serial)
        month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
        is_samordningsnummer = day > _SAMORDNING_DAY_OFFSET
        if is_samordningsnummer:
            if not self.allow_samordningsnummer:
                raise SamordningsnummerNotAllowedError()
            day -= _SAMORDNING_DAY_OFFSET
        if shape["century"]:
            birth_date = _make_date(int(shape["century"] + yymmdd[:2]), month, day)
        else:
            birth_date = _resolve_century(
                int(yymmdd[:2]), month, day, today, centenarian=shape["separator"] == "+"
            )
        if birth_date > today:
            raise BirthDateInFutureError(birth_date, today)
        return Personnummer(
            digits=f"{birth_date.year // 100:02d}{yymmdd}{serial}",
            birth_date=birth_date,
            is_samordningsnummer=is_samordningsnummer,
        )


def _resolve_century(yy: int, month: int, day: int, today: date, *, centenarian: bool) -> date:
    """The birth date of a 10-digit number, relative to `today`.

    Without '+': the latest date with these digits that is not after `today`. With '+':
    the latest year with these two digits at least 100 years before `today`'s year
    (Skatteverket switches the separator at the start of the year a person turns 100).
    A 29 February that does not exist in the chosen century is an impossible date, not a
    reason to look a century further back.
    """
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ImpossibleDateError(None, month, day)
    latest_year = today.year - 100 if centenarian else today.year
    year = latest_year - (latest_year - yy) % 100
    if not centenarian and (month, day) > (today.month, today.day) and year == today.year:
        year -= 100
    return _make_date(year, month, day)


@dataclass(frozen=True)
class PinRule:
    """A PIN code of exactly `length` digits."""

    length: int = 4

    def __post_init__(self) -> None:
        _length_range(self.length, self.length)

    def validate(self, entered: str, *, today: date) -> Pin:
        """The PIN, or what is wrong with it; `today` is not needed."""
        del today
        text = entered.strip()
        _check_digits(text)
        if len(text) != self.length:
            raise WrongLengthError(len(text), (self.length,))
        return Pin(text)


@dataclass(frozen=True)
class CustomerNumberRule:
    """A customer number of `min_length` to `max_length` digits, Luhn-checked if `luhn`."""

    min_length: int
    max_length: int
    luhn: bool = False

    def __post_init__(self) -> None:
        _length_range(self.min_length, self.max_length)
        if self.luhn and self.min_length < 2:
            raise InvalidRuleError("a Luhn-checked number needs at least 2 digits")

    def validate(self, entered: str, *, today: date) -> CustomerNumber:
        """The customer number, or what is wrong with it; `today` is not needed."""
        del today
        text = entered.strip()
        _check_digits(text)
        allowed = range(self.min_length, self.max_length + 1)
        if len(text) not in allowed:
            raise WrongLengthError(len(text), allowed)
        if self.luhn:
            _check_luhn(text)
        return CustomerNumber(text)


@dataclass(frozen=True)
class FreeDigitsRule:
    """Any digits, `min_length` to `max_length` of them (R5's "any number")."""

    min_length: int = 1
    max_length: int = 20

    def __post_init__(self) -> None:
        _length_range(self.min_length, self.max_length)

    def validate(self, entered: str, *, today: date) -> FreeDigits:
        """The digits as entered, or what is wrong with them; `today` is not needed."""
        del today
        text = entered.strip()
        _check_digits(text)
        allowed = range(self.min_length, self.max_length + 1)
        if len(text) not in allowed:
            raise WrongLengthError(len(text), allowed)
        return FreeDigits(text)


def mask_personnummer(value: Personnummer | str) -> str:
    """The number with only its last four digits shown, as "********-NNNN".

    The mask has the same shape whatever form was entered: a '+' or a 10-digit form
    would hint at the caller's age, which is what masking is meant to hide.
    """
    text = value.digits if isinstance(value, Personnummer) else value.strip()
    _check_digits(text, extra="-+")
    digit_count = sum(character.isdigit() for character in text)
    if digit_count not in (10, 12):
        raise WrongLengthError(digit_count, (10, 12))
    shape = _PERSONNUMMER_SHAPE.fullmatch(text)
    if shape is None:
        raise MisplacedSeparatorError()
    return f"********-{shape['serial']}"
