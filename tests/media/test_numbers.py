"""Numbers compose from the prompt files that tools/make-prompts committed."""

import json
import wave
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxla_server.callbacks.times import CALLBACK_TIME_PROMPTS
from vaxla_server.directory.prompt import PRESENCE_PROMPTS
from vaxla_server.media.numbers import LANGUAGES, Language, NumberOutOfRange, number_prompts

PROMPTS = Path(__file__).parents[2] / "resources" / "prompts"


@given(st.integers(0, 999), st.sampled_from(LANGUAGES))
def test_every_number_composes_from_existing_files(value: int, language: Language) -> None:
    names = number_prompts(value, language)
    assert names
    for name in names:
        assert (PROMPTS / language / f"{name}.wav").is_file(), name


@pytest.mark.parametrize(
    ("value", "names"),
    [
        (0, ["number_0"]),
        (7, ["number_7"]),
        (20, ["number_20"]),
        (21, ["number_20", "number_1"]),
        (40, ["number_40"]),
        (99, ["number_90", "number_9"]),
        (100, ["number_100"]),
        (101, ["number_100", "number_1"]),
        (115, ["number_100", "number_15"]),
        (200, ["number_2", "number_hundred"]),
        (345, ["number_3", "number_hundred", "number_40", "number_5"]),
        (999, ["number_9", "number_hundred", "number_90", "number_9"]),
    ],
)
def test_composition(value: int, names: list[str]) -> None:
    assert number_prompts(value, "sv") == names
    assert number_prompts(value, "en") == names


def test_words_read_in_order() -> None:
    index = json.loads((PROMPTS / "index.json").read_text())["prompts"]
    words = [index["sv"][name] for name in number_prompts(321, "sv")]
    assert words == ["tre", "hundra", "tjugo", "ett"]
    words = [index["en"][name] for name in number_prompts(118, "en")]
    assert words == ["one hundred", "eighteen"]


@pytest.mark.parametrize("value", [-1, 1000, 10**6])
def test_out_of_range_is_refused(value: int) -> None:
    with pytest.raises(NumberOutOfRange, match="0-999"):
        number_prompts(value, "en")


def test_unknown_language_and_non_int_are_refused() -> None:
    with pytest.raises(ValueError, match="language 'de'"):
        number_prompts(3, "de")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bool"):
        number_prompts(True, "sv")


def test_index_lists_every_file_and_the_flow_names() -> None:
    index = json.loads((PROMPTS / "index.json").read_text())
    needed = {
        "welcome", "closed", "holiday", "demo_menu_main", "invalid_key", "no_input",
        "goodbye", "queue_first", "queue_periodic_1", "queue_periodic_2", "queue_periodic_3",
        "you_are_number", "in_the_queue", "estimated_wait_about", "minutes", "minute",
        "less_than_one_minute", "agents_answering", "press_star_for_position",
        "press_hash_to_choose", "repeat_wait", "repeat_position",
        "enter_customer_number", "enter_personnummer", "enter_pin", "invalid_input",
        "thank_you", "nobody_logged_in", "transferring", "music_on_hold",
        *PRESENCE_PROMPTS, *CALLBACK_TIME_PROMPTS,
    }  # fmt: skip
    for language in LANGUAGES:
        names = set(index["prompts"][language])
        assert needed <= names
        files = {path.stem for path in (PROMPTS / language).glob("*.wav")}
        assert files == names


def test_every_prompt_is_8khz_mono_16bit() -> None:
    for path in PROMPTS.glob("*/*.wav"):
        with wave.open(str(path)) as audio:
            assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (
                8000,
                1,
                2,
            ), path
            assert audio.getnframes() > 800, path  # at least 0.1 s of sound
