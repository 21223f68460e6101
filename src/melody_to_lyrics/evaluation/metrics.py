"""Metrics of generated lyric lines against references and melodies.

* sacreBLEU and chrF (corpus level, ``sacrebleu``);
* distinct-n: distinct word n-grams over all n-grams of all lines;
* first-token collapse: the share of the commonest first word, and the entropy (bits) of the
  first-word distribution -- the write-up's failure was every line starting with "i";
* EOS rate: the share of lines that ended with EOS rather than running into the length cap;
* syllable alignment: |syllables of a line - notes of its melody segment|, its mean and the share
  of lines where it is 0 (syllables counted by :mod:`melody_to_lyrics.text.syllables`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import sacrebleu

from melody_to_lyrics.text.syllables import count_syllables, words

__all__ = [
    "bleu",
    "chrf",
    "count_syllables",
    "distinct_n",
    "first_word_stats",
    "syllable_alignment",
    "text_metrics",
    "words",
]


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
    # max(): a single first word gives -0.0, which reports would print as "-0.00"
    entropy = max(0.0, float(-(probabilities * np.log2(probabilities)).sum()))
    return {
        "first_word": word,
        "first_word_share": top / len(firsts),
        "first_word_entropy_bits": entropy,
    }


def syllable_alignment(lines: Sequence[str], notes: Sequence[int], language: str = "en_US") -> dict:
    """Mean |syllables - notes| and the share of lines with exactly as many syllables as notes."""
    errors = np.array(
        [abs(count_syllables(t, language) - int(n)) for t, n in zip(lines, notes, strict=True)],
        dtype=float,
    )
    if not len(errors):
        return {"syllable_error_mean": math.nan, "syllable_exact_rate": math.nan}
    return {
        "syllable_error_mean": float(errors.mean()),
        "syllable_exact_rate": float((errors == 0).mean()),
    }


def syllable_errors(
    lines: Sequence[str], notes: Sequence[int], language: str = "en_US"
) -> np.ndarray:
    return np.array(
        [count_syllables(t, language) - int(n) for t, n in zip(lines, notes, strict=True)]
    )


def text_metrics(
    hypotheses: Sequence[str],
    references: Sequence[str],
    notes: Sequence[int],
    ended: Sequence[bool] | None,
    language: str,
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
