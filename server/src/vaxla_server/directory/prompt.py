"""What a caller hears of a person's hänvisning (R29): the presence's reason and return
time composed from the prompt sets (``resources/prompts``), in Swedish or English.

"Personen du söker" "är på lunch" "och är tillbaka klockan" "tretton" "trettio" /
"The person you are calling" "is at lunch" "and will be back at" "one" "thirty" "p m".
A return later than today is said by its date ("den" "två" "januari" / "on" "January"
"two"), and its time too unless it is midnight. Numbers are the number prompts'
(``vaxla_server.media.numbers``), in Swedish's counting form.
"""

from datetime import datetime, tzinfo

from vaxla_server.media.numbers import Language, number_prompts

PRESENCE_PROMPTS = (
    "presence_intro",
    "presence_lunch",
    "presence_meeting",
    "presence_vacation",
    "presence_sick",
    "presence_travel",
    "presence_away",
    "presence_back_at",
    "presence_back_on",
    "presence_at",
    "time_am",
    "time_pm",
    "time_oh",
    *(f"month_{month}" for month in range(1, 13)),
)
"""The prompts this composes from, besides the numbers (``tools/make-prompts``)."""


def presence_prompts(
    reason: str, until: datetime | None, now: datetime, zone: tzinfo, language: Language
) -> list[str]:
    """The prompt names that tell a caller of a presence, in order."""
    names = ["presence_intro", f"presence_{reason}"]
    if until is None:
        return names
    local, today = until.astimezone(zone), now.astimezone(zone).date()
    if local.date() == today:
        return [*names, "presence_back_at", *clock_prompts(local, language)]
    day = number_prompts(local.day, language)
    month = f"month_{local.month}"
    names += ["presence_back_on", *([*day, month] if language == "sv" else [month, *day])]
    if (local.hour, local.minute) != (0, 0):
        names += ["presence_at", *clock_prompts(local, language)]
    return names


def clock_prompts(moment: datetime, language: Language) -> list[str]:
    """A time of day: Swedish 24-hour ("tretton" "noll" "fem"), English 12-hour ("one"
    "oh" "five" "p m")."""
    hour, minute = moment.hour, moment.minute
    if language == "sv":
        names = number_prompts(hour, language)
        if minute:
            names += (["number_0"] if minute < 10 else []) + number_prompts(minute, language)
        return names
    names = number_prompts(hour % 12 or 12, language)
    if minute:
        names += (["time_oh"] if minute < 10 else []) + number_prompts(minute, language)
    return [*names, "time_am" if hour < 12 else "time_pm"]
