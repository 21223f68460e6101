"""Nodes of the ``evaluate`` pipeline."""

from __future__ import annotations

import logging

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from tokenizers import Tokenizer

from melody_to_lyrics import params as P
from melody_to_lyrics.evaluation import report as R
from melody_to_lyrics.evaluation.systems import (
    first_token_distribution,
    generate_decoder_only,
    generate_joint,
    nearest_melody,
)
from melody_to_lyrics.models import load_model
from melody_to_lyrics.models.generate import GenerationConfig
from melody_to_lyrics.text.tokenizer import EOS_ID
from melody_to_lyrics.training.distributed import DistEnv, pick_device
from melody_to_lyrics.training.examples import ExampleSet, token_pairs
from melody_to_lyrics.training.loop import mean_losses
from melody_to_lyrics.training.objectives import MelodyConditioned, NextToken

logger = logging.getLogger(__name__)


def _test_subset(joint_pairs: ExampleSet, split: str, max_lines: int) -> dict:
    data = joint_pairs[split]
    n = min(len(data["inputs"]), max_lines)
    rows = np.arange(n)
    return {
        key: (value.take(rows) if hasattr(value, "take") else value[:n])
        for key, value in data.items()
    }


def _losses(name: str, model, objective, split: str, device) -> dict:
    values = mean_losses(model, objective, split, batch_size=128, device=device)
    return {
        "system": name,
        "loss": values.get("loss"),
        "perplexity": float(np.exp(values["loss"])) if "loss" in values else None,
        "comparable": values.get("comparable"),
    }


def evaluate_systems(
    joint_pairs: ExampleSet,
    decoder_pairs: ExampleSet,
    lyric_tokenizer: Tokenizer,
    joint_model: dict,
    scratch_model: dict,
    decoder_model: dict,
    evaluate: dict,
) -> tuple[pd.DataFrame, dict]:
    """Generate with every system and decoding strategy; teacher-forced losses of the models."""
    options = P.validate("evaluate", evaluate)
    missing = [
        name
        for name, saved in (
            ("joint_train", joint_model),
            ("joint_scratch", scratch_model),
            ("decoder_pretrain", decoder_model),
        )
        if saved is None
    ]
    if missing:
        raise ValueError(
            f"evaluate needs the trained models of {missing}: run those pipelines first"
        )
    device = pick_device(options.device, DistEnv())
    test = _test_subset(joint_pairs, options.split, options.max_lines)
    n = len(test["inputs"])
    subset = ExampleSet({"test": test}, joint_pairs.meta)
    references = test["text"].tolist()
    notes_per_line = test["n_notes"].tolist()
    rows: list[dict] = []

    def add(system: str, strategy: str, control: bool, results: list[dict]) -> None:
        for i, result in enumerate(results):
            rows.append(
                {
                    "system": system,
                    "strategy": strategy,
                    "length_control": control,
                    "row": i,
                    "song_id": str(test["song_id"][i]),
                    "reference": references[i],
                    "generated": result["text"],
                    "ended": result["ended"],
                    "n_notes": notes_per_line[i],
                }
            )

    max_len = joint_pairs.meta["max_len"]
    base = GenerationConfig(
        max_len=max_len,
        beam_size=options.beam_size,
        length_penalty=options.length_penalty,
        temperature=options.temperature,
        top_p=options.top_p,
        repetition_penalty=options.repetition_penalty,
        seed=options.seed,
    )
    strategies = {
        name: GenerationConfig(**{**base.__dict__, "strategy": name})
        for name in ("greedy", "beam", "nucleus")
    }
    joint, scratch = load_model(joint_model), load_model(scratch_model)
    torch.manual_seed(options.seed)
    for name, model in (("joint", joint), ("joint_scratch", scratch)):
        for strategy, config in strategies.items():
            logger.info("evaluate: %s, %s decoding, %d lines", name, strategy, n)
            add(
                name,
                strategy,
                False,
                generate_joint(
                    model,
                    test["notes"],
                    lyric_tokenizer,
                    config,
                    batch_size=options.batch_size,
                    device=device,
                ),
            )
    if options.length_control:
        for strategy in ("greedy", "beam"):
            logger.info("evaluate: joint, %s decoding with length control", strategy)
            results = generate_joint(
                joint,
                test["notes"],
                lyric_tokenizer,
                strategies[strategy],
                batch_size=options.batch_size,
                syllable_targets=notes_per_line,
                language=options.syllable_language,
                device=device,
            )
            add("joint", strategy, True, results)
    decoder = load_model(decoder_model)
    scheme = decoder_pairs.meta["scheme"]
    first_tokens = first_token_distribution(decoder_pairs["train"]["inputs"])
    for strategy in ("greedy", "nucleus"):
        logger.info("evaluate: decoder_only, %s decoding", strategy)
        results = generate_decoder_only(
            decoder,
            scheme,
            n,
            lyric_tokenizer,
            strategies[strategy],
            first_tokens,
            batch_size=options.batch_size,
            device=device,
        )
        add("decoder_only", strategy, False, results)
    nearest = nearest_melody(
        joint_pairs["train"]["notes"], test["notes"], tuple(joint_pairs.meta["vocab_sizes"])
    )
    train_text = joint_pairs["train"]["text"]
    add(
        "retrieval",
        "nearest melody",
        False,
        [{"text": str(train_text[j]), "ended": None} for j in nearest],
    )

    joint_objective = MelodyConditioned(
        subset, lyric_tokenizer, pad_note=joint.config.encoder.pad_ids()
    )
    scratch_objective = MelodyConditioned(
        subset, lyric_tokenizer, pad_note=scratch.config.encoder.pad_ids()
    )
    line_tokens = [
        list(t[:-1]) if t[-1] == EOS_ID else list(t) for t in (test["targets"][i] for i in range(n))
    ]
    inputs, targets, _ = token_pairs(line_tokens, scheme, max_len)
    decoder_objective = NextToken(
        ExampleSet(
            {"test": {"inputs": inputs, "targets": targets}}, {"scheme": scheme, "max_len": max_len}
        )
    )
    losses = [
        _losses("joint", joint, joint_objective, "test", device),
        _losses("joint_scratch", scratch, scratch_objective, "test", device),
        _losses(f"decoder_only ({scheme})", decoder, decoder_objective, "test", device),
    ]
    return pd.DataFrame(rows), {"losses": losses, "lines": n, "split": options.split}


def build_report(
    generations: pd.DataFrame, evaluation_losses: dict, evaluate: dict
) -> tuple[dict, str]:
    """The report as JSON and Markdown: losses, and every metric of every system."""
    options = P.validate("evaluate", evaluate)
    systems = R.system_metrics(generations, options.syllable_language)
    report = {
        **evaluation_losses,
        "syllable_language": options.syllable_language,
        "systems": systems.replace({np.nan: None}).to_dict(orient="records"),
        "references": R.reference_metrics(generations, options.syllable_language),
    }
    for row in report["systems"]:
        logger.info(
            "evaluate %-13s %-15s %-5s BLEU %5.2f  chrF %5.1f  distinct-2 %.3f  first word %r %.0f%%  syllable error %.2f",
            row["system"], row["strategy"], "LC" if row["length_control"] else "", row["bleu"], row["chrf"],
            row["distinct_2"], row["first_word"], 100 * row["first_word_share"], row["syllable_error_mean"],
        )  # fmt: skip
    return report, R.render_markdown(report)


def plot_curves(
    encoder_curve: pd.DataFrame,
    decoder_curve: pd.DataFrame,
    joint_curve: pd.DataFrame,
    scratch_curve: pd.DataFrame,
) -> plt.Figure:
    return R.plot_training_curves(
        {
            "encoder_pretrain": encoder_curve,
            "decoder_pretrain": decoder_curve,
            "joint_train": joint_curve,
            "joint_scratch": scratch_curve,
        }
    )


def plot_first_words(generations: pd.DataFrame) -> plt.Figure:
    return R.plot_first_words(
        generations, [("joint", "greedy"), ("joint", "nucleus"), ("decoder_only", "nucleus")]
    )


def plot_syllable_errors(generations: pd.DataFrame, evaluate: dict) -> plt.Figure:
    options = P.validate("evaluate", evaluate)
    systems = [
        ("joint", "greedy", False),
        ("joint", "greedy", True),
        ("joint", "beam", True),
        ("retrieval", "nearest melody", False),
    ]
    return R.plot_syllable_errors(generations, options.syllable_language, systems)


def sample_generations(
    generations: pd.DataFrame, joint_pairs: ExampleSet, evaluate: dict, note_features: dict
) -> pd.DataFrame:
    """A CSV of lines: reference, melody, and every system's line beside them."""
    options = P.validate("evaluate", evaluate)
    bins = P.validate("note_features", note_features).duration_bins
    wide = generations.assign(
        column=lambda g: (
            g["system"] + " " + g["strategy"] + np.where(g["length_control"], " +LC", "")
        )
    )
    table = wide.pivot_table(index="row", columns="column", values="generated", aggfunc="first")
    first = generations.drop_duplicates("row").set_index("row")
    notes = joint_pairs[options.split]["notes"]
    table.insert(0, "melody", [R.melody_text(notes[int(i)], bins) for i in table.index])
    table.insert(0, "n_notes", first.loc[table.index, "n_notes"])
    table.insert(0, "reference", first.loc[table.index, "reference"])
    table.insert(0, "song_id", first.loc[table.index, "song_id"])
    return table.head(options.samples).reset_index()
