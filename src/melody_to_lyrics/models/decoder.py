"""The lyric decoder: a causal Transformer language model with tied input/output embeddings.

Its blocks have a cross-attention to the encoder's memory only when ``cross_attention`` is set;
a decoder pretrained alone has none, so its weights load straight into the joint model's decoder
(whose only extra weights are the cross-attentions). Generation can keep a key/value cache.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from melody_to_lyrics.models.layers import Block, init_weights


@dataclass(frozen=True)
class DecoderConfig:
    vocab_size: int
    d_model: int = 128
    n_layers: int = 2
    n_heads: int = 4
    d_ff: int = 512
    dropout: float = 0.1
    max_len: int = 32
    memory_dim: int | None = None  # the encoder's width, when the blocks cross-attend

    def to_dict(self) -> dict:
        return {"kind": "decoder", **asdict(self)}


class LyricDecoder(nn.Module):
    def __init__(self, config: DecoderConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.d_model)
        self.position = nn.Embedding(config.max_len, config.d_model)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(
            Block(
                config.d_model,
                config.n_heads,
                config.d_ff,
                config.dropout,
                causal=True,
                memory_dim=config.memory_dim,
            )
            for _ in range(config.n_layers)
        )
        self.ln_final = nn.LayerNorm(config.d_model)
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        init_weights(self, config.n_layers)
        self.lm_head.weight = self.embed.weight  # tied

    def forward(
        self,
        input_ids: torch.Tensor,
        memory: torch.Tensor | None = None,
        memory_padding_mask: torch.Tensor | None = None,
        cache: list[dict] | None = None,
        start: int = 0,
    ) -> torch.Tensor:
        """Logits (batch, length, vocabulary). With ``cache``, ``input_ids`` continue from ``start``."""
        length = input_ids.shape[1]
        if start + length > self.config.max_len:
            raise ValueError(
                f"position {start + length} beyond the decoder's {self.config.max_len}"
            )
        positions = torch.arange(start, start + length, device=input_ids.device)
        x = self.dropout(self.embed(input_ids) + self.position(positions))
        for i, block in enumerate(self.blocks):
            x = block(
                x,
                memory=memory,
                memory_padding_mask=memory_padding_mask,
                cache=None if cache is None else cache[i],
            )
        return self.lm_head(self.ln_final(x))

    def new_cache(self) -> list[dict]:
        return [{} for _ in self.blocks]
