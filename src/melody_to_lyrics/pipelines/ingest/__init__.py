"""``ingest``: raw MIDI/KAR files, aligned .npy files and lyric text into the ingest tables."""

from melody_to_lyrics.pipelines.ingest.pipeline import create_pipeline

__all__ = ["create_pipeline"]
