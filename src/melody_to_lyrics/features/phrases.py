"""Phrases of a melody without lyrics: where the lines of a new lyric should go.

A phrase ends before a rest of at least ``rest_beats`` (once it has ``min_notes``), or at the
first bar line after it reaches ``max_notes``; it never grows beyond twice ``max_notes``.
"""

from __future__ import annotations

import numpy as np


def split_phrases(
    rests: np.ndarray,
    positions: np.ndarray,
    *,
    rest_beats: float = 1.0,
    min_notes: int = 3,
    max_notes: int = 16,
) -> list[tuple[int, int]]:
    """(first, last) note indices of each phrase; ``rests`` in beats before each note, ``positions``
    the position-in-bar steps (0 = on the bar line)."""
    n = len(rests)
    phrases, first = [], 0
    for i in range(1, n):
        length = i - first
        rest_break = rests[i] >= rest_beats and length >= min_notes
        bar_break = length >= max_notes and positions[i] == 0
        if rest_break or bar_break or length >= 2 * max_notes:
            phrases.append((first, i - 1))
            first = i
    if n:
        if phrases and n - first < min_notes:  # a short tail joins the phrase before it
            phrases[-1] = (phrases[-1][0], n - 1)
        else:
            phrases.append((first, n - 1))
    return phrases
