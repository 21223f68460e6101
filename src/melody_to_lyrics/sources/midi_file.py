"""One MIDI or karaoke file read into plain arrays: notes in beats and seconds, lyric and text events.

mido parses the bytes once; the lyric and text events are taken from that parse per track (pretty_midi
merges tracks, and a track is what tells one stanza from another); pretty_midi then builds notes,
instruments, tempo and time signatures from the same parsed object.

Times are kept in *beats* (quarter notes, from ticks), which do not depend on tempo, and in seconds,
computed with every tempo clamped into a sane range so that an absurd tempo cannot produce an
absurd song length. Notes longer than a cap are shortened; both are counted.
"""

from __future__ import annotations

import io
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import mido
import numpy as np
import pretty_midi
from mido.midifiles import meta as mido_meta

from melody_to_lyrics.sources.lyric_events import TextEvent

KEY_SIGNATURE_TYPE_BYTE = 0x59


class MidiReadError(Exception):
    """A file that cannot be read as MIDI at all; its message is the reason recorded in the rejects."""


@dataclass(slots=True)
class TrackNotes:
    """The notes of one pretty_midi instrument (a program on a channel of a track)."""

    name: str
    program: int
    pitch: np.ndarray  # int16
    velocity: np.ndarray  # int16
    start_beat: np.ndarray  # float64
    end_beat: np.ndarray
    start_s: np.ndarray  # float64, clamped tempo
    end_s: np.ndarray


@dataclass(slots=True)
class ParsedMidi:
    """What the pipeline needs of a MIDI file, with nothing of mido or pretty_midi left inside."""

    resolution: int
    midi_type: int
    tracks: list[TrackNotes]
    text_events: list[TextEvent]
    tempo_map: TempoMap
    time_signatures: list[tuple[float, int, int]]  # (beat, numerator, denominator)
    duration_beats: float
    duration_s: float
    n_drum_notes: int = 0
    n_zero_length_notes: int = 0
    n_capped_notes: int = 0
    n_absurd_tempos: int = 0
    warnings: list[str] = field(default_factory=list)


@contextmanager
def _lenient_key_signatures():
    """Read key signature events as unknown meta events (pretty_midi then ignores them).

    mido refuses a file whose key signature has an impossible mode or key; the key plays no part
    here, so the file is re-read with key signatures left undecoded rather than lost.
    """
    specs = mido_meta._META_SPECS  # mido has no public switch for this
    saved = specs.pop(KEY_SIGNATURE_TYPE_BYTE, None)
    try:
        yield
    finally:
        if saved is not None:
            specs[KEY_SIGNATURE_TYPE_BYTE] = saved


def load_mido(data: bytes, notes: list[str]) -> mido.MidiFile:
    """mido's parse of MIDI bytes, tolerant of bad key signatures; problems repaired go to ``notes``."""
    if not data:
        raise MidiReadError("empty file (0 bytes)")
    if data.startswith(b"RIFF") and data[8:12] == b"RMID":  # RIFF-wrapped MIDI (.rmi)
        data = data[max(data.find(b"MThd"), 0) :]
    if not data.startswith(b"MThd"):
        raise MidiReadError("not a MIDI file (no MThd header)")
    try:
        return _read(data, notes)
    except EOFError as err:
        raise MidiReadError(
            f"truncated MIDI file ({str(err) or 'unexpected end of data'})"
        ) from err
    except (OSError, ValueError, KeyError, IndexError, TypeError) as err:
        raise MidiReadError(f"unreadable MIDI ({type(err).__name__}: {err})") from err


def _read(data: bytes, notes: list[str], clip: bool = False) -> mido.MidiFile:
    """mido's parse, repeated with out-of-range data bytes clipped, or key signatures left undecoded,
    when the first attempt fails on them (clipping every file would slow every file down)."""
    try:
        return mido.MidiFile(file=io.BytesIO(data), clip=clip)
    except mido_meta.KeySignatureError as err:
        notes.append(f"invalid key signature ignored ({err})")
        with _lenient_key_signatures():
            return mido.MidiFile(file=io.BytesIO(data), clip=clip)
    except (ValueError, OSError) as err:
        if clip or "data byte must be in range" not in str(err):
            raise
        notes.append("data bytes above 127 clipped")
        return _read(data, notes, clip=True)


def _scan(midi: mido.MidiFile) -> tuple[list[TextEvent], int]:
    """The lyric and text events of every track, and the file's last tick (one pass over the messages)."""
    events, last = [], 0
    for index, track in enumerate(midi.tracks):
        tick = 0
        for message in track:
            tick += message.time
            if message.type in ("lyrics", "text"):
                events.append(TextEvent(index, message.type, tick, message.text))
        last = max(last, tick)
    return events, last


# pretty_midi refuses files whose last tick is beyond 1e7 (it allocates an array per tick);
# long pieces at a fine resolution get there honestly, so their ticks are coarsened first.
MAX_TICKS = 9_000_000
MIN_TICKS_PER_BEAT = 24


def _rescale_long_files(midi: mido.MidiFile, last: int, notes: list[str]) -> int:
    """Coarsen the ticks of a file whose last tick is beyond pretty_midi's limit; returns the factor."""
    if last <= MAX_TICKS:
        return 1
    factor = -(-last // MAX_TICKS)
    if midi.ticks_per_beat // factor < MIN_TICKS_PER_BEAT:
        raise MidiReadError(
            f"corrupt MIDI (last tick {last} at {midi.ticks_per_beat} ticks per beat)"
        )
    for track in midi.tracks:
        tick = scaled_before = 0
        for message in track:
            tick += message.time
            scaled = round(tick / factor)
            message.time, scaled_before = scaled - scaled_before, scaled
    midi.ticks_per_beat = round(midi.ticks_per_beat / factor)
    notes.append(f"ticks coarsened {factor}x (last tick {last}) to fit pretty_midi's limit")
    return factor


class TempoMap:
    """Seconds to beats with the file's own tempi, and beats to seconds with clamped tempi."""

    def __init__(self, times: np.ndarray, tempi: np.ndarray, bpm_range: tuple[float, float]):
        self.times = times
        self.tempi = tempi
        self.beats_at = np.concatenate([[0.0], np.cumsum(np.diff(times) * tempi[:-1] / 60.0)])
        self.clamped = np.clip(tempi, *bpm_range)
        self.seconds_at = np.concatenate(
            [[0.0], np.cumsum(np.diff(self.beats_at) * 60.0 / self.clamped[:-1])]
        )
        self.n_absurd = int(np.sum((tempi < bpm_range[0]) | (tempi > bpm_range[1])))

    def beats(self, seconds: np.ndarray) -> np.ndarray:
        k = np.clip(np.searchsorted(self.times, seconds, side="right") - 1, 0, None)
        return self.beats_at[k] + (seconds - self.times[k]) * self.tempi[k] / 60.0

    def seconds(self, beats: np.ndarray) -> np.ndarray:
        k = np.clip(np.searchsorted(self.beats_at, beats, side="right") - 1, 0, None)
        return self.seconds_at[k] + (beats - self.beats_at[k]) * 60.0 / self.clamped[k]


def read_midi(
    data: bytes,
    *,
    max_note_beats: float = 16.0,
    bpm_range: tuple[float, float] = (20.0, 400.0),
) -> ParsedMidi:
    """Parse MIDI bytes; raise :class:`MidiReadError` with a readable reason when impossible.

    Args:
        data: the file's bytes.
        max_note_beats: notes longer than this many beats are shortened to it (and counted).
        bpm_range: tempi outside it are counted as absurd and clamped for the seconds columns.
    """
    notes: list[str] = []
    midi = load_mido(data, notes)
    if midi.ticks_per_beat <= 0:
        raise MidiReadError(f"unreadable MIDI (ticks per beat {midi.ticks_per_beat})")
    text_events, last_tick = _scan(midi)
    factor = _rescale_long_files(midi, last_tick, notes)
    if factor > 1:
        text_events = [
            TextEvent(e.track, e.kind, round(e.tick / factor), e.text) for e in text_events
        ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            pm = pretty_midi.PrettyMIDI(mido_object=midi)
        except (ValueError, KeyError, IndexError, ZeroDivisionError, OverflowError) as err:
            raise MidiReadError(f"corrupt MIDI ({type(err).__name__}: {err})") from err
    notes.extend(str(w.message) for w in caught)

    resolution = pm.resolution
    tempo_map = TempoMap(*pm.get_tempo_changes(), bpm_range=bpm_range)

    def to_beats(seconds: np.ndarray) -> np.ndarray:
        return np.round(tempo_map.beats(seconds) * resolution) / resolution

    tracks: list[TrackNotes] = []
    n_drum = n_zero = n_capped = 0
    for instrument in pm.instruments:
        if instrument.is_drum:
            n_drum += len(instrument.notes)
            continue
        if not instrument.notes:
            continue
        table = np.array([(n.start, n.end, n.pitch, n.velocity) for n in instrument.notes])
        table = table[np.lexsort((table[:, 2], table[:, 0]))]
        start, end = to_beats(table[:, 0]), to_beats(table[:, 1])
        keep = end > start
        n_zero += int(np.sum(~keep))
        start, end, table = start[keep], end[keep], table[keep]
        too_long = end - start > max_note_beats
        n_capped += int(np.sum(too_long))
        end = np.where(too_long, start + max_note_beats, end)
        if len(start) == 0:
            continue
        tracks.append(
            TrackNotes(
                name=instrument.name.strip(),
                program=int(instrument.program),
                pitch=table[:, 2].astype(np.int16),
                velocity=table[:, 3].astype(np.int16),
                start_beat=start,
                end_beat=end,
                start_s=tempo_map.seconds(start),
                end_s=tempo_map.seconds(end),
            )
        )

    event_beats = np.array([e.tick / resolution for e in text_events], dtype=np.float64)
    time_signatures = []
    for ts in pm.time_signature_changes:
        if ts.numerator <= 0 or ts.denominator <= 0:
            notes.append(f"invalid time signature {ts.numerator}/{ts.denominator} ignored")
            continue
        beat = float(to_beats(np.array([ts.time]))[0])
        time_signatures.append((beat, int(ts.numerator), int(ts.denominator)))
    end_beat = max(
        [float(t.end_beat.max()) for t in tracks] + [float(event_beats.max(initial=0.0))]
    )
    if tempo_map.n_absurd:
        notes.append(
            f"{tempo_map.n_absurd} tempo change(s) outside {bpm_range[0]}-{bpm_range[1]} bpm clamped"
        )
    if n_capped:
        notes.append(f"{n_capped} note(s) longer than {max_note_beats} beats shortened")
    return ParsedMidi(
        resolution=resolution,
        midi_type=midi.type,
        tracks=tracks,
        text_events=text_events,
        tempo_map=tempo_map,
        time_signatures=time_signatures,
        duration_beats=end_beat,
        duration_s=float(tempo_map.seconds(np.array([end_beat]))[0]),
        n_drum_notes=n_drum,
        n_zero_length_notes=n_zero,
        n_capped_notes=n_capped,
        n_absurd_tempos=tempo_map.n_absurd,
        warnings=notes,
    )
