"""Every folder of the real data in ../shared/data through ingest and note_features.

Skipped, with the reason, when ../shared/data is not beside the project.
"""

from __future__ import annotations

import pandas as pd
import pytest
from kedro.runner import SequentialRunner

from melody_to_lyrics.datasets import RawFolderDataset
from melody_to_lyrics.pipelines.ingest import create_pipeline as ingest_pipeline
from melody_to_lyrics.pipelines.note_features import create_pipeline as note_features_pipeline
from tests.conftest import SHARED_DATA, shared_folder
from tests.project_catalog import project_catalog

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    for name in ("karaoke_tiny", "midi_examples", "hymns", "yu_lmd_sentence", "lyrics_corpus"):
        shared_folder(name)
    catalog = project_catalog(
        tmp_path_factory.mktemp("shared"), params={"ingest": {"workers": 2, "files_per_part": 128}}
    )
    catalog["raw_midi"] = RawFolderDataset(
        str(SHARED_DATA), include=["karaoke_tiny", "midi_examples", "hymns"], required=True
    )
    catalog["raw_aligned_npy"] = RawFolderDataset(
        str(SHARED_DATA / "yu_lmd_sentence"), required=True
    )
    catalog["raw_lyric_text"] = RawFolderDataset(str(SHARED_DATA / "lyrics_corpus"), required=True)
    SequentialRunner().run(ingest_pipeline() + note_features_pipeline(), catalog)
    songs = catalog.load("songs").to_pandas()
    songs["folder"] = (
        songs["path"].str.split("/").str[0].where(songs["source"] == "midi", songs["source"])
    )
    return catalog, songs


def test_karaoke_files_all_parse_and_their_text_event_lyrics_are_read(real):
    catalog, songs = real
    karaoke = songs[songs["folder"] == "karaoke_tiny"]
    assert len(karaoke) == 152  # every .mid, the one pretty_midi refuses included
    champions = karaoke[karaoke["path"].str.endswith("We_are_the_champions2.mid")].iloc[0]
    assert (
        "invalid key signature ignored" in champions["warnings"] and champions["n_syllables"] > 100
    )
    assert (karaoke["lyrics_kind"] == "text").sum() > 100  # most karaoke lyrics are text events
    assert (karaoke["n_syllables"] > 0).mean() > 0.97
    assert set(karaoke["encoding"]) >= {"ascii", "cp1252"}
    assert catalog.load("ingest_report")["per_source"]["midi"]["rejected"] == 0


def test_karaoke_lyrics_align_to_a_melody_track(real):
    catalog, _ = real
    midi = catalog.load("note_features_report")["per_source"]["midi"]
    assert midi["share_aligned_to_melody_track"] > 0.95
    assert midi["share_syllables_aligned"] > 0.9
    assert midi["lines_dropped_not_sung"] > 50  # titles and credits written as lyrics


def test_midi_examples_kar_text_events_become_lines(real):
    catalog, songs = real
    twinkle = songs[songs["path"] == "midi_examples/twinkle.kar"].iloc[0]
    assert twinkle["n_header_events"] == 6
    lines = catalog.load("aligned_lines").to_pandas()
    texts = lines.loc[lines["song_id"] == twinkle["song_id"], "text"].tolist()
    assert texts[:2] == ["Twinkle, Twinkle little star;", "How I wonder what you are."]


def test_hymn_stanzas_at_the_same_times_are_separate_verses(real):
    catalog, songs = real
    hymn = songs[songs["path"] == "hymns/A-C__Abide_with_me__EVENTIDE_-Hymnal.mid"].iloc[0]
    assert hymn["n_stanzas"] == 5
    lines = catalog.load("aligned_lines").to_pandas()
    verses = lines[lines["song_id"] == hymn["song_id"]].groupby("stanza")["text"].apply(" ".join)
    assert len(verses) == 5
    assert verses.iloc[0].startswith("Abide with me")
    assert verses.iloc[1].startswith("Swift to its close")
    assert verses.nunique() == 5


def test_aligned_npy_files_load_safely_with_one_syllable_per_note(real):
    catalog, songs = real
    yu = songs[songs["source"] == "aligned_npy"]
    assert len(yu) == 1811
    assert (yu["n_notes"] == yu["n_syllables"]).all()
    report = catalog.load("note_features_report")
    assert report["per_source"]["aligned_npy"]["share_syllables_aligned"] == 1.0
    assert report["duplicate_songs_removed"] > 200  # duplicate MIDI versions of the same songs


def test_lyrics_corpus_songs_and_lines(real):
    catalog, songs = real
    assert (songs["source"] == "lyric_text").sum() == 10812
    assert len(catalog.load("lyric_text_lines")) == 467418


def test_split_is_by_song_and_heldout_lines_stay_out_of_pretraining(real):
    catalog, _ = real
    pairs = catalog.load("aligned_pairs")
    assert pairs.groupby("song_id")["split"].nunique().max() == 1
    sizes = pairs["split"].value_counts(normalize=True)
    assert 0.05 < sizes["test"] < 0.15 and 0.05 < sizes["validation"] < 0.15
    text = catalog.load("pretraining_lines")
    from melody_to_lyrics.sources.lyric_events import normalise_text  # noqa: PLC0415

    heldout = set(pairs.loc[pairs["split"] != "train", "text"].map(normalise_text))
    assert not heldout & set(text["text"].map(normalise_text))
    assert isinstance(text, pd.DataFrame) and len(text) > 300_000
