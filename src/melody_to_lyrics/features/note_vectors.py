"""The 4-d note vector: pitch, duration, rest before, and position in the bar, quantised.

Durations and rests are measured in beats (quarter notes), so the vector does not change with
tempo. Each is quantised to the nearest of a list of bin values, compared on a log scale
(an eighth note is as far from a quarter as a half is from a whole); a rest shorter than half
the smallest non-zero rest bin counts as no rest. The position is the onset's distance from the
last bar line in steps of ``1 / steps_per_beat`` beat, from the file's time signatures (4/4 where
it gives none).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FOUR_FOUR = ((0.0, 4, 4),)


@dataclass(frozen=True, slots=True)
class Quantiser:
    """Bin values of the note vector (see ``parameters_note_features.yml``)."""

    duration_bins: tuple[float, ...]
    rest_bins: tuple[float, ...]
    steps_per_beat: int = 4
    max_bar_beats: int = 8

    @property
    def n_positions(self) -> int:
        return self.steps_per_beat * self.max_bar_beats

    @property
    def vocabulary_sizes(self) -> dict[str, int]:
        return {
            "pitch": 128,
            "duration": len(self.duration_bins),
            "rest": len(self.rest_bins),
            "position": self.n_positions,
        }


def nearest_bin(values: np.ndarray, bins: tuple[float, ...]) -> np.ndarray:
    """Index of the nearest bin on a log2 scale; a zero bin takes values below half the smallest other."""
    values = np.asarray(values, dtype=np.float64)
    centres = np.asarray(bins, dtype=np.float64)
    positive = np.flatnonzero(centres > 0)
    logs = np.log2(centres[positive])
    safe = np.log2(np.maximum(values, 1e-9))
    index = (
        positive[np.argmin(np.abs(safe[:, None] - logs[None, :]), axis=1)]
        if len(values)
        else np.zeros(0, int)
    )
    zero = np.flatnonzero(centres == 0)
    if len(zero):
        threshold = centres[positive].min() / 2 if len(positive) else np.inf
        index = np.where(values < threshold, zero[0], index)
    return index.astype(np.int16)


def bar_positions(
    starts: np.ndarray, time_signatures: tuple | list = FOUR_FOUR
) -> tuple[np.ndarray, np.ndarray]:
    """Beats since the last bar line for each onset, and the length of its bar, in beats.

    Each time signature change starts a bar.
    """
    signatures = sorted(time_signatures) or list(FOUR_FOUR)
    if signatures[0][0] > 0:
        signatures = [(0.0, 4, 4), *signatures]
    starts = np.asarray(starts, dtype=np.float64)
    change_beats = np.array([s[0] for s in signatures])
    bar_lengths = np.array([s[1] * 4.0 / s[2] for s in signatures])
    k = np.clip(np.searchsorted(change_beats, starts, side="right") - 1, 0, None)
    since_change = starts - change_beats[k]
    return np.mod(since_change, bar_lengths[k]), bar_lengths[k]


def note_vectors(
    pitch: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    quantiser: Quantiser,
    time_signatures: tuple | list = FOUR_FOUR,
) -> dict[str, np.ndarray]:
    """Raw and quantised features of a monophonic, time-ordered melody.

    Returns arrays: ``duration_beats``, ``rest_beats`` (0 for the first note), ``position_beats``,
    and the vector columns ``pitch``, ``duration``, ``rest``, ``position`` (small integers).
    """
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    duration = end - start
    rest = np.maximum(start - np.concatenate([[start[0] if len(start) else 0.0], end[:-1]]), 0.0)
    if len(rest):
        rest[0] = 0.0
    position, bar_length = bar_positions(start, time_signatures)
    bar_steps = np.maximum(np.rint(bar_length * quantiser.steps_per_beat), 1).astype(np.int64)
    # An onset a hair before the bar line is on the downbeat, not at the bar's last step.
    steps = np.mod(np.floor(position * quantiser.steps_per_beat + 0.5).astype(np.int64), bar_steps)
    return {
        "duration_beats": duration,
        "rest_beats": rest,
        "position_beats": position,
        "pitch": np.clip(np.asarray(pitch), 0, 127).astype(np.int16),
        "duration": nearest_bin(duration, quantiser.duration_bins),
        "rest": nearest_bin(rest, quantiser.rest_bins),
        "position": np.clip(steps, 0, quantiser.n_positions - 1).astype(np.int16),
    }
