"""Decoder pairs in both schemes, the comparable positions, note windows, example files."""

import numpy as np
import pytest

from melody_to_lyrics.datasets import ExampleSetDataset
from melody_to_lyrics.ragged import Ragged
from melody_to_lyrics.text.tokenizer import BOS_ID, EOS_ID
from melody_to_lyrics.training.examples import (
    ExampleSet,
    decoder_pair,
    note_windows,
    target_line_positions,
    token_pairs,
)

LINE = [11, 12, 13, 14, 15, 16, 17]  # "you only left a load of care", one token a word


def test_shifted_scheme_is_input_t1_to_tn_and_target_t2_to_tn_eos():
    x, y = decoder_pair(LINE, "shifted", max_len=24)
    assert x == [11, 12, 13, 14, 15, 16, 17]
    assert y == [12, 13, 14, 15, 16, 17, EOS_ID]


def test_bos_prefix_scheme_is_input_bos_t1_to_tn_and_target_t1_to_tn_eos():
    x, y = decoder_pair(LINE, "bos_prefix", max_len=24)
    assert x == [BOS_ID, 11, 12, 13, 14, 15, 16, 17]
    assert y == [11, 12, 13, 14, 15, 16, 17, EOS_ID]


def test_long_lines_are_cut_to_max_len_and_counted():
    tokens = list(range(10, 40))  # 30 tokens
    for scheme in ("shifted", "bos_prefix"):
        x, y = decoder_pair(tokens, scheme, max_len=24)
        assert len(x) == len(y) == 24 and y[-1] != EOS_ID
    inputs, targets, cut = token_pairs([tokens, LINE, []], "shifted", max_len=24)
    assert cut == 1 and len(inputs) == 2  # the empty line is dropped


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown decoder input scheme 'cls'"):
        decoder_pair(LINE, "cls", 24)


def test_comparable_positions_are_the_same_tokens_in_both_schemes():
    # which token of the line each target predicts: both schemes share t2..tn and EOS (= token 8)
    shifted = target_line_positions("shifted", 7)
    bos = target_line_positions("bos_prefix", 8)
    assert shifted.tolist() == [2, 3, 4, 5, 6, 7, 8]
    assert bos.tolist() == [1, 2, 3, 4, 5, 6, 7, 8]
    assert set(shifted[shifted >= 2]) == set(bos[bos >= 2])


def test_note_windows_split_long_melodies():
    melody = np.arange(4 * 150).reshape(150, 4)
    windows = note_windows([melody, melody[:5], melody[:1]], max_notes=64, min_notes=8)
    assert windows.lengths.tolist() == [
        64,
        64,
        22,
        5,
    ]  # a short whole melody is kept, a single note is not
    assert np.array_equal(windows[1][0], melody[64])


def test_example_sets_round_trip_through_an_npz_file_without_pickle(tmp_path):
    examples = ExampleSet(
        {"train": {"inputs": Ragged.from_rows([[1, 2], [3]]), "song_id": np.array(["a", "b"])}},
        {"scheme": "shifted", "max_len": 24},
    )
    dataset = ExampleSetDataset(str(tmp_path / "pairs.npz"))
    dataset.save(examples)
    loaded = dataset.load()
    assert loaded.meta == {"scheme": "shifted", "max_len": 24}
    assert [loaded["train"]["inputs"][i].tolist() for i in range(2)] == [[1, 2], [3]]
    assert loaded["train"]["song_id"].tolist() == ["a", "b"]
    with np.load(tmp_path / "pairs.npz", allow_pickle=False) as archive:  # no object arrays inside
        assert all(archive[k].dtype != object for k in archive.files)
