"""``note_features``: melodies as 4-d note vectors, aligned pairs, lyric-less melodies, the split."""

from melody_to_lyrics.pipelines.note_features.pipeline import create_pipeline

__all__ = ["create_pipeline"]
