"""Generation with the decoder's key/value cache: each step feeds only the newest token."""

from __future__ import annotations

import torch

from melody_to_lyrics.models.decoder import LyricDecoder
from melody_to_lyrics.text.tokenizer import EOS_ID


@torch.no_grad()
def greedy(
    decoder: LyricDecoder,
    prompt: torch.Tensor,
    max_len: int,
    memory: torch.Tensor | None = None,
    memory_padding_mask: torch.Tensor | None = None,
) -> list[list[int]]:
    """Prompt plus the most likely continuation of each row, up to (not including) its first EOS.

    ``max_len`` counts every position, the prompt's included. Nothing is emitted after EOS.
    """
    cache = decoder.new_cache()
    logits = decoder(prompt, memory, memory_padding_mask, cache=cache, start=0)
    sequences = [row.tolist() for row in prompt]
    finished = torch.zeros(len(prompt), dtype=torch.bool, device=prompt.device)
    position = prompt.shape[1]
    while position < max_len:
        next_ids = logits[:, -1].argmax(-1)
        finished |= next_ids == EOS_ID
        for i in torch.nonzero(~finished).flatten().tolist():
            sequences[i].append(int(next_ids[i]))
        if bool(finished.all()) or position + 1 >= max_len:
            break
        logits = decoder(next_ids[:, None], memory, memory_padding_mask, cache=cache, start=position)
        position += 1
    return sequences
