"""Numbers spoken from prompt files: an int becomes the prompt names to play, per language.

Both default sets (``tools/make-prompts``) hold ``number_0`` … ``number_20``, the tens
``number_30`` … ``number_90``, ``number_100`` ("one hundred" / "etthundra") and
``number_hundred`` ("hundred" / "hundra"). 21 is ``number_20`` + ``number_1`` in both
languages: Swedish uses the counting form ("tjugo" + "ett", not "tjugoen"), so one file
per number word suffices. 345 is ``number_3``, ``number_hundred``, ``number_40``,
``number_5`` ("three hundred forty five" / "tre hundra fyrtio fem").
"""

from typing import Final, Literal

Language = Literal["sv", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("sv", "en")
LARGEST: Final = 999


class NumberOutOfRange(ValueError):
    """The number cannot be spoken from the number prompts (only 0-999 can)."""


def _below_hundred(value: int) -> list[str]:
    if value <= 20 or value % 10 == 0:
        return [f"number_{value}"]
    return [f"number_{value - value % 10}", f"number_{value % 10}"]


def number_prompts(value: int, language: Language) -> list[str]:
    """The prompt names that say ``value`` (0-999) in ``language``, in order."""
    if language not in LANGUAGES:
        raise ValueError(f"no number prompts for language {language!r}; known: {LANGUAGES}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a number must be an int, not {type(value).__name__}")
    if not 0 <= value <= LARGEST:
        raise NumberOutOfRange(f"{value} cannot be spoken: number prompts cover 0-{LARGEST}")
    hundreds, rest = divmod(value, 100)
    names: list[str] = []
    if hundreds == 1:
        names.append("number_100")
    elif hundreds > 1:
        names += [f"number_{hundreds}", "number_hundred"]
    if rest or not names:
        names += _below_hundred(rest)
    return names
