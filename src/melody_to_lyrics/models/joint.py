"""The joint model: the note encoder's memory of a melody segment conditions the lyric decoder.

Built from scratch, or from the two pretrained checkpoints: the encoder's weights (less its
masked-note heads) and the decoder's weights (all but the cross-attentions, which the decoder
alone never had) load straight into place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import nn

from melody_to_lyrics.models.decoder import DecoderConfig, LyricDecoder
from melody_to_lyrics.models.encoder import EncoderConfig, NoteEncoder


@dataclass(frozen=True)
class JointConfig:
    encoder: EncoderConfig
    decoder: DecoderConfig

    def to_dict(self) -> dict:
        return {"kind": "joint", "encoder": self.encoder.to_dict(), "decoder": self.decoder.to_dict()}


class MelodyToLyrics(nn.Module):
    def __init__(self, config: JointConfig):
        super().__init__()
        decoder_config = replace(config.decoder, memory_dim=config.encoder.d_model)
        self.config = JointConfig(config.encoder, decoder_config)
        self.encoder = NoteEncoder(config.encoder, with_heads=False)
        self.decoder = LyricDecoder(decoder_config)

    def encode(self, notes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mask = self.encoder.padding_mask(notes)
        return self.encoder(notes, mask), mask

    def forward(self, notes: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
        memory, mask = self.encode(notes)
        return self.decoder(input_ids, memory=memory, memory_padding_mask=mask)

    def load_pretrained(
        self, encoder_state: dict[str, torch.Tensor] | None, decoder_state: dict[str, torch.Tensor] | None
    ) -> dict[str, list[str]]:
        """Load pretrained weights where given; returns the keys left missing and the keys unused."""
        report: dict[str, list[str]] = {"missing": [], "unexpected": []}
        for part, state in (("encoder", encoder_state), ("decoder", decoder_state)):
            if state is None:
                continue
            if part == "encoder":
                state = {k: v for k, v in state.items() if not k.startswith("heads.")}
            result = getattr(self, part).load_state_dict(state, strict=False)
            report["missing"] += [f"{part}.{k}" for k in result.missing_keys]
            report["unexpected"] += [f"{part}.{k}" for k in result.unexpected_keys]
        return report
