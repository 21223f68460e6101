"""Syllable-to-note alignment, melisma, line spans, inferred lines."""

import numpy as np
import pytest

from melody_to_lyrics.features.alignment import (
    align_syllables,
    estimate_offset,
    infer_lines,
    line_span,
)


def test_one_syllable_per_note_in_order():
    onsets = np.array([0.0, 1.0, 2.0, 3.0])
    assert align_syllables(np.array([0.05, 0.95, 2.1, 3.0]), onsets, 0.25).tolist() == [0, 1, 2, 3]


def test_melisma_leaves_notes_between_syllables_unclaimed():
    onsets = np.array([0.0, 0.5, 1.0, 2.0])  # "A-" held over two notes, "men" on the third
    assert align_syllables(np.array([0.0, 1.0, 2.0]), onsets, 0.25).tolist() == [0, 2, 3]


def test_crowded_syllables_get_the_assignment_with_most_matches():
    # greedy would give the middle syllable the second note and leave the last one without
    assert align_syllables(
        np.array([116.5, 116.75, 117.0]), np.array([116.5, 117.0]), 0.25
    ).tolist() == [0, -1, 1]


def test_a_syllable_far_from_any_note_is_unaligned():
    assert align_syllables(np.array([0.0, 5.0]), np.array([0.0, 1.0]), 0.25).tolist() == [0, -1]


def test_offset_is_the_median_signed_distance_when_it_matters():
    onsets = np.arange(20.0)
    assert estimate_offset(onsets - 0.4, onsets, tolerance=0.25) == pytest.approx(0.4)
    assert estimate_offset(onsets - 0.05, onsets, tolerance=0.25) == 0.0


def test_line_span_covers_melisma_and_stops_at_a_gap_or_the_next_line():
    starts = np.array([0.0, 1.0, 2.0, 2.5, 3.0, 6.0, 7.0])
    ends = np.array([1.0, 2.0, 2.5, 3.0, 3.5, 7.0, 8.0])
    # syllables on notes 0, 1, 2; notes 3 and 4 continue the last syllable; note 5 follows a gap
    assert line_span(np.array([0, 1, 2]), starts, ends) == (0, 4)
    assert line_span(np.array([0, 1, 2]), starts, ends, limit_beat=2.8) == (0, 3)
    assert line_span(np.array([0, 1, 2]), starts, ends, max_melisma_notes=1) == (0, 3)
    assert line_span(np.array([-1, -1]), starts, ends) is None


def test_lines_are_inferred_at_punctuation_and_rests():
    texts = ["A", "bide", "with", "me:", "fast", "falls", "the", "e", "ven", "tide"]
    ends_known = [False, True, True, True, True, True, True, False, False, True]
    starts = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=float)
    ends = starts + 1
    lines = infer_lines(
        texts, ends_known, np.arange(10), starts, ends, min_syllables=3, max_syllables=16
    )
    assert lines.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    starts_with_rest = starts.copy()
    starts_with_rest[6:] += 2  # a two-beat rest before "the"
    lines = infer_lines(
        texts, ends_known, np.arange(10), starts_with_rest, starts_with_rest + 1, min_syllables=2
    )
    assert lines.tolist() == [0, 0, 0, 0, 1, 1, 2, 2, 2, 2]
