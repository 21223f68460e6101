"""``evaluate``: the joint model and three baselines on the test split, in one report."""

from melody_to_lyrics.pipelines.evaluate.pipeline import create_pipeline

__all__ = ["create_pipeline"]
