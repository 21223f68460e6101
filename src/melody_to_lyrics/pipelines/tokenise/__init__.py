"""``tokenise``: the lyric tokenizer, decoder pairs, encoder examples and joint pairs."""

from melody_to_lyrics.pipelines.tokenise.pipeline import create_pipeline

__all__ = ["create_pipeline"]
