"""Caller input (R5): personnummer with checksum and century, PIN, customer number, digits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from vaxla_server.config.caller_input import (
    BadChecksumError,
    BirthDateInFutureError,
    CallerInputError,
    CustomerNumber,
    CustomerNumberRule,
    DigitRule,
    FreeDigits,
    FreeDigitsRule,
    ImpossibleDateError,
    InputKind,
    InvalidCharacterError,
    InvalidRuleError,
    MisplacedSeparatorError,
    Personnummer,
    PersonnummerRule,
    Pin,
    PinRule,
    SamordningsnummerNotAllowedError,
    WrongLengthError,
    luhn_check_digit,
    mask_personnummer,
)

TODAY = date(2026, 11, 21)
RULE = PersonnummerRule()


def check_digit(payload: str) -> str:
    """Skatteverket's description, written independently of the product's Luhn: weights
    2,1,2,1,... from the left over the nine digits, digit sums of the products, and the
    check digit tops the sum up to a multiple of ten."""
    assert len(payload) == 9
    total = sum(
        sum(divmod(int(digit) * (2 - index % 2), 10)) for index, digit in enumerate(payload)
    )
    return str(-total % 10)


def pnr(yymmdd: str, serial: str = "123", separator: str = "") -> str:
    """A synthetic 10-digit number with a correct check digit."""
    return f"{yymmdd}{separator}{serial}{check_digit(yymmdd + serial)}"


def test_the_independent_check_digit_agrees_with_the_classic_test_number() -> None:
    assert check_digit("811218987") == "6"
    assert luhn_check_digit("811218987") == 6


# --- personnummer: accepted ------------------------------------------------------------

VALID = [
    # entered, reference date, normalised, samordningsnummer
    ("19811218-9876", TODAY, "198112189876", False),
    ("198112189876", TODAY, "198112189876", False),
    ("811218-9876", TODAY, "198112189876", False),
    ("8112189876", TODAY, "198112189876", False),
    ("  8112189876 ", TODAY, "198112189876", False),
    ("811218+9876", TODAY, "188112189876", False),
    # Samordningsnummer: day of month + 60.
    (pnr("811278"), TODAY, "19811278" + pnr("811278")[6:], True),
    # Century around the reference date 2026-11-21.
    (pnr("261121"), TODAY, "20261121" + pnr("261121")[6:], False),
    (pnr("261122"), TODAY, "19261122" + pnr("261122")[6:], False),
    (pnr("261122", separator="-"), TODAY, "19261122" + pnr("261122")[6:], False),
    (pnr("261122", separator="+"), TODAY, "19261122" + pnr("261122")[6:], False),
    (pnr("261121", separator="+"), TODAY, "19261121" + pnr("261121")[6:], False),
    (pnr("270101"), TODAY, "19270101" + pnr("270101")[6:], False),
    (pnr("270101", separator="+"), TODAY, "18270101" + pnr("270101")[6:], False),
    (pnr("991231"), TODAY, "19991231" + pnr("991231")[6:], False),
    (pnr("000101"), TODAY, "20000101" + pnr("000101")[6:], False),
    (pnr("000229"), TODAY, "20000229" + pnr("000229")[6:], False),
    # Reference date on a century's first day.
    (pnr("991231"), date(2000, 1, 1), "19991231" + pnr("991231")[6:], False),
    (pnr("000101"), date(2000, 1, 1), "20000101" + pnr("000101")[6:], False),
    (pnr("000102"), date(2000, 1, 1), "19000102" + pnr("000102")[6:], False),
    # Turning 100 in 2000 means '+' from 2000-01-01 on.
    (pnr("000102", separator="+"), date(2000, 1, 1), "19000102" + pnr("000102")[6:], False),
    # A 100-year-old keying 12 digits on a phone needs no '+'.
    ("19" + pnr("250505"), TODAY, "19" + pnr("250505"), False),
]


@pytest.mark.parametrize(("entered", "today", "normalised", "samordning"), VALID)
def test_valid_personnummer(entered: str, today: date, normalised: str, samordning: bool) -> None:
    result = RULE.validate(entered, today=today)
    assert result.digits == normalised
    assert result.is_samordningsnummer is samordning
    assert result.kind is InputKind.PERSONNUMMER
    day = int(normalised[6:8]) - (60 if samordning else 0)
    assert result.birth_date == date(int(normalised[:4]), int(normalised[4:6]), day)
    assert result.formatted == f"{normalised[:8]}-{normalised[8:]}"


def test_a_samordningsnummer_keeps_its_day_plus_60_and_gives_the_real_birth_date() -> None:
    result = RULE.validate(pnr("811278"), today=TODAY)
    assert result.is_samordningsnummer and result.birth_date == date(1981, 12, 18)
    assert result.digits[6:8] == "78"


def test_synthetic_numbers_across_a_century_are_accepted() -> None:
    day = date(1927, 1, 1)
    while day <= TODAY:
        yymmdd = day.strftime("%y%m%d")
        for serial in ("001", "482", "999"):
            result = RULE.validate(pnr(yymmdd, serial), today=TODAY)
            assert result.birth_date == day
            coordination = f"{yymmdd[:4]}{day.day + 60}"
            assert RULE.validate(pnr(coordination, serial), today=TODAY).birth_date == day
        day += timedelta(days=37)


# --- personnummer: refused -------------------------------------------------------------


def _with_bad_check(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


INVALID: list[tuple[str, date, type[CallerInputError]]] = [
    ("811218-9875", TODAY, BadChecksumError),
    ("198112189875", TODAY, BadChecksumError),
    (_with_bad_check(pnr("811278")), TODAY, BadChecksumError),
    ("", TODAY, WrongLengthError),
    ("81121898", TODAY, WrongLengthError),
    ("81121898765", TODAY, WrongLengthError),
    ("8112189876543", TODAY, WrongLengthError),
    ("811218*9876", TODAY, InvalidCharacterError),
    ("811218 9876", TODAY, InvalidCharacterError),
    ("".join(chr(0xFF10 + int(d)) for d in "8112189876"), TODAY, InvalidCharacterError),
    ("81-1218-9876", TODAY, MisplacedSeparatorError),
    ("8112-189876", TODAY, MisplacedSeparatorError),
    ("19811218+9876", TODAY, MisplacedSeparatorError),
    ("+8112189876", TODAY, MisplacedSeparatorError),
    (pnr("811318"), TODAY, ImpossibleDateError),  # month 13
    (pnr("810018"), TODAY, ImpossibleDateError),  # month 0
    (pnr("810230"), TODAY, ImpossibleDateError),  # 30 February
    (pnr("810200"), TODAY, ImpossibleDateError),  # day 0
    (pnr("810431"), TODAY, ImpossibleDateError),  # 31 April
    (pnr("811260"), TODAY, ImpossibleDateError),  # samordningsnummer day 0
    (pnr("811292"), TODAY, ImpossibleDateError),  # samordningsnummer day 32
    (pnr("810289"), TODAY, ImpossibleDateError),  # samordningsnummer 29 February 1981
    ("19" + pnr("000229"), TODAY, ImpossibleDateError),  # 1900 was no leap year
    (pnr("000229", separator="+"), TODAY, ImpossibleDateError),  # '+' means 1900 here
    ("20" + pnr("301218"), TODAY, BirthDateInFutureError),
    ("20" + pnr("261122"), TODAY, BirthDateInFutureError),
]


@pytest.mark.parametrize(("entered", "today", "error"), INVALID)
def test_invalid_personnummer(entered: str, today: date, error: type[CallerInputError]) -> None:
    with pytest.raises(error) as raised:
        RULE.validate(entered, today=today)
    assert str(raised.value)


def test_every_single_wrong_digit_is_caught() -> None:
    number = "8112189876"
    for position, original in enumerate(number):
        for digit in "0123456789":
            if digit != original:
                mistyped = number[:position] + digit + number[position + 1 :]
                with pytest.raises(CallerInputError):
                    RULE.validate(mistyped, today=TODAY)


def test_errors_say_what_is_wrong() -> None:
    with pytest.raises(BadChecksumError) as checksum:
        RULE.validate("811218-9875", today=TODAY)
    assert (checksum.value.expected, checksum.value.entered) == (6, 5)
    with pytest.raises(WrongLengthError) as length:
        RULE.validate("81121898", today=TODAY)
    assert length.value.length == 8 and "expected 10 or 12" in str(length.value)
    with pytest.raises(ImpossibleDateError) as impossible:
        RULE.validate("19" + pnr("000229"), today=TODAY)
    assert "1900-02-29" in str(impossible.value)
    with pytest.raises(InvalidCharacterError) as character:
        RULE.validate("811218*9876", today=TODAY)
    assert (character.value.character, character.value.position) == ("*", 6)


def test_samordningsnummer_can_be_refused() -> None:
    strict = PersonnummerRule(allow_samordningsnummer=False)
    with pytest.raises(SamordningsnummerNotAllowedError):
        strict.validate(pnr("811278"), today=TODAY)
    assert strict.validate("8112189876", today=TODAY).digits == "198112189876"


def test_checked_number_does_not_leak_in_its_repr() -> None:
    result = RULE.validate("8112189876", today=TODAY)
    assert "811218" not in repr(result) and "9876" in repr(result)


# --- masking ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["198112189876", "19811218-9876", "8112189876", "811218-9876", "811218+9876"]
)
def test_mask_shows_only_the_last_four_digits(value: str) -> None:
    assert mask_personnummer(value) == "********-9876"


def test_mask_of_a_checked_number() -> None:
    assert mask_personnummer(RULE.validate("811218-9876", today=TODAY)) == "********-9876"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("12345", WrongLengthError),
        ("81121x9876", InvalidCharacterError),
        ("81-12189876", MisplacedSeparatorError),
    ],
)
def test_mask_refuses_what_is_no_personnummer(value: str, error: type[CallerInputError]) -> None:
    with pytest.raises(error):
        mask_personnummer(value)


# --- PIN, customer number, free digits --------------------------------------------------


def luhn_number(payload: str) -> str:
    """A payload with a Luhn digit appended, computed from the right as ISO/IEC 7812 says."""
    total = 0
    for index, digit in enumerate(reversed(payload)):
        doubled = int(digit) * 2 if index % 2 == 0 else int(digit)
        total += doubled // 10 + doubled % 10
    return payload + str(-total % 10)


RULE_CASES: list[tuple[DigitRule, str, object]] = [
    (PinRule(4), "1234", Pin("1234")),
    (PinRule(4), "0000", Pin("0000")),
    (PinRule(6), "123456", Pin("123456")),
    (PinRule(4), "123", WrongLengthError),
    (PinRule(4), "12345", WrongLengthError),
    (PinRule(4), "12a4", InvalidCharacterError),
    (PinRule(4), "", WrongLengthError),
    (CustomerNumberRule(5, 8), "12345", CustomerNumber("12345")),
    (CustomerNumberRule(5, 8), "12345678", CustomerNumber("12345678")),
    (CustomerNumberRule(5, 8), "1234", WrongLengthError),
    (CustomerNumberRule(5, 8), "123456789", WrongLengthError),
    (CustomerNumberRule(5, 8), "1234#", InvalidCharacterError),
    (CustomerNumberRule(5, 8, luhn=True), luhn_number("4711"), CustomerNumber),
    (CustomerNumberRule(5, 8, luhn=True), luhn_number("4711") + "0", BadChecksumError),
    (CustomerNumberRule(5, 12, luhn=True), "79927398713", CustomerNumber("79927398713")),
    (CustomerNumberRule(5, 12, luhn=True), "79927398710", BadChecksumError),
    (FreeDigitsRule(), "0", FreeDigits("0")),
    (FreeDigitsRule(), "9" * 20, FreeDigits("9" * 20)),
    (FreeDigitsRule(), "9" * 21, WrongLengthError),
    (FreeDigitsRule(), "", WrongLengthError),
    (FreeDigitsRule(2, 3), "1", WrongLengthError),
    (FreeDigitsRule(), "12*", InvalidCharacterError),
]


@pytest.mark.parametrize(("rule", "entered", "expected"), RULE_CASES)
def test_digit_rules(rule: DigitRule, entered: str, expected: object) -> None:
    if isinstance(expected, type) and issubclass(expected, CallerInputError):
        with pytest.raises(expected):
            rule.validate(entered, today=TODAY)
    elif isinstance(expected, type):
        assert isinstance(rule.validate(entered, today=TODAY), expected)
    else:
        assert rule.validate(entered, today=TODAY) == expected


def test_luhn_customer_numbers_catch_every_single_wrong_digit() -> None:
    rule = CustomerNumberRule(6, 6, luhn=True)
    number = luhn_number("31415")
    assert rule.validate(number, today=TODAY) == CustomerNumber(number)
    for position in range(len(number)):
        for digit in "0123456789":
            if digit != number[position]:
                with pytest.raises(BadChecksumError):
                    rule.validate(number[:position] + digit + number[position + 1 :], today=TODAY)


def test_every_rule_says_what_it_collected() -> None:
    rules: list[tuple[DigitRule, str, InputKind]] = [
        (PersonnummerRule(), "8112189876", InputKind.PERSONNUMMER),
        (PinRule(4), "1234", InputKind.PIN),
        (CustomerNumberRule(1, 10), "42", InputKind.CUSTOMER_NUMBER),
        (FreeDigitsRule(), "42", InputKind.FREE_DIGITS),
    ]
    for rule, entered, kind in rules:
        assert rule.validate(entered, today=TODAY).kind is kind


def test_a_pin_does_not_leak_in_its_repr() -> None:
    assert "1234" not in repr(PinRule(4).validate("1234", today=TODAY))


@pytest.mark.parametrize(
    "build",
    [
        lambda: PinRule(0),
        lambda: PinRule(65),
        lambda: CustomerNumberRule(0, 5),
        lambda: CustomerNumberRule(6, 5),
        lambda: CustomerNumberRule(1, 5, luhn=True),
        lambda: FreeDigitsRule(0, 5),
        lambda: FreeDigitsRule(3, 2),
    ],
)
def test_impossible_rules_are_refused(build: Callable[[], object]) -> None:
    with pytest.raises(InvalidRuleError):
        build()


def test_personnummer_result_type() -> None:
    assert isinstance(RULE.validate("8112189876", today=TODAY), Personnummer)
