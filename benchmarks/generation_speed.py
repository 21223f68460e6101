"""Generation speed: the key/value cache against recomputing the prefix, and batching.

    python benchmarks/generation_speed.py [--lines 256] [--rounds 3]

The joint model at the base (demo) size, its weights random (speed does not depend on them),
greedy decoding of 24 tokens per line for every line (EOS held back so that all lines are as long
as the cap). Targets: the cache at least 3x faster than recomputing the prefix at 24 tokens.
"""

from __future__ import annotations

import argparse

import torch
from common import alternate, report, row, timed  # noqa: I001  (benchmarks/ is on the path when run as a script)

from melody_to_lyrics.models import DecoderConfig, EncoderConfig, JointConfig, MelodyToLyrics
from melody_to_lyrics.models.generate import GenerationConfig, generate
from melody_to_lyrics.text.tokenizer import BOS_ID, EOS_ID

TOKENS = 24


def model() -> MelodyToLyrics:
    torch.manual_seed(0)
    encoder = EncoderConfig(
        vocab_sizes=(128, 12, 10, 32),
        d_model=128,
        n_layers=2,
        n_heads=4,
        d_ff=256,
        dropout=0.0,
        max_notes=64,
    )
    decoder = DecoderConfig(
        vocab_size=2000,
        d_model=128,
        n_layers=2,
        n_heads=4,
        d_ff=256,
        dropout=0.0,
        max_len=TOKENS + 1,
    )
    return MelodyToLyrics(JointConfig(encoder, decoder)).eval()


def inputs(joint: MelodyToLyrics, n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    notes = torch.stack(
        [
            torch.randint(0, size, (n, 16), generator=generator)
            for size in joint.config.encoder.vocab_sizes
        ],
        dim=-1,
    )
    with torch.no_grad():
        memory, mask = joint.encode(notes)
    return torch.full((n, 1), BOS_ID, dtype=torch.long), memory, mask


@torch.no_grad()
def recompute(joint: MelodyToLyrics, prompt, memory, mask) -> list[list[int]]:
    """The baseline: the whole prefix through the decoder at every step (no cache)."""
    sequence = prompt
    for _ in range(TOKENS):
        logits = joint.decoder(sequence, memory, mask)[:, -1].float()
        logits[:, EOS_ID] = float("-inf")
        sequence = torch.cat([sequence, logits.argmax(-1, keepdim=True)], dim=1)
    return sequence[:, 1:].tolist()


def cached(joint: MelodyToLyrics, prompt, memory, mask) -> list[list[int]]:
    config = GenerationConfig("greedy", max_len=TOKENS, min_tokens=TOKENS)
    return [r["tokens"] for r in generate(joint.decoder, prompt, config, memory, mask)]


def in_batches(fn, joint, prompt, memory, mask, batch: int) -> list:
    out = []
    for start in range(0, len(prompt), batch):
        s = slice(start, start + batch)
        out.extend(fn(joint, prompt[s], memory[s], mask[s]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    joint = model()
    prompt, memory, mask = inputs(joint, args.lines)
    same = in_batches(cached, joint, prompt, memory, mask, 64) == in_batches(
        recompute, joint, prompt, memory, mask, 64
    )
    times = alternate(
        {
            "cache": lambda: timed(lambda: in_batches(cached, joint, prompt, memory, mask, 64)),
            "recompute": lambda: timed(
                lambda: in_batches(recompute, joint, prompt, memory, mask, 64)
            ),
        },
        args.rounds,
    )
    few = 64  # one line at a time is slow: fewer lines
    single = alternate(
        {
            "batched": lambda: timed(
                lambda: in_batches(cached, joint, prompt[:few], memory[:few], mask[:few], 64)
            ),
            "one_at_a_time": lambda: timed(
                lambda: in_batches(cached, joint, prompt[:few], memory[:few], mask[:few], 1)
            ),
        },
        args.rounds,
    )
    cache_speedup = times["recompute"] / times["cache"]
    batch_speedup = single["one_at_a_time"] / single["batched"]
    rows = [
        row("lines/s, key/value cache (batch 64)", args.lines / times["cache"]),
        row("lines/s, recomputing the prefix (batch 64)", args.lines / times["recompute"]),
        row(f"cache speed-up at {TOKENS} tokens", cache_speedup, ">= 3x", cache_speedup >= 3.0),
        row("same lines with and without the cache", str(same), "True", same),
        row("lines/s, batch 64 (cache)", few / single["batched"]),
        row("lines/s, one line at a time (cache)", few / single["one_at_a_time"]),
        row("batching speed-up", batch_speedup),
    ]
    report(
        "generation_speed",
        rows,
        {"lines": args.lines, "tokens_per_line": TOKENS, "rounds": args.rounds},
    )


if __name__ == "__main__":
    main()
