"""Each metric on hand-made examples with exact expected values."""

import math

import pytest

from melody_to_lyrics.evaluation.metrics import (
    bleu,
    chrf,
    count_syllables,
    distinct_n,
    first_word_stats,
    syllable_alignment,
    text_metrics,
)


def test_distinct_n_counts_distinct_ngrams_over_all_ngrams():
    lines = ["a b a", "a c"]
    assert distinct_n(lines, 1) == 3 / 5  # a b a a c
    assert distinct_n(lines, 2) == 3 / 3  # (a b) (b a) (a c)
    assert distinct_n(["la la la la"], 2) == 1 / 3
    assert distinct_n(["one"], 2) == 0.0  # no bigram at all


def test_first_word_share_and_entropy():
    stats = first_word_stats(["I love you", "i want it", "You go", "..."])
    assert stats["first_word"] == "i" and stats["first_word_share"] == 2 / 3
    assert stats["first_word_entropy_bits"] == pytest.approx(
        -(2 / 3) * math.log2(2 / 3) - (1 / 3) * math.log2(1 / 3)
    )
    collapsed = first_word_stats(["i a", "i b", "i c"])
    assert collapsed["first_word_share"] == 1.0 and collapsed["first_word_entropy_bits"] == 0.0
    assert f"{collapsed['first_word_entropy_bits']:.2f}" == "0.00"  # not "-0.00"


@pytest.mark.parametrize(
    ("text", "syllables"),
    [
        ("Twinkle twinkle little star", 7),
        ("How I wonder what you are", 7),
        ("Hallelujah", 4),
        ("I'm everybody's darling", 7),
        ("", 0),
    ],
)
def test_syllables_of_english_lines(text, syllables):
    assert count_syllables(text) == syllables


def test_syllables_of_other_languages_come_from_hyphenation():
    assert count_syllables("Erhöre einer Jungfrau Flehen", "de_DE") == 9


def test_syllable_alignment_against_the_notes_of_each_line():
    result = syllable_alignment(["Twinkle twinkle little star", "How I wonder"], [7, 6])
    assert result == {
        "syllable_error_mean": 1.0,
        "syllable_exact_rate": 0.5,
    }  # errors 0 and |4 - 6|


def test_bleu_and_chrf_are_100_for_identical_and_0_for_disjoint_lines():
    lines = ["you only left a load of care", "waiting for the tide"]
    assert bleu(lines, lines) == pytest.approx(100.0)
    assert chrf(lines, lines) == pytest.approx(100.0)
    assert bleu(["zzz qqq xxx www"], ["you only left a load"]) == pytest.approx(0.0)


def test_eos_rate_is_the_share_of_lines_that_ended():
    metrics = text_metrics(["a b", "c d"], ["a b", "c d"], [2, 2], [True, False], "en_US")
    assert metrics["eos_rate"] == 0.5
    assert text_metrics(["a"], ["a"], [1], None, "en_US")["eos_rate"] is None
