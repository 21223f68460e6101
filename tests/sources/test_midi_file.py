"""Reading MIDI files: beats, tempo, caps, and every kind of broken file."""

import numpy as np
import pytest

from melody_to_lyrics.sources.lyric_events import extract_lyrics
from melody_to_lyrics.sources.midi_file import MidiReadError, read_midi
from tests.midi_factory import TWINKLE, SongSpec, write_bad_files, write_midi, write_pretty_midi


def test_notes_are_in_beats_whatever_the_tempo(tmp_path):
    fast = read_midi(
        write_midi(
            tmp_path / "fast.mid", SongSpec(**{**TWINKLE.__dict__, "tempo_bpm": 180})
        ).read_bytes()
    )
    slow = read_midi(
        write_midi(
            tmp_path / "slow.mid", SongSpec(**{**TWINKLE.__dict__, "tempo_bpm": 60})
        ).read_bytes()
    )
    melody_fast, melody_slow = fast.tracks[0], slow.tracks[0]
    np.testing.assert_allclose(melody_fast.start_beat, TWINKLE.onsets())
    np.testing.assert_allclose(melody_fast.start_beat, melody_slow.start_beat)
    assert melody_slow.end_s[-1] == pytest.approx(3 * melody_fast.end_s[-1], rel=1e-5)
    assert melody_fast.pitch.tolist() == TWINKLE.pitches
    assert fast.time_signatures == [(0.0, 4, 4)]


def test_pretty_midi_written_file_keeps_its_lyric_events(tmp_path):
    parsed = read_midi(write_pretty_midi(tmp_path / "pm.mid", TWINKLE).read_bytes())
    (stanza,) = extract_lyrics(parsed.text_events, min_syllables=4).stanzas
    assert [s.tick / parsed.resolution for s in stanza.syllables] == pytest.approx(TWINKLE.onsets())


def test_absurd_tempo_is_counted_and_clamped_for_seconds_only(tmp_path):
    parsed = read_midi(write_midi(tmp_path / "t.mid", TWINKLE, extra_tempo_bpm=90000).read_bytes())
    assert parsed.n_absurd_tempos == 1
    assert parsed.duration_beats == pytest.approx(16.0)
    # the first beat at 120 bpm (0.5 s), then 15 beats at the 400 bpm cap (0.15 s each)
    assert parsed.duration_s == pytest.approx(0.5 + 15 * 0.15)


def test_notes_longer_than_the_cap_are_shortened_and_counted(tmp_path):
    spec = SongSpec(pitches=[60, 62, 64], durations=[1, 40, 1], lines=[["a", "b", "c"]])
    parsed = read_midi(
        write_midi(tmp_path / "long.mid", spec, accompaniment=False).read_bytes(), max_note_beats=16
    )
    assert parsed.n_capped_notes == 1
    durations = parsed.tracks[0].end_beat - parsed.tracks[0].start_beat
    assert durations.tolist() == [1.0, 16.0, 1.0]


def test_a_key_signature_mido_rejects_is_ignored_not_fatal(tmp_path):
    parsed = read_midi(
        write_midi(tmp_path / "key.mid", TWINKLE, key_signature_bytes=(0, 2)).read_bytes()
    )
    assert any("invalid key signature" in w for w in parsed.warnings)
    assert len(parsed.tracks[0].pitch) == len(TWINKLE.pitches)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("zero_byte", "empty file"),
        ("truncated", "truncated MIDI file"),
        ("random_bytes", "not a MIDI file"),
        ("text_as_kar", "not a MIDI file"),
    ],
)
def test_broken_files_raise_a_readable_reason(tmp_path, kind, reason):
    good = write_midi(tmp_path / "good.mid", TWINKLE)
    bad = write_bad_files(tmp_path / "bad", good)[kind]
    with pytest.raises(MidiReadError, match=reason):
        read_midi(bad.read_bytes())


def test_a_long_file_at_a_fine_resolution_is_coarsened_not_rejected():
    import mido  # noqa: PLC0415

    song = mido.MidiFile(type=1, ticks_per_beat=10080)
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("lyrics", text="long ", time=0))
    track.append(mido.Message("note_on", note=60, velocity=90, time=0))
    track.append(mido.Message("note_off", note=60, velocity=0, time=10080))
    track.append(mido.MetaMessage("lyrics", text="song", time=10080 * 998))  # at beat 999
    track.append(mido.Message("note_on", note=62, velocity=90, time=0))
    track.append(mido.Message("note_off", note=62, velocity=0, time=10080))
    song.tracks.append(track)
    buffer = __import__("io").BytesIO()
    song.save(file=buffer)
    parsed = read_midi(buffer.getvalue())  # last tick 10,080,000 > pretty_midi's 10,000,000
    assert any("coarsened" in w for w in parsed.warnings)
    assert parsed.tracks[0].start_beat.tolist() == [0.0, 999.0]
    assert [e.tick / parsed.resolution for e in parsed.text_events] == [0.0, 999.0]


def test_data_bytes_above_127_are_clipped_not_fatal():
    events = bytes(
        [0x00, 0x90, 0x3C, 0xC8, 0x60, 0x80, 0x3C, 0x40, 0x00, 0xFF, 0x2F, 0x00]
    )  # velocity 200
    data = (
        b"MThd"
        + (6).to_bytes(4, "big")
        + bytes([0, 0, 0, 1, 0, 0x60])
        + b"MTrk"
        + len(events).to_bytes(4, "big")
        + events
    )
    parsed = read_midi(data)
    assert "data bytes above 127 clipped" in parsed.warnings
    assert parsed.tracks[0].velocity.tolist() == [127] and parsed.tracks[0].pitch.tolist() == [60]
