"""The decoder-input ablation: ``bos_prefix`` against ``shifted``, trained under one budget.

The write-up saw every greedy prediction of a decoder trained on ``BOS + line`` start with "i",
and reported faster convergence after dropping the prefix (4.50 vs 4.58 after two epochs, but at
batch 512 vs 64, and the fixed scheme never has to predict a line's first token). Here both are
trained on the same lines with the same seed, batch size, steps and model, and compared on the
*comparable* loss (the target tokens both predict). How lines start is measured by decoding each
validation line's start: a ``bos_prefix`` decoder generates from BOS; a ``shifted`` decoder cannot
generate a first token at all and is given the line's own first token.
"""

from __future__ import annotations

import pandas as pd
import torch
from tokenizers import Tokenizer

from melody_to_lyrics.evaluation.metrics import first_word_stats
from melody_to_lyrics.models import LyricDecoder
from melody_to_lyrics.models.generate import GenerationConfig, generate
from melody_to_lyrics.text.tokenizer import BOS_ID, decode
from melody_to_lyrics.training.examples import ExampleSet


def line_starts(
    decoder: LyricDecoder,
    pairs: ExampleSet,
    tokenizer: Tokenizer,
    config: GenerationConfig,
    *,
    lines: int,
    batch_size: int = 64,
) -> list[str]:
    """Generated validation lines: from BOS (``bos_prefix``) or from each line's first token (``shifted``)."""
    decoder.eval()
    scheme = pairs.meta["scheme"]
    data = pairs["validation"]
    n = min(lines, len(data["inputs"]))
    texts: list[str] = []
    for start in range(0, n, batch_size):
        rows = range(start, min(start + batch_size, n))
        if scheme == "bos_prefix":
            prompt = torch.full((len(rows), 1), BOS_ID, dtype=torch.long)
        else:
            prompt = torch.tensor([[int(data["inputs"][i][0])] for i in rows])
        batch_config = GenerationConfig(**{**config.__dict__, "seed": config.seed + start})
        for row, result in zip(
            prompt.tolist(), generate(decoder, prompt, batch_config), strict=True
        ):
            texts.append(
                decode(tokenizer, ([] if scheme == "bos_prefix" else row) + result["tokens"])
            )
    return texts


def comparable_curve(curve: pd.DataFrame) -> pd.DataFrame:
    rows = (
        curve[(curve["split"] == "validation") & curve["comparable"].notna()]
        if "comparable" in curve
        else curve.iloc[:0]
    )
    return rows[["step", "comparable", "loss"]]


def summarise(
    metrics: dict[str, dict],
    curves: dict[str, pd.DataFrame],
    starts: dict[str, dict[str, list[str]]],
    references: list[str],
) -> dict:
    """The ablation's numbers: per scheme, the losses and how generated lines start."""
    result = {"schemes": {}, "references": first_word_stats(references)}
    for scheme, run in metrics.items():
        curve = comparable_curve(curves[scheme])
        result["schemes"][scheme] = {
            "final_comparable_validation_loss": run.get("final_validation_comparable"),
            "best_comparable_validation_loss": float(curve["comparable"].min())
            if len(curve)
            else None,
            "final_validation_loss": run.get("final_validation_loss"),
            "steps": run["steps"],
            "train_seconds": run["train_seconds"],
            "greedy": first_word_stats(starts[scheme]["greedy"]),
            "nucleus": first_word_stats(starts[scheme]["nucleus"]),
        }
    return result


def conclusion(summary: dict, batch_size: int, steps: int) -> str:
    """A short Markdown conclusion written from the numbers (no sentence is fixed in advance)."""
    shifted, bos = summary["schemes"]["shifted"], summary["schemes"]["bos_prefix"]
    a, b = shifted["final_comparable_validation_loss"], bos["final_comparable_validation_loss"]
    lower, higher = ("shifted", "bos_prefix") if a < b else ("bos_prefix", "shifted")
    gap = abs(a - b)
    relative = gap / max(a, b)
    size = "negligible" if relative < 0.005 else "small" if relative < 0.02 else "clear"
    losses = (
        f"With the same lines, seed, model, batch size ({batch_size}) and steps ({steps}), the final comparable validation "
        f"loss is {a:.3f} for `shifted` and {b:.3f} for `bos_prefix`: `{lower}` is lower by {gap:.3f} nats "
        f"({relative:.1%}), a {size} difference. "
    )
    if size == "negligible":
        losses += (
            "On equal terms the prefix neither helps nor hurts the rest of the line; the write-up's gap (4.50 vs 4.58) came "
            "with a batch size of 512 against 64, and with the shifted scheme never predicting the hardest token."
        )
    else:
        losses += (
            f"On equal terms `{lower}` models the rest of the line better than `{higher}`; the write-up's 4.50 vs 4.58 "
            "came with a batch size of 512 against 64, so its gap mixed the scheme with the batch size."
        )
    g, n, r = bos["greedy"], bos["nucleus"], summary["references"]
    starts = (
        f'Greedy decoding from BOS starts {g["first_word_share"]:.0%} of `bos_prefix` lines with "{g["first_word"]}" '
        f"(first-word entropy {g['first_word_entropy_bits']:.2f} bits): without a melody, a fixed start token has one most "
        "likely continuation, which is the write-up's collapse. Nucleus sampling gives "
        f'{n["first_word_share"]:.0%} "{n["first_word"]}" and {n["first_word_entropy_bits"]:.2f} bits, against '
        f'{r["first_word_share"]:.0%} "{r["first_word"]}" and {r["first_word_entropy_bits"]:.2f} bits in the reference lines.'
    )
    s = shifted["greedy"]
    given = (
        f'`shifted` lines start with the word they are given ({s["first_word_share"]:.0%} "{s["first_word"]}", '
        f"{s['first_word_entropy_bits']:.2f} bits with greedy decoding): the scheme does not cure the collapse, it hands the "
        "first word to someone else -- in the joint model, to the melody, through BOS and cross-attention."
    )
    return "\n\n".join(["## Conclusion", losses, starts, given]) + "\n"


def render(summary: dict, batch_size: int, steps: int) -> str:
    rows = [
        "# Decoder input ablation: `bos_prefix` vs `shifted`",
        "",
        "| scheme | final comparable val. loss | best comparable val. loss | final val. loss (own targets) | greedy: commonest first word | share | entropy (bits) | nucleus: commonest first word | share | entropy (bits) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for scheme, s in summary["schemes"].items():
        rows.append(
            f"| {scheme} | {s['final_comparable_validation_loss']:.3f} | {s['best_comparable_validation_loss']:.3f} | "
            f"{s['final_validation_loss']:.3f} | {s['greedy']['first_word']} | {s['greedy']['first_word_share']:.1%} | "
            f"{s['greedy']['first_word_entropy_bits']:.2f} | {s['nucleus']['first_word']} | {s['nucleus']['first_word_share']:.1%} | "
            f"{s['nucleus']['first_word_entropy_bits']:.2f} |"
        )
    r = summary["references"]
    rows.append(
        f"| references | | | | {r['first_word']} | {r['first_word_share']:.1%} | {r['first_word_entropy_bits']:.2f} | | | |"
    )
    return "\n".join(rows) + "\n\n" + conclusion(summary, batch_size, steps)
