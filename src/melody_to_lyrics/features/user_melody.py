"""The melody lines of a user's MIDI file: where new lyric lines will be sung.

The file goes through the same parsing, melody-track choice and alignment as the corpus. Where it
has lyrics, its own lines (of the first verse) give the line breaks and the notes of each line;
where it has none, the melody track (by the lyric-less heuristic) is cut into phrases at rests and
bar lines (see :mod:`~melody_to_lyrics.features.phrases`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from melody_to_lyrics import tables
from melody_to_lyrics.features.phrases import split_phrases
from melody_to_lyrics.features.songs import VECTOR_COLUMNS, FeatureOptions, song_features
from melody_to_lyrics.features.words import WordJoiner
from melody_to_lyrics.sources.raw_files import parse_midi_bytes


class NoMelodyError(Exception):
    """A file with no usable melody; the message says why."""


@dataclass
class MelodyLine:
    notes: np.ndarray  # (n, 4) note vectors
    beats: np.ndarray  # onset of each note, in beats (quarter notes) from the start of the file
    text: str | None = None  # the file's own lyric line, when it has one


@dataclass
class UserMelody:
    lines: list[MelodyLine]
    melody_track: int
    method: str  # "lyrics" (the file's own lines) or "phrases"


def melody_lines(
    name: str,
    data: bytes,
    options: FeatureOptions,
    joiner: WordJoiner,
    *,
    rest_beats: float = 1.0,
    min_notes: int = 3,
    max_notes: int = 16,
) -> UserMelody:
    parsed = parse_midi_bytes(name, data)
    if parsed.rejects:
        raise NoMelodyError(parsed.rejects[0]["reason"])
    song = parsed.songs[0]
    frames = {
        key: tables.frame_from_columns(columns, schema)
        for key, columns, schema in (
            ("tracks", {k: [r[k] for r in parsed.tracks] for k in tables.TRACKS}, tables.TRACKS),
            ("notes", parsed.notes, tables.NOTES),
            ("events", parsed.lyric_events, tables.LYRIC_EVENTS),
        )
    }
    result = song_features(
        song, frames["tracks"], frames["notes"], frames["events"], joiner, options
    )
    if result.melody is None or result.melody["n_notes"] < min_notes:
        raise NoMelodyError(f"no usable melody ({result.report.get('reason') or 'too few notes'})")
    first_verse = (
        [line for line in result.lines if line["stanza"] == min(x["stanza"] for x in result.lines)]
        if result.lines
        else []
    )
    if first_verse:
        lines = [
            MelodyLine(
                np.stack([line[c] for c in VECTOR_COLUMNS], axis=1),
                np.asarray(line["note_beats"]),
                line["text"],
            )
            for line in first_verse
        ]
        return UserMelody(lines, first_verse[0]["melody_track"], "lyrics")
    melody = result.melody
    notes = np.stack([melody[c] for c in VECTOR_COLUMNS], axis=1)
    beats = np.asarray(melody["start_beat"])
    phrases = split_phrases(
        np.asarray(melody["rest_beats"]),
        np.asarray(melody["position"]),
        rest_beats=rest_beats,
        min_notes=min_notes,
        max_notes=max_notes,
    )
    lines = [MelodyLine(notes[a : b + 1], beats[a : b + 1]) for a, b in phrases]
    return UserMelody(lines, melody["melody_track"], "phrases")
