"""Nodes of the ``bos_ablation`` pipeline."""

from __future__ import annotations

import logging
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from tokenizers import Tokenizer

from melody_to_lyrics import params as P
from melody_to_lyrics.evaluation import ablation
from melody_to_lyrics.models import load_model
from melody_to_lyrics.models.generate import GenerationConfig
from melody_to_lyrics.pipelines.tokenise.nodes import build_decoder_pairs
from melody_to_lyrics.pipelines.training.nodes import train_decoder
from melody_to_lyrics.text.tokenizer import decode
from melody_to_lyrics.training.examples import ExampleSet

logger = logging.getLogger(__name__)


def build_pairs(
    pretraining_lines: pd.DataFrame,
    aligned_pairs: pd.DataFrame,
    lyric_tokenizer: Tokenizer,
    tokenise: dict,
) -> tuple[ExampleSet, ExampleSet]:
    """The same lines as decoder pairs in both schemes."""
    return tuple(
        build_decoder_pairs(
            pretraining_lines, aligned_pairs, lyric_tokenizer, {**tokenise, "scheme": scheme}
        )
        for scheme in ("shifted", "bos_prefix")
    )


def train_scheme(
    pairs: ExampleSet, lyric_tokenizer: Tokenizer, bos_ablation: dict
) -> tuple[dict, dict, pd.DataFrame]:
    """One decoder of the ablation: the shared model and budget, run folders per scheme."""
    options = P.validate("bos_ablation", bos_ablation)
    scheme = pairs.meta["scheme"]
    stage = {
        "model": options.model.model_dump(),
        "train": options.train.model_dump(),
        "checkpoint_dir": str(Path(options.checkpoint_dir) / scheme),
        "tensorboard_dir": str(Path(options.tensorboard_dir) / scheme),
    }
    logger.info("bos_ablation: training the %s decoder", scheme)
    return train_decoder(pairs, lyric_tokenizer, stage)


def study_line_starts(
    shifted_pairs: ExampleSet,
    bos_pairs: ExampleSet,
    shifted_model: dict,
    bos_model: dict,
    lyric_tokenizer: Tokenizer,
    bos_ablation: dict,
) -> dict:
    """Generated validation lines of both decoders, greedy and nucleus (see ``evaluation/ablation.py``)."""
    options = P.validate("bos_ablation", bos_ablation)
    starts = {}
    for pairs, saved in ((shifted_pairs, shifted_model), (bos_pairs, bos_model)):
        decoder = load_model(saved)
        scheme = pairs.meta["scheme"]
        starts[scheme] = {}
        for strategy in ("greedy", "nucleus"):
            config = GenerationConfig(
                strategy=strategy,
                max_len=pairs.meta["max_len"],
                top_p=options.top_p,
                temperature=options.temperature,
                seed=options.seed,
            )
            starts[scheme][strategy] = ablation.line_starts(
                decoder, pairs, lyric_tokenizer, config, lines=options.lines
            )
    n = len(starts["shifted"]["greedy"])
    data = shifted_pairs["validation"]
    references = [
        decode(lyric_tokenizer, list(data["inputs"][i]) + list(data["targets"][i]))
        for i in range(n)
    ]
    return {"starts": starts, "references": references}


def report(
    shifted_metrics: dict,
    bos_metrics: dict,
    shifted_curve: pd.DataFrame,
    bos_curve: pd.DataFrame,
    line_starts: dict,
    bos_ablation: dict,
) -> tuple[dict, str]:
    """The ablation's table and conclusion, computed from its runs."""
    options = P.validate("bos_ablation", bos_ablation)
    summary = ablation.summarise(
        {"shifted": shifted_metrics, "bos_prefix": bos_metrics},
        {"shifted": shifted_curve, "bos_prefix": bos_curve},
        line_starts["starts"],
        line_starts["references"],
    )
    summary["budget"] = {
        "batch_size": options.train.batch_size,
        "steps": options.train.steps,
        "seed": options.train.seed,
    }
    markdown = ablation.render(summary, options.train.batch_size, options.train.steps)
    for scheme, s in summary["schemes"].items():
        logger.info(
            "bos_ablation %-10s comparable validation loss %.4f  greedy first word %r %.0f%%  nucleus %r %.0f%%",
            scheme,
            s["final_comparable_validation_loss"],
            s["greedy"]["first_word"],
            100 * s["greedy"]["first_word_share"],
            s["nucleus"]["first_word"],
            100 * s["nucleus"]["first_word_share"],
        )
    return summary, markdown


def plot_comparable_curves(shifted_curve: pd.DataFrame, bos_curve: pd.DataFrame) -> plt.Figure:
    """Comparable validation loss of both schemes against steps, in one plot."""
    figure, axis = plt.subplots(figsize=(7, 4))
    for scheme, curve in (("shifted", shifted_curve), ("bos_prefix", bos_curve)):
        rows = ablation.comparable_curve(curve)
        axis.plot(rows["step"], rows["comparable"], "o-", label=f"{scheme}")
    axis.set_xlabel("step")
    axis.set_ylabel("comparable validation loss (nats/token)")
    axis.set_title("Decoder input scheme: the same tokens predicted, the same budget")
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    return figure
