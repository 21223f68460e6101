"""Small, real MIDI files written by the tests themselves (mido and pretty_midi).

``SongSpec`` describes a tune and its lyrics in beats; ``write_midi`` renders it in one of the
dialects found in the wild (lyric or text events, spaces or hyphens or nothing for words,
separate stanza tracks, karaoke headers, another encoding). The broken files of the bad-input
tests are made here too.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

import mido
import numpy as np
import pretty_midi

TPQ = 480


@dataclass
class SongSpec:
    """A tune and its lyrics. Syllables sit on the notes with the same index; ``None`` = no syllable."""

    pitches: list[int]
    durations: list[float]  # beats
    lines: list[list[str]]  # syllables per line; "-" at the end of a syllable = word continues
    rests: list[float] = field(default_factory=list)  # beats of rest before each note (default 0)
    tempo_bpm: float = 120.0
    syllable_notes: list[int] | None = (
        None  # note of each syllable (melisma); default: 0, 1, 2, ...
    )
    syllable_beats: list[float] | None = None  # or explicit syllable times, off the notes

    def onsets(self) -> list[float]:
        rests = self.rests or [0.0] * len(self.pitches)
        t, out = 0.0, []
        for rest, dur in zip(rests, self.durations, strict=True):
            t += rest
            out.append(t)
            t += dur
        return out


TWINKLE = SongSpec(
    pitches=[60, 60, 67, 67, 69, 69, 67, 65, 65, 64, 64, 62, 62, 60],
    durations=[1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2],
    lines=[
        ["Twin-", "kle", "twin-", "kle", "lit-", "tle", "star"],
        ["How", "I", "won-", "der", "what", "you", "are"],
    ],
)


def _syllable_events(spec: SongSpec, style: str) -> list[tuple[float, str]]:
    """(beat, text) per syllable in a karaoke dialect.

    styles: "rp026" (trailing space at word end, \\r at line end), "kar" (leading space starts a
    word, "/" starts a line, "\\\\" the first), "hyphen" ("syl -" continues, no line marks),
    "bare" (no word or line marks at all, like LilyPond).
    """
    onsets = spec.onsets()
    if spec.syllable_notes is not None:
        onsets = [onsets[i] for i in spec.syllable_notes]
    if spec.syllable_beats is not None:
        onsets = list(spec.syllable_beats)
    events, k = [], 0
    for n_line, line in enumerate(spec.lines):
        for i, syllable in enumerate(line):
            continues = syllable.endswith("-")
            text = syllable.rstrip("-")
            first_of_word = i == 0 or line[i - 1].endswith("-") is False
            if style == "rp026":
                text = text + ("" if continues else " ") + ("\r" if i == len(line) - 1 else "")
            elif style == "kar":
                prefix = (
                    ("\\" if n_line == 0 else "/") if i == 0 else (" " if first_of_word else "")
                )
                text = prefix + text
            elif style == "hyphen":
                text = text + (" -" if continues else "")
            events.append((onsets[k], text))
            k += 1
    return events


def write_midi(
    path: Path,
    spec: SongSpec,
    *,
    style: str = "rp026",
    kind: str = "lyrics",
    stanzas: list[list[list[str]]] | None = None,
    stanza_tracks: bool = True,
    headers: list[str] = (),
    accompaniment: bool = True,
    encoding: str = "utf-8",
    lyric_offset_beats: float = 0.0,
    key_signature_bytes: tuple[int, int] | None = None,
    extra_tempo_bpm: float | None = None,
) -> Path:
    """Write ``spec`` as a type-1 MIDI file: tempo track, melody, optional chords, lyrics."""
    song = mido.MidiFile(type=1, ticks_per_beat=TPQ, charset=encoding)
    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(spec.tempo_bpm), time=0))
    conductor.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
    if key_signature_bytes is not None:
        conductor.append(mido.UnknownMetaMessage(type_byte=0x59, data=key_signature_bytes, time=0))
    if extra_tempo_bpm is not None:
        conductor.append(
            mido.MetaMessage(
                "set_tempo", tempo=max(1, min(16777215, int(6e7 / extra_tempo_bpm))), time=TPQ
            )
        )
    song.tracks.append(conductor)

    def timed_track(name: str, items: list[tuple[int, mido.Message]]) -> mido.MidiTrack:
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=name, time=0))
        last = 0
        for tick, message in sorted(
            items,
            key=lambda x: (
                x[0],
                x[1].type != "lyrics" and x[1].type != "text",
                x[1].type == "note_on",
            ),
        ):
            track.append(message.copy(time=tick - last))
            last = tick
        track.append(mido.MetaMessage("end_of_track", time=0))
        return track

    onsets = spec.onsets()
    melody = []
    for onset, dur, pitch in zip(onsets, spec.durations, spec.pitches, strict=True):
        melody.append(
            (round(onset * TPQ), mido.Message("note_on", note=pitch, velocity=90, channel=0))
        )
        melody.append(
            (
                round((onset + dur) * TPQ),
                mido.Message("note_off", note=pitch, velocity=0, channel=0),
            )
        )
    meta_type = "lyrics" if kind == "lyrics" else "text"
    all_stanzas = stanzas or [spec.lines]
    lyric_tracks = []
    header_events = [(0, mido.MetaMessage("text", text=h)) for h in headers]
    for n, lines in enumerate(all_stanzas):
        verse = SongSpec(
            spec.pitches,
            spec.durations,
            lines,
            spec.rests,
            syllable_notes=spec.syllable_notes,
            syllable_beats=spec.syllable_beats,
        )
        events = [
            (
                max(0, round((beat + lyric_offset_beats) * TPQ)),
                mido.MetaMessage(meta_type, text=text),
            )
            for beat, text in _syllable_events(verse, style)
        ]
        lyric_tracks.append(events)
    if stanza_tracks:
        song.tracks.append(timed_track("Melody", melody + header_events + lyric_tracks[0]))
        for n, events in enumerate(lyric_tracks[1:], start=2):
            song.tracks.append(timed_track(f"Verse {n}", events))
    else:  # all stanzas in the melody track, interleaved at the same times
        song.tracks.append(
            timed_track("Melody", melody + header_events + [e for ev in lyric_tracks for e in ev])
        )
    if accompaniment:
        chords = []
        for bar in range(int(np.ceil((onsets[-1] + spec.durations[-1]) / 4))):
            for pitch in (48, 52, 55):
                chords.append(
                    (bar * 4 * TPQ, mido.Message("note_on", note=pitch, velocity=60, channel=1))
                )
                chords.append(
                    (
                        (bar * 4 + 4) * TPQ - 1,
                        mido.Message("note_off", note=pitch, velocity=0, channel=1),
                    )
                )
        song.tracks.append(
            timed_track(
                "Piano", [(0, mido.Message("program_change", program=0, channel=1))] + chords
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    song.save(path)
    return path


def write_pretty_midi(path: Path, spec: SongSpec, program: int = 0) -> Path:
    """The same tune written by pretty_midi, with lyrics as lyric events (RP-026 style)."""
    pm = pretty_midi.PrettyMIDI(initial_tempo=spec.tempo_bpm)
    instrument = pretty_midi.Instrument(program=program, name="Voice")
    spb = 60.0 / spec.tempo_bpm
    for onset, dur, pitch in zip(spec.onsets(), spec.durations, spec.pitches, strict=True):
        instrument.notes.append(
            pretty_midi.Note(velocity=90, pitch=pitch, start=onset * spb, end=(onset + dur) * spb)
        )
    pm.instruments.append(instrument)
    for beat, text in _syllable_events(spec, "rp026"):
        pm.lyrics.append(pretty_midi.Lyric(text, beat * spb))
    path.parent.mkdir(parents=True, exist_ok=True)
    pm.write(str(path))
    return path


def write_melody_only(path: Path, seed: int = 0, n: int = 40) -> Path:
    """A lyric-less file: a 'Flute' melody over sustained chords, plus drums."""
    rng = np.random.default_rng(seed)
    pm = pretty_midi.PrettyMIDI(initial_tempo=100)
    flute = pretty_midi.Instrument(program=73, name="Flute")
    pad = pretty_midi.Instrument(program=89, name="Pad")
    drums = pretty_midi.Instrument(program=0, is_drum=True, name="Drums")
    t = 0.0
    for _ in range(n):
        dur = float(rng.choice([0.3, 0.6, 0.9]))
        flute.notes.append(pretty_midi.Note(80, int(rng.integers(64, 80)), t, t + dur))
        drums.notes.append(pretty_midi.Note(80, 36, t, t + 0.1))
        t += dur
    for start in np.arange(0, t, 2.4):
        for pitch in (45, 52, 57):
            pad.notes.append(pretty_midi.Note(50, pitch, float(start), float(start) + 2.4))
    pm.instruments.extend([pad, flute, drums])
    path.parent.mkdir(parents=True, exist_ok=True)
    pm.write(str(path))
    return path


def write_aligned_npy(path: Path, lines: list[list[str]], seed: int = 0) -> Path:
    """A file in Yu et al.'s format: object array (1, 3) of per-line lists."""
    rng = np.random.default_rng(seed)
    timing, notes = [], []
    for line in lines:
        timing.append([[0.5, 0.4, 440.0, 90.0] for _ in line])
        notes.append(
            [[float(rng.integers(55, 75)), float(rng.choice([0.5, 1.0])), 0.0] for _ in line]
        )
    array = np.empty((1, 3), dtype=object)
    array[0, 0], array[0, 1], array[0, 2] = timing, notes, [list(line) for line in lines]
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, array, allow_pickle=True)
    return path


class _Exploit:
    """A pickle payload that would run a shell command when unpickled."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        import os  # noqa: PLC0415

        return (os.system, (f"touch {self.marker}",))


def write_malicious_npy(path: Path, marker: Path) -> Path:
    """A .npy whose pickle payload asks for ``os.system`` (it must never run)."""
    header = {"descr": "|O", "fortran_order": False, "shape": (1, 3)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        np.lib.format.write_array_header_1_0(f, header)
        f.write(pickle.dumps(_Exploit(marker), protocol=2))
    return path


def write_bad_files(folder: Path, good_midi: Path) -> dict[str, Path]:
    """Every kind of broken MIDI file of the foundation issue, named by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    data = good_midi.read_bytes()
    files = {
        "zero_byte": folder / "zero.mid",
        "truncated": folder / "truncated.mid",
        "random_bytes": folder / "random.MID",
        "text_as_kar": folder / "notes.kar",
    }
    files["zero_byte"].write_bytes(b"")
    files["truncated"].write_bytes(data[: len(data) // 2])
    files["random_bytes"].write_bytes(np.random.default_rng(1).bytes(3000))
    files["text_as_kar"].write_text("This is not a karaoke file.\nJust some words.\n")
    return files
