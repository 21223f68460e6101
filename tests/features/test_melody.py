"""Melody track choice (with and without lyrics) and the reduction to one note at a time."""

import numpy as np
import pytest

from melody_to_lyrics.features.melody import (
    Notes,
    guess_melody_track,
    line_track,
    match_tracks,
    monophonic,
    onsets_by_track,
    polyphony,
)


def notes(starts, durations=None, pitches=None):
    starts = np.asarray(starts, dtype=float)
    durations = np.ones_like(starts) if durations is None else np.asarray(durations, dtype=float)
    pitches = np.full(len(starts), 60) if pitches is None else np.asarray(pitches)
    return Notes(pitches, starts, starts + durations)


def test_monophonic_keeps_the_top_note_and_cuts_overlaps():
    chordal = Notes(
        np.array([60, 64, 67, 62]), np.array([0.0, 0.0, 0.0, 0.5]), np.array([1.0, 1.0, 1.0, 1.5])
    )
    mono = monophonic(chordal)
    assert mono.pitch.tolist() == [67, 62]
    assert mono.end.tolist() == [0.5, 1.5]


def test_the_track_matching_the_syllables_wins_over_a_busy_accompaniment():
    syllables = np.array([0, 1, 2, 3, 4.5, 5, 6, 7])
    tracks = {
        0: notes(np.arange(0, 8, 0.25), np.full(32, 0.25)),  # sixteenths: recall 1, precision low
        1: notes(syllables),  # the tune
        2: notes([0, 4]),  # a pad
    }
    best = match_tracks(syllables, onsets_by_track(tracks), tolerance=0.1)
    assert best[0].track == 1
    assert best[0].recall == 1.0 and best[0].precision == 1.0
    assert best[1].track == 0 and best[1].recall == 1.0 and best[1].precision < 0.3


def test_a_systematic_lyric_offset_is_estimated():
    syllables = np.arange(10, dtype=float)
    (best,) = match_tracks(syllables - 0.4, onsets_by_track({0: notes(syllables)}), tolerance=0.2)
    assert best.offset == pytest.approx(0.4) and best.recall == 1.0


def test_a_line_may_take_its_notes_from_another_track_in_a_duet():
    onsets = onsets_by_track({0: notes([0, 1, 2, 3]), 1: notes([10, 11, 12, 13])})
    assert line_track(np.array([10.0, 11, 12, 13]), onsets, 0.2, preferred=0) == 1
    assert line_track(np.array([0.0, 1, 2]), onsets, 0.2, preferred=1) == 0


def test_lyricless_heuristic_prefers_a_named_single_line_in_singing_range():
    tracks = {
        0: notes(
            np.repeat(np.arange(0, 20, 2.0), 3), np.full(30, 2.0), np.tile([48, 52, 55], 10)
        ),  # chords
        1: notes(np.arange(0, 20, 0.5), np.full(40, 0.5), 64 + np.arange(40) % 8),  # a tune
        2: notes(np.arange(0, 20, 1.0), np.full(20, 1.0), np.full(20, 36)),  # bass
    }
    assert polyphony(tracks[0]) > 0.5 and polyphony(tracks[1]) == 0.0
    assert (
        guess_melody_track(
            tracks, {0: "Strings", 1: "", 2: "Bass"}, {0: 48, 1: 0, 2: 33}, min_notes=16
        )
        == 1
    )
    # between two single lines in the same range, the name decides
    tracks[3] = notes(np.arange(0, 20, 0.5), np.full(40, 0.5), 66 + np.arange(40) % 5)
    assert guess_melody_track(tracks, {1: "Guitar", 3: "Melody"}, {}, min_notes=16) == 3
