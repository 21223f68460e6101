"""Syllable-to-note alignment, melisma, and the notes that make up each lyric line.

1. A global offset: karaoke files often write every syllable a little before (or after) its
   note. The median signed distance from syllables to their nearest onsets, when larger than
   half the tolerance, is added to all syllable times.
2. Syllables are matched to melody onsets within the tolerance, in order, one syllable per note
   and one note per syllable, as many as possible and as close as possible (dynamic programming).
3. A syllable holds its note and every following note up to the next syllable's note (melisma);
   notes between syllables inside a line belong to that line. After a line's last syllable, the
   line keeps following notes while they continue without a gap (a held, decorated ending), at
   most ``max_melisma_notes`` of them, never reaching into the next line.

Which track a line's notes come from is decided per line (see
:func:`melody_to_lyrics.features.melody.line_track`): in duets and in many karaoke files the
tune moves between instruments.
"""

from __future__ import annotations

import numpy as np

SENTENCE_PUNCTUATION = ".,;:!?"


def estimate_offset(
    syllable_beats: np.ndarray, onsets: np.ndarray, tolerance: float, max_offset: float = 1.0
) -> float:
    """Median signed distance (beats) from syllables to their nearest onset; 0 when small or unclear."""
    beats = np.asarray(syllable_beats, dtype=np.float64)
    if len(beats) < 3 or len(onsets) == 0:
        return 0.0
    i = np.searchsorted(onsets, beats)
    left = onsets[np.clip(i - 1, 0, len(onsets) - 1)] - beats
    right = onsets[np.clip(i, 0, len(onsets) - 1)] - beats
    signed = np.where(np.abs(left) <= np.abs(right), left, right)
    close = np.abs(signed) <= max_offset
    if close.sum() < 0.5 * len(beats):
        return 0.0
    offset = float(np.median(signed[close]))
    return offset if abs(offset) > tolerance / 2 else 0.0


def align_syllables(
    syllable_beats: np.ndarray, onsets: np.ndarray, tolerance: float, offset: float = 0.0
) -> np.ndarray:
    """Index of the note each syllable starts on (-1 where none), strictly increasing where aligned.

    Among all monotone assignments (each syllable on at most one note, each note under at most one
    syllable, every pair within ``tolerance``), the one with the most syllables on notes, then the
    smallest distances. Dynamic programming over syllables; the states are the last note used,
    pruned to those not dominated by a state with an earlier last note and as good a score, so the
    work is linear in the number of syllables.
    """
    beats = np.asarray(syllable_beats, dtype=np.float64) + offset
    onsets = np.asarray(onsets, dtype=np.float64)
    lo = np.searchsorted(onsets, beats - tolerance, side="left")
    hi = np.searchsorted(onsets, beats + tolerance, side="right")
    # Notes before floor[i] can serve no syllable from i on: states whose last note lies below it
    # have the same future, so only the best of them is kept (as "floor[i] - 1").
    floor = np.minimum.accumulate(lo[::-1])[::-1] if len(lo) else lo
    states: dict[int, float] = {-1: 0.0}  # last note used -> best score
    history: list[
        dict[int, tuple[int, int]]
    ] = []  # per syllable: state -> (previous state, note or -1)
    for i in range(len(beats)):
        new: dict[int, float] = {}
        back: dict[int, tuple[int, int]] = {}
        low = int(floor[i]) - 1
        merged: dict[int, tuple[float, int]] = {}  # state as seen from here -> (score, real state)
        for last, score in states.items():
            key = max(last, low)
            if key not in merged or score > merged[key][0]:
                merged[key] = (score, last)
        for key, (score, last) in merged.items():
            if score > new.get(key, -np.inf):  # this syllable on no note
                new[key], back[key] = score, (last, -1)
            for j in range(max(int(lo[i]), key + 1), int(hi[i])):
                value = score + 1.0 - 0.5 * abs(onsets[j] - beats[i]) / tolerance
                if value > new.get(j, -np.inf):
                    new[j], back[j] = value, (last, j)
        states, kept = {}, -np.inf
        for last in sorted(new):
            if new[last] > kept:
                states[last] = kept = new[last]
        history.append({last: back[last] for last in states})
    note = np.full(len(beats), -1, dtype=np.int64)
    state = max(states, key=lambda s: (states[s], -s))
    for i in range(len(beats) - 1, -1, -1):
        state, note[i] = history[i][state]
    return note


def line_span(
    note_of_syllable: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    *,
    limit_beat: float = np.inf,
    max_melisma_notes: int = 4,
    max_melisma_gap: float = 0.25,
) -> tuple[int, int] | None:
    """First and last melody note (inclusive) of a line whose syllables sit on ``note_of_syllable``.

    After the last syllable's note the line keeps following notes that continue without a gap of
    more than ``max_melisma_gap`` beats, at most ``max_melisma_notes`` of them, and only those that
    start before ``limit_beat`` (where the next line begins). None when no syllable is on a note.
    """
    aligned = note_of_syllable[note_of_syllable >= 0]
    if not len(aligned):
        return None
    last = tail = int(aligned.max())
    while (
        tail + 1 < len(starts)
        and tail + 1 - last <= max_melisma_notes
        and starts[tail + 1] < limit_beat
        and starts[tail + 1] - ends[tail] <= max_melisma_gap
    ):
        tail += 1
    return int(aligned.min()), tail


def infer_lines(
    texts: list[str],
    word_ends: list[bool | None],
    note_of_syllable: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    *,
    rest_break_beats: float = 1.0,
    min_syllables: int = 4,
    max_syllables: int = 16,
) -> np.ndarray:
    """Line numbers for a stanza whose file marks no line breaks.

    A line ends after a word that ends in punctuation or is followed by a rest of at least
    ``rest_break_beats`` (once the line has ``min_syllables``), or at the first word end once it
    reaches ``max_syllables``.
    """
    n = len(texts)
    lines = np.zeros(n, dtype=np.int64)
    line, length = 0, 0
    for i in range(n):
        lines[i] = line
        length += 1
        if i == n - 1 or word_ends[i] is False:
            continue
        gap = 0.0
        a, b = note_of_syllable[i], note_of_syllable[i + 1]
        if a >= 0 and b > 0:
            gap = float(starts[b] - ends[b - 1])
        punctuated = texts[i][-1:] in SENTENCE_PUNCTUATION
        if (
            length >= min_syllables and (punctuated or gap >= rest_break_beats)
        ) or length >= max_syllables:
            line += 1
            length = 0
    return lines
