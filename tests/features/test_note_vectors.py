"""The 4-d note vector: quantisation and position in the bar."""

import numpy as np

from melody_to_lyrics.features.note_vectors import (
    Quantiser,
    bar_positions,
    nearest_bin,
    note_vectors,
)

Q = Quantiser(
    duration_bins=(0.25, 0.5, 1.0, 2.0, 4.0),
    rest_bins=(0.0, 0.5, 1.0, 2.0),
    steps_per_beat=4,
    max_bar_beats=8,
)


def test_durations_take_the_nearest_bin_on_a_log_scale():
    # on a log2 scale 0.7 is nearer 0.5 (0.49 octaves) than 1.0 (0.51), 1.5 nearer 2.0 than 1.0
    assert nearest_bin(np.array([0.25, 0.3, 0.7, 1.5, 3.0, 100.0]), Q.duration_bins).tolist() == [
        0,
        0,
        1,
        3,
        4,
        4,
    ]


def test_rests_below_half_the_smallest_bin_are_no_rest():
    assert nearest_bin(np.array([0.0, 0.2, 0.3, 0.9, 5.0]), Q.rest_bins).tolist() == [0, 0, 1, 2, 3]


def test_positions_follow_time_signature_changes():
    starts = np.array([0.0, 1.0, 4.0, 5.5, 8.0, 11.0, 14.0])
    # 4/4 for two bars (0-8), then 3/4 from beat 8
    position, bar = bar_positions(starts, [(0.0, 4, 4), (8.0, 3, 4)])
    assert position.tolist() == [0.0, 1.0, 0.0, 1.5, 0.0, 0.0, 0.0]
    assert bar.tolist() == [4, 4, 4, 4, 3, 3, 3]


def test_note_vectors_of_a_short_tune():
    pitch = np.array([60, 62, 64, 65])
    start = np.array([0.0, 1.0, 2.5, 3.99])
    end = np.array([1.0, 2.0, 3.5, 4.5])
    v = note_vectors(pitch, start, end, Q)
    assert v["pitch"].tolist() == [60, 62, 64, 65]
    np.testing.assert_allclose(v["rest_beats"], [0.0, 0.0, 0.5, 0.49])
    assert v["duration"].tolist() == [2, 2, 2, 1]
    assert v["rest"].tolist() == [0, 0, 1, 1]
    # an onset a hair before the bar line is on the downbeat
    assert v["position"].tolist() == [0, 4, 10, 0]
