"""Where words end when a file does not say: syllables joined with a word-frequency lexicon.

Yu et al.'s data and LilyPond's MIDI files give syllables (``'Good', 'bye', 'Nor', 'ma', 'Jean'``)
with no word boundaries. A line's syllables are segmented into words by dynamic programming over
the boundaries the file leaves open, maximising the summed log frequency of the words. Word
frequencies come from the ``wordfreq`` package (its data ships inside the package; one or more
languages, taking each word's highest frequency). Only a *known* word may span several
syllables; an unknown single syllable is scored like ``wordsegment`` scores unknown words (the
longer, the less likely), so a known word beats the pieces it is made of (``goodbye`` over
``good`` + ``bye``), and syllables that make no known word stay apart. A capitalised syllable
(in a line that is not all capitals) starts a word, and word ends the file does give are kept.

Known limits: without word-pair statistics, two frequent words that also spell a frequent word
are joined (``a way`` becomes ``away``).
"""

from __future__ import annotations

import math
from functools import lru_cache

from wordfreq import get_frequency_dict

from melody_to_lyrics.sources.lyric_events import normalise_text

UNKNOWN_LOG10 = -9.0  # about the rarest word wordfreq lists


@lru_cache(maxsize=8)
def _frequencies(languages: tuple[str, ...]) -> dict[str, float]:
    merged: dict[str, float] = {}
    for language in languages:
        for word, frequency in get_frequency_dict(language, wordlist="best").items():
            if frequency > merged.get(word, 0.0):
                merged[word] = frequency
    return merged


class WordJoiner:
    """Resolves unknown word ends of a line's syllables (see the module docstring)."""

    def __init__(self, languages: tuple[str, ...] = ("en",), *, max_syllables: int = 4):
        self.languages = tuple(languages)
        self.max_syllables = max_syllables

    def __getstate__(self) -> dict:  # the lexicon is reloaded (and cached) in each process
        return {"languages": self.languages, "max_syllables": self.max_syllables}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["languages"], max_syllables=state["max_syllables"])

    def log_frequency(self, word: str) -> float | None:
        """log10 of the word's frequency, or None when the lexicon does not know it."""
        frequency = _frequencies(self.languages).get(word)
        return math.log10(frequency) if frequency else None

    def _score(self, word: str) -> float:
        known = self.log_frequency(word)
        return known if known is not None else UNKNOWN_LOG10 - 0.5 * len(word)

    def join(self, syllables: list[str], word_ends: list[bool | None]) -> list[bool]:
        """Word ends for every syllable: the known ones kept, unknown ones decided by the lexicon."""
        n = len(syllables)
        if all(e is not None for e in word_ends):
            return [bool(e) for e in word_ends]
        keys = [normalise_text(s).replace(" ", "") for s in syllables]
        all_caps = all(s.isupper() for s in syllables if any(ch.isalpha() for ch in s))
        best = [-math.inf] * (n + 1)
        back = [0] * (n + 1)
        best[0] = 0.0
        for j in range(1, n + 1):  # a word covers syllables i .. j-1
            if word_ends[j - 1] is False and j < n:
                continue  # the file says the word goes on
            for i in range(j - 1, max(-1, j - 1 - self.max_syllables), -1):
                if i < j - 1 and (
                    word_ends[i] is True or (syllables[i + 1][:1].isupper() and not all_caps)
                ):
                    break  # never across a known end, nor into a capitalised syllable
                if best[i] == -math.inf:
                    continue
                word = "".join(keys[i:j])
                if i < j - 1:
                    known = self.log_frequency(word)
                    if known is None:
                        continue
                    score = best[i] + known
                else:
                    score = best[i] + (self._score(word) if word else 0.0)
                if score > best[j]:
                    best[j], back[j] = score, i
        if best[n] == -math.inf:  # the file's own non-ends made every segmentation impossible
            return [e is not False for e in word_ends]
        ends = [False] * n
        j = n
        while j > 0:
            ends[j - 1] = True
            j = back[j]
        return ends
