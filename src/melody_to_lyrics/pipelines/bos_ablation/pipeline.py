"""The ``bos_ablation`` pipeline."""

from kedro.pipeline import Pipeline, node

from melody_to_lyrics.pipelines.bos_ablation.nodes import (
    build_pairs,
    plot_comparable_curves,
    report,
    study_line_starts,
    train_scheme,
)

SCHEMES = ("shifted", "bos_prefix")


def create_pipeline(**kwargs) -> Pipeline:
    training = [
        node(
            train_scheme,
            [f"bos_ablation_{scheme}.pairs", "lyric_tokenizer", "params:bos_ablation"],
            [
                f"bos_ablation_{scheme}.model",
                f"bos_ablation_{scheme}.metrics",
                f"bos_ablation_{scheme}.loss_curve",
            ],
            name=f"train_{scheme}_decoder",
        )
        for scheme in SCHEMES
    ]
    return Pipeline(
        [
            node(
                build_pairs,
                ["pretraining_lines", "aligned_pairs", "lyric_tokenizer", "params:tokenise"],
                [f"bos_ablation_{scheme}.pairs" for scheme in SCHEMES],
                name="build_ablation_pairs",
            ),
            *training,
            node(
                study_line_starts,
                [
                    "bos_ablation_shifted.pairs",
                    "bos_ablation_bos_prefix.pairs",
                    "bos_ablation_shifted.model",
                    "bos_ablation_bos_prefix.model",
                    "lyric_tokenizer",
                    "params:bos_ablation",
                ],
                "bos_ablation_line_starts",
                name="study_line_starts",
            ),
            node(
                report,
                [
                    "bos_ablation_shifted.metrics",
                    "bos_ablation_bos_prefix.metrics",
                    "bos_ablation_shifted.loss_curve",
                    "bos_ablation_bos_prefix.loss_curve",
                    "bos_ablation_line_starts",
                    "params:bos_ablation",
                ],
                ["bos_ablation_report", "bos_ablation_markdown"],
                name="report_ablation",
            ),
            node(
                plot_comparable_curves,
                ["bos_ablation_shifted.loss_curve", "bos_ablation_bos_prefix.loss_curve"],
                "bos_ablation_plot",
                name="plot_comparable_curves",
            ),
        ],
        tags="bos_ablation",
    )
