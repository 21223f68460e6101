"""The models, in plain PyTorch: note encoder, lyric decoder, and the two joined."""

from __future__ import annotations

from torch import nn

from melody_to_lyrics.models.decoder import DecoderConfig, LyricDecoder
from melody_to_lyrics.models.encoder import EncoderConfig, NoteEncoder
from melody_to_lyrics.models.joint import JointConfig, MelodyToLyrics


def config_from_dict(config: dict) -> EncoderConfig | DecoderConfig | JointConfig:
    """The configuration object saved by ``<Config>.to_dict()``."""
    fields = {k: v for k, v in config.items() if k != "kind"}
    kind = config.get("kind")
    if kind == "encoder":
        return EncoderConfig(**{**fields, "vocab_sizes": tuple(fields["vocab_sizes"])})
    if kind == "decoder":
        return DecoderConfig(**fields)
    if kind == "joint":
        encoder, decoder = config_from_dict(config["encoder"]), config_from_dict(config["decoder"])
        return JointConfig(encoder, decoder, config.get("context_len", 0))  # type: ignore[arg-type]
    raise ValueError(f"unknown model kind {kind!r}")


def build_model(config: dict) -> nn.Module:
    """A fresh model of a saved configuration."""
    parsed = config_from_dict(config)
    if isinstance(parsed, EncoderConfig):
        return NoteEncoder(parsed)
    if isinstance(parsed, DecoderConfig):
        return LyricDecoder(parsed)
    return MelodyToLyrics(parsed)


def load_model(saved: dict) -> nn.Module:
    """A model with its weights, from what :class:`~melody_to_lyrics.datasets.ModelDataset` loads."""
    model = build_model(saved["config"])
    model.load_state_dict(saved["state_dict"])
    return model


__all__ = [
    "DecoderConfig",
    "EncoderConfig",
    "JointConfig",
    "LyricDecoder",
    "MelodyToLyrics",
    "NoteEncoder",
    "build_model",
    "config_from_dict",
    "load_model",
]
