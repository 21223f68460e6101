"""The joint model: the note encoder's memory of a melody segment conditions the lyric decoder.

Built from scratch, or from the two pretrained checkpoints: the encoder's weights (less its
masked-note heads) and the decoder's weights (all but the cross-attentions, which the decoder
alone never had) load straight into place.

Optionally (``context_len > 0``) the previous line of the song conditions the decoder too: its
tokens, embedded with the decoder's own embedding, are appended to the melody's memory, so
cross-attention sees both. Training leaves the previous line out of a share of the lines, so the
model writes a first line (or any line) without one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import nn

from melody_to_lyrics.models.decoder import DecoderConfig, LyricDecoder
from melody_to_lyrics.models.encoder import EncoderConfig, NoteEncoder
from melody_to_lyrics.text.tokenizer import PAD_ID


@dataclass(frozen=True)
class JointConfig:
    encoder: EncoderConfig
    decoder: DecoderConfig
    context_len: int = 0  # tokens of the previous line the model can read (0: no previous line)

    def to_dict(self) -> dict:
        return {
            "kind": "joint",
            "encoder": self.encoder.to_dict(),
            "decoder": self.decoder.to_dict(),
            "context_len": self.context_len,
        }


class MelodyToLyrics(nn.Module):
    def __init__(self, config: JointConfig):
        super().__init__()
        decoder_config = replace(config.decoder, memory_dim=config.encoder.d_model)
        self.config = JointConfig(config.encoder, decoder_config, config.context_len)
        self.encoder = NoteEncoder(config.encoder, with_heads=False)
        self.decoder = LyricDecoder(decoder_config)
        if config.context_len:
            self.context_position = nn.Embedding(config.context_len, decoder_config.d_model)
            self.context_norm = nn.LayerNorm(decoder_config.d_model)
            self.context_proj = nn.Linear(decoder_config.d_model, config.encoder.d_model)
            nn.init.normal_(self.context_position.weight, std=0.02)

    def encode(
        self, notes: torch.Tensor, context: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Memory (batch, notes [+ context tokens], encoder width) and its padding mask."""
        mask = self.encoder.padding_mask(notes)
        memory = self.encoder(notes, mask)
        if context is not None and context.shape[1] and self.config.context_len:
            context = context[:, -self.config.context_len :]  # the end of the previous line
            positions = torch.arange(context.shape[1], device=context.device)
            embedded = self.decoder.embed(context) + self.context_position(positions)
            memory = torch.cat([memory, self.context_proj(self.context_norm(embedded))], dim=1)
            mask = torch.cat([mask, context == PAD_ID], dim=1)
        return memory, mask

    def forward(
        self, notes: torch.Tensor, input_ids: torch.Tensor, context: torch.Tensor | None = None
    ) -> torch.Tensor:
        memory, mask = self.encode(notes, context)
        return self.decoder(input_ids, memory=memory, memory_padding_mask=mask)

    def load_pretrained(
        self,
        encoder_state: dict[str, torch.Tensor] | None,
        decoder_state: dict[str, torch.Tensor] | None,
    ) -> dict[str, list[str]]:
        """Load pretrained weights where given; returns the keys left missing and the keys unused."""
        report: dict[str, list[str]] = {"missing": [], "unexpected": []}
        for part, given in (("encoder", encoder_state), ("decoder", decoder_state)):
            if given is None:
                continue
            state = (
                {k: v for k, v in given.items() if not k.startswith("heads.")}
                if part == "encoder"
                else given
            )
            result = getattr(self, part).load_state_dict(state, strict=False)
            report["missing"] += [f"{part}.{k}" for k in result.missing_keys]
            report["unexpected"] += [f"{part}.{k}" for k in result.unexpected_keys]
        return report
