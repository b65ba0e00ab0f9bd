"""Swedish order and search-as-you-type for the directory.

Order is Swedish: å, ä, ö after z (``sort_key``); é sorts as e, ü as y, æ as ä and ø
as ö, case aside. Search (``matches``) folds case and accents the same way, and a query
written without å, ä or ö also finds them as a, a and o ("ostlund" finds Östlund), while
a query that has them asks for them ("öst" does not find Ostlund). Digits in a query
match a number written with or without its leading +, and a Swedish national number
(070…) its E.164 form (+4670…).
"""

import unicodedata
from collections.abc import Iterable

_SWEDISH_LAST = {"å": "{", "ä": "|", "ö": "}"}
"""å, ä, ö sort after z: the three characters after ``z`` in code point order."""
_AS_SWEDISH = {"æ": "ä", "ø": "ö", "ü": "y"}
_PLAIN = str.maketrans({"å": "a", "ä": "a", "ö": "o"})


def fold(text: str) -> str:
    """``text`` in lower case with its accents gone, but å, ä and ö kept (Swedish letters)."""
    out: list[str] = []
    for char in text.casefold():
        if char in _SWEDISH_LAST:
            out.append(char)
            continue
        char = _AS_SWEDISH.get(char, char)
        if char in _SWEDISH_LAST:
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFD", char)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def sort_key(text: str) -> tuple[str, str]:
    """Swedish alphabetical order; ties broken by the text itself (stable)."""
    folded = fold(text)
    return "".join(_SWEDISH_LAST.get(c, c) for c in folded), text


def matches(query: str, fields: Iterable[str], numbers: Iterable[str] = ()) -> bool:
    """Whether every word of ``query`` is found in one of ``fields`` (or, for a word of
    digits, in one of ``numbers``)."""
    haystack = [fold(field) for field in fields]
    digits = ["".join(c for c in number if c.isdigit()) for number in numbers]
    for word in fold(query).split():
        plain = word.translate(_PLAIN) == word  # no å, ä or ö: they count as a, a, o
        found = any(word in text or (plain and word in text.translate(_PLAIN))
                    for text in haystack)  # fmt: skip
        number = word.lstrip("+").replace("-", "")
        if not found and number.isdigit():
            national = "46" + number[1:] if number.startswith("0") and len(number) > 1 else None
            found = any(number in d or (national is not None and d.startswith(national))
                        for d in digits)  # fmt: skip
        if not found:
            return False
    return True
