"""Transformer pieces shared by the encoder and the decoder: attention, feed-forward, a pre-LN block.

Attention runs on ``torch.nn.functional.scaled_dot_product_attention`` (the fused kernel: flash
or memory-efficient on GPU, a fused CPU path otherwise). Self-attention can keep a key/value
cache for generation; cross-attention computes its keys and values from the encoder's memory
once and keeps them in the same cache.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class SelfAttention(nn.Module):
    def __init__(self, d_model: int, n_heads: int, dropout: float, causal: bool):
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be a multiple of n_heads"
        self.n_heads, self.causal, self.dropout = n_heads, causal, dropout
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(
        self,
        x: torch.Tensor,
        key_padding_mask: torch.Tensor | None = None,
        cache: dict | None = None,
    ) -> torch.Tensor:
        batch, length, width = x.shape
        q, k, v = (
            self.qkv(x)
            .view(batch, length, 3, self.n_heads, width // self.n_heads)
            .permute(2, 0, 3, 1, 4)
        )
        if cache is not None:  # generation: this step's keys and values join the cached ones
            k, v = _append(cache, k, v)
        mask = None
        if key_padding_mask is not None:  # (batch, keys) True where padded
            mask = ~key_padding_mask[:, None, None, :]
        causal = self.causal and mask is None and q.shape[2] == k.shape[2] and q.shape[2] > 1
        if self.causal and mask is not None:
            mask = mask & torch.ones(
                q.shape[2], k.shape[2], dtype=torch.bool, device=x.device
            ).tril(k.shape[2] - q.shape[2])
        y = F.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=mask,
            dropout_p=self.dropout if self.training else 0.0,
            is_causal=causal,
        )
        return self.proj(y.transpose(1, 2).reshape(batch, length, width))


def _append(cache: dict, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Write this step's keys and values after the cached ones; return views of all of them.

    The buffers grow by doubling, so a step copies only its own positions (``torch.cat`` would
    copy the whole prefix at every step). ``cache["n"]`` is the number of positions held.
    """
    held, new = cache.get("n", 0), k.shape[2]
    if "k" not in cache or held + new > cache["k"].shape[2]:
        capacity = max(2 * (held + new), 32)
        for name, x in (("k", k), ("v", v)):
            buffer = x.new_empty(x.shape[0], x.shape[1], capacity, x.shape[3])
            if held:
                buffer[:, :, :held] = cache[name][:, :, :held]
            cache[name] = buffer
    cache["k"][:, :, held : held + new] = k
    cache["v"][:, :, held : held + new] = v
    cache["n"] = held + new
    return cache["k"][:, :, : held + new], cache["v"][:, :, : held + new]


class CrossAttention(nn.Module):
    """Queries from the decoder, keys and values from the encoder's memory (of its own width)."""

    def __init__(self, d_model: int, memory_dim: int, n_heads: int, dropout: float):
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be a multiple of n_heads"
        self.n_heads, self.dropout = n_heads, dropout
        self.q = nn.Linear(d_model, d_model)
        self.kv = nn.Linear(memory_dim, 2 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(
        self,
        x: torch.Tensor,
        memory: torch.Tensor,
        memory_padding_mask: torch.Tensor | None,
        cache: dict | None = None,
    ) -> torch.Tensor:
        batch, length, width = x.shape
        heads, head_dim = self.n_heads, width // self.n_heads
        q = self.q(x).view(batch, length, heads, head_dim).transpose(1, 2)
        if cache is not None and "k" in cache:
            k, v = cache["k"], cache["v"]
        else:
            k, v = (
                self.kv(memory)
                .view(batch, memory.shape[1], 2, heads, head_dim)
                .permute(2, 0, 3, 1, 4)
            )
            if cache is not None:
                cache["k"], cache["v"] = k, v
        mask = None if memory_padding_mask is None else ~memory_padding_mask[:, None, None, :]
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=self.dropout if self.training else 0.0
        )
        return self.proj(y.transpose(1, 2).reshape(batch, length, width))


class FeedForward(nn.Module):
    def __init__(self, d_model: int, d_ff: int, dropout: float):
        super().__init__()
        self.up = nn.Linear(d_model, d_ff)
        self.down = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.down(F.gelu(self.up(x))))


class Block(nn.Module):
    """Pre-LayerNorm block: self-attention, optional cross-attention, feed-forward, each residual."""

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        d_ff: int,
        dropout: float,
        causal: bool,
        memory_dim: int | None = None,
    ):
        super().__init__()
        self.ln_self = nn.LayerNorm(d_model)
        self.self_attn = SelfAttention(d_model, n_heads, dropout, causal)
        if memory_dim is not None:
            self.ln_cross = nn.LayerNorm(d_model)
            self.cross_attn = CrossAttention(d_model, memory_dim, n_heads, dropout)
        else:
            self.cross_attn = None
        self.ln_ff = nn.LayerNorm(d_model)
        self.ff = FeedForward(d_model, d_ff, dropout)
        self.dropout = nn.Dropout(dropout)

    def forward(
        self,
        x: torch.Tensor,
        key_padding_mask: torch.Tensor | None = None,
        memory: torch.Tensor | None = None,
        memory_padding_mask: torch.Tensor | None = None,
        cache: dict | None = None,
    ) -> torch.Tensor:
        x = x + self.dropout(
            self.self_attn(
                self.ln_self(x),
                key_padding_mask,
                None if cache is None else cache.setdefault("self", {}),
            )
        )
        if (
            self.cross_attn is not None and memory is not None
        ):  # skipped in decoder-only pretraining
            cross_cache = None if cache is None else cache.setdefault("cross", {})
            x = x + self.dropout(
                self.cross_attn(self.ln_cross(x), memory, memory_padding_mask, cross_cache)
            )
        return x + self.ff(self.ln_ff(x))


def init_weights(module: nn.Module, n_layers: int) -> None:
    """GPT-2 initialisation: N(0, 0.02), output projections scaled by 1/sqrt(2 * layers)."""
    for name, parameter in module.named_parameters():
        if parameter.dim() < 2:
            continue
        std = (
            0.02 / math.sqrt(2 * n_layers)
            if name.endswith(("proj.weight", "down.weight"))
            else 0.02
        )
        nn.init.normal_(parameter, mean=0.0, std=std)
    for sub in module.modules():
        if isinstance(sub, nn.Linear) and sub.bias is not None:
            nn.init.zeros_(sub.bias)
