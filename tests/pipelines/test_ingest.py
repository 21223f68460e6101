"""The ingest pipeline: nodes, and the whole pipeline over a corpus that mixes good and bad files."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from kedro.runner import SequentialRunner

from melody_to_lyrics.pipelines.ingest import create_pipeline
from melody_to_lyrics.tables import TableParts
from tests.midi_factory import (
    TWINKLE,
    SongSpec,
    write_aligned_npy,
    write_bad_files,
    write_malicious_npy,
    write_melody_only,
    write_midi,
    write_pretty_midi,
)
from tests.project_catalog import project_catalog

# Lyrics much denser than the tune (ten syllables over its first three notes): they match no track.
UNMATCHED = SongSpec(
    pitches=[60, 62, 64, 65, 67, 69, 71, 72, 74, 76],
    durations=[1.0] * 10,
    lines=[["la", "li", "lo", "lu", "le"], ["da", "di", "do", "du", "de"]],
    syllable_beats=[0.125 + 0.25 * k for k in range(10)],
)

HYMN_VERSES = [
    [
        ["A", "bide", "with", "me,", "fast", "falls", "the"],
        ["e", "ven", "tide,", "the", "dark", "ness", "deep"],
    ],
    [
        ["Swift", "to", "its", "close", "ebbs", "out", "life's"],
        ["lit", "tle", "day,", "Earth's", "joys", "grow", "dim"],
    ],
]


def build_corpus(root: Path, marker: Path) -> dict[str, set[str]]:
    """Good and bad files of every source under root/data/01_raw; returns what each should become."""
    raw = root / "data" / "01_raw"
    good = {
        "midi": {
            write_midi(raw / "midi" / "rp026.mid", TWINKLE, style="rp026").name,
            write_midi(
                raw / "midi" / "karaoke.KAR",
                TWINKLE,
                style="kar",
                kind="text",
                headers=["@KMIDI KARAOKE FILE", "@TTwinkle"],
                encoding="cp1252",
            ).name,
            write_midi(raw / "midi" / "sub" / "hyphen.midi", TWINKLE, style="hyphen").name,
            write_midi(raw / "midi" / "hymn.mid", TWINKLE, style="bare", stanzas=HYMN_VERSES).name,
            write_pretty_midi(raw / "midi" / "pretty.mid", TWINKLE).name,
            write_midi(raw / "midi" / "bad_key.mid", TWINKLE, key_signature_bytes=(0, 2)).name,
            write_midi(raw / "midi" / "fast_tempo.mid", TWINKLE, extra_tempo_bpm=50000).name,
            write_midi(
                raw / "midi" / "unmatched.mid", UNMATCHED, style="rp026", accompaniment=False
            ).name,
        },
        "melody_midi": {
            write_melody_only(raw / "melody_midi" / f"tune{i}.mid", seed=i).name for i in range(2)
        },
        "aligned_npy": {
            write_aligned_npy(
                raw / "aligned_npy" / "song.npy",
                [["Good", "bye", "Nor", "ma", "Jean"], ["I", "knew", "you"]],
            ).name
        },
    }
    bad = {
        p.name
        for p in write_bad_files(raw / "midi" / "broken", raw / "midi" / "rp026.mid").values()
    }
    (raw / "aligned_npy").mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"a": [1]}).to_pickle(raw / "aligned_npy" / "frame.npy")  # a pickle, not an .npy
    np.save(raw / "aligned_npy" / "numbers.npy", np.zeros((2, 2)))  # an .npy, not in the format
    bad |= {
        "frame.npy",
        "numbers.npy",
        write_malicious_npy(raw / "aligned_npy" / "evil.npy", marker).name,
    }
    (raw / "lyric_text").mkdir(parents=True, exist_ok=True)
    (raw / "lyric_text" / "lyrics.txt").write_text(
        "first song line one\nfirst song line two\n\n\nsecond song\n"
    )
    (raw / "lyric_text" / "empty.txt").write_bytes(b"")
    (raw / "midi" / "README.md").write_text("not a music file, not read")
    good["lyric_text"] = {"lyrics.txt"}
    bad |= {"empty.txt"}
    return {"good": good, "bad": bad}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("ingest")
    marker = root / "pwned"
    expected = build_corpus(root, marker)
    catalog = project_catalog(root, params={"ingest": {"workers": 2, "files_per_part": 3}})
    SequentialRunner().run(create_pipeline(), catalog)
    return root, catalog, expected, marker


def test_every_good_file_reaches_the_tables_and_every_bad_one_the_rejects(ingested):
    _, catalog, expected, marker = ingested
    songs = catalog.load("songs").to_pandas()
    rejects = catalog.load("ingest_rejects").to_pandas()
    for source, names in expected["good"].items():
        found = {Path(p.split("#")[0]).name for p in songs.loc[songs["source"] == source, "path"]}
        assert found == names, source
    assert {Path(p).name for p in rejects["path"]} == expected["bad"]
    reasons = dict(zip(rejects["path"].map(lambda p: Path(p).name), rejects["reason"], strict=True))
    assert reasons["zero.mid"] == "empty file (0 bytes)"
    assert reasons["truncated.mid"].startswith("truncated MIDI file")
    assert reasons["random.MID"] == reasons["notes.kar"] == "not a MIDI file (no MThd header)"
    assert "not allowed" in reasons["evil.npy"] and not marker.exists()
    assert reasons["frame.npy"].startswith("not in the aligned format: not a .npy file")
    assert (
        reasons["numbers.npy"]
        == "not in the aligned format: expected an object array of shape (1, 3), got float64 (2, 2)"
    )
    assert reasons["empty.txt"] == "empty file (0 bytes)"


def test_tables_are_written_in_parts_that_hold_whole_songs(ingested):
    _, catalog, _, _ = ingested
    songs, notes, events = (catalog.load(n) for n in ("songs", "notes", "lyric_events"))
    assert (
        isinstance(songs, TableParts) and songs.num_parts == notes.num_parts == events.num_parts > 1
    )
    for song_part, note_part in zip(songs.frames(), notes.frames(), strict=True):
        assert set(note_part["song_id"]) <= set(song_part["song_id"])


def test_lyrics_become_structured_syllables(ingested):
    _, catalog, _, _ = ingested
    songs = catalog.load("songs").to_pandas().set_index("path")
    events = catalog.load("lyric_events").to_pandas()

    def lines_of(path):
        e = events[events["song_id"] == songs.loc[path, "song_id"]]
        return [" ".join(g["text"]) for _, g in e.groupby(["stanza", "line"])]

    assert songs.loc[
        "karaoke.KAR", ["encoding", "word_boundaries", "n_header_events"]
    ].tolist() == ["ascii", "spaces", 2]
    assert lines_of("karaoke.KAR") == [
        "Twin kle twin kle lit tle star",
        "How I won der what you are",
    ]
    assert (
        songs.loc["hymn.mid", "n_stanzas"] == 2
        and songs.loc["hymn.mid", "word_boundaries"] == "unknown"
    )
    assert songs.loc["bad_key.mid", "warnings"].startswith("invalid key signature ignored")
    assert songs.loc["fast_tempo.mid", "n_absurd_tempos"] == 1


def test_stats_and_report_count_every_source(ingested):
    _, catalog, expected, _ = ingested
    report = catalog.load("ingest_report")
    per_source = report["per_source"]
    assert per_source["midi"]["files"] == len(expected["good"]["midi"]) + 4
    assert per_source["midi"]["rejected"] == 4 and per_source["midi"]["skipped_other_suffix"] == 1
    assert per_source["aligned_npy"] == {
        **per_source["aligned_npy"],
        "files": 4,
        "rejected": 3,
        "songs": 1,
    }
    assert per_source["lyric_text"]["songs"] == 2 and per_source["lyric_text"]["lines"] == 3
    assert len(report["rejects"]) == len(expected["bad"])


def test_a_missing_source_folder_means_no_data(tmp_path):
    catalog = project_catalog(tmp_path)
    SequentialRunner().run(create_pipeline(), catalog)
    assert len(catalog.load("songs")) == 0
    assert catalog.load("ingest_report")["files"] == 0
