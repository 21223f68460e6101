"""The three training pipelines, one template: ``encoder_pretrain``, ``decoder_pretrain``, ``joint_train``."""

from melody_to_lyrics.pipelines.training.pipeline import STAGES, create_pipeline

__all__ = ["STAGES", "create_pipeline"]
