"""Which track carries the melody, and the melody reduced to one note at a time.

With lyrics, the melody track is the one whose onsets best match the syllable times: scored by
the F2 of *recall* (share of syllables with an onset within the tolerance) and *precision* (share
of the track's onsets, while the lyrics run, that have a syllable near them). Recall matters most
(every syllable should sit on a note; a melody has melismas and fills, so its precision is
modest), but recall alone would crown a busy accompaniment whose onsets fall on every sixteenth.

Without lyrics (see :func:`melody_score`): a track named like a melody or voice, playing a
melodic instrument, mostly one note at a time, in the singing range, and lasting most of the
song, is the melody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from melody_to_lyrics.features.alignment import estimate_offset

MELODY_NAME = re.compile(
    r"melod|vocal|voice|voce|voz|stimme|gesang|sing|lead|solo|sopran|canto|cantus|tune|theme|lyric|words",
    re.IGNORECASE,
)
# General MIDI programs that usually carry a tune: choir and voice, brass leads, reeds, pipes,
# synth leads.
MELODIC_PROGRAMS = frozenset([*range(52, 55), 56, 57, 60, *range(64, 80), *range(80, 88)])


@dataclass(slots=True)
class Notes:
    """Notes of one track in beats, sorted by onset."""

    pitch: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.pitch)


def monophonic(notes: Notes) -> Notes:
    """One note at a time: at each onset the highest note, cut short where the next one starts."""
    if not len(notes):
        return notes
    order = np.lexsort((-notes.pitch, notes.start))
    pitch, start, end = notes.pitch[order], notes.start[order], notes.end[order]
    first = np.concatenate([[True], np.diff(start) > 1e-9])
    pitch, start, end = pitch[first], start[first], end[first]
    end = np.minimum(end, np.concatenate([start[1:], [np.inf]]))
    return Notes(pitch, start, end)


def polyphony(notes: Notes) -> float:
    """Share of notes that start while another note of the track is still sounding (or with it)."""
    if len(notes) < 2:
        return 0.0
    order = np.argsort(notes.start, kind="stable")
    start, end = notes.start[order], notes.end[order]
    running_end = np.maximum.accumulate(end)
    overlapping = start[1:] < running_end[:-1] - 1e-6
    return float(np.mean(overlapping))


def nearest_distance(points: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Distance from each point to the nearest value of a sorted grid."""
    points = np.asarray(points, dtype=np.float64)
    if not len(grid):
        return np.full(len(points), np.inf)
    i = np.searchsorted(grid, points)
    last = len(grid) - 1
    left = grid[np.maximum(i - 1, 0)]
    right = grid[np.minimum(i, last)]
    return np.minimum(np.abs(points - left), np.abs(points - right))


def onsets_by_track(tracks: dict[int, Notes]) -> dict[int, np.ndarray]:
    """The distinct onsets of each track, sorted: what track matching compares with syllables."""
    return {track: np.unique(notes.start) for track, notes in tracks.items()}


def f2_score(recall: float, precision: float) -> float:
    """F-beta with beta = 2: recall (syllables on onsets) counts four times as much as precision."""
    denominator = 4 * precision + recall
    return 5 * precision * recall / denominator if denominator else 0.0


@dataclass(slots=True)
class TrackMatch:
    track: int
    recall: float
    precision: float
    offset: float = 0.0

    @property
    def score(self) -> float:
        return f2_score(self.recall, self.precision)


def match_tracks(
    syllable_beats: np.ndarray, onsets: dict[int, np.ndarray], tolerance: float
) -> list[TrackMatch]:
    """How well each track's onsets (see :func:`onsets_by_track`) match the syllable times, best first."""
    beats = np.sort(np.asarray(syllable_beats, dtype=np.float64))
    matches = []
    for track, track_onsets in onsets.items():
        offset = estimate_offset(beats, track_onsets, tolerance)
        shifted = beats + offset
        recall = (
            float(np.mean(nearest_distance(shifted, track_onsets) <= tolerance))
            if len(beats)
            else 0.0
        )
        if len(beats):
            inside = track_onsets[
                (track_onsets >= shifted[0] - 1.0) & (track_onsets <= shifted[-1] + 1.0)
            ]
        else:
            inside = track_onsets[:0]
        precision = (
            float(np.mean(nearest_distance(inside, shifted) <= tolerance)) if len(inside) else 0.0
        )
        matches.append(TrackMatch(track, recall, precision, offset))
    return sorted(matches, key=lambda m: (-round(m.score, 4), -round(m.recall, 4), m.track))


def line_track(
    shifted_beats: np.ndarray,
    onsets: dict[int, np.ndarray],
    tolerance: float,
    preferred: int,
    bonus: float = 0.05,
) -> int:
    """The track whose onsets best match one line's syllables (F2 within the line's time window).

    ``preferred`` (the stanza's best track) gets a small bonus, so that a line changes track only
    when another one clearly fits it better.
    """
    if len(onsets) == 1:
        return next(iter(onsets))
    beats = np.sort(np.asarray(shifted_beats, dtype=np.float64))
    low, high = beats[0] - tolerance, beats[-1] + tolerance
    best, best_score = preferred, -1.0
    for track, track_onsets in sorted(onsets.items()):
        recall = float(np.count_nonzero(nearest_distance(beats, track_onsets) <= tolerance)) / len(
            beats
        )
        inside = track_onsets[
            np.searchsorted(track_onsets, low) : np.searchsorted(track_onsets, high, side="right")
        ]
        precision = (
            float(np.count_nonzero(nearest_distance(inside, beats) <= tolerance)) / len(inside)
            if len(inside)
            else 0.0
        )
        score = f2_score(recall, precision) + (bonus if track == preferred else 0.0)
        if score > best_score:
            best, best_score = track, score
    return best


def melody_score(notes: Notes, name: str, program: int, song_span: float) -> float:
    """The lyric-less heuristic: higher is more melody-like (documented in the module docstring).

    ``2·[name says melody/voice] + [melodic GM program] + (1 − polyphony) + pitch fit + coverage``,
    where pitch fit is 1 for a median pitch in C4–G5 (60–79), falling to 0 an octave outside, and
    coverage is the share of the song's length between the track's first and last note.
    """
    if not len(notes):
        return -np.inf
    median = float(np.median(notes.pitch))
    distance = max(60 - median, median - 79, 0.0)
    pitch_fit = max(0.0, 1.0 - distance / 12.0)
    coverage = float((notes.end.max() - notes.start.min()) / song_span) if song_span > 0 else 0.0
    return (
        2.0 * bool(MELODY_NAME.search(name or ""))
        + 1.0 * (program in MELODIC_PROGRAMS)
        + (1.0 - polyphony(notes))
        + pitch_fit
        + min(coverage, 1.0)
    )


def guess_melody_track(
    tracks: dict[int, Notes], names: dict[int, str], programs: dict[int, int], min_notes: int
) -> int | None:
    """The most melody-like track of a file without lyrics (None when it has no notes)."""
    candidates = {t: n for t, n in tracks.items() if len(n) >= min_notes} or {
        t: n for t, n in tracks.items() if len(n)
    }
    if not candidates:
        return None
    span = max(float(n.end.max()) for n in candidates.values()) - min(
        float(n.start.min()) for n in candidates.values()
    )
    scores = {
        t: melody_score(n, names.get(t, ""), programs.get(t, 0), span)
        for t, n in candidates.items()
    }
    return max(sorted(scores), key=lambda t: scores[t])
