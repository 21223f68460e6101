"""Yu et al.'s .npy files: the format, wrong structures, and pickles that try to run code."""

import numpy as np
import pytest

from melody_to_lyrics.sources.aligned_npy import (
    AlignedFormatError,
    UnsafePickleError,
    load_npy_safely,
    onsets,
    parse_aligned,
)
from tests.midi_factory import write_aligned_npy, write_malicious_npy


def test_a_file_in_the_format_loads_with_lines_notes_and_onsets(tmp_path):
    path = write_aligned_npy(
        tmp_path / "song.npy", [["Good", "bye", "Nor", "ma", "Jean"], ["I", "knew", "you"]]
    )
    lines = parse_aligned(load_npy_safely(path.read_bytes()))
    assert [ln.syllables for ln in lines] == [
        ["Good", "bye", "Nor", "ma", "Jean"],
        ["I", "knew", "you"],
    ]
    beats, _ = onsets(lines)
    durations = np.concatenate([ln.duration_beats for ln in lines])
    assert beats[0] == 0.0
    np.testing.assert_allclose(np.diff(beats), durations[:-1])  # rests are 0 in this file


def test_a_crafted_pickle_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    path = write_malicious_npy(tmp_path / "evil.npy", marker)
    with pytest.raises(UnsafePickleError, match="posix.system|os.system|nt.system"):
        load_npy_safely(path.read_bytes())
    assert not marker.exists()


def test_numeric_arrays_load_without_pickle(tmp_path):
    np.save(tmp_path / "plain.npy", np.arange(6).reshape(2, 3))
    assert load_npy_safely((tmp_path / "plain.npy").read_bytes()).tolist() == [[0, 1, 2], [3, 4, 5]]


def aligned(timing, notes, syllables):
    array = np.empty((1, 3), dtype=object)
    array[0, 0], array[0, 1], array[0, 2] = timing, notes, syllables
    return array


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.arange(6).reshape(2, 3), "object array of shape"),
        (aligned([[[0, 1, 440, 90]]], [[[60, 1, 0]]], "x"), "should be a list of lines"),
        (
            aligned([[[0, 1, 440, 90]]], [[[60, 1, 0]]], [[1]]),
            "syllables should be a list of strings",
        ),
        (aligned([[[0, 1, 440, 90]]], [[[60, 1]]], [["la"]]), "rows of 3 numbers"),
        (
            aligned([[[0, 1, 440, 90]]], [[[60, 1, 0], [62, 1, 0]]], [["la"]]),
            "1 syllables but 2 notes",
        ),
        (aligned([[[0, 1, 440, 90]]], [[[260, 1, 0]]], [["la"]]), "pitch outside"),
        (aligned([[[0, 1, 440, 90]]], [[[60, -1, 0]]], [["la"]]), "negative duration"),
        (aligned([[[0, 1, 440, 90]], []], [[[60, 1, 0]]], [["la"]]), "line counts differ"),
    ],
)
def test_wrong_structures_are_named(array, message):
    with pytest.raises(AlignedFormatError, match=message):
        parse_aligned(array)


def test_garbage_bytes_are_not_an_npy_file():
    with pytest.raises(AlignedFormatError, match="not a .npy file"):
        load_npy_safely(b"definitely not numpy")
