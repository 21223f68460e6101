"""One raw file of any source parsed into rows of the ingest tables, or into one reject row.

This is the function the ingest pool runs in its worker processes: it reads a file, parses it,
and returns plain column data. No parsed MIDI object ever leaves the worker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from melody_to_lyrics.sources.aligned_npy import (
    AlignedFormatError,
    UnsafePickleError,
    load_npy_safely,
    onsets,
    parse_aligned,
)
from melody_to_lyrics.sources.lyric_events import extract_lyrics, normalise_text
from melody_to_lyrics.sources.lyric_text import LyricTextError, decode_text, split_songs
from melody_to_lyrics.sources.midi_file import MidiReadError, read_midi

MIDI_SUFFIXES = (".mid", ".midi", ".kar", ".rmi")
SOURCE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "midi": MIDI_SUFFIXES,
    "melody_midi": MIDI_SUFFIXES,
    "aligned_npy": (".npy",),
    "lyric_text": (".txt",),
}


@dataclass(frozen=True, slots=True)
class RawFile:
    """A file of one source, named by its path relative to the source's folder."""

    source: str
    root: str
    relpath: str

    @property
    def path(self) -> Path:
        return Path(self.root) / self.relpath


@dataclass(frozen=True, slots=True)
class ParseOptions:
    max_note_beats: float = 16.0
    min_bpm: float = 20.0
    max_bpm: float = 400.0
    min_lyric_syllables: int = 8


@dataclass(slots=True)
class FileTables:
    """Rows for each ingest table from one file (column name -> values)."""

    songs: list[dict] = field(default_factory=list)
    tracks: list[dict] = field(default_factory=list)
    notes: dict[str, np.ndarray] | None = None
    lyric_events: dict[str, list] | None = None
    lyric_text_lines: dict[str, list] | None = None
    rejects: list[dict] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def song_id(source: str, key: str, content_hash: str) -> str:
    """A stable id from the source, the path inside it, and the content."""
    return hashlib.sha1(f"{source}\0{key}\0{content_hash}".encode()).hexdigest()[:16]


def _song_row(
    sid: str, item: RawFile, content_hash: str, path: str | None = None, **counts
) -> dict:
    row = {
        "song_id": sid,
        "source": item.source,
        "path": path or item.relpath,
        "content_hash": content_hash,
        "n_tracks": 0,
        "n_notes": 0,
        "n_drum_notes": 0,
        "n_lyric_events": 0,
        "n_syllables": 0,
        "n_stanzas": 0,
        "n_lines": 0,
        "lyrics_kind": "",
        "word_boundaries": "",
        "encoding": "",
        "resolution": 0,
        "duration_beats": 0.0,
        "duration_s": 0.0,
        "n_zero_length_notes": 0,
        "n_capped_notes": 0,
        "n_absurd_tempos": 0,
        "n_header_events": 0,
        "n_ignored_text_events": 0,
        "ts_beat": np.zeros(0),
        "ts_numerator": np.zeros(0, dtype=np.int16),
        "ts_denominator": np.zeros(0, dtype=np.int16),
        "warnings": "",
    }
    row.update(counts)
    return row


def _reject(item: RawFile, stage: str, reason: str) -> FileTables:
    return FileTables(
        rejects=[{"source": item.source, "path": item.relpath, "stage": stage, "reason": reason}]
    )


def parse_raw_file(item: RawFile, options: ParseOptions) -> FileTables:
    """Parse one file; never raises for bad input (the reason goes to the rejects)."""
    try:
        data = item.path.read_bytes()
    except OSError as err:
        return _reject(item, "read", f"cannot read file ({err.strerror or err})")
    try:
        if item.source in ("midi", "melody_midi"):
            return _parse_midi(item, data, options)
        if item.source == "aligned_npy":
            return _parse_aligned(item, data)
        if item.source == "lyric_text":
            return _parse_lyric_text(item, data)
        return _reject(item, "parse", f"unknown source {item.source!r}")
    except Exception as err:  # a bug or an exotic library error must not stop the run
        return _reject(item, "parse", f"unexpected {type(err).__name__}: {err}")


def parse_midi_bytes(
    name: str, data: bytes, options: ParseOptions = ParseOptions(), source: str = "midi"
) -> FileTables:
    """The ingest tables of one MIDI file given as bytes (a user's file, say)."""
    return _parse_midi(RawFile(source, "", name), data, options)


def _parse_midi(item: RawFile, data: bytes, options: ParseOptions) -> FileTables:
    content_hash = hashlib.sha1(data).hexdigest()
    try:
        midi = read_midi(
            data,
            max_note_beats=options.max_note_beats,
            bpm_range=(options.min_bpm, options.max_bpm),
        )
    except MidiReadError as err:
        return _reject(item, "parse", str(err))
    if not midi.tracks:
        return _reject(item, "parse", "no pitched notes (only drums or nothing)")
    sid = song_id(item.source, item.relpath, content_hash)
    lyrics = extract_lyrics(midi.text_events, min_syllables=options.min_lyric_syllables)

    tracks, note_columns = [], []
    for index, track in enumerate(midi.tracks):
        n = len(track.pitch)
        tracks.append(
            {
                "song_id": sid,
                "track": index,
                "name": track.name,
                "program": track.program,
                "n_notes": n,
            }
        )
        note_columns.append(
            {
                "track": np.full(n, index, dtype=np.int16),
                "pitch": track.pitch,
                "velocity": track.velocity,
                "start_beat": track.start_beat,
                "end_beat": track.end_beat,
                "start_s": track.start_s,
                "end_s": track.end_s,
            }
        )
    notes = {k: np.concatenate([c[k] for c in note_columns]) for k in note_columns[0]}
    notes["song_id"] = [sid] * len(notes["pitch"])

    events: dict[str, list] = {
        k: []
        for k in (
            "stanza",
            "track",
            "kind",
            "syllable",
            "beat",
            "text",
            "raw",
            "word_end",
            "line",
            "paragraph",
        )
    }
    n_lines = 0
    for stanza_index, stanza in enumerate(lyrics.stanzas):
        for i, syl in enumerate(stanza.syllables):
            events["stanza"].append(stanza_index)
            events["track"].append(stanza.track)
            events["kind"].append(stanza.kind)
            events["syllable"].append(i)
            events["beat"].append(syl.tick / midi.resolution)
            events["text"].append(syl.text)
            events["raw"].append(syl.raw)
            events["word_end"].append(syl.word_end)
            events["line"].append(syl.line)
            events["paragraph"].append(syl.paragraph)
        n_lines += stanza.syllables[-1].line + 1
    beats = np.asarray(events["beat"], dtype=np.float64)
    events["time_s"] = midi.tempo_map.seconds(beats) if len(beats) else beats
    events["song_id"] = [sid] * len(beats)

    kinds = sorted({s.kind for s in lyrics.stanzas})
    modes = sorted({s.word_boundaries for s in lyrics.stanzas})
    log = [f"{item.relpath}: {w}" for w in midi.warnings + lyrics.warnings]
    song = _song_row(
        sid,
        item,
        content_hash,
        n_tracks=len(midi.tracks),
        n_notes=len(notes["pitch"]),
        n_drum_notes=midi.n_drum_notes,
        n_lyric_events=len(midi.text_events),
        n_syllables=len(beats),
        n_stanzas=len(lyrics.stanzas),
        n_lines=n_lines,
        lyrics_kind="+".join(kinds),
        word_boundaries="+".join(modes),
        encoding=lyrics.encoding,
        resolution=midi.resolution,
        duration_beats=midi.duration_beats,
        duration_s=midi.duration_s,
        n_zero_length_notes=midi.n_zero_length_notes,
        n_capped_notes=midi.n_capped_notes,
        n_absurd_tempos=midi.n_absurd_tempos,
        n_header_events=lyrics.n_header_events,
        n_ignored_text_events=lyrics.n_ignored_events,
        ts_beat=np.array([t[0] for t in midi.time_signatures], dtype=np.float64),
        ts_numerator=np.array([t[1] for t in midi.time_signatures], dtype=np.int16),
        ts_denominator=np.array([t[2] for t in midi.time_signatures], dtype=np.int16),
        warnings="; ".join(midi.warnings + lyrics.warnings),
    )
    return FileTables(songs=[song], tracks=tracks, notes=notes, lyric_events=events, log=log)


def _parse_aligned(item: RawFile, data: bytes) -> FileTables:
    content_hash = hashlib.sha1(data).hexdigest()
    if not data:
        return _reject(item, "parse", "empty file (0 bytes)")
    try:
        lines = parse_aligned(load_npy_safely(data))
    except UnsafePickleError as err:
        return _reject(item, "parse", f"unsafe pickle refused: {err}")
    except AlignedFormatError as err:
        return _reject(item, "parse", f"not in the aligned format: {err}")
    sid = song_id(item.source, item.relpath, content_hash)
    start_beat, start_s = onsets(lines)
    duration = np.concatenate([ln.duration_beats for ln in lines])
    length_s = np.concatenate([ln.length_s for ln in lines])
    n = len(start_beat)
    notes = {
        "song_id": [sid] * n,
        "track": np.zeros(n, dtype=np.int16),
        "pitch": np.concatenate([ln.pitch for ln in lines]),
        "velocity": np.concatenate([ln.velocity for ln in lines]),
        "start_beat": start_beat,
        "end_beat": start_beat + duration,
        "start_s": start_s,
        "end_s": start_s + length_s,
    }
    syllables = [s for ln in lines for s in ln.syllables]
    line_of = [i for i, ln in enumerate(lines) for _ in ln.syllables]
    last_of_line = [j == len(ln.syllables) - 1 for ln in lines for j in range(len(ln.syllables))]
    events = {
        "song_id": [sid] * n,
        "stanza": [0] * n,
        "track": [0] * n,
        "kind": ["aligned"] * n,
        "syllable": list(range(n)),
        "beat": start_beat,
        "time_s": start_s,
        "text": syllables,
        "raw": syllables,
        "word_end": [True if last else None for last in last_of_line],  # the format marks no words
        "line": line_of,
        "paragraph": [0] * n,
    }
    song = _song_row(
        sid,
        item,
        content_hash,
        n_tracks=1,
        n_notes=n,
        n_lyric_events=n,
        n_syllables=n,
        n_stanzas=1,
        n_lines=len(lines),
        lyrics_kind="aligned",
        word_boundaries="unknown",
        encoding="unicode",
        duration_beats=float(notes["end_beat"].max()),
        duration_s=float(notes["end_s"].max()),
    )
    track = {"song_id": sid, "track": 0, "name": "aligned melody", "program": 0, "n_notes": n}
    return FileTables(songs=[song], tracks=[track], notes=notes, lyric_events=events)


def _parse_lyric_text(item: RawFile, data: bytes) -> FileTables:
    if not data:
        return _reject(item, "parse", "empty file (0 bytes)")
    try:
        text, encoding = decode_text(data)
    except LyricTextError as err:
        return _reject(item, "parse", str(err))
    songs = split_songs(text)
    if not songs:
        return _reject(item, "parse", "no lyric lines")
    rows, line_ids, line_numbers, line_texts = [], [], [], []
    for k, lines in enumerate(songs):
        content_hash = hashlib.sha1(
            "\n".join(normalise_text(x) for x in lines).encode()
        ).hexdigest()
        key = f"{item.relpath}#{k}"
        sid = song_id(item.source, key, content_hash)
        rows.append(
            _song_row(
                sid,
                item,
                content_hash,
                path=key,
                n_lines=len(lines),
                lyrics_kind="plain",
                encoding=encoding,
            )
        )
        line_ids.extend([sid] * len(lines))
        line_numbers.extend(range(len(lines)))
        line_texts.extend(lines)
    text_lines = {"song_id": line_ids, "line": line_numbers, "text": line_texts}
    return FileTables(songs=rows, lyric_text_lines=text_lines)
