"""The ``evaluate`` pipeline."""

from kedro.pipeline import Pipeline, node

from melody_to_lyrics.pipelines.evaluate.nodes import (
    build_report,
    evaluate_systems,
    plot_curves,
    plot_first_words,
    plot_syllable_errors,
    sample_generations,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                evaluate_systems,
                inputs=[
                    "joint_pairs",
                    "decoder_pairs",
                    "lyric_tokenizer",
                    "joint_train.model",
                    "joint_scratch.model",
                    "decoder_pretrain.model",
                    "params:evaluate",
                ],
                outputs=["evaluation_generations", "evaluation_losses"],
                name="evaluate_systems",
            ),
            node(
                build_report,
                ["evaluation_generations", "evaluation_losses", "params:evaluate"],
                ["evaluation_report", "evaluation_markdown"],
                name="build_evaluation_report",
            ),
            node(
                plot_curves,
                [
                    "encoder_pretrain.loss_curve",
                    "decoder_pretrain.loss_curve",
                    "joint_train.loss_curve",
                    "joint_scratch.loss_curve",
                ],
                "training_curves_plot",
                name="plot_training_curves",
            ),
            node(
                plot_first_words,
                "evaluation_generations",
                "first_words_plot",
                name="plot_first_words",
            ),
            node(
                plot_syllable_errors,
                ["evaluation_generations", "params:evaluate"],
                "syllable_errors_plot",
                name="plot_syllable_errors",
            ),
            node(
                sample_generations,
                [
                    "evaluation_generations",
                    "joint_pairs",
                    "params:evaluate",
                    "params:note_features",
                ],
                "sample_generations",
                name="sample_generations",
            ),
        ],
        tags="evaluate",
    )
