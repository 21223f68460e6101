"""The note encoder: a bidirectional Transformer over 4-d note vectors, pretrained by masked-note modelling.

Each attribute of a note (pitch, duration bin, rest bin, position in the bar) has its own
embedding table, with two extra ids: PAD and MASK. The four embeddings and a learned position
embedding are summed. Pretraining masks whole notes (all four attributes together) and predicts
each attribute with its own head, BERT-style.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from melody_to_lyrics.models.layers import Block, init_weights

ATTRIBUTES = ("pitch", "duration", "rest", "position")


@dataclass(frozen=True)
class EncoderConfig:
    vocab_sizes: tuple[int, int, int, int]  # pitch, duration bins, rest bins, positions
    d_model: int = 128
    n_layers: int = 2
    n_heads: int = 4
    d_ff: int = 512
    dropout: float = 0.1
    max_notes: int = 64

    def pad_ids(self) -> tuple[int, ...]:
        return tuple(self.vocab_sizes)

    def mask_ids(self) -> tuple[int, ...]:
        return tuple(size + 1 for size in self.vocab_sizes)

    def to_dict(self) -> dict:
        return {"kind": "encoder", **asdict(self)}


class NoteEncoder(nn.Module):
    def __init__(self, config: EncoderConfig, with_heads: bool = True):
        super().__init__()
        self.config = config
        self.embed = nn.ModuleList(
            nn.Embedding(size + 2, config.d_model) for size in config.vocab_sizes
        )
        self.position = nn.Embedding(config.max_notes, config.d_model)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(
            Block(config.d_model, config.n_heads, config.d_ff, config.dropout, causal=False)
            for _ in range(config.n_layers)
        )
        self.ln_final = nn.LayerNorm(config.d_model)
        self.heads = (
            nn.ModuleList(nn.Linear(config.d_model, size) for size in config.vocab_sizes)
            if with_heads
            else None
        )
        init_weights(self, config.n_layers)
        self.register_buffer("pad_id_tensor", torch.tensor(config.pad_ids()), persistent=False)

    def padding_mask(self, notes: torch.Tensor) -> torch.Tensor:
        """True where a note is padding (its pitch holds the PAD id)."""
        return notes[..., 0] == self.config.vocab_sizes[0]

    def forward(
        self, notes: torch.Tensor, padding_mask: torch.Tensor | None = None, predict: bool = False
    ) -> torch.Tensor | list[torch.Tensor]:
        """Hidden states (batch, notes, d_model) of note ids (batch, notes, 4); with ``predict``,
        the logits of each attribute instead (see :meth:`predict`)."""
        length = notes.shape[1]
        if length > self.config.max_notes:
            raise ValueError(
                f"{length} notes, but the encoder has positions for {self.config.max_notes}"
            )
        x = sum(embed(notes[..., i]) for i, embed in enumerate(self.embed))
        x = self.dropout(x + self.position(torch.arange(length, device=notes.device)))
        mask = self.padding_mask(notes) if padding_mask is None else padding_mask
        for block in self.blocks:
            x = block(x, key_padding_mask=mask)
        hidden = self.ln_final(x)
        return self.predict(hidden) if predict else hidden

    def predict(self, hidden: torch.Tensor) -> list[torch.Tensor]:
        """Logits of each attribute: four tensors (batch, notes, vocabulary of the attribute)."""
        if self.heads is None:
            raise RuntimeError("this encoder was built without prediction heads")
        return [head(hidden) for head in self.heads]
