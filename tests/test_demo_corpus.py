"""The demo corpus builder: music21's scores written as MIDI files with structured lyric events."""

from __future__ import annotations

import pytest

from melody_to_lyrics.sources.lyric_events import extract_lyrics, join_syllables
from melody_to_lyrics.sources.midi_file import read_midi

pytest.importorskip("music21", reason="music21 (the [demo] extra) builds the demo corpus")

from melody_to_lyrics.demo_corpus import convert_piece, corpus_files  # noqa: E402


@pytest.fixture(scope="module")
def corpus_root():
    root, files = corpus_files(("bach",))
    assert len(files) > 300
    return root


def test_a_chorale_with_lyrics_becomes_a_midi_file_with_lines_and_words(corpus_root, tmp_path):
    result = convert_piece(corpus_root / "bach" / "bwv10.7.mxl", corpus_root, tmp_path)
    assert result.error == "" and result.output == "midi/bach/bwv10.7.mid"
    assert result.verses == 1 and result.lines >= 4
    midi = read_midi((tmp_path / result.output).read_bytes())
    (stanza,) = extract_lyrics(midi.text_events).stanzas
    first_line = [s for s in stanza.syllables if s.line == 0]
    assert (
        join_syllables([s.text for s in first_line], [s.word_end for s in first_line])
        == "Meine Seel’ erhebt den Herren;"
    )
    assert stanza.track == 1  # in the soprano's own track, beside its notes
    assert [t.name for t in midi.tracks][:1] == ["Soprano"]


def test_a_piece_without_lyrics_goes_to_the_melody_folder(corpus_root, tmp_path):
    result = convert_piece(corpus_root / "bach" / "bwv1.6.mxl", corpus_root, tmp_path)
    assert result.output == "melody_midi/bach/bwv1.6.mid" and result.lyric_notes == 0
    assert read_midi((tmp_path / result.output).read_bytes()).tracks


def test_further_verses_get_tracks_of_their_own(corpus_root, tmp_path):
    result = convert_piece(corpus_root / "bach" / "bwv103.6.mxl", corpus_root, tmp_path)
    assert result.verses == 4
    lyrics = extract_lyrics(read_midi((tmp_path / result.output).read_bytes()).text_events)
    assert len(lyrics.stanzas) == 4 and len({s.track for s in lyrics.stanzas}) == 4
