"""The note_features pipeline on the mixed test corpus: melodies, pairs, stanzas, split, pretraining text."""

import numpy as np
import pytest
from kedro.runner import SequentialRunner

from melody_to_lyrics.pipelines.ingest import create_pipeline as ingest_pipeline
from melody_to_lyrics.pipelines.note_features import create_pipeline as note_features_pipeline
from tests.midi_factory import SongSpec, write_midi
from tests.pipelines.test_ingest import build_corpus
from tests.project_catalog import project_catalog


@pytest.fixture(scope="module")
def featured(tmp_path_factory):
    root = tmp_path_factory.mktemp("features")
    build_corpus(root, root / "pwned")
    spec = SongSpec(
        pitches=[67, 69, 71, 72, 74, 72, 71, 69, 67],
        durations=[0.5, 0.5, 1, 1, 1, 1, 1, 1, 2],
        lines=[["Glo-", "ri-", "a"], ["in", "ex-", "cel-", "sis"]],
        syllable_notes=[0, 3, 4, 5, 6, 7, 8],
    )
    write_midi(root / "data" / "01_raw" / "midi" / "gloria.mid", spec, style="rp026")
    catalog = project_catalog(root)
    SequentialRunner().run(ingest_pipeline() + note_features_pipeline(), catalog)
    songs = catalog.load("songs").to_pandas()[["song_id", "path"]]
    return catalog, songs


def lines_of(catalog, songs, path):
    lines = catalog.load("aligned_lines").to_pandas().merge(songs, on="song_id")
    return lines[lines["path"] == path].sort_values(["stanza", "line"])


def test_every_dialect_gives_the_same_words_and_lines(featured):
    catalog, songs = featured
    for path in ("rp026.mid", "karaoke.KAR", "pretty.mid", "bad_key.mid"):
        assert lines_of(catalog, songs, path)["text"].tolist() == [
            "Twinkle twinkle little star",
            "How I wonder what you are",
        ], path
    # this dialect marks words with hyphens but no line breaks: one line (too short to split)
    assert lines_of(catalog, songs, "sub/hyphen.midi")["text"].tolist() == [
        "Twinkle twinkle little star How I wonder what you are"
    ]


def test_a_line_holds_its_notes_as_4d_vectors_on_the_melody_track(featured):
    catalog, songs = featured
    lines = lines_of(catalog, songs, "rp026.mid")
    first = lines.iloc[0]
    assert first["n_notes"] == len(first["pitch"]) == 7
    assert first["pitch"].tolist() == [60, 60, 67, 67, 69, 69, 67]
    assert first["duration"].tolist() == [5] * 6 + [
        7
    ]  # 1 beat = bin 5, 2 beats = bin 7 of the default bins
    assert first["position"].tolist() == [0, 4, 8, 12, 0, 4, 8]  # sixteenth steps in 4/4
    assert first["syllable_note"].tolist() == list(range(7))
    tracks = catalog.load("tracks").to_pandas().merge(songs, on="song_id")
    melody_track = tracks[
        (tracks["path"] == "rp026.mid") & (tracks["track"] == first["melody_track"])
    ]
    assert melody_track["name"].tolist() == ["Melody"]  # not the piano chords


def test_melisma_notes_belong_to_their_syllable_and_line(featured):
    catalog, songs = featured
    gloria = lines_of(catalog, songs, "gloria.mid")
    assert gloria["text"].tolist() == ["Gloria", "in excelsis"]
    first = gloria.iloc[0]
    assert first["n_syllables"] == 3 and first["n_notes"] == 5  # "Glo" sung over three notes
    assert first["syllable_note"].tolist() == [0, 3, 4]


def test_stanzas_at_the_same_times_become_separate_verses(featured):
    catalog, songs = featured
    hymn = lines_of(catalog, songs, "hymn.mid")
    assert hymn["stanza"].tolist() == [0, 1]
    assert hymn["text"].tolist() == [
        "Abide with me, fast falls the eventide, the darkness deep",
        "Swift to its close ebbs out life's little day, Earth's joys grow dim",
    ]
    pitches = hymn["pitch"].tolist()
    assert np.array_equal(pitches[0], pitches[1])  # both verses over the same melody


def test_lyrics_that_match_no_track_are_rejected_with_the_reason(featured):
    catalog, _ = featured
    rejects = catalog.load("note_features_rejects").to_pandas()
    (reason,) = rejects.loc[rejects["path"] == "unmatched.mid", "reason"]
    assert reason.startswith("lyrics match no track: stanza 0: 30% of syllables on melody notes")
    melody = catalog.load("melodies").to_pandas()
    songs = catalog.load("songs").to_pandas()
    unmatched = songs.loc[songs["path"] == "unmatched.mid", "song_id"].item()
    assert (
        melody.loc[melody["song_id"] == unmatched, "method"].item() == "heuristic"
    )  # kept as a melody


def test_duplicate_songs_are_removed_and_the_split_is_by_song(featured):
    catalog, songs = featured
    split = catalog.load("song_split").merge(songs, on="song_id")
    twinkles = split[
        split["path"].isin(
            [
                "rp026.mid",
                "karaoke.KAR",
                "sub/hyphen.midi",
                "pretty.mid",
                "bad_key.mid",
                "fast_tempo.mid",
            ]
        )
    ]
    assert twinkles["group"].nunique() == 1 and twinkles["kept"].sum() == 1
    pairs = catalog.load("aligned_pairs")
    assert pairs.groupby("song_id")["split"].nunique().max() == 1
    assert set(pairs["song_id"]) == set(split.loc[split["kept"], "song_id"])


def test_lyricless_melodies_and_pretraining_text(featured):
    catalog, songs = featured
    melodies = catalog.load("lyricless_melodies").merge(songs, on="song_id")
    assert {"tune0.mid", "tune1.mid"} <= set(melodies["path"])
    flute = melodies[melodies["path"] == "tune0.mid"].iloc[0]
    assert (
        flute["n_notes"] == 40 and flute["method"] == "heuristic"
    )  # the flute, not the pad or drums
    pairs = catalog.load("aligned_pairs")
    text = catalog.load("pretraining_lines")
    heldout = set(pairs.loc[pairs["split"] != "train", "text"].str.lower())
    assert not heldout & set(text["text"].str.lower())
    assert {"first song line one", "second song"} <= set(text["text"])


def test_report_gives_shares_per_source(featured):
    catalog, _ = featured
    report = catalog.load("note_features_report")
    midi = report["per_source"]["midi"]
    # nine files with lyrics; unmatched.mid's ten syllables sit on no melody, every other syllable does
    assert midi["songs_with_lyrics"] == 9 and midi["share_aligned_to_melody_track"] == round(
        8 / 9, 4
    )
    assert midi["syllables_aligned_to_note"] == midi["syllables"] - 10
    assert report["duplicate_songs_removed"] == 5  # six versions of the same twinkle, one kept
    kept = catalog.load("song_split").query("kept")
    assert sum(s["songs"] for s in report["split"].values()) == len(kept)
    assert sum(s["lines"] for s in report["split"].values()) == len(catalog.load("aligned_pairs"))
