"""GPU training throughput: tokens/s and model FLOP utilisation with bf16 and torch.compile on and off.

    python benchmarks/gpu_training.py [--steps 50]

Runs only where CUDA is available (it says so and writes nothing else otherwise). For
``decoder_pretrain`` and ``joint_train`` at the ``gpu`` environment's size (d_model 512, 6 layers,
batch 512) on random lines of lyric-like lengths: each combination of bf16 autocast and
``torch.compile``, after warm-up steps. MFU = 6 x parameters x tokens/s / the device's peak dense
bf16 FLOP/s (attention FLOPs left out, so it is a slight underestimate).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F
from common import report, row  # noqa: I001  (benchmarks/ is on the path when run as a script)

from melody_to_lyrics.models import (
    DecoderConfig,
    EncoderConfig,
    JointConfig,
    LyricDecoder,
    MelodyToLyrics,
)

PEAK_BF16 = {"H100": 989e12, "H200": 989e12, "A100": 312e12, "L4": 121e12, "A10": 125e12}
SIZE = {"d_model": 512, "n_layers": 6, "n_heads": 8, "d_ff": 2048, "dropout": 0.1}


def peak(name: str) -> float | None:
    return next((v for k, v in PEAK_BF16.items() if k in name), None)


def measure(kind: str, bf16: bool, compiled: bool, steps: int, device: torch.device) -> float:
    torch.manual_seed(0)
    decoder = DecoderConfig(vocab_size=16000, max_len=25, **SIZE)
    if kind == "decoder":
        model = LyricDecoder(decoder).to(device)
    else:
        model = MelodyToLyrics(
            JointConfig(EncoderConfig(vocab_sizes=(128, 12, 10, 32), max_notes=64, **SIZE), decoder)
        ).to(device)
    forward = torch.compile(model) if compiled else model
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True)
    rng = np.random.default_rng(0)
    tokens = 0
    for step in range(steps + 10):
        if step == 10:  # warm-up (and compilation) done
            torch.cuda.synchronize()
            start, tokens = time.perf_counter(), 0
        length = int(rng.integers(8, 24))
        x = torch.randint(4, 16000, (512, length), device=device)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=bf16):
            if kind == "decoder":
                logits = forward(x)
            else:
                notes = torch.stack(
                    [
                        torch.randint(0, s, (512, 2 * length), device=device)
                        for s in (128, 12, 10, 32)
                    ],
                    -1,
                )
                logits = forward(notes, x)
            loss = F.cross_entropy(logits.float().flatten(0, 1), x.flatten())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        tokens += x.numel()
    torch.cuda.synchronize()
    rate = tokens / (time.perf_counter() - start)
    return rate, sum(p.numel() for p in model.parameters())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA device here: nothing to measure (run this on a GPU machine)")
        return
    device = torch.device("cuda")
    name = torch.cuda.get_device_name(0)
    rows = []
    for kind in ("decoder", "joint"):
        for bf16 in (False, True):
            for compiled in (False, True):
                rate, parameters = measure(kind, bf16, compiled, args.steps, device)
                mfu = 6 * parameters * rate / peak(name) if peak(name) else None
                label = f"{'decoder_pretrain' if kind == 'decoder' else 'joint_train'} bf16={bf16} compile={compiled}"
                rows.append(row(f"{label}: tokens/s", rate, parameters=parameters))
                if mfu is not None:
                    rows.append(row(f"{label}: MFU", mfu))
    report("gpu_training", rows, {"device": name, "steps": args.steps, "size": SIZE})


if __name__ == "__main__":
    main()
