"""The generate pipeline: a user's MIDI files in, lyrics and karaoke files out."""

from __future__ import annotations

import json

import pretty_midi
import pytest
from kedro.runner import SequentialRunner

from melody_to_lyrics.karaoke import LYRICS_TRACK, syllables_for_notes
from melody_to_lyrics.pipelines import generate
from tests.midi_factory import TWINKLE, write_melody_only, write_midi
from tests.project_catalog import project_catalog

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def generated(trained, tmp_path_factory):
    inputs = tmp_path_factory.mktemp("user_midi")
    write_midi(inputs / "with_lyrics.mid", TWINKLE, style="kar", kind="text")
    write_melody_only(inputs / "tune.mid", seed=5, n=30)
    (inputs / "broken.mid").write_bytes(b"MThd but not really")
    out = tmp_path_factory.mktemp("generated")
    catalog = project_catalog(trained)
    from kedro_datasets.json import JSONDataset  # noqa: PLC0415

    from melody_to_lyrics.datasets import FilesDataset, RawFolderDataset  # noqa: PLC0415

    catalog["user_midi"] = RawFolderDataset(str(inputs))
    catalog["generated_lyrics"] = JSONDataset(filepath=str(out / "lyrics.json"))
    catalog["karaoke_files"] = FilesDataset(str(out / "karaoke"))
    SequentialRunner().run(generate.create_pipeline(), catalog)
    return inputs, out


def test_every_file_gets_lyrics_or_a_clear_message(generated):
    _, out = generated
    songs = {s["file"]: s for s in json.loads((out / "lyrics.json").read_text())["songs"]}
    assert (
        songs["broken.mid"]
        == {"file": "broken.mid", "error": "truncated MIDI file (unexpected end of data)"}
        or "error" in songs["broken.mid"]
    )
    assert (
        songs["with_lyrics.mid"]["lines_from"] == "lyrics"
        and len(songs["with_lyrics.mid"]["lines"]) == 2
    )
    assert songs["tune.mid"]["lines_from"] == "phrases" and songs["tune.mid"]["lines"]
    assert sorted(p.name for p in (out / "karaoke").iterdir()) == ["tune.kar", "with_lyrics.kar"]


def test_a_karaoke_file_round_trips_through_pretty_midi_with_one_lyric_per_note(generated):
    inputs, out = generated
    songs = {s["file"]: s for s in json.loads((out / "lyrics.json").read_text())["songs"]}
    for name in ("with_lyrics.mid", "tune.mid"):
        original = pretty_midi.PrettyMIDI(str(inputs / name))
        karaoke = pretty_midi.PrettyMIDI(str(out / "karaoke" / name.replace(".mid", ".kar")))
        notes = sum(line["notes"] for line in songs[name]["lines"])
        assert len(karaoke.lyrics) == notes  # one lyric event per melody note of the lines
        onsets = {round(n.start, 4) for inst in karaoke.instruments for n in inst.notes}
        assert all(round(lyric.time, 4) in onsets for lyric in karaoke.lyrics)
        assert sum(len(i.notes) for i in karaoke.instruments) == sum(
            len(i.notes) for i in original.instruments
        )  # music kept
        texts = "".join(lyric.text for lyric in karaoke.lyrics)
        assert texts.count("\r") == len(songs[name]["lines"])  # a line break ends every line
    import mido  # noqa: PLC0415

    names = [t.name for t in mido.MidiFile(str(out / "karaoke" / "with_lyrics.kar")).tracks]
    assert LYRICS_TRACK in names
    old = [
        m
        for t in mido.MidiFile(str(out / "karaoke" / "with_lyrics.kar")).tracks
        for m in t
        if m.type == "text" and "kle" in m.text
    ]
    assert not old  # the file's own lyrics are replaced, not doubled


@pytest.mark.parametrize(
    ("text", "notes", "expected"),
    [
        ("twinkle little star", 5, ["twin", "kle ", "lit", "tle ", "star\r"]),
        (
            "twinkle little star",
            7,
            ["twin", "kle ", "lit", "", "tle ", "star\r", ""],
        ),  # held: empty events
        ("twinkle little star", 3, ["twin", "kle lit", "tle star\r"]),  # neighbours share a note
    ],
)
def test_syllables_are_spread_over_the_notes(text, notes, expected):
    assert syllables_for_notes(text, notes) == expected
