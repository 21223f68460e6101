"""One template for the three training pipelines, instantiated under each stage's namespace.

Each stage's node reads its examples (and what else it needs), runs the shared training loop, and
writes ``<stage>.model``, ``<stage>.metrics``, ``<stage>.loss_curve`` and ``<stage>.loss_plot``.
"""

from kedro.pipeline import Pipeline, node, pipeline

from melody_to_lyrics.pipelines.training.nodes import (
    plot_loss_curve,
    train_decoder,
    train_encoder,
    train_joint,
    train_joint_from_scratch,
)

# stage -> (node function, its inputs before the parameters: template name -> catalog name)
STAGES = {
    "encoder_pretrain": (train_encoder, {"examples": "encoder_examples"}),
    "decoder_pretrain": (
        train_decoder,
        {"examples": "decoder_pairs", "tokenizer": "lyric_tokenizer"},
    ),
    "joint_train": (
        train_joint,
        {
            "examples": "joint_pairs",
            "tokenizer": "lyric_tokenizer",
            "pretrained_encoder": "encoder_pretrain.model",
            "pretrained_decoder": "decoder_pretrain.model",
        },
    ),
    # the evaluation's baseline: the joint model without pretraining
    "joint_scratch": (
        train_joint_from_scratch,
        {"examples": "joint_pairs", "tokenizer": "lyric_tokenizer"},
    ),
}


def create_pipeline(stage: str) -> Pipeline:
    train, inputs = STAGES[stage]
    template = Pipeline(
        [
            node(
                train, [*inputs, "params:stage"], ["model", "metrics", "loss_curve"], name="train"
            ),
            node(plot_loss_curve, "loss_curve", "loss_plot", name="plot_loss_curve"),
        ]
    )
    return pipeline(
        template,
        namespace=stage,
        inputs=inputs,
        parameters={"params:stage": f"params:{stage}"},
        tags=stage,
    )
