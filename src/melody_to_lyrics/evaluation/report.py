"""The evaluation report: metric tables (JSON and Markdown), plots, and sample generations."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pretty_midi

from melody_to_lyrics.evaluation.metrics import (
    first_word_stats,
    syllable_errors,
    text_metrics,
    words,
)

METRIC_COLUMNS = [
    ("bleu", "BLEU", "{:.2f}"),
    ("chrf", "chrF", "{:.1f}"),
    ("distinct_1", "distinct-1", "{:.3f}"),
    ("distinct_2", "distinct-2", "{:.3f}"),
    ("first_word", "commonest first word", "{}"),
    ("first_word_share", "its share", "{:.1%}"),
    ("first_word_entropy_bits", "first-word entropy (bits)", "{:.2f}"),
    ("eos_rate", "EOS rate", "{:.1%}"),
    ("syllable_error_mean", "mean abs(syllables - notes)", "{:.2f}"),
    ("syllable_exact_rate", "syllables = notes", "{:.1%}"),
]


def system_metrics(generations: pd.DataFrame, language: str) -> pd.DataFrame:
    """One row of metrics per (system, strategy, length control)."""
    rows = []
    keys = ["system", "strategy", "length_control"]
    for key, group in generations.groupby(keys, sort=False):
        ended = None if group["ended"].isna().all() else group["ended"].astype(bool).tolist()
        metrics = text_metrics(
            group["generated"].tolist(),
            group["reference"].tolist(),
            group["n_notes"].tolist(),
            ended,
            language,
        )
        rows.append({**dict(zip(keys, key, strict=True)), "lines": len(group), **metrics})
    return pd.DataFrame(rows)


def reference_metrics(generations: pd.DataFrame, language: str) -> dict:
    """What the references themselves score on the reference-free metrics (for calibration)."""
    references = generations.drop_duplicates("row")
    stats = text_metrics(
        references["reference"].tolist(),
        references["reference"].tolist(),
        references["n_notes"].tolist(),
        None,
        language,
    )
    return {
        k: stats[k]
        for k in (
            "distinct_1",
            "distinct_2",
            "first_word",
            "first_word_share",
            "first_word_entropy_bits",
            "syllable_error_mean",
            "syllable_exact_rate",
        )
    }


def _cell(value, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return fmt.format(value)


def markdown_table(
    rows: list[dict], columns: list[tuple[str, str, str]], leading: list[tuple[str, str]]
) -> str:
    header = [title for _, title in leading] + [title for _, title, _ in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [str(row.get(key, "")) for key, _ in leading] + [
            _cell(row.get(key), fmt) for key, _, fmt in columns
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_markdown(report: dict) -> str:
    """The report as Markdown: what was evaluated, the loss table, the generation table."""
    parts = [
        "# Evaluation",
        "",
        f"{report['lines']} test lines (split `{report['split']}`), syllables counted for `{report['syllable_language']}`. "
        "Systems: `joint` (pretrained encoder and decoder, trained on pairs), `joint_scratch` (same, no pretraining), "
        "`decoder_only` (the pretrained decoder without the melody), `retrieval` (the training line of the nearest melody).",
        "",
        "## Teacher-forced loss on the test lines",
        "",
        markdown_table(
            report["losses"],
            [
                ("loss", "loss (nats/token)", "{:.3f}"),
                ("perplexity", "perplexity", "{:.1f}"),
                ("comparable", "comparable loss", "{:.3f}"),
            ],
            [("system", "system")],
        ),
        "",
        "The comparable loss covers the same target tokens for every system (all but each line's first token).",
        "",
        "## Generated lines",
        "",
        markdown_table(
            report["systems"],
            METRIC_COLUMNS,
            [("system", "system"), ("strategy", "decoding"), ("length_control", "length control")],
        ),
        "",
        "References themselves: "
        + ", ".join(
            f"{title} {_cell(report['references'].get(key), fmt)}"
            for key, title, fmt in METRIC_COLUMNS
            if key in report["references"]
        ),
        "",
    ]
    return "\n".join(parts)


def plot_training_curves(curves: dict[str, pd.DataFrame]) -> plt.Figure:
    """Loss curves of every training stage, one panel each."""
    figure, axes = plt.subplots(1, len(curves), figsize=(4.5 * len(curves), 3.6), squeeze=False)
    for axis, (stage, curve) in zip(axes[0], curves.items(), strict=True):
        for split, style in (("train", "-"), ("validation", "o-")):
            rows = curve[curve["split"] == split]
            if len(rows):
                axis.plot(rows["step"], rows["loss"], style, label=split)
        axis.set_title(stage)
        axis.set_xlabel("step")
        axis.grid(alpha=0.3)
        axis.legend()
    axes[0][0].set_ylabel("loss (nats)")
    figure.tight_layout()
    return figure


def plot_first_words(
    generations: pd.DataFrame, systems: list[tuple[str, str]], top: int = 10
) -> plt.Figure:
    """Shares of the commonest first words: references and some systems side by side."""
    references = generations.drop_duplicates("row")["reference"]
    series = {"references": references}
    for system, strategy in systems:
        rows = generations[
            (generations["system"] == system)
            & (generations["strategy"] == strategy)
            & ~generations["length_control"]
        ]
        if len(rows):
            series[f"{system} ({strategy})"] = rows["generated"]
    figure, axes = plt.subplots(1, len(series), figsize=(3.6 * len(series), 3.6), squeeze=False)
    for axis, (name, lines) in zip(axes[0], series.items(), strict=True):
        firsts = pd.Series([w[0] for w in map(words, lines) if w])
        shares = firsts.value_counts(normalize=True).head(top)
        axis.barh(shares.index[::-1], shares.values[::-1])
        stats = first_word_stats(list(lines))
        axis.set_title(f"{name}\nentropy {stats['first_word_entropy_bits']:.2f} bits", fontsize=9)
        axis.set_xlim(0, 1)
        axis.set_xlabel("share of lines")
    figure.suptitle("First words")
    figure.tight_layout()
    return figure


def plot_syllable_errors(
    generations: pd.DataFrame, language: str, systems: list[tuple[str, str, bool]]
) -> plt.Figure:
    """Histogram of syllables minus notes, per system (and for the references)."""
    figure, axis = plt.subplots(figsize=(7, 4))
    references = generations.drop_duplicates("row")
    bins = np.arange(-12.5, 13.5, 1)
    errors = {
        "references": syllable_errors(references["reference"], references["n_notes"], language)
    }
    for system, strategy, control in systems:
        rows = generations[
            (generations["system"] == system)
            & (generations["strategy"] == strategy)
            & (generations["length_control"] == control)
        ]
        if len(rows):
            label = f"{system} ({strategy}{', length control' if control else ''})"
            errors[label] = syllable_errors(rows["generated"], rows["n_notes"], language)
    for label, values in errors.items():
        axis.hist(
            np.clip(values, -12, 12),
            bins=bins,
            histtype="step",
            linewidth=1.6,
            label=label,
            density=True,
        )
    axis.set_xlabel("syllables of the line - notes of its melody")
    axis.set_ylabel("share of lines")
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def melody_text(notes: np.ndarray, duration_bins: list[float] | None = None) -> str:
    """A readable melody: note names, with the duration in beats where the bins are known."""
    parts = []
    for pitch, duration, *_ in notes:
        name = pretty_midi.note_number_to_name(int(pitch))
        parts.append(f"{name}:{duration_bins[int(duration)]:g}" if duration_bins else name)
    return " ".join(parts)
