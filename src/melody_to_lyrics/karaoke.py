"""Karaoke files: generated lyrics written into a MIDI file as lyric events, one per melody note.

The lyrics follow RP-026: a lyric meta event per syllable at its note's onset, a space after the
last syllable of a word, ``\\r`` after the last syllable of a line. Words are cut into syllables
(:func:`~melody_to_lyrics.text.syllables.split_syllables`) and spread over the line's notes: one
each where the counts agree; where a line has more notes than syllables, a syllable holds the
following notes, which get empty lyric events (a melisma); where it has fewer, neighbouring
syllables share a note. The original music is kept; lyrics the file had before are removed, and
the new ones go into a track of their own.
"""

from __future__ import annotations

import io

import mido
import numpy as np

from melody_to_lyrics.sources.lyric_events import is_header
from melody_to_lyrics.sources.midi_file import load_mido
from melody_to_lyrics.text.syllables import split_syllables, words

LYRICS_TRACK = "Lyrics (melody-to-lyrics)"


def syllables_for_notes(text: str, n_notes: int, language: str = "en_US") -> list[str]:
    """One lyric event text per note for a line (see the module docstring)."""
    pieces: list[tuple[str, bool]] = []  # (syllable, ends a word)
    for word in words(text) if text.strip() else []:
        parts = split_syllables(word, language)
        pieces.extend((part, i == len(parts) - 1) for i, part in enumerate(parts))
    if not pieces or n_notes == 0:
        return [""] * n_notes
    events = [""] * n_notes
    m = len(pieces)
    if m <= n_notes:
        starts = [int(np.floor(j * n_notes / m)) for j in range(m)]
        for (piece, ends), note in zip(pieces, starts, strict=True):
            events[note] = piece + (" " if ends else "")
    else:
        for note in range(n_notes):
            group = pieces[
                int(np.floor(note * m / n_notes)) : int(np.floor((note + 1) * m / n_notes))
            ]
            events[note] = "".join(piece + (" " if ends else "") for piece, ends in group)
    last = max(i for i, e in enumerate(events) if e)
    events[last] = events[last].rstrip() + "\r"
    return events


def write_karaoke(original: bytes, lines: list[tuple[np.ndarray, list[str]]]) -> bytes:
    """The original MIDI file with its old lyrics removed and the new lyric events in a track of their own.

    ``lines``: per line, the onsets (beats) of its notes and one event text per note.
    """
    song = load_mido(original, [])
    for track in song.tracks:
        # Old lyrics: lyric events, and the text events of a karaoke words track (as in ingest, a
        # track with at least 8 non-header text events); titles and copyright lines stay.
        lyric_texts = sum(1 for m in track if m.type == "text" and not is_header(m.text))
        kept, carry = [], 0
        for message in track:
            if message.type == "lyrics" or (
                message.type == "text" and lyric_texts >= 8 and not is_header(message.text)
            ):
                carry += message.time
                continue
            kept.append(message.copy(time=message.time + carry))
            carry = 0
        track[:] = kept
    events = sorted(
        (round(float(beat) * song.ticks_per_beat), text)
        for beats, texts in lines
        for beat, text in zip(beats, texts, strict=True)
    )
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=LYRICS_TRACK, time=0)])
    last = 0
    for tick, text in events:
        track.append(mido.MetaMessage("lyrics", text=text, time=tick - last))
        last = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    song.tracks.append(track)
    if song.type == 0:
        song.type = 1
    song.charset = "utf-8"
    out = io.BytesIO()
    song.save(file=out)
    return out.getvalue()
