"""``bos_ablation``: both decoder input schemes trained under one budget and compared fairly."""

from melody_to_lyrics.pipelines.bos_ablation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
