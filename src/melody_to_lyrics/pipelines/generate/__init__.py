"""``generate``: lyrics for the user's own melodies, as text and as karaoke MIDI files."""

from melody_to_lyrics.pipelines.generate.pipeline import create_pipeline

__all__ = ["create_pipeline"]
